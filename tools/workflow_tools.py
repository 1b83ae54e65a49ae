"""``run_candidates`` (the executor's sandbox run) and ``judge_candidates`` (the critic's
decision), each a thin LangChain tool over agents.executor / agents.critic. Their arguments
and results are typed: each tool's arguments are one pydantic model (``RunRequest``,
``JudgeRequest``), which LangChain validates a call against (so a tool-calling model sees its
JSON schema) and which the graph's nodes build and pass through ``run_in_trace`` /
``judge_in_trace``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated

from langchain_core.tools import InjectedToolArg, tool
from pydantic import BaseModel, ConfigDict, Field

from simcoder.agents.change.rules import Rule
from simcoder.agents.critic import Verdict, judge
from simcoder.agents.executor import ExecutionSummary, execute
from simcoder.agents.references import Reference
from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox.job_spec import ExpectedLayer
from simcoder.sandbox.types import Limits, Sandbox


class RunRequest(BaseModel):
    """``run_candidates``'s arguments (see ``agents.executor.execute``)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    run_dir: str
    number: int
    spec: AcceleratorSpec
    candidates: dict[str, str]
    sandbox: str = "auto"
    timeout_s: float = 600
    memory_mb: int = 4096
    expected: Mapping[str, Sequence[ExpectedLayer]] | None = None
    random_seed: int = 0
    random_budget_s: float = 0.0
    changes: Mapping[str, Mapping[str, object]] | None = None
    alternates: dict[str, str] | None = None
    # a Sandbox object in place of the named one (a test's fake): injected by the graph,
    # never part of the schema a model sees
    backend: Annotated[Sandbox | None, InjectedToolArg] = Field(default=None, exclude=True)


class JudgeRequest(BaseModel):
    """``judge_candidates``'s arguments (see ``agents.critic.judge``)."""

    model_config = ConfigDict(extra="forbid")

    summary: ExecutionSummary
    generated: list[str]
    references: dict[str, Reference]
    rules: list[Rule] | None = None
    oracle: list[str] | None = None


@tool(args_schema=RunRequest)
def run_candidates(
    run_dir: str,
    number: int,
    spec: AcceleratorSpec,
    candidates: dict[str, str],
    sandbox: str = "auto",
    timeout_s: float = 600,
    memory_mb: int = 4096,
    expected: Mapping[str, Sequence[ExpectedLayer]] | None = None,
    random_seed: int = 0,
    random_budget_s: float = 0.0,
    changes: Mapping[str, Mapping[str, object]] | None = None,
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


@tool(args_schema=JudgeRequest)
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


def run_in_trace(request: RunRequest) -> ExecutionSummary:
    """``run_candidates`` on typed arguments, as a tool run in the trace."""
    summary = run_candidates.invoke(dict(request))
    assert isinstance(summary, ExecutionSummary)
    return summary


def judge_in_trace(request: JudgeRequest) -> Verdict:
    """``judge_candidates`` on typed arguments, as a tool run in the trace."""
    verdict = judge_candidates.invoke(dict(request))
    assert isinstance(verdict, Verdict)
    return verdict
