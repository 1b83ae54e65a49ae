"""Weight-stationary layers mapped as input-stationary (pixels across the columns).

Exposed by: WS layers only; OS and IS are unchanged.
"""

import dataclasses

from simcoder.simulator.mapping.reference import ReferenceMapping, folds
from simcoder.simulator.types import Dataflow


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        if array.dataflow is not Dataflow.WEIGHT_STATIONARY:
            return m
        sr, sc, t = layer.window_size, layer.ofmap_pixels, layer.num_filters
        return dataclasses.replace(m, sr=sr, sc=sc, t=t, folds=folds(sr, sc, array))
