"""Workflow state: paths, hashes and short summaries, never code or logs.

Typed values are held in their serialised form (what the checkpointer stores), each written
and read back only by its type's pair: ``AcceleratorSpec.model_dump`` / ``model_validate``,
``ExecutionSummary.to_state`` / ``from_state``, ``Verdict.to_state`` / ``from_state``."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, NotRequired, TypedDict


class ModuleState(TypedDict):
    round: int  # attempts made
    current: str | None  # path of the version to run next
    best: str | None  # path of the best version whose checks passed
    passing: bool
    feedback: str
    history: list[str]  # one line per attempt
    # the second version of a changed module (--versions 2), run beside ``current``
    alternate: NotRequired[str | None]


def merge_modules(
    old: dict[str, ModuleState], new: dict[str, ModuleState]
) -> dict[str, ModuleState]:
    """Coders run in parallel: each returns only its own module's record."""
    return {**old, **new}


class WorkflowState(TypedDict, total=False):
    run_dir: str
    spec: dict[str, Any]  # AcceleratorSpec, serialised
    plan: list[dict[str, str]]
    references: dict[str, str]  # workload -> who vouches for its cycles
    # the changes' rules (agents/change/rules.Rule), as changes/*.md say
    rules: list[dict[str, Any]]
    modules: Annotated[dict[str, ModuleState], merge_modules]
    pending: list[str]  # modules to (re)write next
    model_calls: Annotated[int, operator.add]
    executions: int
    last_execution: dict[str, Any]  # ExecutionSummary, serialised
    verdict: dict[str, Any]  # Verdict, serialised (feedback cut to its first 2000 characters)
    status: str  # running | accepted | budget: ... | failed: ...
    started_at: float
    # [start, end] (epoch seconds) of every node run that finished (graph/build.py adds them):
    # the wall-time budget counts their union, so a pause for --approve, or the time between a
    # kill and `resume`, is not counted
    ran: Annotated[list[list[float]], operator.add]


class ApprovalRequest(TypedDict, total=False):
    """What a pause (a LangGraph interrupt, ``--approve``) asks the reviewer: the plan's rules
    to read and edit (``stage`` "plan"), or the candidates of sandbox run ``execution``."""

    stage: str
    rules: list[str]
    execution: int
    candidates: dict[str, str]
    question: str


class Decision(TypedDict, total=False):
    """The reviewer's answer to an ``ApprovalRequest``."""

    approve: bool
    reason: str


class RunState(WorkflowState, total=False):
    """What ``generate`` and ``resume`` return: the final state, or, while the run waits for
    approval, the state with status "awaiting approval" and the request."""

    approval_request: ApprovalRequest


def running_seconds(intervals: Iterable[Sequence[float]]) -> float:
    """The length of the union of [start, end] intervals: parallel coders count once."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted((float(a), float(b)) for a, b in intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total
