"""build_workflow(config) -> an uncompiled StateGraph; compile_workflow adds the SQLite
checkpointer in the run directory."""

from __future__ import annotations

import fnmatch
import os
import signal
import sqlite3
import time
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from simcoder.agents.spec import MODULES
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.nodes import (
    Node,
    make_coder,
    make_critic,
    make_executor,
    make_planner,
    make_review,
)
from simcoder.graph.routing import after_critic, after_executor, after_planner
from simcoder.graph.state import WorkflowState

# For tests only (tests/graph/test_kill_resume.py): a process started with this variable set
# to a point's name kills itself with SIGKILL there, so a test can stop a run exactly at a node
# boundary. The points: "start:NODE" (NODE begins; every earlier node's checkpoint is on disk)
# and "end" (the graph has finished); the value may be a pattern ("start:coder_*": whichever
# coder begins first). Unset, or matching no point, it does nothing.
KILL_AT = "SIMCODER_TEST_KILL_AT"


def kill_point(name: str) -> None:
    pattern = os.environ.get(KILL_AT)
    if pattern and fnmatch.fnmatchcase(name, pattern):
        os.kill(os.getpid(), signal.SIGKILL)


def _timed(name: str, node: Node) -> Node:
    """The node, adding the interval it ran in to ``ran`` (the wall-time budget's clock)."""

    def run(state: WorkflowState) -> WorkflowState:
        kill_point(f"start:{name}")
        start = time.time()
        update = node(state)
        return {**update, "ran": [[start, time.time()]]}

    return run


def build_workflow(config: WorkflowConfig) -> StateGraph:  # type: ignore[type-arg]
    graph = StateGraph(WorkflowState)
    graph.add_node("planner", _timed("planner", make_planner(config)))
    # with --approve and changes to make: a pause to read and edit changes/*.md (else a no-op)
    graph.add_node("review", _timed("review", make_review(config)))
    coders = [f"coder_{m}" for m in MODULES]
    for m, name in zip(MODULES, coders, strict=True):
        graph.add_node(name, _timed(name, make_coder(m, config)))
        graph.add_edge(name, "executor")
    graph.add_node("executor", _timed("executor", make_executor(config)))
    graph.add_node("critic", _timed("critic", make_critic(config)))
    graph.add_edge(START, "planner")
    graph.add_edge("planner", "review")
    graph.add_conditional_edges("review", after_planner, [*coders, "executor", END])
    graph.add_conditional_edges("executor", after_executor, ["critic", END])
    graph.add_conditional_edges("critic", after_critic, [*coders, END])
    return graph


def compile_workflow(config: WorkflowConfig) -> tuple[Any, sqlite3.Connection]:
    config.run_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(config.run_dir / "checkpoints.sqlite", check_same_thread=False)
    return build_workflow(config).compile(checkpointer=SqliteSaver(conn)), conn
