"""IS stationary ifmap block sliced from A without the transpose (A[c0:c0+cu, r0:r0+ru], pixels
down the load rows) instead of A.T[r0:r0+ru, c0:c0+cu].

Exposed by: IS layers; the words are the right ones but their load cycles and ports are not.
Arrays wider than tall (pixel folds wider than the load rows) start loads before the fold
does; on square arrays it shows only on partial folds, with small SRAMs or in USER mode.
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
    if mapping.array.dataflow is Dataflow.INPUT_STATIONARY:
        r0, ru = fold.row_fold * mapping.array.rows, fold.rows_used
        c0, cu = fold.col_fold * mapping.array.cols, fold.cols_used
        ifmap = Placement(mapping.ifmap_addresses[c0 : c0 + cu, r0 : r0 + ru], 0, False)
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
    "layer": ["conv", 12, 12, 3, 3, 8, 16, 1],
    "array": [16, 64, "is"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
