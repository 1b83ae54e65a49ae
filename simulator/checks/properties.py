"""Invariants each module's output must satisfy, whatever the implementation."""

from __future__ import annotations

import numpy as np

from simcoder.simulator.checks.violations import Violation
from simcoder.simulator.contracts import DemandStream, Mapping, Schedule, StorageReport


def mapping_properties(m: Mapping, case: str) -> list[Violation]:
    out = []

    def v(check: str, expected: object, got: object) -> None:
        out.append(Violation(f"property.{check}", "mapping", case, str(expected), str(got)))

    macs = sum(f.rows_used * f.cols_used for f in m.folds) * m.t
    if macs != m.layer.macs:
        v("macs_conserved_across_folds", m.layer.macs, macs)
    if len(m.folds) != m.row_folds * m.col_folds:
        v("fold_count", m.row_folds * m.col_folds, len(m.folds))
    if not 0 < m.mapping_efficiency <= 1:
        v("mapping_efficiency_in_(0,1]", "(0, 1]", m.mapping_efficiency)
    if any(
        not (0 < f.rows_used <= m.array.rows and 0 < f.cols_used <= m.array.cols) for f in m.folds
    ):
        v("fold_fits_array", f"<= {m.array.rows}x{m.array.cols}", "a larger fold")
    return out


def _stream_ok(s: DemandStream, limit: int) -> bool:
    c = s.cycles
    return bool(len(s) > 0 and np.all(c[1:] >= c[:-1]) and c[0] >= 0 and c[-1] < limit)


def schedule_properties(s: Schedule, case: str) -> list[Violation]:
    out = []

    def v(check: str, expected: object, got: object) -> None:
        out.append(Violation(f"property.{check}", "interconnect", case, str(expected), str(got)))

    for name, stream in (("ifmap", s.ifmap), ("filter", s.filter), ("ofmap", s.ofmap)):
        if not _stream_ok(stream, s.demand_cycles):
            v(
                f"{name}_stream_ordered_within_layer",
                f"cycles sorted in [0, {s.demand_cycles})",
                "out of order or out of range",
            )
    if not 0 < s.compute_utilization <= 1:
        v("compute_utilization_in_(0,1]", "(0, 1]", s.compute_utilization)
    if s.ifmap_sram_reads < len(s.ifmap) or s.filter_sram_reads < len(s.filter):
        v("sram_reads_cover_requests", "reads >= requests", "fewer")
    if len(s.fold_cycles) != len(s.mapping.folds):
        v("one_length_per_fold", len(s.mapping.folds), len(s.fold_cycles))
    return out


def storage_properties(r: StorageReport, s: Schedule, case: str) -> list[Violation]:
    out = []

    def v(check: str, expected: object, got: object) -> None:
        out.append(Violation(f"property.{check}", "storage", case, str(expected), str(got)))

    if r.stall_cycles < 0:
        v("stalls_non_negative", ">= 0", r.stall_cycles)
    # the last row's stall may come from a read buffer, which the ofmap clock does not see
    if not s.demand_cycles - 1 <= r.total_cycles <= s.demand_cycles - 1 + r.stall_cycles:
        v(
            "total_within_demand_plus_stalls",
            f"[{s.demand_cycles - 1}, {s.demand_cycles - 1 + r.stall_cycles}]",
            r.total_cycles,
        )
    for name, stream, dram in (
        ("ifmap", s.ifmap, r.ifmap_dram),
        ("filter", s.filter, r.filter_dram),
    ):
        unique = len(np.unique(stream.addresses))
        if dram.words < unique:
            v(f"{name}_dram_reads_cover_distinct_words", f">= {unique}", dram.words)
        if dram.start_cycle > dram.stop_cycle:
            v(
                f"{name}_dram_window_ordered",
                "start <= stop",
                f"{dram.start_cycle} > {dram.stop_cycle}",
            )
    if r.ofmap_dram.words < len(s.ofmap):
        v("ofmap_written_back", f">= {len(s.ofmap)}", r.ofmap_dram.words)
    return out
