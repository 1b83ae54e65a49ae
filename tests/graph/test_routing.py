"""Routing is pure: one test per branch."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END

from simcoder.graph.routing import after_critic, after_executor, after_planner, budget_exhausted
from simcoder.simulator.registry import KINDS


def state(**kw: Any) -> Any:
    base = {
        "modules": {m: {"round": 1} for m in KINDS},
        "pending": [],
        "model_calls": 0,
        "started_at": 1000.0,
        "status": "running",
    }
    base.update(kw)
    return base


def test_planner_fans_out_to_the_pending_coders() -> None:
    assert after_planner(state(pending=["mapping", "storage"])) == [
        "coder_mapping",
        "coder_storage",
    ]


def test_planner_with_nothing_to_write_goes_to_the_executor() -> None:
    assert after_planner(state(pending=[])) == "executor"


def test_executor_hands_a_running_run_to_the_critic() -> None:
    assert after_executor(state(status="running")) == "critic"
    no_status = state()
    del no_status["status"]  # before any node has set one
    assert after_executor(no_status) == "critic"


def test_executor_ends_a_run_the_reviewer_stopped() -> None:
    """``--approve`` rejected: no critic, no further rounds."""
    assert after_executor(state(status="stopped: the reviewer rejected sandbox run 1")) == END


def test_executor_ends_any_run_that_is_no_longer_running() -> None:
    for status in ("accepted", "budget: wall time 61 s (max 60 s)"):
        assert after_executor(state(status=status)) == END, status


def test_critic_ends_a_finished_run() -> None:
    assert after_critic(state(status="accepted")) == END
    assert after_critic(state(status="budget: mapping used its 3 rounds")) == END


def test_critic_routes_to_the_blamed_coder_only() -> None:
    assert after_critic(state(pending=["interconnect"])) == ["coder_interconnect"]


def test_budgets() -> None:
    assert budget_exhausted(state(), 3, 10, 60, now=1001.0) is None
    assert "model calls" in str(budget_exhausted(state(model_calls=10), 3, 10, 60, now=1001.0))
    assert "wall time" in str(budget_exhausted(state(), 3, 10, 60, now=1100.0))
    rounds = state(pending=["mapping"], modules={"mapping": {"round": 3}})
    assert "mapping used its 3 rounds" in str(budget_exhausted(rounds, 3, 10, 60, now=1001.0))
