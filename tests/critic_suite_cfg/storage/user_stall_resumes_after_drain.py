"""A write that finds the ofmap buffer full resumes the cycle after the in-flight drain ends
(c = drain_end + 1) instead of at drain_end.

Exposed by: USER-mode configs whose ofmap buffer actually stalls, i.e. a Bandwidth below the
array width (the array writes up to cols words a cycle, the buffer drains Bandwidth) with an
ofmap SRAM the layer overflows, e.g. 32 columns at Bandwidth 8 with a 2 kB ofmap SRAM: every
ofmap stall is one cycle too long. CALC mode and any Bandwidth >= cols never stall the ofmap
buffer and are right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.storage.user_read_buffer import PrefetchClock, plan_prefetches
from simcoder.simulator.storage.write_buffer import WriteBufferState
from simcoder.simulator.types import BandwidthMode


class _OfmapBuffer(WriteBufferState):
    def write_row(self, cycle, count):  # type: ignore[no-untyped-def]
        while count > 0:
            if cycle < self.drain_end:
                n = min(count, self.free) if self.free > 0 else 1
                self.append(n)
                count -= n
                if self.free <= 0:
                    # the buffer is full: wait for the drain, resume once it is done
                    cycle = self.drain_end + 1
            else:
                n = min(count, max(self.free - self.active_words + 1, 1))
                self.append(n)
                count -= n
                if self.free < self.active_words:
                    self.flush_partial_line()
                    self.drain_end = self.drain(cycle)
        return cycle


def _user_mode(schedule, memory):  # type: ignore[no-untyped-def]
    ifmap_plan = plan_prefetches(
        schedule.ifmap,
        schedule.ifmap_fetch_order,
        memory.ifmap_sram_kib * 1024,
        memory.ifmap_sram_bank_words_per_cycle,
        memory.corrected,
    )
    filter_plan = plan_prefetches(
        schedule.filter,
        schedule.filter_fetch_order,
        memory.filter_sram_kib * 1024,
        memory.filter_sram_bank_words_per_cycle,
        memory.corrected,
    )
    clocks = (
        PrefetchClock(ifmap_plan, memory.corrected),
        PrefetchClock(filter_plan, memory.corrected),
    )
    write_rows, write_counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    writes = dict(zip(write_rows.tolist(), write_counts.tolist(), strict=True))
    buffer = _OfmapBuffer(memory.ofmap_sram_kib * 1024, memory.ofmap_dram_words_per_cycle)
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
        return super().simulate(schedule, memory)


WITNESS = {
    "layer": ["conv", 16, 16, 3, 3, 16, 64, 1],
    "array": [32, 32, "ws"],
    "memory": {
        "ifmap_sram_kib": 64,
        "filter_sram_kib": 64,
        "ofmap_sram_kib": 2,
        "bandwidth_mode": "USER",
        "ofmap_dram_words_per_cycle": 8,
        "ifmap_sram_bank_words_per_cycle": 16,
        "filter_sram_bank_words_per_cycle": 16,
    },
}
