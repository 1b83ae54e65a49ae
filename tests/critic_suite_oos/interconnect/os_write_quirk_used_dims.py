"""SCALE-Sim's OS ofmap-write over-count adds each fold's rows_used + cols_used instead of the
array's rows + cols.

Exposed by: OS layers with a fold that does not fill the array (a partial last fold, or a layer
smaller than the array); OS layers that tile the array exactly, and WS/IS, are right.
"""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        if mapping.array.dataflow is not Dataflow.OUTPUT_STATIONARY:
            return s
        real = sum(f.rows_used * f.cols_used for f in mapping.folds)
        extra = sum(f.rows_used + f.cols_used for f in mapping.folds)
        return dataclasses.replace(s, ofmap_sram_writes=real + extra)


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 32, 48, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
