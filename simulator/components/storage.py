"""Known storage changes (CALC mode): a single-buffered ofmap SRAM, another drain width."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simcoder.simulator.contracts import Schedule, StorageReport
from simcoder.simulator.storage.reference import calc_report
from simcoder.simulator.storage.write_buffer import WriteBufferResult, simulate_write_buffer
from simcoder.simulator.types import BandwidthMode, MemoryConfig

WriteBuffer = Callable[[np.ndarray, np.ndarray, int, int, int], WriteBufferResult]


def calc_storage(
    schedule: Schedule, memory: MemoryConfig, write_buffer: WriteBuffer, width: int
) -> StorageReport:
    """The reference's CALC-mode composition with another ofmap write buffer or line width."""
    rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    last_row = schedule.demand_cycles - 1
    wb = write_buffer(rows, counts, memory.ofmap_sram_kib * 1024, width, last_row)
    return calc_report(schedule, memory, wb)


def single_buffer(
    write_rows: np.ndarray, write_counts: np.ndarray, size: int, width: int, last_row: int
) -> WriteBufferResult:
    """A single-buffered ofmap SRAM: words fill lines of ``width``; when the buffer is full
    (``size`` words) every line drains, one per cycle, starting at the cycle of the write that
    filled it; no word may be written while a drain is in flight (``c < drain_end`` stalls the
    write to ``drain_end``). After the last row the rest drains from
    ``max(last row's completion, drain_end)``. DRAM OFMAP Writes count real words only."""
    free, fill, lines = size, 0, 0
    words_in_lines = 0
    drain_end, dram_words, first, last = 0, 0, None, 0
    stall, stall_rows, stall_amounts = 0, [], []

    def drain(c: int) -> int:
        nonlocal lines, words_in_lines, free, dram_words, first, last
        end = c + lines - 1
        dram_words += words_in_lines
        free, lines, words_in_lines = size, 0, 0
        first = c if first is None else first
        last = max(last, end)
        return end

    for row, count in zip(write_rows.tolist(), write_counts.tolist(), strict=True):
        issue = c = row + stall
        for _ in range(count):
            if c < drain_end:
                c = drain_end
            free -= 1
            fill += 1
            if fill == width:
                lines, words_in_lines, fill = lines + 1, words_in_lines + width, 0
            if free == 0:
                if fill:
                    lines, words_in_lines, fill = lines + 1, words_in_lines + fill, 0
                drain_end = drain(c)
        if c > issue:
            stall_rows.append(row)
            stall_amounts.append(c - issue)
            stall += c - issue
    if fill:
        lines, words_in_lines = lines + 1, words_in_lines + fill
    if lines:
        drain(max(last_row + stall, drain_end))
    assert first is not None
    return WriteBufferResult(
        np.asarray(stall_rows, dtype=np.int64),
        np.asarray(stall_amounts, dtype=np.int64),
        dram_words,
        first,
        last,
    )


class SingleBufferStorage:
    """CALC mode with a single-buffered ofmap SRAM (see :func:`single_buffer`); the ifmap and
    filter buffers are SCALE-Sim's."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        if memory.bandwidth_mode is BandwidthMode.USER:
            raise ValueError("this variant is defined for CALC mode only")
        return calc_storage(schedule, memory, single_buffer, schedule.mapping.array.cols)


class DrainWidthStorage:
    """CALC mode whose ofmap buffer drains ``width`` words per cycle (lines of ``width``
    words) instead of one array row's worth; otherwise SCALE-Sim's double buffer."""

    width = 2

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        if memory.bandwidth_mode is BandwidthMode.USER:
            raise ValueError("this variant is defined for CALC mode only")
        return calc_storage(schedule, memory, simulate_write_buffer, self.width)


__all__ = ["DrainWidthStorage", "SingleBufferStorage", "calc_storage", "single_buffer"]
