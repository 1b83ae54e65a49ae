"""SCALE-Sim 3.0.0's USER-mode read buffer (``memory/read_buffer.py``), per prefetch event.

The fetch order is cut into DRAM lines of ``bandwidth`` words and, separately, into *sets* of
``ceil(size/100)`` words. The active half of the buffer holds a circular window of sets; a
request for a word in no active set advances the window by the prefetch half (a *prefetch*),
as often as needed, each costing a DRAM transfer of the prefetch half. See storage/SPEC.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.errors import ScaleSimFailure


@dataclass(frozen=True)
class PrefetchPlan:
    """Where prefetches happen, independent of timing."""

    rows: np.ndarray  # demand rows in which >= 1 prefetch happens (ascending)
    counts: np.ndarray  # prefetches in each of those rows
    first_fill_lines: int  # DRAM lines of the initial (active half) fill
    lines_per_prefetch: int
    words_per_line: int

    @property
    def dram_words(self) -> int:
        prefetches = int(self.counts.sum())
        return (self.first_fill_lines + prefetches * self.lines_per_prefetch) * self.words_per_line


@dataclass(frozen=True)
class SetIndex:
    """Which sets hold each word: sorted keys ``rank(address) * n_sets + set id``."""

    keys: np.ndarray
    words: np.ndarray  # distinct fetched addresses, sorted
    n_sets: int

    @classmethod
    def build(cls, fetch: np.ndarray, set_words: int) -> SetIndex:
        real = fetch[fetch >= 0]
        n_sets = real.shape[0] // set_words + 1  # SCALE-Sim always opens one more set
        words, rank = np.unique(real, return_inverse=True)
        set_ids = np.arange(real.shape[0], dtype=np.int64) // set_words
        return cls(np.sort(rank.astype(np.int64) * n_sets + set_ids), words, n_sets)

    def bases(self, addresses: np.ndarray) -> np.ndarray:
        rank = np.searchsorted(self.words, addresses)
        rank = np.minimum(rank, self.words.shape[0] - 1)
        if np.any(self.words[rank] != addresses):
            raise ScaleSimFailure("a requested word is never fetched; SCALE-Sim would loop forever")
        result: np.ndarray = rank.astype(np.int64) * self.n_sets
        return result

    def in_window(self, bases: np.ndarray, start: int, end: int) -> np.ndarray:
        """Whether each word (by base key) is in a set of the circular window [start, end)."""
        if start == end:  # the window covers every set
            return np.ones(bases.shape[0], dtype=bool)
        at_start = np.searchsorted(self.keys, bases + start)
        at_end = np.searchsorted(self.keys, bases + end)
        if start < end:
            result: np.ndarray = at_end > at_start
            return result
        lo = np.searchsorted(self.keys, bases)
        hi = np.searchsorted(self.keys, bases + self.n_sets)
        result = (hi > at_start) | (at_end > lo)
        return result


@dataclass(frozen=True)
class BufferGeometry:
    """Sizes of one USER-mode read buffer, in sets (for hits) and DRAM lines (for transfers)."""

    set_words: int
    n_sets: int
    active_sets: int
    prefetch_sets: int
    fetch_lines: int
    first_fill_lines: int
    lines_per_prefetch: int

    @classmethod
    def of(cls, fetch: np.ndarray, size_words: int, words_per_line: int) -> BufferGeometry:
        active = -(-size_words // 2)
        prefetch = size_words - active
        set_words = -(-size_words // 100)
        n_sets = int(np.count_nonzero(fetch >= 0)) // set_words + 1  # always one more set
        active_sets = min(-(-active // set_words), n_sets)
        fetch_lines = -(-fetch.shape[0] // words_per_line)
        return cls(
            set_words,
            n_sets,
            active_sets,
            min(-(-prefetch // set_words), n_sets - active_sets),
            fetch_lines,
            min(-(-active // words_per_line), fetch_lines),
            -(-prefetch // words_per_line),
        )

    def check_prefetch_fits(self) -> None:
        if self.prefetch_sets == 0 or self.lines_per_prefetch > self.fetch_lines:
            raise ScaleSimFailure(
                "SCALE-Sim 3.0.0 fails on this layer (its prefetch is longer than the whole "
                "fetch matrix, or there is no prefetch half); use a smaller SRAM"
            )


def plan_prefetches(
    stream: DemandStream,
    fetch: np.ndarray,
    size_words: int,
    words_per_line: int,
    corrected: bool = False,
) -> PrefetchPlan:
    """Where the prefetches happen. SCALE-Sim advances its window one prefetch at a time until
    it holds the word, paying a transfer for every step even when the window passes the whole
    buffer. ``corrected`` moves the window to the same place but pays only for the sets it
    does not already hold: at most ``ceil(active / prefetch)`` transfers per miss."""
    geo = BufferGeometry.of(fetch, size_words, words_per_line)
    index = SetIndex.build(fetch, geo.set_words)
    n_sets, active_sets, prefetch_sets = geo.n_sets, geo.active_sets, geo.prefetch_sets
    first_fill, per_prefetch = geo.first_fill_lines, geo.lines_per_prefetch
    bases = index.bases(stream.addresses)
    n = int(bases.shape[0])

    def window(k: int) -> tuple[int, int]:
        start = (k * prefetch_sets) % n_sets
        return start, (start + active_sets) % n_sets

    def next_miss(k: int, pos: int) -> int:
        chunk = 4096
        while pos < n:
            stop = min(n, pos + chunk)
            misses = np.flatnonzero(~index.in_window(bases[pos:stop], *window(k)))
            if misses.size:
                return pos + int(misses[0])
            pos, chunk = stop, chunk * 2
        return n

    rows: list[int] = []
    counts: list[int] = []
    k = 0  # prefetches so far
    pos = next_miss(k, 0)
    while pos < n:
        geo.check_prefetch_fits()
        steps = 0
        while True:  # advance the window until it holds the word
            k += 1
            steps += 1
            if index.in_window(bases[pos : pos + 1], *window(k))[0]:
                break
            if steps > n_sets + 1:
                raise ScaleSimFailure("the prefetch window never reaches a requested word")
        row = int(stream.cycles[pos])
        if corrected:
            steps = min(steps, -(-active_sets // prefetch_sets))
        if rows and rows[-1] == row:
            counts[-1] += steps
        else:
            rows.append(row)
            counts.append(steps)
        pos = next_miss(k, pos + 1)
    return PrefetchPlan(
        np.asarray(rows, dtype=np.int64),
        np.asarray(counts, dtype=np.int64),
        first_fill,
        per_prefetch,
        words_per_line,
    )


class PrefetchClock:
    """Replays the prefetches of one read buffer in time (SCALE-Sim's offset arithmetic)."""

    def __init__(self, plan: PrefetchPlan, corrected: bool = False) -> None:
        self.plan = plan
        self.corrected = corrected  # a stall counts once; an early prefetch lowers nothing
        self.last_prefetch_cycle = -1  # the first fill ends the cycle before row 0
        self.index = 0

    def row_offset(self, row: int, cycle: int) -> int:
        """Cycles from issue to service for ``row`` issued at ``cycle`` (1 without prefetch)."""
        offset = 1
        if self.index < len(self.plan.rows) and self.plan.rows[self.index] == row:
            for _ in range(int(self.plan.counts[self.index])):
                self.last_prefetch_cycle += self.plan.lines_per_prefetch + 1
                potential = self.last_prefetch_cycle - (cycle + offset)
                if self.corrected:
                    offset += max(potential, 0)
                    continue
                offset += potential  # SCALE-Sim adds a positive stall twice
                if potential > 0:
                    offset += potential
            self.index += 1
        return offset

    @property
    def dram_start_cycle(self) -> int:
        return -self.plan.first_fill_lines

    @property
    def dram_stop_cycle(self) -> int:
        return self.last_prefetch_cycle
