"""What may import what: every ``__all__`` names things that exist, and the core (``simulator/``)
imports nothing from the workflow (graph, agents, tools, sandbox), read from the source and
seen at run time."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "simcoder"  # simcoder/<folder> are symlinks to the top-level folders
SIMULATOR = ROOT / "simulator"
OUTSIDE_THE_CORE = ("graph", "agents", "tools", "sandbox")


def _module_name(path: Path) -> str:
    """simcoder/graph/build.py -> simcoder.graph.build; a package's __init__.py -> the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _python_files(top: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if (Path(dirpath, d, "__init__.py")).is_file())
        yield from (Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))


def _defines_all(path: Path) -> bool:
    tree = ast.parse(path.read_text(), str(path))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    return False


PACKAGES = sorted(_module_name(p) for p in _python_files(PACKAGE) if p.name == "__init__.py")
WITH_ALL = sorted(
    _module_name(p)
    for p in _python_files(PACKAGE)
    if not any(part.startswith("_") for part in p.relative_to(ROOT).parts[:-1])
    and (p.name == "__init__.py" or not p.name.startswith("_"))
    and _defines_all(p)
)


def test_the_package_walk_sees_every_folder() -> None:
    """The lists below are not empty by accident: the walk follows the committed symlinks."""
    for folder in ("simulator", "graph", "agents", "tools", "sandbox", "workloads"):
        assert f"simcoder.{folder}" in PACKAGES, folder
    assert {"simcoder", "simcoder.simulator", "simcoder.sandbox"} <= set(WITH_ALL)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_package_imports(name: str) -> None:
    __import__(name)


@pytest.mark.parametrize("name", WITH_ALL)
def test_all_names_exist_and_star_import_gives_exactly_them(name: str) -> None:
    module = __import__(name, fromlist=["__all__"])
    names = module.__all__
    assert all(isinstance(n, str) for n in names), f"{name}.__all__ holds a non-string"
    assert len(set(names)) == len(names), f"{name}.__all__ repeats a name"
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"
    namespace: dict[str, object] = {}
    exec(f"from {name} import *", namespace)  # what a user's star import gets
    assert set(namespace) - {"__builtins__"} == set(names)


def imported_names(path: Path, package: str) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports, as absolute dotted names (relative imports resolved
    against ``package``; ``from a import b`` also yields ``a.b``, which may be a module)."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def outside_the_core(name: str) -> bool:
    parts = name.split(".")
    if parts[0] == "simcoder":
        parts = parts[1:]
    return bool(parts) and parts[0] in OUTSIDE_THE_CORE


def _core_violations(top: Path, package: str) -> list[str]:
    found = []
    for path in _python_files(top):
        rel = path.relative_to(top).with_suffix("").parts
        own = ".".join([package, *rel[:-1]])  # the package a relative import starts from
        for line, name in imported_names(path, own):
            if outside_the_core(name):
                found.append(f"{path.relative_to(top.parent)}:{line}: imports {name}")
    return found


def test_the_core_imports_nothing_from_the_workflow_in_its_source() -> None:
    assert _core_violations(SIMULATOR, "simcoder.simulator") == []


def test_the_import_scan_catches_every_spelling(tmp_path: Path) -> None:
    """The scan above can fail: each of these lines is one way to reach outside the core."""
    core = tmp_path / "simulator"
    (core / "sub").mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "sub" / "__init__.py").write_text("")
    lines = [
        "import simcoder.graph.build",
        "from simcoder import agents",
        "from simcoder.sandbox.types import Job",
        "from ...tools import ALL",  # from simcoder.simulator.sub: up to simcoder
        "import importlib\nimportlib.import_module('simcoder.sandbox.jobs')",
        "import sandbox",
    ]
    (core / "sub" / "bad.py").write_text("\n".join(lines) + "\nfrom ..engine import x\n")
    found = _core_violations(core, "simcoder.simulator")
    reached = {f.rsplit("imports ", 1)[1] for f in found}
    assert reached == {
        "simcoder.graph.build",
        "simcoder.agents",
        "simcoder.sandbox.types",
        "simcoder.sandbox.types.Job",
        "simcoder.tools",
        "simcoder.tools.ALL",
        "simcoder.sandbox.jobs",
        "sandbox",
    }


def _env() -> dict[str, str]:
    """This checkout's code first, whatever is installed."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *([path] if path else [])])}


def test_the_core_imports_nothing_from_the_workflow_at_run_time() -> None:
    code = (
        "import json, sys, pkgutil, importlib, simcoder.simulator.engine\n"
        "import simcoder.simulator as s\n"
        "for m in pkgutil.walk_packages(s.__path__, 'simcoder.simulator.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    loaded = json.loads(r.stdout.splitlines()[-1])
    assert "simcoder.simulator.engine" in loaded and "simcoder.simulator.checks.runner" in loaded
    reached = [m for m in loaded if m.startswith("simcoder.") and outside_the_core(m)]
    assert reached == []
    agent_stack = [m for m in loaded if m.split(".")[0] in ("langchain_core", "langgraph")]
    assert agent_stack == []
