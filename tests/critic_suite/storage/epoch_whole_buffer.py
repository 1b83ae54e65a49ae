"""CALC-mode read epochs span the whole SRAM instead of the half that double buffering allows.

Exposed by: layers whose operands do not fit one epoch (DRAM prefetch windows change).
"""

import dataclasses

import numpy as np

from simcoder.simulator.contracts import DramAccess
from simcoder.simulator.storage.read_buffer import SETS_PER_HALF, calc_mode_dram_reads, walk_epochs
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
        reads = []
        for stream, kib in (
            (schedule.ifmap, memory.ifmap_sram_kib),
            (schedule.filter, memory.filter_sram_kib),
        ):
            size = kib * 1024
            walk = walk_epochs(stream.addresses, 2 * SETS_PER_HALF * (size // 100))
            events = clock.cycle(stream.cycles[walk.epoch_end_positions])
            first = int(clock.cycle(stream.cycles[:1])[0])
            d = calc_mode_dram_reads(walk, events, first, size)
            reads.append(DramAccess(d.start_cycle, d.stop_cycle, d.words))
        incl = r.ofmap_dram.stop_cycle - min(reads[0].start_cycle, reads[1].start_cycle)
        return dataclasses.replace(
            r, ifmap_dram=reads[0], filter_dram=reads[1], total_cycles_incl_prefetch=incl
        )
