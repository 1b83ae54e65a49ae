"""Reference storage module: SCALE-Sim 3.0.0's double-buffered SRAMs in CALC mode. See SPEC.md."""

from __future__ import annotations

import numpy as np

from simcoder.simulator.contracts import DemandStream, DramAccess, Schedule, StorageReport
from simcoder.simulator.storage.read_buffer import (
    SETS_PER_HALF,
    calc_mode_dram_reads,
    walk_epochs,
)
from simcoder.simulator.storage.user_mode import simulate_user_mode
from simcoder.simulator.storage.write_buffer import WriteBufferResult, simulate_write_buffer
from simcoder.simulator.types import BandwidthMode, MemoryConfig


class StallClock:
    """Maps a demand row to its real cycle: the row plus every stall at an earlier row."""

    def __init__(self, stall_rows: np.ndarray, stall_amounts: np.ndarray) -> None:
        self.rows: np.ndarray = stall_rows
        self.cumulative = np.concatenate(([0], np.cumsum(stall_amounts)))

    def cycle(self, rows: np.ndarray, *, after_own_stall: bool = False) -> np.ndarray:
        """Issue cycle of each row; with ``after_own_stall``, the cycle it completes."""
        index = np.searchsorted(self.rows, rows, side="right" if after_own_stall else "left")
        result: np.ndarray = rows + self.cumulative[index]
        return result

    @property
    def total_stall(self) -> int:
        return int(self.cumulative[-1])


def _read_dram(stream: DemandStream, kib: int, clock: StallClock) -> DramAccess:
    size_words = kib * 1024
    walk = walk_epochs(stream.addresses, SETS_PER_HALF * (size_words // 100))
    event_cycles = clock.cycle(stream.cycles[walk.epoch_end_positions])
    first = int(clock.cycle(stream.cycles[:1])[0])
    reads = calc_mode_dram_reads(walk, event_cycles, first, size_words)
    return DramAccess(reads.start_cycle, reads.stop_cycle, reads.words)


def _sram_window(stream: DemandStream, clock: StallClock, *, write: bool) -> tuple[int, int]:
    """First and last cycle of the SRAM trace: reads are served one cycle after issue; a
    write row is logged at the cycle it completes."""
    first, last = clock.cycle(stream.cycles[[0, -1]], after_own_stall=write)
    latency = 0 if write else 1
    return int(first) + latency, int(last) + latency


class ReferenceStorage:
    """SCALE-Sim 3.0.0's memory system in CALC mode, clear and per event."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        if memory.bandwidth_mode is BandwidthMode.USER:
            return simulate_user_mode(schedule, memory)
        array = schedule.mapping.array
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        last_row = schedule.demand_cycles - 1
        wb = simulate_write_buffer(rows, counts, memory.ofmap_sram_kib * 1024, array.cols, last_row)
        return calc_report(schedule, memory, wb)


def calc_report(schedule: Schedule, memory: MemoryConfig, wb: WriteBufferResult) -> StorageReport:
    """CALC mode around the ofmap buffer's result: its stalls shift every later row; the read
    buffers' DRAM windows and the SRAM windows follow."""
    last_row = schedule.demand_cycles - 1
    clock = StallClock(wb.stall_rows, wb.stall_amounts)
    ifmap_dram = _read_dram(schedule.ifmap, memory.ifmap_sram_kib, clock)
    filter_dram = _read_dram(schedule.filter, memory.filter_sram_kib, clock)
    ofmap_dram = DramAccess(wb.dram_start_cycle, wb.dram_stop_cycle, wb.dram_words)
    ifmap_sram = _sram_window(schedule.ifmap, clock, write=False)
    filter_sram = _sram_window(schedule.filter, clock, write=False)
    ofmap_sram = _sram_window(schedule.ofmap, clock, write=True)
    # the last row's stalls count too: its cycle (+ its own stall) is the layer's length
    total = last_row + clock.total_stall
    return StorageReport(
        total_cycles=total,
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
