"""Correct: each fold's requests enumerated cycle by cycle (the anti-diagonals of a skewed
block, the rows of a stationary block from the bottom up), appended to plain lists."""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.types import Dataflow


class _Stream:
    def __init__(self) -> None:
        self.cycles: list[int] = []
        self.addresses: list[int] = []
        self.elements = 0

    def skewed(self, block, first_cycle):  # type: ignore[no-untyped-def]
        h, w = block.shape
        self.elements += h * w
        for d in range(h + w - 1):
            j = np.arange(max(0, d - h + 1), min(d, w - 1) + 1)
            words = block[d - j, j]
            words = words[words >= 0]
            self.cycles.extend([first_cycle + d] * len(words))
            self.addresses.extend(words.tolist())

    def stationary(self, block, first_cycle, rows):  # type: ignore[no-untyped-def]
        h, w = block.shape
        self.elements += h * w
        for i in range(h - 1, -1, -1):
            words = block[i][block[i] >= 0]
            self.cycles.extend([first_cycle + rows - 1 - i] * len(words))
            self.addresses.extend(words.tolist())

    def done(self) -> DemandStream:
        return DemandStream(
            np.array(self.cycles, dtype=np.int64), np.array(self.addresses, dtype=np.int64)
        )


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        rows, cols, t = mapping.array.rows, mapping.array.cols, mapping.t
        a, b, o = mapping.ifmap_addresses, mapping.filter_addresses, mapping.ofmap_addresses
        df = mapping.array.dataflow
        if df is Dataflow.OUTPUT_STATIONARY:
            length = t + rows + cols - 2
            util_length = length
        else:
            length = 2 * rows + cols + t - 2
            util_length = 2 * rows + 2 * cols + t - 3
        ifmap, filt, ofmap = _Stream(), _Stream(), _Stream()
        util = []
        for fold in mapping.folds:
            start = fold.index * length
            pr = slice(fold.row_fold * rows, fold.row_fold * rows + fold.rows_used)
            pc = slice(fold.col_fold * cols, fold.col_fold * cols + fold.cols_used)
            if df is Dataflow.OUTPUT_STATIONARY:
                ifmap.skewed(a[pr, :].T, start)
                filt.skewed(b[:, pc], start)
                ofmap.skewed(o[pr, pc][::-1], start + t - 1 + rows - fold.rows_used)
            elif df is Dataflow.WEIGHT_STATIONARY:
                ifmap.skewed(a[:, pr], start + rows)
                filt.stationary(b[pr, pc], start, rows)
                ofmap.skewed(o[:, pc], start + 2 * rows - 1)
            else:
                ifmap.stationary(a.T[pr, pc], start, rows)
                filt.skewed(b[pr, :].T, start + rows)
                ofmap.skewed(o[pc, :].T, start + 2 * rows - 1)
            util.append(fold.rows_used * fold.cols_used * t / (rows * cols * util_length))
        writes = ofmap.elements
        if df is Dataflow.OUTPUT_STATIONARY:
            writes += (rows + cols) * len(mapping.folds)
        ifmap_fetch, filter_fetch = fetch_orders(mapping)
        return Schedule(
            mapping=mapping,
            fold_cycles=(length,) * len(mapping.folds),
            compute_utilization=sum(util) / len(util),
            ifmap_sram_reads=ifmap.elements,
            filter_sram_reads=filt.elements,
            ofmap_sram_writes=writes,
            ifmap=ifmap.done(),
            filter=filt.done(),
            ofmap=ofmap.done(),
            ifmap_fetch_order=ifmap_fetch,
            filter_fetch_order=filter_fetch,
        )
