"""Layers with more than 256 folds take a vectorised closed form for compute utilization,
MACs / (R * C * L * folds), which divides by the demand fold length L instead of the WS/IS
compute length L + C - 1 used by the per-fold loop.

Exposed by: weight- and input-stationary layers with more than 256 folds (deep layers on small
arrays, e.g. a 3x3x64 conv with 128 filters on an 8x8 WS array, or big IS layers): Compute
Util % is too high. OS layers and WS/IS layers with up to 256 folds are right.
"""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    compute_fold_length,
    fold_length,
    place,
    placements,
)
from simcoder.simulator.types import Dataflow

VECTOR_FOLDS = 256


def _utilization(mapping, length):  # type: ignore[no-untyped-def]
    rows, cols = mapping.array.rows, mapping.array.cols
    n = len(mapping.folds)
    if n > VECTOR_FOLDS:
        used = np.array([f.rows_used * f.cols_used for f in mapping.folds], dtype=np.int64)
        return float(used.sum() * mapping.t / (rows * cols * length * n))
    lc = compute_fold_length(mapping)
    per_fold = [f.rows_used * f.cols_used * mapping.t / (rows * cols * lc) for f in mapping.folds]
    return sum(per_fold) / n


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length = fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        streams = ([], [], [])
        sizes = [0, 0, 0]
        for fold in mapping.folds:
            for i, p in enumerate(placements(mapping, fold)):
                streams[i].append(place(p, fold.index * length, rows))
                sizes[i] += p.block.size
        ifmap, filt, ofmap = (
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in streams
        )
        writes = sizes[2]
        if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
            writes += len(mapping.folds) * (rows + cols)
        ifmap_fetch, filter_fetch = fetch_orders(mapping)
        return Schedule(
            mapping=mapping,
            fold_cycles=(length,) * len(mapping.folds),
            compute_utilization=_utilization(mapping, length),
            ifmap_sram_reads=sizes[0],
            filter_sram_reads=sizes[1],
            ofmap_sram_writes=writes,
            ifmap=ifmap,
            filter=filt,
            ofmap=ofmap,
            ifmap_fetch_order=ifmap_fetch,
            filter_fetch_order=filter_fetch,
        )


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 16, 128, 1],
    "array": [8, 8, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
