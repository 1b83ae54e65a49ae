"""OS ofmap writes of a fold start at T - 1, dropping the (R - rows_used) offset a partial row
fold waits for its outputs to reach the bottom of the array.

Exposed by: OS layers whose pixel count is not a multiple of the array rows (a partial row
fold); full row folds and WS/IS are right.
"""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    Placement,
    ReferenceInterconnect,
    compute_fold_length,
    fold_length,
    place,
    placements,
)
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length = fold_length(mapping)
        lc = compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        os_df = mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY
        parts = [[], [], []]
        sizes = [0, 0, 0]
        util = 0.0
        for fold in mapping.folds:
            ps = list(placements(mapping, fold))
            if os_df:
                ps[2] = Placement(ps[2].block, mapping.t - 1, True)
            for i, p in enumerate(ps):
                parts[i].append(place(p, fold.index * length, rows))
                sizes[i] += p.block.size
            util += fold.rows_used * fold.cols_used * mapping.t / (rows * cols * lc)
        streams = [
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in parts
        ]
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
    "layer": ["conv", 14, 14, 3, 3, 16, 32, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
