"""The column offset of a fold's blocks is computed from the fold's index (c0 = index * cols)
instead of its col_fold, which is only the same when there is one row fold.

Exposed by: layers with more than one row fold (OS: more pixels than array rows; WS/IS: a window
longer than the array rows), any dataflow.
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
)
from simcoder.simulator.types import Dataflow


def _placements(mapping, fold):  # type: ignore[no-untyped-def]
    a, b, o = mapping.ifmap_addresses, mapping.filter_addresses, mapping.ofmap_addresses
    r_arr, c_arr, t = mapping.array.rows, mapping.array.cols, mapping.t
    r0, ru = fold.row_fold * r_arr, fold.rows_used
    c0, cu = fold.index * c_arr, fold.cols_used
    df = mapping.array.dataflow
    if df is Dataflow.OUTPUT_STATIONARY:
        return (
            Placement(a[r0 : r0 + ru, :].T, 0, True),
            Placement(b[:, c0 : c0 + cu], 0, True),
            Placement(o[r0 : r0 + ru, c0 : c0 + cu][::-1], t - 1 + (r_arr - ru), True),
        )
    if df is Dataflow.WEIGHT_STATIONARY:
        return (
            Placement(a[:, r0 : r0 + ru], r_arr, True),
            Placement(b[r0 : r0 + ru, c0 : c0 + cu], 0, False),
            Placement(o[:, c0 : c0 + cu], 2 * r_arr - 1, True),
        )
    return (
        Placement(a.T[r0 : r0 + ru, c0 : c0 + cu], 0, False),
        Placement(b[r0 : r0 + ru, :].T, r_arr, True),
        Placement(o[c0 : c0 + cu, :].T, 2 * r_arr - 1, True),
    )


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
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
