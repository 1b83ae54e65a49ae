"""Check a candidate module, swapped in alone: its own output against the reference module's on
the same input, on every field of the contract, plus invariants.

Evidence comes from four kinds of probe: the fixed grid, probes derived from the user's spec
(``spec_probes``), seeded random cases within a time budget (a failure is shrunk to a small
counterexample), and the user's workload layers at their own configuration. The reference's
outputs on a probe are computed once (``ReferenceOutputs``) and shared by every candidate of
the run's job.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from simcoder.simulator.checks.compare import FieldDiff, diff_fields
from simcoder.simulator.checks.probes import Probe, probe_grid
from simcoder.simulator.checks.properties import (
    mapping_properties,
    schedule_properties,
    storage_properties,
)
from simcoder.simulator.checks.random_cases import random_probes, shrink
from simcoder.simulator.checks.violations import Violation
from simcoder.simulator.contracts import Mapping, Schedule, StorageReport
from simcoder.simulator.engine import Modules, assembled_report
from simcoder.simulator.equality import same_number
from simcoder.simulator.report import REPORT_FIELDS
from simcoder.simulator.types import LayerReport, SimConfig

DIFFS_PER_CASE = 4  # field differences quoted per failing case
VIOLATIONS_PER_SOURCE = 12  # failing cases kept per kind of probe (the rest only counted)
DEFAULT_RANDOM_BUDGET_S = 3.0


@dataclasses.dataclass(frozen=True)
class Outputs:
    """Every module's output on one probe, and the report they make."""

    mapping: Mapping
    schedule: Schedule
    storage: StorageReport
    report: LayerReport

    def of(self, kind: str) -> Any:
        """The output of the module ``kind``."""
        return {"mapping": self.mapping, "interconnect": self.schedule, "storage": self.storage}[
            kind
        ]


def _report(
    probe: Probe, mapping: Mapping, schedule: Schedule, storage: StorageReport
) -> LayerReport:
    return assembled_report(probe.layer, probe.config, mapping, schedule, storage)


class ReferenceOutputs:
    """The reference modules' outputs per probe, computed once. ``None`` where the reference
    raises: SCALE-Sim itself has no numbers there (e.g. an SRAM too small for one fold)."""

    def __init__(self, reference: Modules | None = None) -> None:
        self.modules = reference or Modules.load()
        self._memo: dict[tuple[Any, SimConfig], Outputs | None] = {}
        self.computed = 0

    def get(self, probe: Probe) -> Outputs | None:
        key = (probe.layer, probe.config)
        if key not in self._memo:
            self.computed += 1
            try:
                m = self.modules.mapping.map(probe.layer, probe.config.array)
                s = self.modules.interconnect.schedule(m)
                r = self.modules.storage.simulate(s, probe.config.memory)
                self._memo[key] = Outputs(m, s, r, _report(probe, m, s, r))
            except Exception:
                self._memo[key] = None
        return self._memo[key]


def own_output(kind: str, module: Any, ref: Outputs, probe: Probe) -> Any:
    """The candidate's output on the reference's input for its stage."""
    if kind == "mapping":
        return module.map(probe.layer, probe.config.array)
    if kind == "interconnect":
        return module.schedule(ref.mapping)
    return module.simulate(ref.schedule, probe.config.memory)


def own_diffs(kind: str, module: Any, ref: Outputs, probe: Probe) -> tuple[Any, list[FieldDiff]]:
    got = own_output(kind, module, ref, probe)
    return got, diff_fields(ref.of(kind), got, kind)


def _downstream_report(
    kind: str, got: Any, ref: Outputs, probe: Probe, mods: Modules
) -> LayerReport:
    """The report when ``got`` replaces the reference's output at its stage (the later stages
    at the reference): which report columns the difference moves."""
    if kind == "mapping":
        s = mods.interconnect.schedule(got)
        return _report(probe, got, s, mods.storage.simulate(s, probe.config.memory))
    if kind == "interconnect":
        return _report(probe, ref.mapping, got, mods.storage.simulate(got, probe.config.memory))
    return _report(probe, ref.mapping, ref.schedule, got)


def _properties(kind: str, got: Any, ref: Outputs, case: str) -> list[Violation]:
    if kind == "mapping":
        return mapping_properties(got, case)
    if kind == "interconnect":
        return schedule_properties(got, case)
    return storage_properties(got, ref.schedule, case)


def check_case(kind: str, module: Any, refs: ReferenceOutputs, probe: Probe) -> list[Violation]:
    """The violations of one candidate on one probe: its output's differing fields (and the
    report columns they move), its invariants, or the crash."""
    ref = refs.get(probe)
    if ref is None:
        return []  # SCALE-Sim itself has no numbers here
    case = probe.name
    try:
        got, diffs = own_diffs(kind, module, ref, probe)
        out = [
            Violation(f"differential.{d.path}", kind, case, d.expected, d.got)
            for d in diffs[:DIFFS_PER_CASE]
        ]
        if diffs:
            try:
                report = _downstream_report(kind, got, ref, probe, refs.modules)
                out += [
                    Violation(
                        f"column.{name}",
                        kind,
                        case,
                        str(getattr(ref.report, name)),
                        str(getattr(report, name)),
                    )
                    for name in REPORT_FIELDS
                    if not same_number(getattr(ref.report, name), getattr(report, name))
                ][:DIFFS_PER_CASE]
            except Exception:
                pass  # the field differences already say what is wrong
        return out + _properties(kind, got, ref, case)
    except Exception as exc:  # a candidate that crashes is a violation, with its traceback
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return [Violation("crash", kind, case, "an output", tb)]


@dataclasses.dataclass
class ModuleEvidence:
    """What one candidate's checks looked at, and what they found."""

    kind: str
    probes: dict[str, int] = dataclasses.field(default_factory=dict)  # source -> probes run
    failing: dict[str, int] = dataclasses.field(default_factory=dict)  # source -> failing
    random_seed: int | None = None
    random_cases: int = 0
    random_budget_s: float = 0.0
    counterexample: dict[str, Any] | None = None  # the shrunk random failure
    seconds: float = 0.0
    violations: list[Violation] = dataclasses.field(default_factory=list)
    failing_probes: list[Probe] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "probes": dict(self.probes),
            "failing": dict(self.failing),
            "random": {
                "seed": self.random_seed,
                "cases": self.random_cases,
                "budget_s": self.random_budget_s,
                "counterexample": self.counterexample,
            },
            "seconds": round(self.seconds, 3),
        }


def _probe_doc(p: Probe) -> dict[str, Any]:
    from simcoder.simulator.compat.config_json import config_to_json

    return {
        "name": p.name,
        "layer": dataclasses.asdict(p.layer),
        "config": config_to_json(p.config),
    }


def _run_probes(
    ev: ModuleEvidence,
    module: Any,
    refs: ReferenceOutputs,
    probes: Sequence[Probe],
    on_probe: Callable[[int, int], None] | None = None,
) -> None:
    for i, probe in enumerate(probes):
        if on_probe is not None:
            on_probe(i, len(probes))
        ev.probes[probe.source] = ev.probes.get(probe.source, 0) + 1
        found = check_case(ev.kind, module, refs, probe)
        if found:
            kept = ev.failing.get(probe.source, 0)
            ev.failing[probe.source] = kept + 1
            if kept < VIOLATIONS_PER_SOURCE:
                ev.violations += found
                ev.failing_probes.append(probe)


def _run_random(
    ev: ModuleEvidence,
    module: Any,
    refs: ReferenceOutputs,
    seed: int,
    budget_s: float,
    around: SimConfig | None,
    max_cases: int | None = None,
) -> None:
    ev.random_seed, ev.random_budget_s = seed, budget_s
    if budget_s <= 0:
        return
    end = time.perf_counter() + budget_s
    for probe in random_probes(seed, around):
        if time.perf_counter() >= end or (max_cases is not None and ev.random_cases >= max_cases):
            break
        ev.random_cases += 1
        if not check_case(ev.kind, module, refs, probe):
            continue
        # shrink the failure (up to half the budget again), then report the small case
        stop = time.perf_counter() + max(1.0, budget_s / 2)
        small, steps = shrink(
            probe,
            lambda p: bool(check_case(ev.kind, module, refs, p)),
            lambda stop=stop: time.perf_counter() >= stop,  # type: ignore[misc]
        )
        found = check_case(ev.kind, module, refs, small)
        ev.failing["random"] = 1
        ev.violations += [dataclasses.replace(v, check=f"random.{v.check}") for v in found]
        ev.failing_probes.append(small)
        ev.counterexample = {
            **_probe_doc(small),
            "case_number": ev.random_cases,
            "shrink_steps": steps,
            "found_as": probe.name,
        }
        return


def check_module_evidence(
    kind: str,
    module: Any,
    probes: Sequence[Probe] | None = None,
    refs: ReferenceOutputs | None = None,
    random_seed: int = 0,
    random_budget_s: float = 0.0,
    around: SimConfig | None = None,
    on_probe: Callable[[int, int], None] | None = None,
    random_max_cases: int | None = None,
) -> ModuleEvidence:
    """Swap ``module`` in as ``kind`` and check it on ``probes`` (default: the full grid), then
    on seeded random cases for ``random_budget_s`` seconds or ``random_max_cases`` cases,
    whichever ends first (leaning towards ``around``)."""
    started = time.perf_counter()
    refs = refs or ReferenceOutputs()
    ev = ModuleEvidence(kind)
    _run_probes(ev, module, refs, probe_grid() if probes is None else probes, on_probe)
    _run_random(ev, module, refs, random_seed, random_budget_s, around, random_max_cases)
    ev.seconds = time.perf_counter() - started
    return ev


def check_module(
    kind: str, module: Any, quick: bool = False, on_probe: Callable[[int, int], None] | None = None
) -> list[Violation]:
    """Swap ``module`` in as ``kind`` (the other two stay at the reference) and check it on the
    fixed grid (quick or full)."""
    return check_module_evidence(kind, module, probe_grid(quick), on_probe=on_probe).violations
