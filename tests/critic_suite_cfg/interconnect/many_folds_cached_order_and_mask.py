"""For layers with more than 64 folds, the sort order of each block shape is computed once and
reused, and the mask of real (non -1) requests is cached with it, so every fold of a shape
keeps the first such fold's off-ifmap pattern.

Exposed by: layers with more than 64 folds whose ifmap has off-ifmap (-1) window elements, i.e.
strided layers with a partial last window (e.g. a 3x3 stride-2 conv with 64 channels on a 28x28
ifmap, 128 filters, on a 16x16 WS array): -1 addresses are requested as words and real words
are dropped (DRAM IFMAP reads, SRAM windows). Stride-1 layers and layers with up to 64 folds
are right.
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

CACHE_FOLDS = 64


class _Placer:
    """Sort order (and real-request mask) per block shape and placement kind."""

    def __init__(self, rows):  # type: ignore[no-untyped-def]
        self.rows = rows
        self.cache = {}

    def place(self, p, start):  # type: ignore[no-untyped-def]
        h, w = p.block.shape
        key = (h, w, p.skewed, p.base)
        if key not in self.cache:
            i = np.arange(h)[:, None]
            j = np.arange(w)[None, :]
            if p.skewed:
                cycles = p.base + i + j
            else:
                cycles = np.broadcast_to(p.base + self.rows - 1 - i, (h, w))
            ports = np.broadcast_to(j, (h, w))
            order = np.lexsort((ports.ravel(), cycles.ravel()))
            rel = cycles.ravel()[order].astype(np.int64)
            real = p.block.ravel()[order] >= 0
            self.cache[key] = (order, rel[real], real)
        order, rel, real = self.cache[key]
        return start + rel, p.block.ravel()[order][real].astype(np.int64)


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length, lc = fold_length(mapping), compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        placer = _Placer(rows) if len(mapping.folds) > CACHE_FOLDS else None
        parts = ([], [], [])
        sizes = [0, 0, 0]
        util = []
        for fold in mapping.folds:
            start = fold.index * length
            for n, p in enumerate(placements(mapping, fold)):
                if placer is None:
                    parts[n].append(place(p, start, rows))
                else:
                    parts[n].append(placer.place(p, start))
                sizes[n] += p.block.size
            util.append(fold.rows_used * fold.cols_used * mapping.t / (rows * cols * lc))
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
            sum(util) / len(util),
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
    "layer": ["conv_s2", 28, 28, 3, 3, 64, 128, 2],
    "array": [16, 16, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
