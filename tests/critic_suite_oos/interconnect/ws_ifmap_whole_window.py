"""WS ifmap block takes the whole window (all K columns of A) in every row fold, as the OS block
does, instead of the fold's columns A[:, r0:r0+ru].

Exposed by: WS layers whose window is longer than the array rows (more than one row fold), e.g.
any 3x3 conv with more than a few channels; single-row-fold WS layers, OS and IS are right.
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


def _placements(mapping, fold):  # type: ignore[no-untyped-def]
    ifmap, filt, ofmap = placements(mapping, fold)
    if mapping.array.dataflow is Dataflow.WEIGHT_STATIONARY:
        ifmap = Placement(mapping.ifmap_addresses, mapping.array.rows, True)
    return ifmap, filt, ofmap


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length = fold_length(mapping)
        lc = compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        parts = [[], [], []]
        sizes = [0, 0, 0]
        util = 0.0
        for fold in mapping.folds:
            for i, p in enumerate(_placements(mapping, fold)):
                parts[i].append(place(p, fold.index * length, rows))
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
    "layer": ["conv", 14, 14, 3, 3, 16, 32, 1],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
