"""The executor: assemble the candidate package, run checks and workloads in the sandbox,
store what came back in the run directory. No model.

Its product is an :class:`ExecutionSummary`, typed; the workflow state holds its serialised
form, converted only by :meth:`ExecutionSummary.to_state` and :meth:`ExecutionSummary.from_state`
(the same document as ``executions/<n>/summary.json``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox.job_spec import ExpectedLayer
from simcoder.sandbox.jobs import prepare_job
from simcoder.sandbox.registry import get_sandbox
from simcoder.sandbox.result import EvidenceDoc, ModuleDoc, WorkloadDoc
from simcoder.sandbox.types import ExecResult, ExecStatus, Limits, Sandbox

TAIL = 1500  # characters of stderr and of a traceback kept in a summary
SHOWN_VIOLATIONS = 8


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RandomSummary(_Frozen):
    seed: int | None
    cases: int
    budget_s: float
    counterexample: dict[str, Any] | None


class EvidenceSummary(_Frozen):
    """What a module's checks looked at (``sandbox.result.EvidenceDoc``, as the state keeps
    it: plain JSON, validated back without the sandbox document's strictness)."""

    probes: dict[str, int]
    failing: dict[str, int]
    random: RandomSummary
    seconds: float

    @classmethod
    def of(cls, doc: EvidenceDoc | None) -> EvidenceSummary | None:
        return None if doc is None else cls.model_validate(doc.model_dump())


class BlameSummary(_Frozen):
    """One workload layer that missed the reference (``sandbox.result.BlameDoc``)."""

    workload: str
    layer: str
    columns: tuple[str, ...]
    own_output_differs: tuple[str, ...]
    alone: dict[str, tuple[str, ...]]


class ModuleSummary(_Frozen):
    """One candidate module's own checks, as the sandbox reported them."""

    error: str | None  # importing or checking it failed
    traceback: str  # its tail ("" when none)
    violations: tuple[str, ...]  # the first few, one line each
    violation_count: int
    evidence: EvidenceSummary | None = None  # what its checks looked at

    @classmethod
    def of(cls, doc: ModuleDoc) -> ModuleSummary:
        return cls(
            error=doc.error,
            traceback=(doc.traceback or "")[-TAIL:],
            violations=tuple(_shown(doc)),
            violation_count=len(doc.violations),
            evidence=EvidenceSummary.of(doc.evidence),
        )


def _shown(doc: ModuleDoc) -> list[str]:
    """The first few violations, one per kind of evidence first (grid, spec, random,
    workload, cross), so the coder sees the smallest counterexample and the user's own case."""
    first: dict[str, str] = {}
    for v in doc.violations:
        first.setdefault(v.check.split(".", 1)[0], v.line())
    rest = [v.line() for v in doc.violations if v.line() not in first.values()]
    return (list(first.values()) + rest)[:SHOWN_VIOLATIONS]


class WorkloadCycles(_Frozen):
    """One workload: its error, or per layer (layer, total cycles) and every report field."""

    error: str | None
    layers: tuple[tuple[str, int], ...]
    fields: tuple[dict[str, int | float], ...] = ()

    @classmethod
    def of(cls, doc: WorkloadDoc) -> WorkloadCycles:
        return cls(
            error=doc.error,
            layers=tuple((x.name, x.total_cycles) for x in doc.layers),
            fields=tuple(dict(x.fields) for x in doc.layers),
        )


def _cycles(workloads: Iterable[WorkloadDoc]) -> dict[str, WorkloadCycles]:
    return {w.name: WorkloadCycles.of(w) for w in workloads}


class ExecutionSummary(_Frozen):
    """What the critic decides from: one sandbox run, short (the full ExecResult is in
    ``executions/<n>/exec_result.json``)."""

    number: int
    backend: str
    status: ExecStatus
    wall_s: float
    stderr_tail: str
    result_error: str | None
    modules: dict[str, ModuleSummary] = {}
    workloads: dict[str, WorkloadCycles] = {}
    # per workload layer that missed the reference: whose own output differs, what each
    # candidate alone moves
    blame: tuple[BlameSummary, ...] = ()
    workload_seconds: float | None = None

    @classmethod
    def of(cls, number: int, result: ExecResult) -> ExecutionSummary:
        doc = result.result
        return cls(
            number=number,
            backend=result.backend,
            status=result.status,
            wall_s=round(result.wall_s, 3),
            stderr_tail=result.stderr[-TAIL:],
            result_error=result.result_error,
            modules={} if doc is None else {k: ModuleSummary.of(m) for k, m in doc.modules.items()},
            workloads={} if doc is None else _cycles(doc.workloads),
            blame=()
            if doc is None
            else tuple(BlameSummary.model_validate(b.model_dump()) for b in doc.blame),
            workload_seconds=None if doc is None else doc.workload_seconds,
        )

    def to_state(self) -> dict[str, Any]:  # JSON at the boundary: state and summary.json
        return self.model_dump(mode="json")

    @classmethod
    def from_state(cls, doc: dict[str, Any]) -> ExecutionSummary:
        return cls.model_validate(doc)


def execute(
    run_dir: Path,
    number: int,
    spec: AcceleratorSpec,
    candidates: dict[str, str],
    sandbox: str | Sandbox,
    limits: Limits,
    expected: Mapping[str, Sequence[ExpectedLayer]] | None = None,
    random_seed: int = 0,
    random_budget_s: float = 0.0,
    random_max_cases: int | None = None,
    changes: Mapping[str, Mapping[str, object]] | None = None,
    alternates: dict[str, str] | None = None,
) -> ExecutionSummary:
    """Run once; returns the short summary (the full ExecResult is in executions/<n>/).
    ``expected``: the reference's report columns (or cycles) of each layer per workload, so the
    runner can say which candidate moves a column that misses them (see sandbox.runner);
    ``random_seed``/``random_budget_s``: each module's random differential cases."""
    directory = run_dir / "executions" / f"{number:03d}"
    job = prepare_job(
        directory / "job",
        {k: f"{v}:Module" for k, v in candidates.items()},
        workloads=spec.workloads,
        config=spec.sim_config(),
        limits=limits,
        expected=expected,
        random_seed=random_seed,
        random_budget_s=random_budget_s,
        random_max_cases=random_max_cases,
        changes=changes,
        alternates={k: f"{v}:Module" for k, v in (alternates or {}).items()},
    )
    box = get_sandbox(sandbox) if isinstance(sandbox, str) else sandbox  # a name, or a test's
    result = box.run(job)
    (directory / "exec_result.json").write_text(json.dumps(result.to_json(), indent=2))
    summary = ExecutionSummary.of(number, result)
    (directory / "summary.json").write_text(json.dumps(summary.to_state(), indent=2))
    return summary
