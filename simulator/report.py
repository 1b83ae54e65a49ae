"""The report of one layer: its columns, all derived from ``LayerReport`` here (the one place
that lists them), and ``layer_report``, which assembles them from what each module owns.

SCALE-Sim's COMPUTE_REPORT and DETAILED_ACCESS_REPORT columns are ``LayerReport``'s fields (the
access columns are the ``{ifmap,filter,ofmap}_{sram,dram}_{start_cycle,stop_cycle,reads|writes}``
ones), its BANDWIDTH_REPORT columns are ``LayerReport``'s properties. Groups (what a change's
rule may declare by name) and the derived columns (what moves when an input moves) follow."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from simcoder.simulator.contracts import StorageReport
from simcoder.simulator.types import Layer, LayerReport, SimConfig

# every field but the layer, in LayerReport's order (what a layer's report carries)
REPORT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(LayerReport) if f.name != "layer"
)
_ACCESS = re.compile(r"(ifmap|filter|ofmap)_(sram|dram)_(start_cycle|stop_cycle|reads|writes)")


def _access_order(name: str) -> tuple[int, int, int]:
    """DETAILED_ACCESS_REPORT's order: SRAM then DRAM, per operand start, stop, count."""
    match = _ACCESS.fullmatch(name)
    assert match is not None
    operand, level, what = match.groups()
    position = ("start_cycle", "stop_cycle").index(what) if what.endswith("cycle") else 2
    return ("sram", "dram").index(level), ("ifmap", "filter", "ofmap").index(operand), position


# the three reports' columns by LayerReport's names, in each report's order
COMPUTE_COLUMNS: tuple[str, ...] = tuple(c for c in REPORT_FIELDS if not _ACCESS.fullmatch(c))
DETAIL_COLUMNS: tuple[str, ...] = tuple(
    sorted((c for c in REPORT_FIELDS if _ACCESS.fullmatch(c)), key=_access_order)
)
BANDWIDTH_COLUMNS: tuple[str, ...] = tuple(
    name for name, member in vars(LayerReport).items() if isinstance(member, property)
)
FIELD_COLUMNS = COMPUTE_COLUMNS + DETAIL_COLUMNS  # what the sandbox reports per layer
ALL_COLUMNS = COMPUTE_COLUMNS + BANDWIDTH_COLUMNS + DETAIL_COLUMNS
# the fields that are percentages, not counts or cycles (LayerReport's float fields)
FLOAT_COLUMNS: frozenset[str] = frozenset(
    f.name for f in dataclasses.fields(LayerReport) if f.type in ("float", float)
)


def _inputs(prop: str) -> tuple[str, ...]:
    """The fields a ``LayerReport`` property reads, recorded by running it on a stand-in."""
    seen: list[str] = []

    class StandIn:
        def __getattr__(self, name: str) -> Any:
            member = getattr(LayerReport, name, None)
            if callable(member):
                return member.__get__(self)  # a helper method: run it on the stand-in too
            seen.append(name)
            return 1

    getattr(LayerReport, prop).fget(StandIn())
    return tuple(dict.fromkeys(seen))


# columns computed from others: a rule that moves an input moves them too (overall_util_pct:
# see layer_report; the bandwidth columns: LayerReport's properties)
DERIVED: dict[str, tuple[str, ...]] = {
    "overall_util_pct": ("total_cycles",),
    **{name: _inputs(name) for name in BANDWIDTH_COLUMNS},
}
COUNTS: tuple[str, ...] = tuple(c for c in DETAIL_COLUMNS if c.endswith(("reads", "writes")))
UTILISATION: tuple[str, ...] = tuple(
    c for c in COMPUTE_COLUMNS if c in FLOAT_COLUMNS and c not in DERIVED
)
TIMING: tuple[str, ...] = tuple(
    c for c in FIELD_COLUMNS if c not in COUNTS and c not in UTILISATION
)
# the names a change's rule may declare a group of columns by
GROUPS: dict[str, tuple[str, ...]] = {
    "timing": TIMING,
    "counts": COUNTS,
    "utilisation": UTILISATION,
}


def layer_report(
    layer: Layer,
    config: SimConfig,
    mapping_efficiency: float,
    compute_utilization: float,
    sram_counts: tuple[int, int, int],
    storage: StorageReport,
) -> LayerReport:
    """The report columns from what each module owns (the reference pipeline's
    ``engine.assembled_report`` and the fast path both call it)."""
    return LayerReport(
        layer=layer,
        total_cycles_incl_prefetch=storage.total_cycles_incl_prefetch,
        total_cycles=storage.total_cycles,
        stall_cycles=storage.stall_cycles,
        overall_util_pct=layer.macs * 100 / (storage.total_cycles * config.array.num_pes),
        mapping_efficiency_pct=mapping_efficiency * 100,
        compute_util_pct=compute_utilization * 100,
        ifmap_sram_reads=sram_counts[0],
        filter_sram_reads=sram_counts[1],
        ofmap_sram_writes=sram_counts[2],
        ifmap_sram_start_cycle=storage.ifmap_sram_start_cycle,
        ifmap_sram_stop_cycle=storage.ifmap_sram_stop_cycle,
        filter_sram_start_cycle=storage.filter_sram_start_cycle,
        filter_sram_stop_cycle=storage.filter_sram_stop_cycle,
        ofmap_sram_start_cycle=storage.ofmap_sram_start_cycle,
        ofmap_sram_stop_cycle=storage.ofmap_sram_stop_cycle,
        ifmap_dram_start_cycle=storage.ifmap_dram.start_cycle,
        ifmap_dram_stop_cycle=storage.ifmap_dram.stop_cycle,
        ifmap_dram_reads=storage.ifmap_dram.words,
        filter_dram_start_cycle=storage.filter_dram.start_cycle,
        filter_dram_stop_cycle=storage.filter_dram.stop_cycle,
        filter_dram_reads=storage.filter_dram.words,
        ofmap_dram_start_cycle=storage.ofmap_dram.start_cycle,
        ofmap_dram_stop_cycle=storage.ofmap_dram.stop_cycle,
        ofmap_dram_writes=storage.ofmap_dram.words,
    )


__all__ = [
    "ALL_COLUMNS",
    "BANDWIDTH_COLUMNS",
    "COMPUTE_COLUMNS",
    "COUNTS",
    "DERIVED",
    "DETAIL_COLUMNS",
    "FIELD_COLUMNS",
    "FLOAT_COLUMNS",
    "GROUPS",
    "REPORT_FIELDS",
    "TIMING",
    "UTILISATION",
    "layer_report",
]
