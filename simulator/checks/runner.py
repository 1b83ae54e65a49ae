"""Run a candidate module, swapped in alone, over the probe grid: differential + properties."""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from simcoder.simulator.checks.probes import Probe, probe_grid
from simcoder.simulator.checks.properties import (
    mapping_properties,
    schedule_properties,
    storage_properties,
)
from simcoder.simulator.checks.violations import Violation
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.equality import same_number
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.types import LayerReport

REPORT_FIELDS = [f.name for f in fields(LayerReport) if f.name != "layer"]


def _properties(kind: str, mods: Modules, probe: Probe) -> list[Violation]:
    mapping = mods.mapping.map(probe.layer, probe.config.array)
    if kind == "mapping":
        return mapping_properties(mapping, probe.name)
    schedule = mods.interconnect.schedule(mapping)
    if kind == "interconnect":
        return schedule_properties(schedule, probe.name)
    return storage_properties(
        mods.storage.simulate(schedule, probe.config.memory), schedule, probe.name
    )


def check_probe(kind: str, candidate: Modules, reference: Modules, probe: Probe) -> list[Violation]:
    try:
        want = simulate_layer(probe.layer, probe.config, reference)
    except ScaleSimFailure:
        return []  # SCALE-Sim itself has no numbers here
    try:
        got = simulate_layer(probe.layer, probe.config, candidate)
        out = [
            Violation(
                f"differential.{name}",
                kind,
                probe.name,
                str(getattr(want, name)),
                str(getattr(got, name)),
            )
            for name in REPORT_FIELDS
            if not same_number(getattr(want, name), getattr(got, name))
        ]
        return out + _properties(kind, candidate, probe)
    except Exception as exc:  # a candidate that crashes is a violation, with its traceback
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return [Violation("crash", kind, probe.name, "a report", tb)]


def check_module(
    kind: str, module: Any, quick: bool = False, on_probe: Callable[[int, int], None] | None = None
) -> list[Violation]:
    """Swap ``module`` in as ``kind`` (the other two stay at the reference) and check it."""
    reference = Modules.load()
    candidate = dataclasses.replace(reference, **{kind: module})
    out: list[Violation] = []
    probes = probe_grid(quick)
    for i, probe in enumerate(probes):
        if on_probe is not None:
            on_probe(i, len(probes))
        out += check_probe(kind, candidate, reference, probe)
    return out
