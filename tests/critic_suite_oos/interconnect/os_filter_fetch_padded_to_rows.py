"""The OS filter prefetch order pads each column-fold block to the array rows instead of the
array columns (the ifmap's width copied to the filter).

Only USER-mode storage reads the fetch orders. Exposed by: OS layers on non-square arrays:
taller than wide, extra -1 padding per line changes USER-mode prefetches (CALC mode is right);
wider than tall, np.pad fails in either mode. Square arrays are right.
"""

import dataclasses

import numpy as np

from simcoder.simulator.interconnect.fetch_order import anti_diagonal
from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        if mapping.array.dataflow is not Dataflow.OUTPUT_STATIONARY:
            return s
        b = mapping.filter_addresses
        rows, cols = mapping.array.rows, mapping.array.cols
        blocks = []
        for c in range(0, mapping.sc, cols):
            blk = b[:, c : c + cols]
            blocks.append(np.pad(blk, ((0, 0), (0, rows - blk.shape[1])), constant_values=-1))
        order = anti_diagonal(np.concatenate(blocks, axis=0)).astype(np.int64)
        return dataclasses.replace(s, filter_fetch_order=order)


WITNESS = {
    "layer": ["pointwise", 8, 8, 1, 1, 4, 16, 1],
    "array": [32, 8, "os"],
    "memory": {
        "ifmap_sram_kib": 8,
        "filter_sram_kib": 8,
        "ofmap_sram_kib": 8,
        "bandwidth_mode": "USER",
    },
}
