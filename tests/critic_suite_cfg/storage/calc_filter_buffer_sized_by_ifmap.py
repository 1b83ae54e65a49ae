"""In CALC mode the filter read buffer is sized from the ifmap SRAM (IfmapSramSzkB), a
copy-paste of the ifmap line, instead of from FilterSramSzkB.

Exposed by: CALC-mode configs whose ifmap and filter SRAMs differ in size (e.g. 512 kB ifmap,
64 kB filter, or 32/512/64): the filter DRAM window and, when the filter ends an epoch in one
size and not the other, DRAM Filter Reads. Equal ifmap and filter SRAMs and USER mode are right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.read_buffer import (
    SETS_PER_HALF,
    calc_mode_dram_reads,
    walk_epochs,
)
from simcoder.simulator.storage.reference import ReferenceStorage, StallClock
from simcoder.simulator.storage.write_buffer import simulate_write_buffer
from simcoder.simulator.types import BandwidthMode


def _read_dram(stream, kib, clock):  # type: ignore[no-untyped-def]
    size = kib * 1024
    walk = walk_epochs(stream.addresses, SETS_PER_HALF * (size // 100))
    events = clock.cycle(stream.cycles[walk.epoch_end_positions])
    first = int(clock.cycle(stream.cycles[:1])[0])
    reads = calc_mode_dram_reads(walk, events, first, size)
    return DramAccess(reads.start_cycle, reads.stop_cycle, reads.words)


def _window(stream, clock, write):  # type: ignore[no-untyped-def]
    first, last = clock.cycle(stream.cycles[[0, -1]], after_own_stall=write)
    lat = 0 if write else 1
    return int(first) + lat, int(last) + lat


def _calc_mode(schedule, memory):  # type: ignore[no-untyped-def]
    rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    last_row = schedule.demand_cycles - 1
    size = memory.ofmap_sram_kib * 1024
    wb = simulate_write_buffer(rows, counts, size, schedule.mapping.array.cols, last_row)
    clock = StallClock(wb.stall_rows, wb.stall_amounts)
    ifmap_dram = _read_dram(schedule.ifmap, memory.ifmap_sram_kib, clock)
    filter_dram = _read_dram(schedule.filter, memory.ifmap_sram_kib, clock)
    ofmap_dram = DramAccess(wb.dram_start_cycle, wb.dram_stop_cycle, wb.dram_words)
    ifmap_sram = _window(schedule.ifmap, clock, False)
    filter_sram = _window(schedule.filter, clock, False)
    ofmap_sram = _window(schedule.ofmap, clock, True)
    return StorageReport(
        total_cycles=last_row + clock.total_stall,
        stall_cycles=clock.total_stall,
        total_cycles_incl_prefetch=ofmap_dram.stop_cycle
        - min(ifmap_dram.start_cycle, filter_dram.start_cycle),
        ifmap_sram_start_cycle=ifmap_sram[0],
        ifmap_sram_stop_cycle=ifmap_sram[1],
        filter_sram_start_cycle=filter_sram[0],
        filter_sram_stop_cycle=filter_sram[1],
        ofmap_sram_start_cycle=ofmap_sram[0],
        ofmap_sram_stop_cycle=ofmap_sram[1],
        ifmap_dram=ifmap_dram,
        filter_dram=filter_dram,
        ofmap_dram=ofmap_dram,
    )


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return super().simulate(schedule, memory)
        return _calc_mode(schedule, memory)


WITNESS = {
    "layer": ["conv", 28, 28, 3, 3, 32, 64, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 512, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
