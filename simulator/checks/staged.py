"""One layer of the user's workload through the candidates and the reference side by side, stage
by stage: each candidate's own output (on the reference's input) compared field by field with the
reference's, and the assembled simulator's report, holding no more than one stage's outputs of
each at a time (workload layers are large: a schedule of a 19x19x256 layer is hundreds of MB).

A stage whose input equals the reference's input reuses what it already computed: the
assembled run costs nothing extra where the candidates agree with the reference, and one more
run of a stage where an earlier candidate differs.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from simcoder.simulator.checks.compare import (
    FieldDiff,
    diff_fields,
    fingerprint,
    same_fingerprint,
)
from simcoder.simulator.engine import Modules, assembled_report
from simcoder.simulator.types import Layer, LayerReport, SimConfig


@dataclasses.dataclass
class StagedLayer:
    report: LayerReport
    # per candidate: its own output's differences from the reference's (None: the reference
    # raised here, so there is nothing to compare with)
    diffs: dict[str, list[FieldDiff] | None]


def _or_none(f: Any, *args: Any) -> Any:
    try:
        return f(*args)
    except Exception:  # the reference has no numbers here (SCALE-Sim fails too)
        return None


def run_staged(
    layer: Layer, config: SimConfig, candidates: dict[str, Any], reference: Modules
) -> StagedLayer:
    """The assembled report and each candidate's own-output differences on ``layer``. A
    candidate that raises raises here (the workload then records the error)."""
    diffs: dict[str, list[FieldDiff] | None] = {}

    def stage(kind: str, ref_out: Any, same_input: bool, own: Any, assembled: Any) -> Any:
        """(the assembled output of this stage); records the candidate's differences."""
        if kind not in candidates:
            return ref_out if same_input and ref_out is not None else assembled()
        mine = own() if ref_out is not None else None
        diffs[kind] = None if mine is None else diff_fields(ref_out, mine, kind)
        if mine is not None and same_input:
            return ref_out if not diffs[kind] else mine
        return assembled()

    # mapping: its input (the layer) is always the reference's
    ref_map = _or_none(reference.mapping.map, layer, config.array)
    mapping = stage(
        "mapping",
        ref_map,
        True,
        lambda: candidates["mapping"].map(layer, config.array),
        lambda: (candidates.get("mapping") or reference.mapping).map(layer, config.array),
    )
    same = ref_map is not None and not diffs.get("mapping")
    ref_schedule: Any = _or_none(reference.interconnect.schedule, ref_map) if ref_map else None
    if "interconnect" in candidates and ref_schedule is not None:
        # the largest outputs: hold the reference's only as a fingerprint while the candidate
        # computes its own, and recompute it only if the two differ
        printed = fingerprint(ref_schedule)
        ref_schedule = None
        mine = candidates["interconnect"].schedule(ref_map)
        if same_fingerprint(printed, fingerprint(mine)):
            diffs["interconnect"], ref_schedule = [], mine  # equal to the reference's
        else:
            ref_schedule = reference.interconnect.schedule(ref_map)
            diffs["interconnect"] = diff_fields(ref_schedule, mine, "interconnect") or [
                FieldDiff("interconnect", "the reference's schedule", "a different schedule")
            ]
        schedule = mine if same else candidates["interconnect"].schedule(mapping)
        del mine
    else:
        schedule = stage(
            "interconnect",
            ref_schedule,
            same,
            lambda: candidates["interconnect"].schedule(ref_map),
            lambda: (candidates.get("interconnect") or reference.interconnect).schedule(mapping),
        )
    same = same and ref_schedule is not None and not diffs.get("interconnect")
    ref_storage = (
        _or_none(reference.storage.simulate, ref_schedule, config.memory) if ref_schedule else None
    )
    storage = stage(
        "storage",
        ref_storage,
        same,
        lambda: candidates["storage"].simulate(ref_schedule, config.memory),
        lambda: (candidates.get("storage") or reference.storage).simulate(schedule, config.memory),
    )
    return StagedLayer(assembled_report(layer, config, mapping, schedule, storage), diffs)


def alone_report(
    layer: Layer, config: SimConfig, kind: str, module: Any, reference: Modules
) -> LayerReport:
    """The report with only ``module`` swapped in as ``kind`` (the swap-one-at-a-time blame)."""
    from simcoder.simulator.engine import simulate_layer

    return simulate_layer(layer, config, dataclasses.replace(reference, **{kind: module}))
