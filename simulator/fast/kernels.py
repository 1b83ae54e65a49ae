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
_FETCHED, _FIRST, _LAST = 2, 3, 4


@njit(cache=True, inline="always")
def _hit(addr: int, start: int, end: int, offsets: np.ndarray, set_ids: np.ndarray) -> bool:
    """Is one of the sets holding ``addr`` in the circular window [start, end)?"""
    lo, hi = offsets[addr], offsets[addr + 1]
    if lo == hi:
        return False
    if start == end:
        return True
    if start < end:
        i = lo + np.searchsorted(set_ids[lo:hi], start)
        return bool(i < hi and set_ids[i] < end)
    return bool(set_ids[hi - 1] >= start or set_ids[lo] < end)


@njit(cache=True)
def prefetch_walk(
    table: np.ndarray,
    pix: np.ndarray,
    win: np.ndarray,
    window_size: int,
    ifmap_h: int,
    ifmap_w: int,
    all_valid: bool,
    rows: int,
    max_events: int,
    offsets: np.ndarray,
    set_ids: np.ndarray,
    window: np.ndarray,
    corrected: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """storage.user_read_buffer.plan_prefetches over the operand's demand stream, generated on
    the fly (same traversal as epoch_walk). ``offsets``/``set_ids`` say which sets hold each
    word; ``window`` = (sets, active sets, prefetch sets); ``corrected``: a miss pays at most
    ceil(active / prefetch) transfers. Returns (state, rows with prefetches, prefetches per row);
    state[FETCHED] is -1 when a request can never be served.
    """
    n_sets, active_sets, prefetch_sets = window[0], window[1], window[2]
    plan_rows = np.empty(max_events, dtype=np.int64)
    plan_counts = np.empty(max_events, dtype=np.int64)
    n_plan = 0
    k = 0
    start = 0
    end = active_sets % n_sets
    first = -1
    last = -1
    st = np.zeros(6, dtype=np.int64)
    for f in range(table.shape[0]):
        g = table[f]
        h, w, skewed, is_a = g[H], g[W], g[SKEWED], g[5] == MATRIX_A
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
            x = g[X0] + g[XI] * i0 + g[XJ] * j_lo
            y = g[Y0] + g[YI] * i0 + g[YJ] * j_lo
            dx = g[XJ] + g[XI] * di
            dy = g[YJ] + g[YI] * di
            for _ in range(j_hi - j_lo + 1):
                if is_a:
                    valid = all_valid or (
                        pix[1, x] + win[1, y] < ifmap_h and pix[2, x] + win[2, y] < ifmap_w
                    )
                    addr = pix[0, x] + win[0, y]
                else:
                    valid = True
                    addr = y * window_size + x
                x += dx
                y += dy
                if not valid:
                    continue
                if first < 0:
                    first = row
                last = row
                if _hit(addr, start, end, offsets, set_ids):
                    continue
                if offsets[addr] == offsets[addr + 1] or prefetch_sets == 0:
                    st[_FETCHED] = -1
                    return st, plan_rows[:0].copy(), plan_counts[:0].copy()
                steps = 0
                while True:  # advance the window until it holds the word
                    k += 1
                    steps += 1
                    start = (k * prefetch_sets) % n_sets
                    end = (start + active_sets) % n_sets
                    if _hit(addr, start, end, offsets, set_ids):
                        break
                if corrected:
                    steps = min(steps, (active_sets + prefetch_sets - 1) // prefetch_sets)
                if n_plan and plan_rows[n_plan - 1] == row:
                    plan_counts[n_plan - 1] += steps
                else:
                    plan_rows[n_plan] = row
                    plan_counts[n_plan] = steps
                    n_plan += 1
    st[_FIRST], st[_LAST] = first, last
    return st, plan_rows[:n_plan].copy(), plan_counts[:n_plan].copy()


@njit(cache=True)
def epoch_walk(
    table: np.ndarray,
    pix: np.ndarray,
    win: np.ndarray,
    window_size: int,
    ifmap_h: int,
    ifmap_w: int,
    all_valid: bool,
    rows: int,
    space: int,
    epoch_words: int,
    max_events: int,
) -> tuple[np.ndarray, np.ndarray]:
    """walk_requests in CALC mode with scalar state (the hot loop of the fast path)."""
    epoch_of = np.full(space, -1, dtype=np.int32)
    events = np.empty(max_events, dtype=np.int64)
    n_events = 0
    epoch = 0
    count = 0
    fetched = 0
    first = -1
    last = -1
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
            # along a step, x and y move by constant strides
            x = x0 + xi * i0 + xj * j_lo
            y = y0 + yi * i0 + yj * j_lo
            dx = xj + xi * di
            dy = yj + yi * di
            for _ in range(j_hi - j_lo + 1):
                if is_a:
                    valid = all_valid or (
                        pix[1, x] + win[1, y] < ifmap_h and pix[2, x] + win[2, y] < ifmap_w
                    )
                    addr = pix[0, x] + win[0, y]
                else:
                    valid = True
                    addr = y * window_size + x
                x += dx
                y += dy
                if not valid:
                    continue
                if first < 0:
                    first = row
                last = row
                if epoch_of[addr] != epoch:
                    epoch_of[addr] = epoch
                    count += 1
                    if count == epoch_words:
                        events[n_events] = row
                        n_events += 1
                        epoch += 1
                        fetched += count
                        count = 0
    st = np.zeros(6, dtype=np.int64)
    st[_FETCHED], st[_FIRST], st[_LAST] = fetched + count, first, last
    return st, events[:n_events].copy()


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


@njit(cache=True, inline="always")
def _read_offset(
    issue: int,
    n_prefetches: int,
    last: np.ndarray,
    slot: int,
    lines_per_prefetch: int,
    corrected: bool,
) -> int:
    """storage.user_read_buffer.PrefetchClock.row_offset: SCALE-Sim's offset arithmetic, or
    the corrected one (a stall counts once, an early prefetch lowers nothing)."""
    offset = 1
    for _ in range(n_prefetches):
        last[slot] += lines_per_prefetch + 1
        potential = last[slot] - (issue + offset)
        if corrected:
            offset += max(potential, 0)
            continue
        offset += potential
        if potential > 0:
            offset += potential
    return offset


@njit(cache=True)
def timeline(
    counts: np.ndarray,
    size: int,
    width: int,
    i_rows: np.ndarray,
    i_counts: np.ndarray,
    f_rows: np.ndarray,
    f_counts: np.ndarray,
    lines_per_prefetch: np.ndarray,
    watch: np.ndarray,
    corrected: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The memory system row by row: the ofmap buffer (storage.write_buffer) and, in USER mode,
    the read buffers' prefetch stalls (storage.user_mode). CALC mode passes no prefetch rows.

    Returns (stall rows, stall amounts, scalars): scalars are DRAM words written, first drain
    cycle, last drain cycle, total cycles, ifmap/filter served cycle of the four ``watch`` rows
    (ifmap first/last, filter first/last request row), first/last write completion, and the
    ifmap/filter last prefetch cycle.
    """
    n_rows = counts.shape[0]
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
    out = np.zeros(15, dtype=np.int64)
    out[1] = -1
    out[9] = -1
    last_prefetch = np.full(2, -1, dtype=np.int64)
    stall = 0
    stall_rows = np.empty(16, dtype=np.int64)
    stall_amounts = np.empty(16, dtype=np.int64)
    n_stalls = 0
    ip = 0
    fp = 0
    for row in range(n_rows + 1):
        final = row == n_rows
        cnt = 0
        n_i = 0
        n_f = 0
        if not final:
            cnt = counts[row]
            if ip < i_rows.shape[0] and i_rows[ip] == row:
                n_i = i_counts[ip]
                ip += 1
            if fp < f_rows.shape[0] and f_rows[fp] == row:
                n_f = f_counts[fp]
                fp += 1
            watched = (
                row == watch[0]
                or row == watch[1]
                or row == watch[2]
                or row == watch[3]
                or row == n_rows - 1
            )
            if cnt == 0 and n_i == 0 and n_f == 0 and not watched:
                continue
            cycle = row + stall
        else:
            cycle = out[3]
        issue = cycle
        i_offset = _read_offset(issue, n_i, last_prefetch, 0, lines_per_prefetch[0], corrected)
        f_offset = _read_offset(issue, n_f, last_prefetch, 1, lines_per_prefetch[1], corrected)
        while cnt > 0 or final:
            if final:
                n = 0
            elif cycle < drain_end:
                n = min(cnt, free) if free > 0 else 1
            else:
                n = min(cnt, max(free - active + 1, 1))
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
                if fill:
                    last = (head + n_runs - 1) % cap
                    if n_runs and run_v[last] == fill:
                        run_n[last] += 1
                    else:
                        tail = (head + n_runs) % cap
                        run_n[tail] = 1
                        run_v[tail] = fill
                        n_runs += 1
                    fill = 0
                while True:
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
                    out[0] += drained
                    free += drained
                    end = cycle + taken - 1
                    if out[1] < 0:
                        out[1] = cycle
                    out[2] = max(out[2], end)
                    drain_end = end
                    if not final:
                        break
                    cycle = end + 1
                    if n_runs == 0:
                        break
                if final:
                    break
        if final:
            break
        if counts[row] > 0:
            if out[9] < 0:
                out[9] = cycle
            out[10] = cycle
        for w_slot in range(4):
            if row == watch[w_slot]:
                out[4 + w_slot] = issue + (i_offset if w_slot < 2 else f_offset)
        if row == n_rows - 1:
            out[3] = cycle
        row_stall = max(i_offset - 1, f_offset - 1, cycle - issue)
        if row_stall > 0:
            if n_stalls == stall_rows.shape[0]:
                stall_rows = np.concatenate((stall_rows, np.empty(n_stalls, dtype=np.int64)))
                stall_amounts = np.concatenate((stall_amounts, np.empty(n_stalls, dtype=np.int64)))
            stall_rows[n_stalls] = row
            stall_amounts[n_stalls] = row_stall
            n_stalls += 1
            stall += row_stall
    out[11] = last_prefetch[0]
    out[12] = last_prefetch[1]
    out[13] = stall
    if corrected:  # every stall, the last row's read stalls too
        out[3] = n_rows - 1 + stall
    return stall_rows[:n_stalls].copy(), stall_amounts[:n_stalls].copy(), out
