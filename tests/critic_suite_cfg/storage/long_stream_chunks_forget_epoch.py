"""The CALC read buffer walks streams longer than 2**20 requests in chunks of 2**20, each with
a fresh epoch, so the words of the epoch in progress are forgotten at every chunk boundary and
fetched again.

Exposed by: CALC-mode layers whose ifmap or filter stream has more than 1,048,576 requests
(e.g. a 3x3x64 conv on a 32x32 ifmap with 96 filters on a 32x32 OS array, or most large layers
on small arrays): DRAM IFMAP/Filter Reads too high, and epoch boundaries move. Shorter streams
and USER mode are right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.read_buffer import (
    SETS_PER_HALF,
    EpochWalk,
    calc_mode_dram_reads,
    walk_epochs,
)
from simcoder.simulator.storage.reference import ReferenceStorage, StallClock
from simcoder.simulator.storage.write_buffer import simulate_write_buffer
from simcoder.simulator.types import BandwidthMode

CHUNK = 1 << 20  # requests per pass: bounds the temporaries of long streams


def _walk_long(addresses, epoch_words):  # type: ignore[no-untyped-def]
    """walk_epochs over a long stream, a million requests at a time."""
    if addresses.shape[0] <= CHUNK:
        return walk_epochs(addresses, epoch_words)
    fetched = 0
    ends = []
    for start in range(0, addresses.shape[0], CHUNK):
        part = walk_epochs(addresses[start : start + CHUNK], epoch_words)
        fetched += part.fetched_words
        ends.append(part.epoch_end_positions + start)
    return EpochWalk(fetched, np.concatenate(ends).astype(np.int64))


def _read_dram(stream, kib, clock):  # type: ignore[no-untyped-def]
    size = kib * 1024
    walk = _walk_long(stream.addresses, SETS_PER_HALF * (size // 100))
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
    "layer": ["conv", 32, 32, 3, 3, 64, 96, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 256, "filter_sram_kib": 256, "ofmap_sram_kib": 256},
}
