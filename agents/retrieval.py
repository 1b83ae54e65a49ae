"""In-context examples: BM25 over the component library (no model needed), never the target."""

from __future__ import annotations

from pathlib import Path

from langchain_community.retrievers import BM25Retriever
from langchain_core.documents import Document

import simcoder.simulator as sim

# the fast path fuses all three modules: it would hand over any target; the known changes
# (components/) are the answers of the eval's tasks beyond SCALE-Sim
ALWAYS_EXCLUDED = ("fast", "components")
# the invariants know the exact ofmap size (an eval variant's answer): never an example
EXCLUDED_FILES = ("checks/invariants.py",)


def library_documents(exclude_module: str, exclude: tuple[str, ...] = ()) -> list[Document]:
    """Every source file of the core except the target module's own folder, the fast path and
    any other folder named in ``exclude``."""
    root = Path(sim.__file__).parent
    skip = {exclude_module, *ALWAYS_EXCLUDED, *exclude}
    docs = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in skip or "__pycache__" in rel.parts or str(rel) in EXCLUDED_FILES:
            continue
        docs.append(Document(page_content=path.read_text(), metadata={"path": str(rel)}))
    return docs


def examples_for(module: str, query: str, k: int = 2, exclude: tuple[str, ...] = ()) -> str:
    retriever = BM25Retriever.from_documents(library_documents(module, exclude), k=k)
    picked = retriever.invoke(query)
    return "\n\n".join(
        f"### {d.metadata['path']}\n```python\n{d.page_content}\n```" for d in picked
    )
