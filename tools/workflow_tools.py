"""``run_candidates`` (the executor's sandbox run) and ``judge_candidates`` (the critic's
decision), each a thin LangChain tool over agents.executor / agents.critic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.tools import tool

from simcoder.agents.critic import judge
from simcoder.agents.executor import execute
from simcoder.agents.references import Reference
from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox.types import Limits


@tool
def run_candidates(
    run_dir: str,
    number: int,
    spec: dict[str, Any],
    candidates: dict[str, str],
    sandbox: str = "auto",
    timeout_s: float = 600,
    memory_mb: int = 4096,
    expected: dict[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Run candidate simulator modules (module kind -> Python file) in the sandbox: each
    module's checks, then the spec's workloads with all candidates swapped in. Returns a short
    summary: status, violations per module, cycles per workload and layer."""
    return execute(
        Path(run_dir),
        number,
        AcceleratorSpec.model_validate(spec),
        candidates,
        sandbox,
        Limits(timeout_s=timeout_s, memory_mb=memory_mb),
        expected,
    )


@tool
def judge_candidates(
    summary: dict[str, Any],
    generated: list[str],
    references: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Decide from a sandbox run's summary: accept when every check passes and cycles equal
    the reference (workload -> {source, layers: [[layer, cycles], ...]}); otherwise blame the
    first failing module in pipeline order, with concrete feedback."""
    refs = {
        w: Reference(r["source"], tuple((str(n), int(c)) for n, c in r["layers"]))
        for w, r in references.items()
    }
    v = judge(summary, generated, refs)
    return {
        "accept": v.accept,
        "blame": v.blame,
        "feedback": v.feedback,
        "passing": list(v.passing),
    }


ALL = [run_candidates, judge_candidates]
