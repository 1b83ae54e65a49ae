"""Routing is pure: one test per branch."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END

from simcoder.graph.routing import after_critic, after_planner, budget_exhausted
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
