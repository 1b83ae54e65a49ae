"""USER bandwidth mode: read buffers prefetch at the SRAM bank bandwidth, the ofmap buffer drains
at ``Bandwidth`` words per cycle, and every buffer may stall the array. See storage/SPEC.md."""

from __future__ import annotations

import numpy as np

from simcoder.simulator.contracts import DramAccess, Schedule, StorageReport
from simcoder.simulator.storage.user_read_buffer import PrefetchClock, plan_prefetches
from simcoder.simulator.storage.write_buffer import WriteBufferState
from simcoder.simulator.types import MemoryConfig


def simulate_user_mode(schedule: Schedule, memory: MemoryConfig) -> StorageReport:
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
    ifmap_clock = PrefetchClock(ifmap_plan, memory.corrected)
    filter_clock = PrefetchClock(filter_plan, memory.corrected)
    write_rows, write_counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    writes = dict(zip(write_rows.tolist(), write_counts.tolist(), strict=True))
    buffer = WriteBufferState(memory.ofmap_sram_kib * 1024, memory.ofmap_dram_words_per_cycle)
    rows = np.union1d(np.union1d(ifmap_plan.rows, filter_plan.rows), write_rows).tolist()
    watch = {
        int(schedule.ifmap.cycles[0]),
        int(schedule.ifmap.cycles[-1]),
        int(schedule.filter.cycles[0]),
        int(schedule.filter.cycles[-1]),
    }
    served: dict[tuple[str, int], int] = {}  # (operand, row) -> cycle the row was served
    stall = 0
    first_write_out: int | None = None
    last_write_out: int | None = None
    for row in sorted(set(rows) | watch):
        cycle = row + stall
        ifmap_offset = ifmap_clock.row_offset(row, cycle)
        filter_offset = filter_clock.row_offset(row, cycle)
        out = buffer.write_row(cycle, writes[row]) if row in writes else cycle
        if row in writes:
            first_write_out = out if first_write_out is None else first_write_out
            last_write_out = out
        served[("ifmap", row)] = cycle + ifmap_offset
        served[("filter", row)] = cycle + filter_offset
        stall += int(max(ifmap_offset - 1, filter_offset - 1, out - cycle))
    last_row = schedule.demand_cycles - 1
    total = last_write_out if write_rows[-1] == last_row else last_row + stall
    if memory.corrected:  # every stall, the last row's read stalls too
        total = last_row + stall
    assert total is not None and first_write_out is not None and last_write_out is not None
    buffer.drain_all(total)
    assert buffer.first_drain_cycle is not None

    def read_dram(clock: PrefetchClock) -> DramAccess:
        return DramAccess(clock.dram_start_cycle, clock.dram_stop_cycle, clock.plan.dram_words)

    ifmap_dram, filter_dram = read_dram(ifmap_clock), read_dram(filter_clock)
    ofmap_dram = DramAccess(buffer.first_drain_cycle, buffer.last_drain_cycle, buffer.dram_words)
    i0, i1 = int(schedule.ifmap.cycles[0]), int(schedule.ifmap.cycles[-1])
    f0, f1 = int(schedule.filter.cycles[0]), int(schedule.filter.cycles[-1])
    return StorageReport(
        total_cycles=total,
        stall_cycles=stall,
        total_cycles_incl_prefetch=ofmap_dram.stop_cycle
        - min(ifmap_dram.start_cycle, filter_dram.start_cycle),
        ifmap_sram_start_cycle=served[("ifmap", i0)],
        ifmap_sram_stop_cycle=served[("ifmap", i1)],
        filter_sram_start_cycle=served[("filter", f0)],
        filter_sram_stop_cycle=served[("filter", f1)],
        ofmap_sram_start_cycle=first_write_out,
        ofmap_sram_stop_cycle=last_write_out,
        ifmap_dram=ifmap_dram,
        filter_dram=filter_dram,
        ofmap_dram=ofmap_dram,
    )
