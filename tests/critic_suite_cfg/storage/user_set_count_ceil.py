"""USER mode's read buffer has ceil(real / e) sets, the sets the words fill, instead of SCALE-Sim's
floor(real / e) + 1, which opens one more (empty) set when e divides the real entry count.

Exposed by: USER-mode layers whose ifmap or filter fetch order has a number of real entries
that is a multiple of the set size e = ceil(kib * 1024 / 100), e.g. 64 x 1024 filter words in
a 100 kB filter SRAM (e = 1024) or any power-of-two operand at 25/50/100/200/400 kB: the
circular window has one set fewer, so the prefetches, DRAM reads and stalls move. Other counts
and CALC mode are right.
"""

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.storage.user_read_buffer import (
    BufferGeometry,
    PrefetchClock,
    PrefetchPlan,
    SetIndex,
)
from simcoder.simulator.storage.write_buffer import WriteBufferState
from simcoder.simulator.types import BandwidthMode


def _geometry(fetch, size_words, words_per_line):  # type: ignore[no-untyped-def]
    active = -(-size_words // 2)
    prefetch = size_words - active
    set_words = -(-size_words // 100)
    n_sets = -(-int(np.count_nonzero(fetch >= 0)) // set_words)  # sets that hold the words
    active_sets = min(-(-active // set_words), n_sets)
    fetch_lines = -(-fetch.shape[0] // words_per_line)
    return BufferGeometry(
        set_words,
        n_sets,
        active_sets,
        min(-(-prefetch // set_words), n_sets - active_sets),
        fetch_lines,
        min(-(-active // words_per_line), fetch_lines),
        -(-prefetch // words_per_line),
    )


def _index(fetch, set_words):  # type: ignore[no-untyped-def]
    real = fetch[fetch >= 0]
    n_sets = -(-real.shape[0] // set_words)
    words, rank = np.unique(real, return_inverse=True)
    set_ids = np.arange(real.shape[0], dtype=np.int64) // set_words
    return SetIndex(np.sort(rank.astype(np.int64) * n_sets + set_ids), words, n_sets)


def _plan(stream, fetch, size_words, words_per_line, corrected):  # type: ignore[no-untyped-def]
    """Where the read buffer prefetches: the window of sets moves forward until it holds the
    requested word."""
    geo = _geometry(fetch, size_words, words_per_line)
    index = _index(fetch, geo.set_words)
    n_sets, active, step = geo.n_sets, geo.active_sets, geo.prefetch_sets
    bases = index.bases(stream.addresses)

    def window(k):  # type: ignore[no-untyped-def]
        start = (k * step) % n_sets
        return start, (start + active) % n_sets

    rows, counts = [], []
    k = 0
    pos = 0
    n = int(bases.shape[0])
    while pos < n:
        hit = index.in_window(bases[pos:], *window(k))
        misses = np.flatnonzero(~hit)
        if misses.size == 0:
            break
        pos += int(misses[0])
        geo.check_prefetch_fits()
        steps = 0
        while True:
            k += 1
            steps += 1
            if index.in_window(bases[pos : pos + 1], *window(k))[0]:
                break
            if steps > n_sets + 1:
                raise ScaleSimFailure("the prefetch window never reaches a requested word")
        if corrected:
            steps = min(steps, -(-active // step))
        row = int(stream.cycles[pos])
        if rows and rows[-1] == row:
            counts[-1] += steps
        else:
            rows.append(row)
            counts.append(steps)
        pos += 1
    return PrefetchPlan(
        np.asarray(rows, dtype=np.int64),
        np.asarray(counts, dtype=np.int64),
        geo.first_fill_lines,
        geo.lines_per_prefetch,
        words_per_line,
    )


def _user_mode(schedule, memory):  # type: ignore[no-untyped-def]
    ifmap_plan = _plan(
        schedule.ifmap,
        schedule.ifmap_fetch_order,
        memory.ifmap_sram_kib * 1024,
        memory.ifmap_sram_bank_words_per_cycle,
        memory.corrected,
    )
    filter_plan = _plan(
        schedule.filter,
        schedule.filter_fetch_order,
        memory.filter_sram_kib * 1024,
        memory.filter_sram_bank_words_per_cycle,
        memory.corrected,
    )
    clocks = (
        PrefetchClock(ifmap_plan, memory.corrected),
        PrefetchClock(filter_plan, memory.corrected),
    )
    write_rows, write_counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    writes = dict(zip(write_rows.tolist(), write_counts.tolist(), strict=True))
    buffer = WriteBufferState(memory.ofmap_sram_kib * 1024, memory.ofmap_dram_words_per_cycle)
    i0, i1 = int(schedule.ifmap.cycles[0]), int(schedule.ifmap.cycles[-1])
    f0, f1 = int(schedule.filter.cycles[0]), int(schedule.filter.cycles[-1])
    rows = set(ifmap_plan.rows.tolist()) | set(filter_plan.rows.tolist()) | set(writes)
    served = {}
    stall = 0
    first_out = last_out = None
    for row in sorted(rows | {i0, i1, f0, f1}):
        cycle = row + stall
        off_i = clocks[0].row_offset(row, cycle)
        off_f = clocks[1].row_offset(row, cycle)
        out = cycle
        if row in writes:
            out = buffer.write_row(cycle, writes[row])
            first_out = out if first_out is None else first_out
            last_out = out
        served["ifmap", row] = cycle + off_i
        served["filter", row] = cycle + off_f
        stall += int(max(off_i - 1, off_f - 1, out - cycle))
    last_row = schedule.demand_cycles - 1
    total = last_out if int(write_rows[-1]) == last_row else last_row + stall
    if memory.corrected:
        total = last_row + stall
    buffer.drain_all(total)
    ifmap_dram, filter_dram = (
        DramAccess(c.dram_start_cycle, c.dram_stop_cycle, c.plan.dram_words) for c in clocks
    )
    ofmap_dram = DramAccess(buffer.first_drain_cycle, buffer.last_drain_cycle, buffer.dram_words)
    return StorageReport(
        total_cycles=total,
        stall_cycles=stall,
        total_cycles_incl_prefetch=ofmap_dram.stop_cycle
        - min(ifmap_dram.start_cycle, filter_dram.start_cycle),
        ifmap_sram_start_cycle=served["ifmap", i0],
        ifmap_sram_stop_cycle=served["ifmap", i1],
        filter_sram_start_cycle=served["filter", f0],
        filter_sram_stop_cycle=served["filter", f1],
        ofmap_sram_start_cycle=first_out,
        ofmap_sram_stop_cycle=last_out,
        ifmap_dram=ifmap_dram,
        filter_dram=filter_dram,
        ofmap_dram=ofmap_dram,
    )


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return _user_mode(schedule, memory)
        return super().simulate(schedule, memory)


WITNESS = {
    "layer": ["conv", 8, 8, 4, 4, 16, 64, 1],
    "array": [8, 8, "is"],
    "memory": {
        "ifmap_sram_kib": 8,
        "filter_sram_kib": 25,
        "ofmap_sram_kib": 64,
        "bandwidth_mode": "USER",
        "ofmap_dram_words_per_cycle": 16,
        "ifmap_sram_bank_words_per_cycle": 8,
        "filter_sram_bank_words_per_cycle": 8,
    },
}
