"""build_workflow(config) -> an uncompiled StateGraph; compile_workflow adds the SQLite
checkpointer in the run directory."""

from __future__ import annotations

import sqlite3
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from simcoder.agents.spec import MODULES
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.nodes import make_coder, make_critic, make_executor, make_planner
from simcoder.graph.routing import after_critic, after_executor, after_planner
from simcoder.graph.state import WorkflowState


def build_workflow(config: WorkflowConfig) -> StateGraph:  # type: ignore[type-arg]
    graph = StateGraph(WorkflowState)
    graph.add_node("planner", make_planner(config))
    coders = [f"coder_{m}" for m in MODULES]
    for m, name in zip(MODULES, coders, strict=True):
        graph.add_node(name, make_coder(m, config))
        graph.add_edge(name, "executor")
    graph.add_node("executor", make_executor(config))
    graph.add_node("critic", make_critic(config))
    graph.add_edge(START, "planner")
    graph.add_conditional_edges("planner", after_planner, [*coders, "executor"])
    graph.add_conditional_edges("executor", after_executor, ["critic", END])
    graph.add_conditional_edges("critic", after_critic, [*coders, END])
    return graph


def compile_workflow(config: WorkflowConfig) -> tuple[Any, sqlite3.Connection]:
    config.run_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(config.run_dir / "checkpoints.sqlite", check_same_thread=False)
    return build_workflow(config).compile(checkpointer=SqliteSaver(conn)), conn
