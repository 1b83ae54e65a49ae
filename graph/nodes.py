"""The nodes: planner, coder_<module>, executor, critic. Each reads the state and returns only
what it changes; anything big (code, logs) goes to the run directory."""

from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml
from langgraph.types import interrupt

from simcoder.agents.coders import LibraryCoder, LLMCoder
from simcoder.agents.critic import Verdict
from simcoder.agents.executor import ExecutionSummary
from simcoder.agents.references import (
    Reference,
    expected_columns,
    read_user_reference,
    reference_for,
)
from simcoder.agents.report import write_outputs
from simcoder.agents.spec import AcceleratorSpec
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.routing import budget_exhausted
from simcoder.graph.state import ModuleState, WorkflowState, running_seconds
from simcoder.simulator.errors import UserError
from simcoder.tools import judge_candidates, run_candidates


class Node(Protocol):
    def __call__(self, state: WorkflowState) -> WorkflowState: ...  # only what it changes


class PlannerError(UserError):
    """The planner could not turn the description into a spec; says what to change."""


def make_planner(config: WorkflowConfig) -> Node:
    def planner(state: WorkflowState) -> WorkflowState:
        spec = config.spec
        if spec is None:
            model = config.planner_model or config.model
            if model is None:
                raise PlannerError(
                    "turning a description into a spec needs a model: give "
                    "--model (or --spec FILE, see examples/)"
                )
            structured = model.with_structured_output(AcceleratorSpec, method="function_calling")
            spec = structured.invoke(
                "Extract the accelerator specification from this description. Use only what "
                f"it states.\n\n{config.description}"
            )
        run_dir = Path(state["run_dir"])
        (run_dir / "spec.yaml").write_text(yaml.safe_dump(spec.model_dump(), sort_keys=False))
        plan = [
            {
                "module": m,
                "goal": f"the {m} module of a {spec.array_rows}x"
                f"{spec.array_cols} {spec.dataflow.upper()} systolic "
                "array, exactly as its SPEC.md says",
            }
            for m in spec.modules
        ]
        references = {w: r.source for w, r in _references(config, spec).items()}
        (run_dir / "plan.json").write_text(
            json.dumps(
                {"tasks": plan, "workloads": spec.workloads, "references": references}, indent=2
            )
        )
        modules = {
            m: ModuleState(round=0, current=None, best=None, passing=False, feedback="", history=[])
            for m in spec.modules
        }
        return {
            "spec": spec.model_dump(),
            "plan": plan,
            "references": references,
            "modules": modules,
            "pending": list(spec.modules),
            "executions": 0,
            "status": "running",
            "started_at": time.time(),
            "model_calls": 1 if config.spec is None else 0,
        }

    return planner


def make_coder(module: str, config: WorkflowConfig) -> Node:
    def coder(state: WorkflowState) -> WorkflowState:
        if module not in state.get("pending", []):
            return {}
        rec = state["modules"][module].copy()
        model = config.model_for(module)
        writer = (
            LibraryCoder()
            if model is None
            else LLMCoder(model, config.strategy, endpoint=config.endpoint)
        )
        number = rec["round"] + 1
        directory = Path(state["run_dir"]) / "attempts" / module / f"{number:02d}"
        goal = next(t["goal"] for t in state["plan"] if t["module"] == module)
        history = "\n".join(rec["history"])
        feedback = rec["feedback"] + (f"\n\nYour earlier attempts:\n{history}" if history else "")
        attempt = writer.write(module, number, directory, f"Write {goal}.", feedback.strip())
        line = f"attempt {number} ({writer.name}): {attempt.status}" + (
            f" — {attempt.detail}" if attempt.detail else ""
        )
        rec["round"], rec["history"] = number, [*rec["history"], line]
        if attempt.path is not None:
            rec["current"] = str(attempt.path)
        else:  # no usable code: keep running the best earlier version, if any
            rec["feedback"] = attempt.detail
        return {"modules": {module: rec}, "model_calls": attempt.model_calls}

    return coder


@lru_cache(maxsize=32)
def _cached_references(
    spec_json: str, mode: str, user_file: str | None, _user_mtime_ns: int | None
) -> dict[str, Reference]:
    spec = AcceleratorSpec.model_validate_json(spec_json)
    user = (Path(user_file), read_user_reference(Path(user_file))) if user_file else None
    return {w: reference_for(spec, w, user, mode) for w in spec.workloads}


def _references(config: WorkflowConfig, spec: AcceleratorSpec) -> dict[str, Reference]:
    """The reference per workload, computed once per spec, mode and reference file (version):
    the planner, the executor and the critic of every round ask for the same numbers."""
    f = config.reference_file
    mtime = f.stat().st_mtime_ns if f is not None and f.exists() else None
    key = (spec.model_dump_json(), config.reference, str(f) if f else None, mtime)
    return dict(_cached_references(*key))


def make_executor(config: WorkflowConfig) -> Node:
    def executor(state: WorkflowState) -> WorkflowState:
        spec = AcceleratorSpec.model_validate(state["spec"])
        candidates = {m: r["current"] for m, r in state["modules"].items() if r["current"]}
        number = state.get("executions", 0) + 1
        if config.approve:
            decision = interrupt(
                {
                    "execution": number,
                    "candidates": candidates,
                    "question": f"run these modules in the {config.sandbox} sandbox?",
                }
            )
            if not (isinstance(decision, dict) and decision.get("approve")):
                reason = decision.get("reason", "") if isinstance(decision, dict) else ""
                return {
                    "status": f"stopped: the reviewer rejected sandbox run {number}"
                    + (f" ({reason})" if reason else ""),
                    "pending": [],
                }
        expected = expected_columns(_references(config, spec))
        summary: ExecutionSummary = run_candidates.invoke(  # a tool run in the trace
            {
                "run_dir": state["run_dir"],
                "number": number,
                "spec": spec,
                "candidates": candidates,
                "sandbox": config.sandbox,
                "timeout_s": config.sandbox_timeout_s,
                "memory_mb": config.sandbox_memory_mb,
                "expected": expected,
                "random_seed": config.random_seed + number - 1,
                "random_budget_s": config.random_budget_s,
            }
        )
        return {"executions": number, "last_execution": summary.to_state()}

    return executor


def make_critic(config: WorkflowConfig) -> Node:
    def critic(state: WorkflowState) -> WorkflowState:
        began = time.time()
        spec = AcceleratorSpec.model_validate(state["spec"])
        refs = _references(config, spec)
        summary = ExecutionSummary.from_state(state["last_execution"])
        verdict: Verdict = judge_candidates.invoke(  # a tool run in the trace
            {"summary": summary, "generated": list(spec.modules), "references": refs}
        )
        modules = {m: _after_verdict(rec, m, verdict) for m, rec in state["modules"].items()}
        update: WorkflowState = {"modules": modules, "verdict": verdict.to_state()}
        if verdict.accept:
            update["status"], update["pending"] = "accepted", []
        else:
            pending = [verdict.blame] if verdict.blame else []
            probe: WorkflowState = {**state, "pending": pending, "modules": modules}
            # the run's clock counts only the time nodes ran (graph/state.py: ran), not a
            # pause for --approve nor the time between a kill and `resume`
            ran = running_seconds([*state.get("ran", []), [began, time.time()]])
            clock = state.get("started_at", began) + ran
            stop = (
                budget_exhausted(
                    probe, config.max_rounds, config.max_model_calls, config.wall_time_s, clock
                )
                if pending
                else "failed: nothing to blame"
            )
            update["status"], update["pending"] = stop or "running", (pending if not stop else [])
        if update["status"] != "running":
            write_outputs(Path(state["run_dir"]), spec, {**state, **update}, refs, summary)
        return update

    return critic


def _after_verdict(rec: ModuleState, module: str, verdict: Verdict) -> ModuleState:
    """A module's record once the critic has spoken: a passing module keeps its version as the
    best; the blamed one gets the feedback (and its last passing version back, if a fix broke
    a check)."""
    new = rec.copy()
    if module in verdict.passing:
        new["passing"], new["best"], new["feedback"] = True, rec["current"], ""
    if module == verdict.blame:
        note = ""
        if rec["best"] and rec["current"] != rec["best"]:  # a fix that broke a check
            new["current"] = rec["best"]
            note = " (reverted to the last passing version)"
        new["passing"], new["feedback"] = False, verdict.feedback + note
    return new
