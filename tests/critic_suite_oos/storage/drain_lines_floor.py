"""The ofmap buffer drains floor(drain / W) lines at a time instead of ceil(drain / W), leaving
the last part-line of the drain half behind.

Exposed by: drain widths that do not divide half the ofmap SRAM (kib * 512 words): in CALC mode
non-power-of-two array widths (12, 24, 48, 100 columns), in USER mode a Bandwidth such as 10 or
12, on layers that write more than half the ofmap SRAM; power-of-two widths are right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.reference import ReferenceStorage, calc_report
from simcoder.simulator.storage.user_read_buffer import PrefetchClock, plan_prefetches
from simcoder.simulator.storage.write_buffer import WriteBufferResult, WriteBufferState
from simcoder.simulator.types import BandwidthMode


class _Buffer(WriteBufferState):
    def __post_init__(self) -> None:
        super().__post_init__()
        # lines of one drain: whole lines of the drain half
        self.lines_per_drain = max(1, self.drain_words // self.width_words)


def _write_buffer(write_rows, write_counts, size_words, width_words, last_row):  # type: ignore[no-untyped-def]
    state = _Buffer(size_words, width_words)
    stall = 0
    stall_rows, stall_amounts = [], []
    for row, count in zip(write_rows.tolist(), write_counts.tolist(), strict=True):
        cycle = row + stall
        done = state.write_row(cycle, count)
        if done > cycle:
            stall_rows.append(row)
            stall_amounts.append(done - cycle)
            stall += done - cycle
    state.drain_all(last_row + stall)
    return WriteBufferResult(
        np.asarray(stall_rows, dtype=np.int64),
        np.asarray(stall_amounts, dtype=np.int64),
        state.dram_words,
        state.first_drain_cycle,
        state.last_drain_cycle,
    )


def _plan(stream, fetch, kib, bandwidth, memory):  # type: ignore[no-untyped-def]
    return plan_prefetches(stream, fetch, kib * 1024, bandwidth, memory.corrected)


def _user_mode(schedule, memory):  # type: ignore[no-untyped-def]
    ifmap_plan = _plan(
        schedule.ifmap,
        schedule.ifmap_fetch_order,
        memory.ifmap_sram_kib,
        memory.ifmap_sram_bank_words_per_cycle,
        memory,
    )
    filter_plan = _plan(
        schedule.filter,
        schedule.filter_fetch_order,
        memory.filter_sram_kib,
        memory.filter_sram_bank_words_per_cycle,
        memory,
    )
    clocks = (
        PrefetchClock(ifmap_plan, memory.corrected),
        PrefetchClock(filter_plan, memory.corrected),
    )
    write_rows, write_counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    writes = dict(zip(write_rows.tolist(), write_counts.tolist(), strict=True))
    buffer = _Buffer(memory.ofmap_sram_kib * 1024, memory.ofmap_dram_words_per_cycle)
    i0, i1 = int(schedule.ifmap.cycles[0]), int(schedule.ifmap.cycles[-1])
    f0, f1 = int(schedule.filter.cycles[0]), int(schedule.filter.cycles[-1])
    rows = set(ifmap_plan.rows.tolist()) | set(filter_plan.rows.tolist()) | set(writes)
    served = {}
    stall = 0
    first_out = last_out = None
    for row in sorted(rows | {i0, i1, f0, f1}):
        cycle = row + stall
        off_i = clocks[0].row_offset(row, cycle)
        off_f = clocks[1].row_offset(row, cycle)
        out = cycle
        if row in writes:
            out = buffer.write_row(cycle, writes[row])
            first_out = out if first_out is None else first_out
            last_out = out
        served["ifmap", row] = cycle + off_i
        served["filter", row] = cycle + off_f
        stall += int(max(off_i - 1, off_f - 1, out - cycle))
    last_row = schedule.demand_cycles - 1
    total = last_out if int(write_rows[-1]) == last_row else last_row + stall
    if memory.corrected:
        total = last_row + stall
    buffer.drain_all(total)
    ifmap_dram, filter_dram = (
        DramAccess(c.dram_start_cycle, c.dram_stop_cycle, c.plan.dram_words) for c in clocks
    )
    ofmap_dram = DramAccess(buffer.first_drain_cycle, buffer.last_drain_cycle, buffer.dram_words)
    return StorageReport(
        total_cycles=total,
        stall_cycles=stall,
        total_cycles_incl_prefetch=ofmap_dram.stop_cycle
        - min(ifmap_dram.start_cycle, filter_dram.start_cycle),
        ifmap_sram_start_cycle=served["ifmap", i0],
        ifmap_sram_stop_cycle=served["ifmap", i1],
        filter_sram_start_cycle=served["filter", f0],
        filter_sram_stop_cycle=served["filter", f1],
        ofmap_sram_start_cycle=first_out,
        ofmap_sram_stop_cycle=last_out,
        ifmap_dram=ifmap_dram,
        filter_dram=filter_dram,
        ofmap_dram=ofmap_dram,
    )


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return _user_mode(schedule, memory)
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        size = memory.ofmap_sram_kib * 1024
        cols = schedule.mapping.array.cols
        wb = _write_buffer(rows, counts, size, cols, schedule.demand_cycles - 1)
        return calc_report(schedule, memory, wb)


WITNESS = {
    "layer": ["conv", 16, 16, 3, 3, 8, 48, 1],
    "array": [16, 48, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 4},
}
