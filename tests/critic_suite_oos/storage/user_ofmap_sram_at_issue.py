"""In USER mode the SRAM OFMAP start/stop cycles are the writing rows' issue cycles, not the cycles
they complete (after their own ofmap-buffer stall).

Exposed by: USER-mode layers whose first or last writing row stalls on a full ofmap buffer
(small ofmap SRAM, low Bandwidth); CALC mode, and layers whose ofmap buffer never stalls, are
right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.storage.user_read_buffer import PrefetchClock, plan_prefetches
from simcoder.simulator.storage.write_buffer import WriteBufferState
from simcoder.simulator.types import BandwidthMode


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
    buffer = WriteBufferState(memory.ofmap_sram_kib * 1024, memory.ofmap_dram_words_per_cycle)
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
            first_out = cycle if first_out is None else first_out
            last_out = cycle
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
        return super().simulate(schedule, memory)


WITNESS = {
    "layer": ["pointwise", 16, 16, 1, 1, 4, 16, 1],
    "array": [4, 16, "is"],
    "memory": {
        "ifmap_sram_kib": 1,
        "filter_sram_kib": 1,
        "ofmap_sram_kib": 1,
        "bandwidth_mode": "USER",
        "ofmap_dram_words_per_cycle": 4,
        "ifmap_sram_bank_words_per_cycle": 4,
        "filter_sram_bank_words_per_cycle": 4,
    },
}
