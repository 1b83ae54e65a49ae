"""With more than one epoch, the DRAM read window starts ceil(50 * set / 10) cycles before cycle 0
instead of before the operand's first request.

Exposed by: CALC-mode layers that end a read-buffer epoch and whose operand is first requested
after cycle 0: the WS ifmap (skewed in after R cycles) and the IS filter; OS, where both
operands start at cycle 0, is right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.storage.read_buffer import walk_epochs
from simcoder.simulator.storage.reference import ReferenceStorage, StallClock
from simcoder.simulator.storage.write_buffer import simulate_write_buffer
from simcoder.simulator.types import BandwidthMode

WORDS_PER_KIB = 1024


def _read_dram(stream, kib, clock):  # type: ignore[no-untyped-def]
    size_words = kib * WORDS_PER_KIB
    set_words = size_words // 100
    walk = walk_epochs(stream.addresses, 50 * set_words)
    events = clock.cycle(stream.cycles[walk.epoch_end_positions])
    if len(events) == 0:
        sets = -(-walk.fetched_words // set_words)
        fill = -(-(sets * set_words) // 10)
        return DramAccess(-fill, -1, walk.fetched_words)
    if np.any(events[1:] == events[:-1]):
        raise ScaleSimFailure("two read-buffer epochs end in the same cycle")
    start = -(-(50 * set_words) // 10) * -1  # the first fill ends at cycle -1
    return DramAccess(start, int(events[-1]) + 1, walk.fetched_words)


def _sram(stream, clock, write):  # type: ignore[no-untyped-def]
    first, last = clock.cycle(stream.cycles[[0, -1]], after_own_stall=write)
    lat = 0 if write else 1
    return int(first) + lat, int(last) + lat


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return super().simulate(schedule, memory)
        cols = schedule.mapping.array.cols
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        last_row = schedule.demand_cycles - 1
        size = memory.ofmap_sram_kib * WORDS_PER_KIB
        wb = simulate_write_buffer(rows, counts, size, cols, last_row)
        clock = StallClock(wb.stall_rows, wb.stall_amounts)
        ifmap_dram = _read_dram(schedule.ifmap, memory.ifmap_sram_kib, clock)
        filter_dram = _read_dram(schedule.filter, memory.filter_sram_kib, clock)
        ofmap_dram = DramAccess(wb.dram_start_cycle, wb.dram_stop_cycle, wb.dram_words)
        i0, i1 = _sram(schedule.ifmap, clock, False)
        f0, f1 = _sram(schedule.filter, clock, False)
        o0, o1 = _sram(schedule.ofmap, clock, True)
        return StorageReport(
            total_cycles=last_row + clock.total_stall,
            stall_cycles=clock.total_stall,
            total_cycles_incl_prefetch=ofmap_dram.stop_cycle
            - min(ifmap_dram.start_cycle, filter_dram.start_cycle),
            ifmap_sram_start_cycle=i0,
            ifmap_sram_stop_cycle=i1,
            filter_sram_start_cycle=f0,
            filter_sram_stop_cycle=f1,
            ofmap_sram_start_cycle=o0,
            ofmap_sram_stop_cycle=o1,
            ifmap_dram=ifmap_dram,
            filter_dram=filter_dram,
            ofmap_dram=ofmap_dram,
        )


WITNESS = {
    "layer": ["conv", 16, 16, 3, 3, 16, 32, 1],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 4, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
