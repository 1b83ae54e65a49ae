"""Correct: the CALC storage rewritten around one helper per buffer, bincount for row counts."""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.storage.read_buffer import SETS_PER_HALF, calc_mode_dram_reads, walk_epochs
from simcoder.simulator.storage.reference import StallClock
from simcoder.simulator.storage.user_mode import simulate_user_mode
from simcoder.simulator.storage.write_buffer import simulate_write_buffer
from simcoder.simulator.types import BandwidthMode


def _reads(stream, kib, clock):  # type: ignore[no-untyped-def]
    words = kib * 1024
    walk = walk_epochs(stream.addresses, SETS_PER_HALF * (words // 100))
    ends = clock.cycle(stream.cycles[walk.epoch_end_positions])
    d = calc_mode_dram_reads(walk, ends, int(clock.cycle(stream.cycles[:1])[0]), words)
    return DramAccess(d.start_cycle, d.stop_cycle, d.words)


class Module:
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return simulate_user_mode(schedule, memory)
        per_row = np.bincount(schedule.ofmap.cycles)
        rows = np.flatnonzero(per_row)
        last = schedule.demand_cycles - 1
        wb = simulate_write_buffer(
            rows, per_row[rows], memory.ofmap_sram_kib * 1024, schedule.mapping.array.cols, last
        )
        clock = StallClock(wb.stall_rows, wb.stall_amounts)
        ifmap = _reads(schedule.ifmap, memory.ifmap_sram_kib, clock)
        filt = _reads(schedule.filter, memory.filter_sram_kib, clock)
        ofmap = DramAccess(wb.dram_start_cycle, wb.dram_stop_cycle, wb.dram_words)
        i0, i1 = clock.cycle(schedule.ifmap.cycles[[0, -1]]) + 1
        f0, f1 = clock.cycle(schedule.filter.cycles[[0, -1]]) + 1
        o0, o1 = clock.cycle(schedule.ofmap.cycles[[0, -1]], after_own_stall=True)
        return StorageReport(
            last + clock.total_stall,
            clock.total_stall,
            ofmap.stop_cycle - min(ifmap.start_cycle, filt.start_cycle),
            int(i0),
            int(i1),
            int(f0),
            int(f1),
            int(o0),
            int(o1),
            ifmap,
            filt,
            ofmap,
        )
