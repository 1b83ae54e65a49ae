"""The critic: decides from the checks, not from a model. Accept when every module's checks pass
(the grid, probes from the spec, random cases, its own output on the user's workload layers)
and every report column equals the reference on every workload; otherwise blame the first
failing module in pipeline order and say concretely what is wrong.

It reads an :class:`ExecutionSummary` and gives a :class:`Verdict`, both typed; the workflow
state holds the verdict's serialised form, converted only by :meth:`Verdict.to_state` and
:meth:`Verdict.from_state`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from simcoder.agents.change.evidence import evidence_kinds, label
from simcoder.agents.change.rules import Rule
from simcoder.agents.executor import ExecutionSummary, ModuleSummary, WorkloadCycles
from simcoder.agents.references import Reference, columns_of
from simcoder.agents.spec import MODULES
from simcoder.sandbox.types import ExecStatus
from simcoder.simulator.equality import same_number

STATE_FEEDBACK = 2000  # characters of feedback kept in the workflow state


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    accept: bool
    blame: str | None
    feedback: str
    passing: tuple[str, ...]  # generated modules whose own checks are clean
    evidence: dict[str, str] = {}  # per module, what its checks looked at (one line)
    compared: str = ""  # the workloads and columns of the final comparison
    # per generated module, the kinds of evidence that held and how strongly it is accepted
    # (agents/change/evidence.py: "verified against ...", "accepted on invariants alone ...")
    kinds: dict[str, tuple[str, ...]] = {}
    labels: dict[str, str] = {}

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


def evidence_line(rec: ModuleSummary | None) -> str:
    """What a module's checks looked at, in one line (the report and ``simcoder judge``)."""
    ev = rec.evidence if rec is not None else None
    if ev is None:
        return "no checks ran"
    parts = [f"{n} {src} probe(s)" for src, n in ev.probes.items() if src != "random"]
    r = ev.random
    if r.seed is not None:  # a changed module has no random differential cases
        parts.append(f"{r.cases} random case(s) (seed {r.seed}, {r.budget_s:g} s budget)")
    failing = sum(ev.failing.values())
    found = f"{failing} failing" if failing else "none failing"
    if r.counterexample is not None:
        found += f"; smallest random counterexample: {r.counterexample.get('name')}"
    return f"{', '.join(parts)}; {found}; checks took {ev.seconds:.1f} s"


def _columns_of_layer(got: WorkloadCycles, i: int) -> dict[str, int | float]:
    if i < len(got.fields) and got.fields[i]:
        return columns_of(got.fields[i])
    return {"total_cycles": got.layers[i][1]}


def column_mismatches(
    workloads: dict[str, WorkloadCycles], refs: dict[str, Reference]
) -> list[str]:
    """Every report column the reference vouches for, on every layer of every workload."""
    out = []
    for name, ref in refs.items():
        got = workloads.get(name)
        if got is None or got.error:
            out.append(f"workload {name}: {got.error if got else 'not run'}")
            continue
        if len(got.layers) != len(ref.layers):
            out.append(f"workload {name}: {len(got.layers)} layers, reference {len(ref.layers)}")
        for i, (layer, want_cycles) in enumerate(ref.layers[: len(got.layers)]):
            want = ref.columns[i] if ref.columns else {"total_cycles": want_cycles}
            owners = ref.owners[i] if i < len(ref.owners) else {}
            have = _columns_of_layer(got, i)
            for column in (c for c in ref.compared if c in want):
                if column not in have or not same_number(want[column], have[column]):
                    whose = "the user's number" if column in owners else "reference"
                    out.append(
                        f"workload {name} layer {layer}: {column} {have.get(column, 'missing')}, "
                        f"{whose} {want[column]}"
                    )
    return out


def compared_line(summary: ExecutionSummary, refs: dict[str, Reference]) -> str:
    """Which workloads and columns the final comparison covered, against whose numbers."""
    parts = []
    for name, ref in refs.items():
        got = summary.workloads.get(name)
        n = len(got.layers) if got is not None else 0
        parts.append(f"{name} ({n} layers, {len(ref.compared)} columns vs {ref.source})")
    return "workloads at the spec's configuration: " + "; ".join(parts)


def _reject(
    blame: str | None,
    feedback: str,
    passing: tuple[str, ...],
    evidence: dict[str, str],
    compared: str,
) -> Verdict:
    return Verdict(
        accept=False,
        blame=blame,
        feedback=feedback,
        passing=passing,
        evidence=evidence,
        compared=compared,
    )


def _workload_blame(summary: ExecutionSummary, order: list[str]) -> tuple[str | None, str]:
    """The module to blame for columns that miss the reference when every module's own checks
    pass: the first, in pipeline order, whose own output differs on a failing layer; else the
    first that alone (the other two at the reference) moves a failing column."""
    for m in order:
        for b in summary.blame:
            if m in b.own_output_differs:
                return m, f"{m}'s own output differs on {b.workload} layer {b.layer}"
    for m in order:
        for b in summary.blame:
            if b.alone.get(m):
                return m, (
                    f"with only {m} swapped in, {b.workload} layer {b.layer} still misses "
                    f"{', '.join(b.alone[m][:4])}"
                )
    if len(order) > 1 and summary.blame:
        return order[0], "each module alone matches; only their combination differs"
    return (order[0] if order else None), ""


def _owner_blame(mismatches: list[str], refs: dict[str, Reference]) -> tuple[str, str] | None:
    """The module that answers for the first mismatching user number (a changed module's)."""
    for name, ref in refs.items():
        for (layer, _), owners in zip(ref.layers, ref.owners, strict=False):
            for column, module in owners.items():
                tag = f"workload {name} layer {layer}: {column} "
                if module and any(m.startswith(tag) for m in mismatches):
                    return module, tag.rstrip()
    return None


def _user_counts(refs: dict[str, Reference]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ref in refs.values():
        for owners in ref.owners:
            for module in owners.values():
                out[module] = out.get(module, 0) + 1
    return out


def judge(
    summary: ExecutionSummary,
    generated: list[str],
    refs: dict[str, Reference],
    rules: Sequence[Rule] = (),
    oracle: Sequence[str] = (),
) -> Verdict:
    """``oracle``: the modules the library coder wrote (labelled so when accepted)."""
    order = [m for m in MODULES if m in generated]
    evidence = {m: evidence_line(summary.modules.get(m)) for m in order}
    compared = compared_line(summary, refs)
    if summary.status is not ExecStatus.OK:
        why = summary.result_error or summary.stderr_tail[-800:]
        return _reject(
            order[0] if order else None,
            f"the sandbox run ended with status {summary.status.value}: {why}",
            (),
            evidence,
            compared,
        )
    failures = {m: _module_failure(summary.modules.get(m)) for m in order}
    passing = tuple(m for m in order if failures[m] is None)
    mismatches = column_mismatches(summary.workloads, refs)
    on_workloads = (
        f"\n\nOn the user's workloads {len(mismatches)} report value(s) differ, e.g.:\n"
        + "\n".join(mismatches[:4])
        if mismatches
        else ""
    )
    for m in order:
        if failures[m] is not None:
            return _reject(m, str(failures[m]) + on_workloads, passing, evidence, compared)
    owned = _owner_blame(mismatches, refs) if rules else None
    if mismatches and owned is not None:
        module, where = owned
        return _reject(
            module,
            f"checks pass but the user's numbers are not met ({where}; the rule of the "
            f"change that gave them belongs to {module}):\n" + "\n".join(mismatches[:10]),
            passing,
            evidence,
            compared,
        )
    if mismatches:
        blame, why = _workload_blame(summary, order)
        return _reject(
            blame,
            "checks pass but report columns on the workloads differ from the reference"
            + (f" ({why})" if why else "")
            + ":\n"
            + "\n".join(mismatches[:10]),
            passing,
            evidence,
            compared,
        )
    changed = {r.module for r in rules}
    users = _user_counts(refs)
    kinds = {
        m: tuple(
            evidence_kinds(m, m in changed, _ev(summary.modules.get(m)), rules, users.get(m, 0))
        )
        for m in order
    }
    labels = {m: label(kinds[m], rules, m, m in oracle) for m in order}
    return Verdict(
        accept=True,
        blame=None,
        feedback="every check passes and every report column equals the reference on every "
        "workload"
        + (
            " (the columns the rules declare excepted, the user's numbers included)"
            if rules
            else ""
        ),
        passing=passing,
        evidence=evidence,
        compared=compared,
        kinds=kinds,
        labels=labels,
    )


def _ev(rec: ModuleSummary | None) -> Any:
    return rec.evidence if rec is not None else None
