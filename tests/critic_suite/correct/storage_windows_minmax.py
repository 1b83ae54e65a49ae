"""Correct: the reference storage with SRAM windows recomputed as min/max over all requests."""

import dataclasses

import numpy as np

from simcoder.simulator.storage.reference import ReferenceStorage, StallClock
from simcoder.simulator.storage.write_buffer import simulate_write_buffer
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        if memory.bandwidth_mode is BandwidthMode.USER:
            return r
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        wb = simulate_write_buffer(
            rows,
            counts,
            memory.ofmap_sram_kib * 1024,
            schedule.mapping.array.cols,
            schedule.demand_cycles - 1,
        )
        clock = StallClock(wb.stall_rows, wb.stall_amounts)
        ic = clock.cycle(schedule.ifmap.cycles) + 1
        fc = clock.cycle(schedule.filter.cycles) + 1
        return dataclasses.replace(
            r,
            ifmap_sram_start_cycle=int(ic.min()),
            ifmap_sram_stop_cycle=int(ic.max()),
            filter_sram_start_cycle=int(fc.min()),
            filter_sram_stop_cycle=int(fc.max()),
        )
