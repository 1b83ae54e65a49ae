"""Requests within a fold are ordered with np.lexsort((cycles, ports)), i.e. by port first and
cycle second (lexsort's last key is the primary one), instead of by cycle then port.

The streams are no longer in time order inside a fold, but every fold's first and last request
and all counts are right. Exposed by: multi-row/column blocks with SRAMs small enough for CALC
epochs to end, and USER bandwidth mode (the order of misses); large CALC SRAMs are unaffected.
"""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    ReferenceInterconnect,
    compute_fold_length,
    fold_length,
    placements,
)
from simcoder.simulator.types import Dataflow


def _place(p, start, rows):  # type: ignore[no-untyped-def]
    h, w = p.block.shape
    i = np.arange(h)[:, None]
    j = np.arange(w)[None, :]
    if p.skewed:
        cycles = start + p.base + i + j
    else:
        cycles = np.broadcast_to(start + p.base + rows - 1 - i, (h, w))
    ports = np.broadcast_to(j, (h, w)).ravel()
    cycles = cycles.ravel()
    order = np.lexsort((cycles, ports))  # sort by cycle, then by port
    cyc = cycles[order].astype(np.int64)
    addr = p.block.ravel()[order].astype(np.int64)
    keep = addr != -1
    return cyc[keep], addr[keep]


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length = fold_length(mapping)
        lc = compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        parts = [[], [], []]
        sizes = [0, 0, 0]
        util = 0.0
        for fold in mapping.folds:
            for i, p in enumerate(placements(mapping, fold)):
                parts[i].append(_place(p, fold.index * length, rows))
                sizes[i] += p.block.size
            util += fold.rows_used * fold.cols_used * mapping.t / (rows * cols * lc)
        streams = [
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in parts
        ]
        os_df = mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY
        writes = sizes[2] + (len(mapping.folds) * (rows + cols) if os_df else 0)
        ifmap_fetch, filter_fetch = fetch_orders(mapping)
        return Schedule(
            mapping,
            (length,) * len(mapping.folds),
            util / len(mapping.folds),
            sizes[0],
            sizes[1],
            writes,
            streams[0],
            streams[1],
            streams[2],
            ifmap_fetch,
            filter_fetch,
        )


WITNESS = {
    "layer": ["conv", 16, 16, 3, 3, 16, 32, 1],
    "array": [16, 16, "os"],
    "memory": {"ifmap_sram_kib": 1, "filter_sram_kib": 1, "ofmap_sram_kib": 64},
}
