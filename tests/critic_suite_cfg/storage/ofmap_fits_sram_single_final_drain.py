"""CALC mode skips the ofmap buffer simulation when the layer's outputs fit the ofmap SRAM and
drains them all after the last row, but a drain starts as soon as the active half is full, so
outputs between half and all of the SRAM are drained during the layer.

Exposed by: CALC-mode layers whose ofmap writes are more than half but no more than all of the
ofmap SRAM (kib * 1024 words), e.g. a 28x28 conv with 256 filters (200k outputs) in a 256 kB
ofmap SRAM: DRAM OFMAP start/stop cycles and writes. Layers that fit the active half, or
overflow the SRAM, and USER mode are right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.read_buffer import (
    SETS_PER_HALF,
    calc_mode_dram_reads,
    walk_epochs,
)
from simcoder.simulator.storage.reference import ReferenceStorage, StallClock
from simcoder.simulator.storage.write_buffer import (
    WriteBufferResult,
    WriteBufferState,
    simulate_write_buffer,
)
from simcoder.simulator.types import BandwidthMode


def _write_buffer(rows, counts, size, width, last_row):  # type: ignore[no-untyped-def]
    """The ofmap buffer; a layer whose outputs fit the SRAM never drains before the end."""
    if int(counts.sum()) <= size:
        state = WriteBufferState(size, width)
        state.append(int(counts.sum()))
        state.drain_all(last_row)
        empty = np.zeros(0, dtype=np.int64)
        return WriteBufferResult(
            empty, empty, state.dram_words, state.first_drain_cycle, state.last_drain_cycle
        )
    return simulate_write_buffer(rows, counts, size, width, last_row)


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
    wb = _write_buffer(rows, counts, size, schedule.mapping.array.cols, last_row)
    clock = StallClock(wb.stall_rows, wb.stall_amounts)
    ifmap_dram = _read_dram(schedule.ifmap, memory.ifmap_sram_kib, clock)
    filter_dram = _read_dram(schedule.filter, memory.filter_sram_kib, clock)
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
    "layer": ["conv", 30, 30, 3, 3, 8, 256, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 256},
}
