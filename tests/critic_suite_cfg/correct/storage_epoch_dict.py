"""Storage with CALC mode's read buffers walked request by request: a dict from each word to the
epoch it was last fetched in (a word is fetched iff it has not been fetched in the current
epoch), with the epoch's fill cycles mapped through the ofmap buffer's stalls by a cumulative
sum. The ofmap buffer and USER mode are the reference's."""

import math

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.storage.user_mode import simulate_user_mode
from simcoder.simulator.storage.write_buffer import simulate_write_buffer
from simcoder.simulator.types import BandwidthMode


def _shift(rows, stall_rows, stall_amounts, own=False):  # type: ignore[no-untyped-def]
    cum = np.concatenate(([0], np.cumsum(stall_amounts, dtype=np.int64)))
    idx = np.searchsorted(stall_rows, rows, side="right" if own else "left")
    return np.asarray(rows, dtype=np.int64) + cum[idx]


def _epochs(addresses, epoch_words):  # type: ignore[no-untyped-def]
    last_epoch = {}
    epoch, in_epoch, fetched = 0, 0, 0
    ends = []
    for pos, word in enumerate(addresses.tolist()):
        if last_epoch.get(word) == epoch:
            continue
        last_epoch[word] = epoch
        fetched += 1
        in_epoch += 1
        if in_epoch == epoch_words:
            ends.append(pos)
            epoch += 1
            in_epoch = 0
    return fetched, ends


def _read(stream, kib, stall_rows, stall_amounts):  # type: ignore[no-untyped-def]
    set_words = kib * 1024 // 100
    fetched, ends = _epochs(stream.addresses, 50 * set_words)
    if not ends:
        sets = math.ceil(fetched / set_words)
        return DramAccess(-math.ceil(sets * set_words / 10), -1, fetched)
    events = _shift(stream.cycles[ends], stall_rows, stall_amounts)
    if len(events) > 1 and np.any(np.diff(events) == 0):
        raise ScaleSimFailure("two read-buffer epochs fill in the same cycle (SCALE-Sim 3.0.0)")
    first = int(_shift(stream.cycles[:1], stall_rows, stall_amounts)[0])
    return DramAccess(first - math.ceil(50 * set_words / 10), int(events[-1]) + 1, fetched)


class Module:
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return simulate_user_mode(schedule, memory)
        rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
        n = schedule.demand_cycles
        wb = simulate_write_buffer(
            rows, counts, memory.ofmap_sram_kib * 1024, schedule.mapping.array.cols, n - 1
        )
        sr, sa = wb.stall_rows, wb.stall_amounts
        ifmap = _read(schedule.ifmap, memory.ifmap_sram_kib, sr, sa)
        filt = _read(schedule.filter, memory.filter_sram_kib, sr, sa)
        ofmap = DramAccess(wb.dram_start_cycle, wb.dram_stop_cycle, wb.dram_words)
        stall = int(np.sum(sa, dtype=np.int64))

        def window(stream, write):  # type: ignore[no-untyped-def]
            ends = _shift(stream.cycles[[0, -1]], sr, sa, own=write)
            lat = 0 if write else 1
            return int(ends[0]) + lat, int(ends[1]) + lat

        (i0, i1), (f0, f1), (o0, o1) = (
            window(schedule.ifmap, False),
            window(schedule.filter, False),
            window(schedule.ofmap, True),
        )
        return StorageReport(
            total_cycles=n - 1 + stall,
            stall_cycles=stall,
            total_cycles_incl_prefetch=ofmap.stop_cycle - min(ifmap.start_cycle, filt.start_cycle),
            ifmap_sram_start_cycle=i0,
            ifmap_sram_stop_cycle=i1,
            filter_sram_start_cycle=f0,
            filter_sram_stop_cycle=f1,
            ofmap_sram_start_cycle=o0,
            ofmap_sram_stop_cycle=o1,
            ifmap_dram=ifmap,
            filter_dram=filt,
            ofmap_dram=ofmap,
        )
