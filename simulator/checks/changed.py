"""Checks of a module that is meant to differ from SCALE-Sim 3.0.0 (a user's change), run in the
sandbox. Its own output cannot be compared with the reference's; the evidence is, per probe,
the assembled report with only this module swapped in (the other two at the reference):

- ``unchanged``: every report column its rules do not declare equals the reference's;
- ``example``: the worked examples of its rules give the numbers they state;
- ``invariant``: the invariants and metamorphic relations any sane accelerator satisfies;
- ``version``: a second, independently written version gives the same report on every probe.
"""

from __future__ import annotations

import dataclasses
import math
import time
import traceback
from collections.abc import Sequence
from typing import Any

from simcoder.simulator.checks.probes import Probe
from simcoder.simulator.checks.runner import VIOLATIONS_PER_SOURCE, ModuleEvidence
from simcoder.simulator.checks.violations import Violation
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.equality import same_number
from simcoder.simulator.types import LayerReport

INVARIANT_PROBES = 12  # probes the invariants run on (each costs several simulations)


def report_value(r: LayerReport, column: str) -> float:
    try:
        return float(getattr(r, column))
    except ZeroDivisionError:
        return math.nan


def _same(a: float, b: float) -> bool:
    """The project's one rule (``equality.same_number``); two undefined ratios (a bandwidth
    over an empty window) are the same too."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return same_number(a, b)


def _crash(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


@dataclasses.dataclass(frozen=True)
class Example:
    name: str
    probe: Probe
    expected: dict[str, float]


def _add(ev: ModuleEvidence, source: str, found: list[Violation], probe: Probe | None) -> None:
    ev.probes[source] = ev.probes.get(source, 0) + 1
    if not found:
        return
    kept = ev.failing.get(source, 0)
    ev.failing[source] = kept + 1
    if kept < VIOLATIONS_PER_SOURCE:
        ev.violations += found
        if probe is not None:
            ev.failing_probes.append(probe)


def check_changed_module(
    kind: str,
    module: Any,
    probes: Sequence[Probe],
    moved: Sequence[str],
    columns: Sequence[str],
    examples: Sequence[Example] = (),
    alternate: Any = None,
    invariant_probes: int = INVARIANT_PROBES,
) -> ModuleEvidence:
    """The evidence for a changed module (see the module docstring). ``moved``: the columns its
    rules declare; ``columns``: every report column."""
    started = time.perf_counter()
    reference = Modules.load()
    mine = dataclasses.replace(reference, **{kind: module})
    other = None if alternate is None else dataclasses.replace(reference, **{kind: alternate})
    ev = ModuleEvidence(kind)
    kept = [c for c in columns if c not in set(moved)]
    for i, probe in enumerate(probes):
        try:
            want = simulate_layer(probe.layer, probe.config, reference)
        except Exception:
            continue  # no SCALE-Sim numbers here (SCALE-Sim fails too)
        try:
            got = simulate_layer(probe.layer, probe.config, mine)
        except Exception as exc:
            _add(
                ev,
                "unchanged",
                [Violation("crash", kind, probe.name, "a report", _crash(exc))],
                probe,
            )
            continue
        found = [
            Violation(
                f"unchanged.{c}",
                kind,
                probe.name,
                f"{report_value(want, c):g} (SCALE-Sim's; no rule declares this column)",
                f"{report_value(got, c):g}",
            )
            for c in kept
            if not _same(report_value(want, c), report_value(got, c))
        ][:4]
        _add(ev, "unchanged", found, probe)
        if i < invariant_probes:
            from simcoder.simulator.checks.invariants import check_invariants

            def simulate(layer: Any, config: Any) -> LayerReport:
                return simulate_layer(layer, config, mine)

            _add(ev, "invariant", check_invariants(simulate, probe, kind), probe)
        if other is not None:
            _add(ev, "version", version_diffs(kind, probe, got, other), probe)
    for ex in examples:
        try:
            got = simulate_layer(ex.probe.layer, ex.probe.config, mine)
        except Exception as exc:
            _add(
                ev,
                "example",
                [Violation("crash", kind, ex.name, "a report", _crash(exc))],
                ex.probe,
            )
            continue
        found = [
            Violation(
                f"example.{c}",
                kind,
                f"rule example {ex.name} ({ex.probe.name})",
                f"{v:g} (the rule's worked example)",
                f"{report_value(got, c):g}",
            )
            for c, v in ex.expected.items()
            if not _same(float(v), report_value(got, c))
        ]
        _add(ev, "example", found, ex.probe)
    ev.seconds = time.perf_counter() - started
    return ev


def version_diffs(kind: str, probe: Probe, got: LayerReport, other: Modules) -> list[Violation]:
    """Where the second version's report differs from the first's on ``probe``."""
    from simcoder.simulator.report import REPORT_FIELDS

    try:
        theirs = simulate_layer(probe.layer, probe.config, other)
    except Exception as exc:
        return [
            Violation(
                "version.crash",
                kind,
                probe.name,
                "a report (version A gives one)",
                f"version B raised {_crash(exc)}",
            )
        ]
    return [
        Violation(
            f"version.{c}",
            kind,
            probe.name,
            f"{report_value(got, c):g} (version A)",
            f"{report_value(theirs, c):g} (version B)",
        )
        for c in REPORT_FIELDS
        if not _same(report_value(got, c), report_value(theirs, c))
    ][:4]
