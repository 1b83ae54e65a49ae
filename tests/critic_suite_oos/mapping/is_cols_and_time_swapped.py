"""Input stationary mapped with filters across the array columns and pixels in time (Sc = N,
T = P) instead of SPEC's Sc = P, T = N.

Exposed by: IS layers whose pixel count differs from their filter count; OS and WS are right.
"""

import dataclasses

from simcoder.simulator.mapping.reference import ReferenceMapping, folds
from simcoder.simulator.types import Dataflow


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        if array.dataflow is not Dataflow.INPUT_STATIONARY:
            return m
        # the input window is stationary in a column; each column serves one filter
        sr, sc, t = layer.window_size, layer.num_filters, layer.ofmap_pixels
        fl = folds(sr, sc, array)
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in fl) / len(fl)
        return dataclasses.replace(m, sr=sr, sc=sc, t=t, folds=fl, mapping_efficiency=eff)


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 32, 64, 1],
    "array": [32, 32, "is"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
