"""Routing as pure functions of the state (one test per branch)."""

from __future__ import annotations

import time
from typing import Any

from langgraph.graph import END

from simcoder.graph.state import WorkflowState


def budget_exhausted(
    state: WorkflowState,
    max_rounds: int,
    max_model_calls: int,
    wall_time_s: float,
    now: float | None = None,
) -> str | None:
    """The one place budgets are enforced: why the run must stop, or None."""
    if state.get("model_calls", 0) >= max_model_calls:
        return f"budget: {state.get('model_calls', 0)} model calls used (max {max_model_calls})"
    elapsed = (now if now is not None else time.time()) - state.get("started_at", time.time())
    if elapsed >= wall_time_s:
        return f"budget: wall time {elapsed:.0f} s (max {wall_time_s:.0f} s)"
    for name in state.get("pending", []):
        if state["modules"][name]["round"] >= max_rounds:
            return f"budget: {name} used its {max_rounds} rounds"
    return None


def after_planner(state: WorkflowState) -> list[str] | str:
    """After planning (and the plan's review): the coders of the pending modules; a reviewer
    who rejects the plan ends the run."""
    if state.get("status", "running") != "running":
        return END
    pending = state.get("pending", [])
    return [f"coder_{m}" for m in pending] if pending else "executor"


def after_executor(state: WorkflowState) -> str:
    """A reviewer who rejects a sandbox run (``--approve``) stops the run before the critic."""
    return "critic" if state.get("status", "running") == "running" else END


def after_critic(state: WorkflowState) -> Any:
    if state.get("status", "running") != "running":
        return END
    return [f"coder_{m}" for m in state["pending"]]
