"""IS filter block taken as B[r0:r0+ru, :] (ru x N) without the transpose, so the skewed feed
walks filters across ports and window rows in time instead of the reverse.

Counts and the first/last request cycles are unchanged; the order of filter requests is not.
Exposed by: IS layers in USER bandwidth mode or with filter SRAMs small enough for a CALC epoch
to end; OS and WS are right.
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
        filt = Placement(mapping.filter_addresses[r0 : r0 + ru, :], mapping.array.rows, True)
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
    "layer": ["conv", 8, 8, 3, 3, 8, 32, 1],
    "array": [16, 16, "is"],
    "memory": {
        "ifmap_sram_kib": 2,
        "filter_sram_kib": 2,
        "ofmap_sram_kib": 2,
        "bandwidth_mode": "USER",
        "ofmap_dram_words_per_cycle": 16,
        "ifmap_sram_bank_words_per_cycle": 16,
        "filter_sram_bank_words_per_cycle": 16,
    },
}
