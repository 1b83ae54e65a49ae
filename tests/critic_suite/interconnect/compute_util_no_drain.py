"""WS/IS compute utilization divided by the fold length without SCALE-Sim's extra C - 1 cycles.

Exposed by: WS and IS layers only (OS uses the plain fold length).
"""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect, fold_length
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
            return s
        a = mapping.array
        util = [
            f.rows_used * f.cols_used * mapping.t / (a.rows * a.cols * fold_length(mapping))
            for f in mapping.folds
        ]
        return dataclasses.replace(s, compute_utilization=sum(util) / len(util))
