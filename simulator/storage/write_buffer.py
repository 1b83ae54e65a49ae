"""SCALE-Sim 3.0.0's ofmap write buffer (``memory/write_buffer.py``), event by event.

The buffer holds ``size`` words; when the active half is full it drains ``ceil(drain/width)``
lines of ``width`` words to DRAM, one line per cycle. A write that finds the buffer full while a
drain is in flight stalls the array until that drain ends. See storage/SPEC.md for the exact
rules, including the quirks (partial lines flushed before each drain, and padding in any but
the last drained line counted as written data).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np


@dataclass
class WriteBufferState:
    size_words: int
    width_words: int  # words per DRAM line (ofmap drain bandwidth)
    free: int = 0
    line_fill: int = 0
    pending: deque[list[int]] = field(default_factory=deque)  # runs of [lines, valid words]
    drain_end: int = 0
    dram_words: int = 0
    first_drain_cycle: int | None = None
    last_drain_cycle: int = 0

    def __post_init__(self) -> None:
        self.free = self.size_words
        active = -(-self.size_words // 2)  # ceil(size x 0.5), as SCALE-Sim
        self.drain_words = self.size_words - active
        self.active_words = active
        self.lines_per_drain = -(-self.drain_words // self.width_words)

    def append(self, n: int) -> None:
        """Store n words into the current line, closing full lines."""
        self.free -= n
        total = self.line_fill + n
        full, self.line_fill = divmod(total, self.width_words)
        if full:
            self._push(full, self.width_words)

    def _push(self, lines: int, valid: int) -> None:
        if self.pending and self.pending[-1][1] == valid:
            self.pending[-1][0] += lines
        else:
            self.pending.append([lines, valid])

    def flush_partial_line(self) -> None:
        if self.line_fill:
            self._push(1, self.line_fill)
            self.line_fill = 0

    def drain(self, start: int) -> int:
        """Drain up to lines_per_drain lines from ``start``; return the cycle the drain ends."""
        want = self.lines_per_drain
        taken = 0
        last_valid = 0
        while want and self.pending:
            run = self.pending[0]
            k = min(want, run[0])
            run[0] -= k
            want -= k
            taken += k
            last_valid = run[1]
            if run[0] == 0:
                self.pending.popleft()
        # SCALE-Sim subtracts only the last line's padding from the words it counts
        words = (taken - 1) * self.width_words + last_valid
        self.dram_words += words
        self.free += words
        end = start + taken - 1
        if self.first_drain_cycle is None:
            self.first_drain_cycle = start
        self.last_drain_cycle = max(self.last_drain_cycle, end)
        return end

    def write_row(self, cycle: int, count: int) -> int:
        """Write ``count`` words issued at ``cycle``; return the cycle the row completes."""
        while count > 0:
            if cycle < self.drain_end:
                n = min(count, self.free) if self.free > 0 else 1
                self.append(n)
                count -= n
                if self.free <= 0:
                    cycle = self.drain_end  # stall until the in-flight drain ends
            else:
                need = self.free - self.active_words + 1
                n = min(count, max(need, 1))
                self.append(n)
                count -= n
                if self.free < self.active_words:
                    self.flush_partial_line()
                    self.drain_end = self.drain(cycle)
        return cycle

    def drain_all(self, cycle: int) -> None:
        """Empty the buffer after the last row, one drain after another."""
        self.flush_partial_line()
        while self.pending:
            self.drain_end = self.drain(cycle)
            cycle = self.drain_end + 1


@dataclass(frozen=True)
class WriteBufferResult:
    stall_rows: np.ndarray  # demand rows where the array stalled
    stall_amounts: np.ndarray  # cycles stalled at each of those rows
    dram_words: int
    dram_start_cycle: int
    dram_stop_cycle: int


def simulate_write_buffer(
    write_rows: np.ndarray,
    write_counts: np.ndarray,
    size_words: int,
    width_words: int,
    last_row: int,
) -> WriteBufferResult:
    """Run the ofmap buffer over the rows that write (ascending) and the words each writes."""
    state = WriteBufferState(size_words, width_words)
    stall = 0
    stall_rows: list[int] = []
    stall_amounts: list[int] = []
    for row, count in zip(write_rows.tolist(), write_counts.tolist(), strict=True):
        cycle = row + stall
        done = state.write_row(cycle, count)
        if done > cycle:
            stall_rows.append(row)
            stall_amounts.append(done - cycle)
            stall += done - cycle
    state.drain_all(last_row + stall)
    assert state.first_drain_cycle is not None
    return WriteBufferResult(
        np.asarray(stall_rows, dtype=np.int64),
        np.asarray(stall_amounts, dtype=np.int64),
        state.dram_words,
        state.first_drain_cycle,
        state.last_drain_cycle,
    )
