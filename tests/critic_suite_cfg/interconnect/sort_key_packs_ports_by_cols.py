"""Requests are ordered by one packed key, cycle * array_cols + port, which assumes a block is
never wider than the array has columns; the ifmap block of OS and WS (and the IS filter block)
is as wide as the array's rows.

Exposed by: arrays taller than wide (rows > cols, e.g. 64x16 or 128x32) on OS/WS ifmap and IS
filter streams with more than cols ports: requests of a cycle are interleaved with the next
cycles', which changes which words end a CALC epoch (small SRAMs) and USER-mode prefetches.
Square and wide arrays are right.
"""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    compute_fold_length,
    fold_length,
    placements,
)
from simcoder.simulator.types import Dataflow


def _place(p, start, rows, cols):  # type: ignore[no-untyped-def]
    h, w = p.block.shape
    i = np.arange(h)[:, None]
    j = np.arange(w)[None, :]
    cycles = start + p.base + i + j if p.skewed else start + p.base + rows - 1 - i + 0 * j
    ports = np.broadcast_to(j, (h, w))
    key = (cycles * cols + ports).ravel()  # cycle-major, then port
    order = np.argsort(key, kind="stable")
    cyc = cycles.ravel()[order].astype(np.int64)
    addr = p.block.ravel()[order].astype(np.int64)
    keep = addr >= 0
    return cyc[keep], addr[keep]


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        rows, cols = mapping.array.rows, mapping.array.cols
        length, lc = fold_length(mapping), compute_fold_length(mapping)
        parts = ([], [], [])
        sizes = [0, 0, 0]
        util = 0.0
        for fold in mapping.folds:
            for n, p in enumerate(placements(mapping, fold)):
                parts[n].append(_place(p, fold.index * length, rows, cols))
                sizes[n] += p.block.size
            util += fold.rows_used * fold.cols_used * mapping.t / (rows * cols * lc)
        ifmap, filt, ofmap = (
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in parts
        )
        writes = sizes[2]
        if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
            writes += len(mapping.folds) * (rows + cols)
        fi, ff = fetch_orders(mapping)
        return Schedule(
            mapping,
            (length,) * len(mapping.folds),
            util / len(mapping.folds),
            sizes[0],
            sizes[1],
            writes,
            ifmap,
            filt,
            ofmap,
            fi,
            ff,
        )


WITNESS = {
    "layer": ["conv", 16, 16, 3, 3, 8, 32, 1],
    "array": [64, 16, "os"],
    "memory": {
        "ifmap_sram_kib": 4,
        "filter_sram_kib": 4,
        "ofmap_sram_kib": 16,
        "bandwidth_mode": "USER",
        "ofmap_dram_words_per_cycle": 16,
        "ifmap_sram_bank_words_per_cycle": 8,
        "filter_sram_bank_words_per_cycle": 8,
    },
}
