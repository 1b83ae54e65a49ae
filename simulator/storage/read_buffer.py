"""SCALE-Sim 3.0.0's CALC-mode read buffer (``memory/read_buffer_estimate_bw.py``), per epoch.

The buffer tracks the distinct words the array asked for in sets of ``floor(size/100)`` words.
Fifty sets make an *epoch*: a word asked for again within its epoch is a hit; the first request
of a word in an epoch is fetched from DRAM. When an epoch fills, the next one starts empty (the
words of the old one are forgotten) and the DRAM prefetch window moves. See storage/SPEC.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcoder.simulator.errors import ScaleSimFailure

SETS_PER_HALF = 50  # active_buf_frac 0.5 of 100 sets
FIRST_FILL_WORDS_PER_CYCLE = 10  # CALC mode's default backing bandwidth


@dataclass(frozen=True)
class EpochWalk:
    fetched_words: int  # words fetched from DRAM (first request of a word in its epoch)
    epoch_end_positions: np.ndarray  # stream index of the request that filled each epoch


def walk_epochs(addresses: np.ndarray, epoch_words: int) -> EpochWalk:
    """Split the request stream into epochs of ``epoch_words`` distinct words."""
    n = addresses.shape[0]
    # previous occurrence of the same address (-1 if none), by a stable sort on address
    order = np.argsort(addresses, kind="stable")
    sorted_addr = addresses[order]
    prev = np.full(n, -1, dtype=np.int64)
    same = sorted_addr[1:] == sorted_addr[:-1]
    prev[order[1:][same]] = order[:-1][same]
    ends: list[int] = []
    start = 0
    fetched = 0
    while start < n:
        # a request is a fetch iff its address was not requested since the epoch started
        window = n - start
        chunk = min(window, max(4 * epoch_words, 1024))
        while True:
            is_new = prev[start : start + chunk] < start
            counts = np.cumsum(is_new)
            if counts[-1] >= epoch_words or chunk == window:
                break
            chunk = min(window, chunk * 4)
        if counts[-1] < epoch_words:
            fetched += int(counts[-1])
            break
        pos = start + int(np.searchsorted(counts, epoch_words))
        ends.append(pos)
        fetched += epoch_words
        start = pos + 1
    return EpochWalk(fetched, np.asarray(ends, dtype=np.int64))


@dataclass(frozen=True)
class DramReads:
    start_cycle: int
    stop_cycle: int
    words: int


def calc_mode_dram_reads(
    walk: EpochWalk, event_cycles: np.ndarray, first_request_cycle: int, size_words: int
) -> DramReads:
    """DRAM start/stop cycles of SCALE-Sim's CALC-mode prefetches for one read buffer.

    ``event_cycles`` are the (stall-adjusted) cycles at which each epoch filled.
    """
    set_words = size_words // 100
    if len(event_cycles) == 0:
        # everything fits one epoch: one fill at 10 words/cycle that ends two cycles before 0
        sets = -(-walk.fetched_words // set_words)
        cycles = -(-sets * set_words // FIRST_FILL_WORDS_PER_CYCLE)
        return DramReads(-cycles, -1, walk.fetched_words)
    if np.any(event_cycles[1:] == event_cycles[:-1]):
        raise ScaleSimFailure(
            "SCALE-Sim 3.0.0 divides by zero on this layer (two read-buffer epochs fill in the "
            "same cycle, giving a zero-length prefetch window); use a larger SRAM"
        )
    first_fill = -(-SETS_PER_HALF * set_words // FIRST_FILL_WORDS_PER_CYCLE)
    return DramReads(
        first_request_cycle - first_fill, int(event_cycles[-1]) + 1, walk.fetched_words
    )
