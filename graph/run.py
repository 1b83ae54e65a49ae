"""The Python entry points: generate (start a run) and resume (finish a stopped one)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langgraph.types import Command

from simcoder.graph.build import compile_workflow
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.tracing import JsonlTracer

CONFIG_FILE = "run_config.json"


Progress = Callable[[str, dict[str, Any]], None]
# Given the executor's approval request (execution number, candidate paths, question), return
# {"approve": bool, "reason": str}.
Approver = Callable[[dict[str, Any]], dict[str, Any]]
AWAITING = "awaiting approval"


def _invoke(
    config: WorkflowConfig,
    inputs: dict[str, Any] | Command | None,  # type: ignore[type-arg]
    thread_id: str,
    progress: Progress | None = None,
    approver: Approver | None = None,
) -> dict[str, Any]:
    """Stream the graph to its end. A run started with ``approve`` pauses (a LangGraph
    interrupt) before each sandbox run: ``approver`` answers at once, or, without one, the
    state comes back with status "awaiting approval" and the request, to be answered by
    :func:`resume` with a ``decision``."""
    app, conn = compile_workflow(config)
    tracer = JsonlTracer(config.run_dir / "trace.jsonl")
    run_config: Any = {
        "configurable": {"thread_id": thread_id},
        "recursion_limit": config.recursion_limit(),
        "callbacks": [tracer],
        "run_name": "simcoder",
    }
    try:
        if isinstance(inputs, Command) and not app.get_state(run_config).interrupts:
            inputs = None  # nothing is waiting for this answer: just continue
        while True:
            for chunk in app.stream(inputs, run_config, stream_mode="updates"):
                for node, update in chunk.items():
                    if progress is not None and isinstance(update, dict):
                        progress(node, update)
            snapshot = app.get_state(run_config)
            waiting = [i.value for i in snapshot.interrupts]
            if not waiting:
                return dict(snapshot.values)
            if approver is None:
                return {**snapshot.values, "status": AWAITING, "approval_request": waiting[0]}
            inputs = Command(resume=approver(waiting[0]))
    finally:
        conn.close()


def describe(node: str, update: dict[str, Any]) -> str | None:
    """One line of the live progress view for a node's update (None: nothing to show)."""
    if node == "planner":
        return (
            f"planner: plan for {', '.join(update.get('pending', []))}; references "
            f"{', '.join(sorted(set(update.get('references', {}).values())))}"
        )
    if node.startswith("coder_"):
        for rec in update.get("modules", {}).values():
            return f"{node}: {rec['history'][-1]}"
        return None
    if node == "executor":
        e = update["last_execution"]
        return (
            f"executor: sandbox run {e['number']} on {e['backend']}: {e['status']} "
            f"in {e['wall_s']:.1f} s"
        )
    if node == "critic":
        v = update["verdict"]
        verdict = "accept" if v["accept"] else f"reject, blame {v['blame']}"
        return f"critic: {verdict} -> {update.get('status')}"
    return None


def generate(
    config: WorkflowConfig, progress: Progress | None = None, approver: Approver | None = None
) -> dict[str, Any]:
    """Run the workflow to the end; returns the final state (also in the run directory)."""
    config.run_dir.mkdir(parents=True, exist_ok=True)
    thread_id = uuid.uuid4().hex
    (config.run_dir / CONFIG_FILE).write_text(
        json.dumps(
            {
                "thread_id": thread_id,
                "created": time.time(),
                "spec": config.spec.model_dump() if config.spec else None,
                "description": config.description,
                "strategy": config.strategy,
                "sandbox": config.sandbox,
                "max_rounds": config.max_rounds,
                "approve": config.approve,
                "reference": config.reference,
                "reference_file": str(config.reference_file) if config.reference_file else None,
                "models": {m: repr(v) for m, v in config.models.items()},
                "model": repr(config.model) if config.model is not None else None,
            },
            indent=2,
        )
    )
    return _invoke(config, {"run_dir": str(config.run_dir)}, thread_id, progress, approver)


def resume(
    config: WorkflowConfig,
    progress: Progress | None = None,
    approver: Approver | None = None,
    decision: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Continue a run from its last checkpoint; finished nodes are not redone. A run waiting
    for approval takes ``decision`` ({"approve": bool, "reason": str}) or asks ``approver``."""
    saved = json.loads((config.run_dir / CONFIG_FILE).read_text())
    start: Command | None = None  # type: ignore[type-arg]
    if decision is not None:
        start = Command(resume=decision)
    return _invoke(config, start, saved["thread_id"], progress, approver)


def load_config(run_dir: Path, **overrides: Any) -> WorkflowConfig:
    """The configuration a run was started with. Chat models are not serialisable: pass them
    as overrides (``model=``, ``models=``); the command line rebuilds them from the run's
    ``models.json``. The library coder is used where none is given."""
    from simcoder.agents.spec import AcceleratorSpec

    saved = json.loads((run_dir / CONFIG_FILE).read_text())
    spec = AcceleratorSpec.model_validate(saved["spec"]) if saved["spec"] else None
    fields: dict[str, Any] = {
        "run_dir": run_dir,
        "spec": spec,
        "description": saved["description"],
        "strategy": saved["strategy"],
        "sandbox": saved["sandbox"],
        "max_rounds": saved["max_rounds"],
        "approve": saved.get("approve", False),
        "reference": saved.get("reference", "auto"),
        "reference_file": Path(saved["reference_file"]) if saved.get("reference_file") else None,
    }
    fields.update({k: v for k, v in overrides.items() if v is not None})
    return WorkflowConfig(**fields)
