"""WS/IS folds are laid out (fold starts and fold_cycles) with the compute-utilization length
2R + 2C + T - 3 instead of the demand length 2R + C + T - 2.

Exposed by: WS and IS layers (every cycle column; OS is right). Single-fold layers show it in
Total Cycles too, since the last fold is longer.
"""

import dataclasses

import numpy as np

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.interconnect.reference import (
    ReferenceInterconnect,
    compute_fold_length,
    fold_length,
)
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
            return s
        old, new = fold_length(mapping), compute_fold_length(mapping)

        def stretch(stream):  # type: ignore[no-untyped-def]
            fold, offset = np.divmod(stream.cycles, old)
            return DemandStream((fold * new + offset).astype(np.int64), stream.addresses)

        return dataclasses.replace(
            s,
            fold_cycles=(new,) * len(mapping.folds),
            ifmap=stretch(s.ifmap),
            filter=stretch(s.filter),
            ofmap=stretch(s.ofmap),
        )


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 16, 32, 1],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
