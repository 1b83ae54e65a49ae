"""Correct: USER mode's read buffers from scratch, request by request, with a dict from each word
to the sets that hold it and an explicit circular window; CALC mode is the reference's."""

from collections import defaultdict

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.storage.write_buffer import WriteBufferState
from simcoder.simulator.types import BandwidthMode


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


class _ReadBuffer:
    def __init__(self, stream, fetch, size, line_words, corrected):  # type: ignore[no-untyped-def]
        self.corrected = corrected
        self.line_words = line_words
        real = [int(x) for x in fetch.tolist() if x >= 0]
        set_words = _ceil(size, 100)
        self.n_sets = len(real) // set_words + 1
        self.sets_of: dict[int, set[int]] = defaultdict(set)
        for i, word in enumerate(real):
            self.sets_of[word].add(i // set_words)
        for word in set(stream.addresses.tolist()):
            if word not in self.sets_of:
                raise ScaleSimFailure("a requested word is never fetched")
        active = _ceil(size, 2)
        prefetch = size - active
        self.window_sets = min(_ceil(active, set_words), self.n_sets)
        self.step_sets = min(_ceil(prefetch, set_words), self.n_sets - self.window_sets)
        lines = _ceil(len(fetch), line_words)
        self.lines = lines
        self.first_fill = min(_ceil(active, line_words), lines)
        self.per_prefetch = _ceil(prefetch, line_words)
        self.prefetches = 0
        self.k = 0
        self.last = -1
        self.requests: dict[int, list[int]] = defaultdict(list)
        for c, a in zip(stream.cycles.tolist(), stream.addresses.tolist(), strict=True):
            self.requests[c].append(a)

    def holds(self, word: int, k: int) -> bool:
        start = (k * self.step_sets) % self.n_sets
        end = (start + self.window_sets) % self.n_sets
        if start == end:
            return True
        for s in self.sets_of[word]:
            if (start <= s < end) if start < end else (s >= start or s < end):
                return True
        return False

    def serve(self, row: int, cycle: int) -> int:
        """The row's offset from issue to service (1 when nothing is prefetched)."""
        offset = 1
        for word in self.requests.get(row, []):
            if self.holds(word, self.k):
                continue
            if self.step_sets == 0 or self.per_prefetch > self.lines:
                raise ScaleSimFailure("the prefetch is longer than the fetch matrix")
            steps = 0
            while True:
                self.k += 1
                steps += 1
                if self.holds(word, self.k):
                    break
                if steps > self.n_sets + 1:
                    raise ScaleSimFailure("the prefetch window never reaches a requested word")
            if self.corrected:
                steps = min(steps, _ceil(self.window_sets, self.step_sets))
            for _ in range(steps):
                self.prefetches += 1
                self.last += self.per_prefetch + 1
                potential = self.last - (cycle + offset)
                if self.corrected:
                    offset += max(potential, 0)
                else:
                    offset += potential
                    if potential > 0:
                        offset += potential
        return offset

    def dram(self) -> DramAccess:
        words = (self.first_fill + self.prefetches * self.per_prefetch) * self.line_words
        return DramAccess(-self.first_fill, self.last, words)


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is not BandwidthMode.USER:
            return super().simulate(schedule, memory)
        ifm = _ReadBuffer(
            schedule.ifmap,
            schedule.ifmap_fetch_order,
            memory.ifmap_sram_kib * 1024,
            memory.ifmap_sram_bank_words_per_cycle,
            memory.corrected,
        )
        flt = _ReadBuffer(
            schedule.filter,
            schedule.filter_fetch_order,
            memory.filter_sram_kib * 1024,
            memory.filter_sram_bank_words_per_cycle,
            memory.corrected,
        )
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        writes = dict(zip(rows.tolist(), counts.tolist(), strict=True))
        buffer = WriteBufferState(memory.ofmap_sram_kib * 1024, memory.ofmap_dram_words_per_cycle)
        all_rows = sorted(set(ifm.requests) | set(flt.requests) | set(writes))
        stall = 0
        served_i: dict[int, int] = {}
        served_f: dict[int, int] = {}
        outs: list[int] = []
        for row in all_rows:
            cycle = row + stall
            oi = ifm.serve(row, cycle)
            of = flt.serve(row, cycle)
            out = buffer.write_row(cycle, writes[row]) if row in writes else cycle
            if row in writes:
                outs.append(out)
            served_i[row] = cycle + oi
            served_f[row] = cycle + of
            stall += max(oi - 1, of - 1, out - cycle)
        last_row = schedule.demand_cycles - 1
        last_row_writes = max(writes) == last_row
        total = outs[-1] if last_row_writes and not memory.corrected else last_row + stall
        buffer.drain_all(total)
        i_dram, f_dram = ifm.dram(), flt.dram()
        o_dram = DramAccess(buffer.first_drain_cycle, buffer.last_drain_cycle, buffer.dram_words)
        return StorageReport(
            total_cycles=total,
            stall_cycles=stall,
            total_cycles_incl_prefetch=o_dram.stop_cycle
            - min(i_dram.start_cycle, f_dram.start_cycle),
            ifmap_sram_start_cycle=served_i[min(ifm.requests)],
            ifmap_sram_stop_cycle=served_i[max(ifm.requests)],
            filter_sram_start_cycle=served_f[min(flt.requests)],
            filter_sram_stop_cycle=served_f[max(flt.requests)],
            ofmap_sram_start_cycle=outs[0],
            ofmap_sram_stop_cycle=outs[-1],
            ifmap_dram=i_dram,
            filter_dram=f_dram,
            ofmap_dram=o_dram,
        )
