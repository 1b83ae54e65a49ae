"""The stationary operand loaded top row first instead of bottom row first.

Exposed by: WS and IS layers where the reversed load order moves a DRAM epoch boundary; many
layers are unchanged (the same words, the same cycles, another order within the load).
"""

import dataclasses

import numpy as np

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.interconnect.reference import ReferenceInterconnect, fold_length
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        df, rows = mapping.array.dataflow, mapping.array.rows
        if df is Dataflow.OUTPUT_STATIONARY:
            return s
        stream = s.filter if df is Dataflow.WEIGHT_STATIONARY else s.ifmap
        length = fold_length(mapping)
        local = stream.cycles % length
        load = local < rows
        cycles = stream.cycles.copy()
        cycles[load] = stream.cycles[load] - local[load] + (rows - 1 - local[load])
        order = np.lexsort((np.arange(len(cycles)), cycles))
        fixed = DemandStream(cycles[order], stream.addresses[order])
        field = "filter" if df is Dataflow.WEIGHT_STATIONARY else "ifmap"
        return dataclasses.replace(s, **{field: fixed})
