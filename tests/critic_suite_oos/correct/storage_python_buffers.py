"""Correct: CALC mode from scratch in plain Python (the ofmap buffer word by word with a deque of
lines, the read buffers' epochs with a set of the epoch's words); USER mode is the reference's."""

from collections import deque
from itertools import pairwise

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.storage.user_mode import simulate_user_mode
from simcoder.simulator.types import BandwidthMode


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


class _OfmapBuffer:
    def __init__(self, size: int, width: int) -> None:
        self.width = width
        self.free = size
        self.active = _ceil(size, 2)
        self.lines_per_drain = _ceil(size - self.active, width)
        self.fill = 0
        self.lines: deque[int] = deque()  # real words of each closed line
        self.drain_end = 0
        self.words = 0
        self.first: int | None = None
        self.last = 0

    def close(self) -> None:
        if self.fill:
            self.lines.append(self.fill)
            self.fill = 0

    def drain(self, start: int) -> None:
        taken = [self.lines.popleft() for _ in range(min(self.lines_per_drain, len(self.lines)))]
        words = (len(taken) - 1) * self.width + taken[-1]
        self.words += words
        self.free += words
        self.drain_end = start + len(taken) - 1
        if self.first is None:
            self.first = start
        self.last = max(self.last, self.drain_end)

    def write(self, cycle: int, count: int) -> int:
        for _ in range(count):
            self.fill += 1
            self.free -= 1
            if self.fill == self.width:
                self.lines.append(self.fill)
                self.fill = 0
            if cycle < self.drain_end:
                if self.free <= 0:
                    cycle = self.drain_end
            elif self.free < self.active:
                self.close()
                self.drain(cycle)
        return cycle


def _read_buffer(cycles, addresses, kib, issue):  # type: ignore[no-untyped-def]
    set_words = kib * 1024 // 100
    epoch = 50 * set_words
    seen: set[int] = set()
    fetched = 0
    events = []
    for pos, addr in enumerate(addresses.tolist()):
        if addr in seen:
            continue
        seen.add(addr)
        fetched += 1
        if len(seen) == epoch:
            events.append(issue(int(cycles[pos])))
            seen = set()
    if not events:
        sets = _ceil(fetched, set_words)
        return DramAccess(-_ceil(sets * set_words, 10), -1, fetched)
    if any(x == y for x, y in pairwise(events)):
        raise ScaleSimFailure("two read-buffer epochs end in the same cycle")
    return DramAccess(issue(int(cycles[0])) - _ceil(epoch, 10), events[-1] + 1, fetched)


class Module:
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return simulate_user_mode(schedule, memory)
        last_row = schedule.demand_cycles - 1
        buffer = _OfmapBuffer(memory.ofmap_sram_kib * 1024, schedule.mapping.array.cols)
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        stall_before: dict[int, int] = {}  # row -> stalls at earlier rows
        own_stall: dict[int, int] = {}
        stall = 0
        stall_rows: list[int] = []
        stall_totals: list[int] = []
        for row, count in zip(rows.tolist(), counts.tolist(), strict=True):
            stall_before[row] = stall
            cycle = row + stall
            done = buffer.write(cycle, count)
            own_stall[row] = done - cycle
            if done > cycle:
                stall += done - cycle
                stall_rows.append(row)
                stall_totals.append(stall)
        buffer.close()
        cycle = last_row + stall
        while buffer.lines:
            buffer.drain(cycle)
            cycle = buffer.drain_end + 1

        def issue(row: int) -> int:
            # stalls at rows strictly before this one
            earlier = [t for r, t in zip(stall_rows, stall_totals, strict=True) if r < row]
            return row + (earlier[-1] if earlier else 0)

        ifmap = _read_buffer(
            schedule.ifmap.cycles, schedule.ifmap.addresses, memory.ifmap_sram_kib, issue
        )
        filt = _read_buffer(
            schedule.filter.cycles, schedule.filter.addresses, memory.filter_sram_kib, issue
        )
        ofmap = DramAccess(buffer.first, buffer.last, buffer.words)
        o_first, o_last = int(schedule.ofmap.cycles[0]), int(schedule.ofmap.cycles[-1])
        return StorageReport(
            total_cycles=last_row + stall,
            stall_cycles=stall,
            total_cycles_incl_prefetch=ofmap.stop_cycle - min(ifmap.start_cycle, filt.start_cycle),
            ifmap_sram_start_cycle=issue(int(schedule.ifmap.cycles[0])) + 1,
            ifmap_sram_stop_cycle=issue(int(schedule.ifmap.cycles[-1])) + 1,
            filter_sram_start_cycle=issue(int(schedule.filter.cycles[0])) + 1,
            filter_sram_stop_cycle=issue(int(schedule.filter.cycles[-1])) + 1,
            ofmap_sram_start_cycle=o_first + stall_before[o_first] + own_stall[o_first],
            ofmap_sram_stop_cycle=o_last + stall_before[o_last] + own_stall[o_last],
            ifmap_dram=ifmap,
            filter_dram=filt,
            ofmap_dram=ofmap,
        )
