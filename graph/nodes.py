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

from simcoder.agents.change.evidence import apply_changes, job_changes, user_numbers
from simcoder.agents.change.planning import (
    PlannerError,
    check_expected,
    modules_to_write,
    plan_description,
    plan_rules,
    reviewed,
)
from simcoder.agents.change.rules import RULES_DIR, Rule, read_rules, write_rules
from simcoder.agents.coders import LibraryCoder, LLMCoder
from simcoder.agents.critic import Verdict
from simcoder.agents.executor import ExecutionSummary
from simcoder.agents.models import ChatModel
from simcoder.agents.references import (
    Reference,
    expected_columns,
    read_user_reference,
    reference_for,
)
from simcoder.agents.report import ModuleOutcome, RunOutcome, write_outputs
from simcoder.agents.spec import MODULES, AcceleratorSpec, ChangeError
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.routing import budget_exhausted
from simcoder.graph.state import ApprovalRequest, ModuleState, WorkflowState, running_seconds
from simcoder.tools import JudgeRequest, RunRequest, judge_in_trace, run_in_trace


class Node(Protocol):
    def __call__(self, state: WorkflowState) -> WorkflowState: ...  # only what it changes


__all__ = ["PlannerError"]


def _goal(spec: AcceleratorSpec, module: str, rules: list[Rule]) -> str:
    goal = (
        f"the {module} module of a {spec.array_rows}x{spec.array_cols} "
        f"{spec.dataflow.upper()} systolic array, exactly as its SPEC.md says"
    )
    mine = [r for r in rules if r.module == module]
    if mine:
        files = ", ".join(f"changes/{r.filename}" for r in mine)
        goal += f", with the change(s) in {files}"
    return goal


def make_planner(config: WorkflowConfig) -> Node:
    def planner(state: WorkflowState) -> WorkflowState:
        spec = config.spec
        calls = 0
        sentences: list[dict[str, object]] = []
        model = config.planner_model or config.model
        if spec is None:
            if model is None:
                raise PlannerError(
                    "turning a description into a spec needs a model: give "
                    "--model (or --spec FILE, see examples/)"
                )
            spec, sentences, calls = plan_description(model, config.description or "")
        check_expected(spec)
        rules, rule_calls = plan_rules(spec, config.model_for, model)
        calls += rule_calls
        spec = spec.model_copy(update={"modules": modules_to_write(spec, rules)})
        run_dir = Path(state["run_dir"])
        (run_dir / "spec.yaml").write_text(
            yaml.safe_dump(spec.model_dump(mode="json", exclude_defaults=False), sort_keys=False)
        )
        write_rules(run_dir, rules)
        plan = [{"module": m, "goal": _goal(spec, m, rules)} for m in spec.modules]
        references = {w: r.source for w, r in _references(config, spec, rules).items()}
        doc = {
            "tasks": plan,
            "workloads": spec.workloads,
            "references": references,
            "sentences": sentences,
            "changes": [
                {
                    "change": i,
                    "text": c.text,
                    "rules": [f"changes/{r.filename}" for r in rules if r.change == i],
                    "modules": sorted({r.module for r in rules if r.change == i}),
                }
                for i, c in enumerate(spec.changes, 1)
            ],
        }
        (run_dir / "plan.json").write_text(json.dumps(doc, indent=2))
        modules: dict[str, ModuleState] = {m: _fresh() for m in spec.modules}
        return {
            "spec": spec.model_dump(mode="json"),
            "plan": plan,
            "references": references,
            "rules": [r.model_dump(mode="json") for r in rules],
            "modules": modules,
            "pending": list(spec.modules),
            "executions": 0,
            "status": "running",
            "started_at": time.time(),
            "model_calls": calls,
        }

    return planner


def _fresh() -> ModuleState:
    return ModuleState(
        round=0, current=None, best=None, passing=False, feedback="", history=[], alternate=None
    )


def rules_of(state: WorkflowState) -> list[Rule]:
    return [Rule.model_validate(r) for r in state.get("rules", [])]


def make_review(config: WorkflowConfig) -> Node:
    """With ``--approve`` and changes to make, pause after planning (a LangGraph interrupt) so a
    person can read and edit ``changes/*.md``; the edited files are read back here, before any
    code is written."""

    def review(state: WorkflowState) -> WorkflowState:
        if not config.approve or not state.get("rules"):
            return {}
        run_dir = Path(state["run_dir"])
        request: ApprovalRequest = {
            "stage": "plan",
            "rules": [f"changes/{r.filename}" for r in rules_of(state)],
            "question": f"read and edit the rules in {run_dir / RULES_DIR}, then approve "
            "writing the modules",
        }
        decision = interrupt(request)
        if not (isinstance(decision, dict) and decision.get("approve")):
            reason = decision.get("reason", "") if isinstance(decision, dict) else ""
            return {
                "status": "stopped: the reviewer rejected the plan"
                + (f" ({reason})" if reason else ""),
                "pending": [],
            }
        spec = AcceleratorSpec.model_validate(state["spec"])
        before = {r.number: r for r in rules_of(state)}
        rules = [
            reviewed(spec, r, before.get(r.number), str(run_dir / RULES_DIR / r.filename))
            for r in read_rules(run_dir)
        ]
        if not rules:
            raise ChangeError(f"{run_dir / RULES_DIR}: the rule files are gone; nothing to write")
        write_rules(run_dir, rules)  # recomputed examples are written back for the record
        wanted = [m for m in spec.modules]
        for r in rules:
            if r.module not in wanted:
                wanted.append(r.module)
        modules: dict[str, ModuleState] = {m: state["modules"].get(m) or _fresh() for m in wanted}
        spec = spec.model_copy(update={"modules": [m for m in MODULES if m in wanted]})
        plan = [{"module": m, "goal": _goal(spec, m, rules)} for m in spec.modules]
        return {
            "rules": [r.model_dump(mode="json") for r in rules],
            "spec": spec.model_dump(mode="json"),
            "plan": plan,
            "modules": modules,
            "pending": list(spec.modules),
        }

    return review


def make_coder(module: str, config: WorkflowConfig) -> Node:
    def coder(state: WorkflowState) -> WorkflowState:
        if module not in state.get("pending", []):
            return {}
        rec = state["modules"][module].copy()
        rules = [r for r in rules_of(state) if r.module == module]
        model = config.model_for(module)
        number = rec["round"] + 1
        directory = Path(state["run_dir"]) / "attempts" / module / f"{number:02d}"
        goal = next(t["goal"] for t in state["plan"] if t["module"] == module)
        history = "\n".join(rec["history"])
        feedback = rec["feedback"] + (f"\n\nYour earlier attempts:\n{history}" if history else "")
        writer = _writer(config, model)
        attempt = writer.write(
            module, number, directory, f"Write {goal}.", feedback.strip(), rules=rules
        )
        line = f"attempt {number} ({writer.name}): {attempt.status}" + (
            f" — {attempt.detail}" if attempt.detail else ""
        )
        calls = attempt.model_calls
        if rules and config.versions == 2 and model is not None:
            # a second version, written independently (another model, or another sample)
            other = _writer(config, config.alt_model_for(module))
            b = other.write(
                module,
                number,
                directory.with_name(f"{number:02d}b"),
                f"Write {goal}. You write an independent second version (version B): work the "
                "rule out yourself.",
                feedback.strip(),
                rules=rules,
            )
            calls += b.model_calls
            line += f"; version B: {b.status}" + (f" — {b.detail}" if b.detail else "")
            rec["alternate"] = str(b.path) if b.path is not None else None  # never a stale B
        rec["round"], rec["history"] = number, [*rec["history"], line]
        if attempt.path is not None:
            rec["current"] = str(attempt.path)
        else:  # no usable code: keep running the best earlier version, if any
            rec["feedback"] = attempt.detail
        return {"modules": {module: rec}, "model_calls": calls}

    return coder


def _writer(config: WorkflowConfig, model: ChatModel | None) -> LibraryCoder | LLMCoder:
    if model is None:
        return LibraryCoder()
    return LLMCoder(model, config.strategy, endpoint=config.endpoint)


@lru_cache(maxsize=32)
def _cached_references(
    spec_json: str, mode: str, user_file: str | None, _user_mtime_ns: int | None
) -> dict[str, Reference]:
    spec = AcceleratorSpec.model_validate_json(spec_json)
    user = (Path(user_file), read_user_reference(Path(user_file))) if user_file else None
    if spec.changes:  # SCALE-Sim's numbers for what no rule changes; the user's on top
        user = None
    return {w: reference_for(spec, w, user, mode) for w in spec.workloads}


def _references(
    config: WorkflowConfig, spec: AcceleratorSpec, rules: list[Rule] | None = None
) -> dict[str, Reference]:
    """The reference per workload, computed once per spec, mode and reference file (version):
    the planner, the executor and the critic of every round ask for the same numbers. With
    changes: SCALE-Sim's columns less those the rules declare, plus the user's numbers."""
    f = config.reference_file
    mtime = f.stat().st_mtime_ns if f is not None and f.exists() else None
    key = (spec.model_dump_json(), config.reference, str(f) if f else None, mtime)
    refs = dict(_cached_references(*key))
    if not spec.changes:
        return refs
    table = read_user_reference(f) if f is not None else None
    rules = rules or []
    return apply_changes(refs, rules, user_numbers(spec, rules, table))


def make_executor(config: WorkflowConfig) -> Node:
    def executor(state: WorkflowState) -> WorkflowState:
        spec = AcceleratorSpec.model_validate(state["spec"])
        candidates = {m: r["current"] for m, r in state["modules"].items() if r["current"]}
        number = state.get("executions", 0) + 1
        if config.approve:
            request: ApprovalRequest = {
                "execution": number,
                "candidates": candidates,
                "question": f"run these modules in the {config.sandbox} sandbox?",
            }
            decision = interrupt(request)
            if not (isinstance(decision, dict) and decision.get("approve")):
                reason = decision.get("reason", "") if isinstance(decision, dict) else ""
                return {
                    "status": f"stopped: the reviewer rejected sandbox run {number}"
                    + (f" ({reason})" if reason else ""),
                    "pending": [],
                }
        rules = rules_of(state)
        expected = expected_columns(_references(config, spec, rules))
        changed = {r.module for r in rules}
        alternates: dict[str, str] = {
            m: alt
            for m, r in state["modules"].items()
            if m in changed and (alt := r.get("alternate")) and config.versions == 2
        }
        summary = run_in_trace(
            RunRequest(
                run_dir=state["run_dir"],
                number=number,
                spec=spec,
                candidates=candidates,
                sandbox=config.sandbox,
                backend=config.sandbox_backend,
                timeout_s=config.sandbox_timeout_s,
                memory_mb=config.sandbox_memory_mb,
                expected=expected,
                random_seed=config.random_seed + number - 1,
                random_budget_s=config.random_budget_s,
                changes=job_changes(spec, rules) or None,
                alternates=alternates or None,
            )
        )
        return {"executions": number, "last_execution": summary.to_state()}

    return executor


def make_critic(config: WorkflowConfig) -> Node:
    def critic(state: WorkflowState) -> WorkflowState:
        began = time.time()
        spec = AcceleratorSpec.model_validate(state["spec"])
        rules = rules_of(state)
        refs = _references(config, spec, rules)
        summary = ExecutionSummary.from_state(state["last_execution"])
        verdict = judge_in_trace(
            JudgeRequest(
                summary=summary,
                generated=list(spec.modules),
                references=refs,
                rules=rules,
                oracle=[
                    m
                    for m, r in state["modules"].items()
                    if any("(library)" in h for h in r["history"])
                ],
            )
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
            outcome = run_outcome({**state, **update})
            write_outputs(Path(state["run_dir"]), spec, outcome, refs, summary, rules)
        return update

    return critic


def run_outcome(state: WorkflowState) -> RunOutcome:
    """The report's view of a finished run: its status, counts, modules and last verdict."""
    verdict = state.get("verdict") or {}
    return RunOutcome(
        status=state["status"],
        executions=state.get("executions", 0),
        model_calls=state.get("model_calls", 0),
        modules={
            m: ModuleOutcome(
                rec["round"], rec["passing"], tuple(rec["history"]), rec["best"] or rec["current"]
            )
            for m, rec in state["modules"].items()
        },
        kinds=verdict.get("kinds", {}),
        labels=verdict.get("labels", {}),
    )


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
