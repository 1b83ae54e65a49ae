"""The critic: decides from the checks, not from a model. Accept when every check passes and
cycles equal the reference on every workload; otherwise blame the first failing module in
pipeline order and say concretely what is wrong.

It reads an :class:`ExecutionSummary` and gives a :class:`Verdict`, both typed; the workflow
state holds the verdict's serialised form, converted only by :meth:`Verdict.to_state` and
:meth:`Verdict.from_state`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from simcoder.agents.executor import ExecutionSummary, ModuleSummary, WorkloadCycles
from simcoder.agents.references import Reference
from simcoder.agents.spec import MODULES
from simcoder.sandbox.types import ExecStatus

STATE_FEEDBACK = 2000  # characters of feedback kept in the workflow state


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    accept: bool
    blame: str | None
    feedback: str
    passing: tuple[str, ...]  # generated modules whose own checks are clean

    def to_state(self) -> dict[str, Any]:  # JSON at the boundary: the checkpointed state
        return {**self.model_dump(mode="json"), "feedback": self.feedback[:STATE_FEEDBACK]}

    @classmethod
    def from_state(cls, doc: dict[str, Any]) -> Verdict:
        return cls.model_validate(doc)


def _module_failure(rec: ModuleSummary | None) -> str | None:
    if rec is None:
        return "no report for this module"
    if rec.error:
        return f"importing or checking it failed: {rec.error}\n{rec.traceback}"
    if rec.violation_count:
        shown = "\n".join(f"- {v}" for v in rec.violations)
        return f"{rec.violation_count} check violation(s), e.g.:\n{shown}"
    return None


def _cycle_mismatches(
    workloads: dict[str, WorkloadCycles], refs: dict[str, Reference]
) -> list[str]:
    out = []
    for name, ref in refs.items():
        got = workloads.get(name)
        if got is None or got.error:
            out.append(f"workload {name}: {got.error if got else 'not run'}")
            continue
        for (layer, want), (_, have) in zip(ref.layers, got.layers, strict=False):
            if want != have:
                out.append(f"workload {name} layer {layer}: {have} cycles, reference {want}")
        if len(got.layers) != len(ref.layers):
            out.append(f"workload {name}: {len(got.layers)} layers, reference {len(ref.layers)}")
    return out


def _reject(blame: str | None, feedback: str, passing: tuple[str, ...] = ()) -> Verdict:
    return Verdict(accept=False, blame=blame, feedback=feedback, passing=passing)


def judge(summary: ExecutionSummary, generated: list[str], refs: dict[str, Reference]) -> Verdict:
    order = [m for m in MODULES if m in generated]
    if summary.status is not ExecStatus.OK:
        why = summary.result_error or summary.stderr_tail[-800:]
        return _reject(
            order[0] if order else None,
            f"the sandbox run ended with status {summary.status.value}: {why}",
        )
    failures = {m: _module_failure(summary.modules.get(m)) for m in order}
    passing = tuple(m for m in order if failures[m] is None)
    for m in order:
        if failures[m] is not None:
            return _reject(m, str(failures[m]), passing)
    mismatches = _cycle_mismatches(summary.workloads, refs)
    if mismatches:
        # every module's own checks pass: blame the first module that, swapped in alone, still
        # misses the reference on the workloads the combination missed
        isolated = summary.isolated
        alone = {
            m: _cycle_mismatches(isolated[m], {w: refs[w] for w in isolated[m] if w in refs})
            for m in order
            if m in isolated
        }
        wrong = [m for m in order if alone.get(m)]
        blame: str | None
        if wrong:
            blame, why = wrong[0], f"with only {wrong[0]} swapped in, "
        elif len(order) > 1 and len(alone) == len(order):
            blame, why = order[0], "each module alone matches; only their combination differs: "
        else:
            blame, why = (order[0] if order else None), ""
        return _reject(
            blame,
            f"checks pass but workload cycles differ from the reference ({why}"
            "on the workloads below):\n" + "\n".join((alone.get(blame or "") or mismatches)[:10]),
            passing,
        )
    return Verdict(
        accept=True,
        blame=None,
        feedback="every check passes and cycles equal the reference",
        passing=passing,
    )
