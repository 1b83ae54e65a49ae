"""``run_candidates`` (the executor's sandbox run) and ``judge_candidates`` (the critic's
decision), each a thin LangChain tool over agents.executor / agents.critic. Their arguments
and results are typed (LangChain validates the arguments against the same types, so a
tool-calling model sees their JSON schema)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from langchain_core.tools import InjectedToolArg, tool

from simcoder.agents.changes import Rule
from simcoder.agents.critic import Verdict, judge
from simcoder.agents.executor import ExecutionSummary, execute
from simcoder.agents.references import Reference
from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox.types import Limits, Sandbox


@tool
def run_candidates(
    run_dir: str,
    number: int,
    spec: AcceleratorSpec,
    candidates: dict[str, str],
    sandbox: str = "auto",
    timeout_s: float = 600,
    memory_mb: int = 4096,
    expected: dict[str, list[Any]] | None = None,
    random_seed: int = 0,
    random_budget_s: float = 0.0,
    changes: dict[str, dict[str, Any]] | None = None,
    alternates: dict[str, str] | None = None,
    backend: Annotated[Sandbox | None, InjectedToolArg] = None,
) -> ExecutionSummary:
    """Run candidate simulator modules (module kind -> Python file) in the sandbox: each
    module's checks, then the spec's workloads with all candidates swapped in. Returns a short
    summary: status, violations per module, cycles per workload and layer."""
    # backend: a Sandbox object in place of the named one (a test's fake); never a model's
    return execute(
        Path(run_dir),
        number,
        spec,
        candidates,
        backend if backend is not None else sandbox,
        Limits(timeout_s=timeout_s, memory_mb=memory_mb),
        expected,
        random_seed,
        random_budget_s,
        changes=changes,
        alternates=alternates,
    )


@tool
def judge_candidates(
    summary: ExecutionSummary,
    generated: list[str],
    references: dict[str, Reference],
    rules: list[Rule] | None = None,
    oracle: list[str] | None = None,
) -> Verdict:
    """Decide from a sandbox run's summary: accept when every check passes and cycles equal
    the reference (workload -> {source, layers: [[layer, cycles], ...]}); otherwise blame the
    first failing module in pipeline order, with concrete feedback."""
    return judge(summary, generated, references, rules or [], oracle or [])


ALL = [run_candidates, judge_candidates]
