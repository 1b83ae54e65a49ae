"""Output stationary with filters across the rows and pixels across the columns (transposed).

Exposed by: OS layers whose pixel and filter counts fold differently on the array.
"""

import dataclasses

from simcoder.simulator.mapping.reference import ReferenceMapping, folds
from simcoder.simulator.types import Dataflow


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        if array.dataflow is not Dataflow.OUTPUT_STATIONARY:
            return m
        sr, sc = layer.num_filters, layer.ofmap_pixels
        return dataclasses.replace(m, sr=sr, sc=sc, folds=folds(sr, sc, array))
