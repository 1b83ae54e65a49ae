"""The Python entry points: generate (start a run) and resume (finish a stopped one)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from langgraph.types import Command
from pydantic import ValidationError

from simcoder.graph.build import compile_workflow, kill_point
from simcoder.graph.config import RunRecord, WorkflowConfig, WorkflowSettings
from simcoder.graph.state import ApprovalRequest, Decision, RunState, WorkflowState
from simcoder.graph.tracing import JsonlTracer
from simcoder.simulator.errors import UserError

CONFIG_FILE = "run_config.json"


class RunConfigError(UserError):
    """run_config.json is missing, not JSON, or not what ``generate`` wrote."""


Progress = Callable[[str, WorkflowState], None]
# Given the approval request (the plan's rules, or a sandbox run's execution number and
# candidate paths; and the question), return {"approve": bool, "reason": str}.
Approver = Callable[[ApprovalRequest], Decision]
AWAITING = "awaiting approval"


def _invoke(
    config: WorkflowConfig,
    inputs: WorkflowState | Command | None,  # type: ignore[type-arg]
    thread_id: str,
    progress: Progress | None = None,
    approver: Approver | None = None,
) -> RunState:
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
            # "sync": each step's checkpoint is on disk before the next step starts, so a kill
            # -9 at any point loses at most the nodes that were running (the default, "async",
            # writes it while the next step runs: the coders' work could be lost)
            for chunk in app.stream(inputs, run_config, stream_mode="updates", durability="sync"):
                for node, update in chunk.items():
                    if progress is not None and isinstance(update, dict):
                        progress(node, cast(WorkflowState, update))
            snapshot = app.get_state(run_config)
            waiting = [i.value for i in snapshot.interrupts]
            if not waiting:
                kill_point("end")
                return cast(RunState, dict(snapshot.values))
            if approver is None:
                state = {**snapshot.values, "status": AWAITING, "approval_request": waiting[0]}
                return cast(RunState, state)
            inputs = Command(resume=approver(waiting[0]))
    finally:
        conn.close()


def describe(node: str, update: WorkflowState) -> str | None:
    """One line of the live progress view for a node's update (None: nothing to show)."""
    if node == "planner":
        rules = update.get("rules", [])
        changes = (
            "; rules " + ", ".join(f"changes/{r['number']}.md ({r['module']})" for r in rules)
            if rules
            else ""
        )
        return (
            f"planner: plan for {', '.join(update.get('pending', []))}{changes}; references "
            f"{', '.join(sorted(set(update.get('references', {}).values())))}"
        )
    if node == "review":
        if "rules" not in update:
            return None
        return f"review: {len(update['rules'])} rule(s) read back from changes/ after approval"
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
) -> RunState:
    """Run the workflow to the end; returns the final state (also in the run directory)."""
    thread_id = uuid.uuid4().hex
    save_run_config(config, thread_id)
    return _invoke(config, {"run_dir": str(config.run_dir)}, thread_id, progress, approver)


def resume(
    config: WorkflowConfig,
    progress: Progress | None = None,
    approver: Approver | None = None,
    decision: Decision | None = None,
) -> RunState:
    """Continue a run from its last checkpoint; finished nodes are not redone. A run waiting
    for approval takes ``decision`` ({"approve": bool, "reason": str}) or asks ``approver``.
    ``config`` (usually :func:`load_config`'s) is saved in turn, so a later ``resume`` keeps
    what this one was given."""
    saved = read_run_config(config.run_dir)
    save_run_config(config, saved.thread_id, saved.created)
    start: Command | None = None  # type: ignore[type-arg]
    if decision is not None:
        start = Command(resume=decision)
    return _invoke(config, start, saved.thread_id, progress, approver)


def save_run_config(config: WorkflowConfig, thread_id: str, created: float | None = None) -> None:
    """``run_config.json``: every setting but the chat models (``models.json`` names those)."""
    record = RunRecord(
        **dict(config.settings()),
        thread_id=thread_id,
        created=time.time() if created is None else created,
    )
    config.run_dir.mkdir(parents=True, exist_ok=True)
    (config.run_dir / CONFIG_FILE).write_text(record.model_dump_json(indent=2) + "\n")


LEGACY_KEYS = ("model", "models")  # reprs of chat models, written before budgets were saved


def read_run_config(run_dir: Path) -> RunRecord:
    """The saved settings, validated; a missing, corrupt or mis-edited file is one line that
    names the file and the field."""
    path = run_dir / CONFIG_FILE
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise RunConfigError(
            f"{run_dir}: not a simcoder run directory (no {CONFIG_FILE})"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunConfigError(f"{path}: cannot be read as JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise RunConfigError(f"{path}: not a JSON object; it is written by simcoder generate")
    for key in LEGACY_KEYS:
        raw.pop(key, None)
    try:
        return RunRecord.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a check across fields (WorkflowSettings.model_post_init)
            raise RunConfigError(f"{path}: {msg}") from None
        where = ".".join(str(x) for x in first["loc"])
        raise RunConfigError(f"{path}: field {where}: {msg}") from None


def load_config(run_dir: Path, **overrides: Any) -> WorkflowConfig:
    """The configuration a run goes on with: everything saved in ``run_config.json`` (spec,
    strategy, sandbox, reference, every budget), with ``overrides`` that are not None on top.
    Chat models are not serialisable: pass them as overrides (``model=``, ``models=``); the
    command line rebuilds them from the run's ``models.json``. The library coder is used where
    none is given."""
    saved = read_run_config(run_dir)
    fields: dict[str, Any] = {k: getattr(saved, k) for k in WorkflowSettings.model_fields}
    fields.update({k: v for k, v in overrides.items() if v is not None})
    return WorkflowConfig(run_dir=run_dir, **fields)
