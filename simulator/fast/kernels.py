"""Compiled kernels of the fast path. Each mirrors a reference function named in its docstring."""

from __future__ import annotations

import numpy as np
from numba import njit

from simcoder.simulator.fast.geometry import (
    BASE,
    MATRIX_A,
    SKEWED,
    START,
    X0,
    XI,
    XJ,
    Y0,
    YI,
    YJ,
    H,
    W,
)

# walk state slots
_EPOCH, _COUNT, _FETCHED, _FIRST, _LAST, _EVENTS = range(6)


@njit(cache=True, inline="always")
def _visit(
    addr: int, row: int, st: np.ndarray, epoch_of: np.ndarray, events: np.ndarray, epoch_words: int
) -> None:
    """One request of storage.read_buffer.walk_epochs."""
    if st[_FIRST] < 0:
        st[_FIRST] = row
    st[_LAST] = row
    if epoch_of[addr] != st[_EPOCH]:
        epoch_of[addr] = st[_EPOCH]
        st[_COUNT] += 1
        if st[_COUNT] == epoch_words:
            events[st[_EVENTS]] = row
            st[_EVENTS] += 1
            st[_EPOCH] += 1
            st[_FETCHED] += epoch_words
            st[_COUNT] = 0


@njit(cache=True)
def epoch_walk(
    table: np.ndarray,
    pix: np.ndarray,
    win: np.ndarray,
    window: int,
    ifmap_h: int,
    ifmap_w: int,
    all_valid: bool,
    rows: int,
    space: int,
    epoch_words: int,
    max_events: int,
) -> tuple[int, np.ndarray, int, int]:
    """storage.read_buffer.walk_epochs over the operand's demand stream, generated on the fly.

    An ifmap word is ``pix[0, p] + win[0, k]``, valid when the pixel's row/column (``pix[1:]``)
    plus the window element's (``win[1:]``) stay inside the ifmap; a filter word is n*K + k.
    Returns (fetched words, demand row of each epoch end, first request row, last request row).
    """
    epoch_of = np.full(space, -1, dtype=np.int32)
    events = np.empty(max_events, dtype=np.int64)
    st = np.zeros(6, dtype=np.int64)
    st[_FIRST] = -1
    for f in range(table.shape[0]):
        g = table[f]
        h, w, skewed, is_a = g[H], g[W], g[SKEWED], g[5] == MATRIX_A
        x0, xi, xj, y0, yi, yj = g[X0], g[XI], g[XJ], g[Y0], g[YI], g[YJ]
        n_steps = h + w - 1 if skewed else h
        for step in range(n_steps):
            if skewed:
                row = g[START] + g[BASE] + step
                j_lo, j_hi = max(0, step - h + 1), min(step, w - 1)
                i0, di = step - j_lo, -1
            else:
                row = g[START] + rows - h + step
                j_lo, j_hi = 0, w - 1
                i0, di = h - 1 - step, 0
            for j in range(j_lo, j_hi + 1):
                i = i0 + di * (j - j_lo)
                x = x0 + xi * i + xj * j
                y = y0 + yi * i + yj * j
                if is_a:
                    if not all_valid and (
                        pix[1, x] + win[1, y] >= ifmap_h or pix[2, x] + win[2, y] >= ifmap_w
                    ):
                        continue
                    addr = pix[0, x] + win[0, y]
                else:
                    addr = y * window + x
                _visit(addr, row, st, epoch_of, events, epoch_words)
    return (st[_FETCHED] + st[_COUNT], events[: st[_EVENTS]].copy(), st[_FIRST], st[_LAST])


@njit(cache=True)
def ofmap_row_counts(table: np.ndarray, n_rows: int) -> np.ndarray:
    """Words the array writes in each demand row (the reference's ofmap DemandStream, counted)."""
    counts = np.zeros(n_rows, dtype=np.int64)
    for f in range(table.shape[0]):
        g = table[f]
        h, w = g[H], g[W]
        for d in range(h + w - 1):
            counts[g[START] + g[BASE] + d] += min(d, h - 1) - max(0, d - w + 1) + 1
    return counts


@njit(cache=True)
def write_buffer(
    counts: np.ndarray,
    size: int,
    width: int,
    last_row: int,
) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """storage.write_buffer.simulate_write_buffer, with pending lines as a ring of runs.

    Returns (stall rows, stall amounts, DRAM words, first drain cycle, last drain cycle).
    """
    active = (size + 1) // 2
    lines_per_drain = (size - active + width - 1) // width
    cap = size + 2 * width + 16
    run_n = np.zeros(cap, dtype=np.int64)
    run_v = np.zeros(cap, dtype=np.int64)
    head = 0
    n_runs = 0
    free = size
    fill = 0
    drain_end = 0
    words = 0
    first_drain = -1
    last_drain = 0
    stall = 0
    stall_rows = np.empty(16, dtype=np.int64)
    stall_amounts = np.empty(16, dtype=np.int64)
    n_stalls = 0
    for row in range(counts.shape[0] + 1):
        final = row == counts.shape[0]
        cnt = 0 if final else counts[row]
        if cnt == 0 and not final:
            continue
        cycle = last_row + stall if final else row + stall
        issue = cycle
        while cnt > 0 or final:
            if final:
                n = 0
            elif cycle < drain_end:
                n = min(cnt, free) if free > 0 else 1
            else:
                n = min(cnt, max(free - active + 1, 1))
            # append n words into the current line, closing full lines
            free -= n
            cnt -= n
            total = fill + n
            full = total // width
            fill = total % width
            if full:
                last = (head + n_runs - 1) % cap
                if n_runs and run_v[last] == width:
                    run_n[last] += full
                else:
                    tail = (head + n_runs) % cap
                    run_n[tail] = full
                    run_v[tail] = width
                    n_runs += 1
            if not final and cycle < drain_end:
                if free <= 0:
                    cycle = drain_end
                continue
            if final or free < active:
                if fill:  # close the partial line
                    last = (head + n_runs - 1) % cap
                    if n_runs and run_v[last] == fill:
                        run_n[last] += 1
                    else:
                        tail = (head + n_runs) % cap
                        run_n[tail] = 1
                        run_v[tail] = fill
                        n_runs += 1
                    fill = 0
                while True:  # one drain (the final flush repeats until empty)
                    if final and n_runs == 0:
                        break
                    want = lines_per_drain
                    taken = 0
                    last_valid = 0
                    while want and n_runs:
                        k = min(want, run_n[head])
                        run_n[head] -= k
                        want -= k
                        taken += k
                        last_valid = run_v[head]
                        if run_n[head] == 0:
                            head = (head + 1) % cap
                            n_runs -= 1
                    drained = (taken - 1) * width + last_valid
                    words += drained
                    free += drained
                    end = cycle + taken - 1
                    if first_drain < 0:
                        first_drain = cycle
                    last_drain = max(last_drain, end)
                    drain_end = end
                    if not final:
                        break
                    cycle = end + 1
                    if n_runs == 0:
                        break
                if final:
                    break
        if not final and cycle > issue:
            if n_stalls == stall_rows.shape[0]:
                stall_rows = np.concatenate((stall_rows, np.empty(n_stalls, dtype=np.int64)))
                stall_amounts = np.concatenate((stall_amounts, np.empty(n_stalls, dtype=np.int64)))
            stall_rows[n_stalls] = row
            stall_amounts[n_stalls] = cycle - issue
            n_stalls += 1
            stall += cycle - issue
    return (
        stall_rows[:n_stalls].copy(),
        stall_amounts[:n_stalls].copy(),
        words,
        first_drain,
        last_drain,
    )
