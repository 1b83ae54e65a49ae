"""The fully-connected shortcut (one output pixel, A = the window 0..K-1) is taken whenever the
filter is as tall as the ifmap, without checking that it is also as wide.

Exposed by: layers whose filter spans the ifmap's full height but not its width, e.g. 1-D convs
on a 1-row ifmap (text/audio CNNs: ifmap 1 x 64, filter 1 x 5) or a 3 x W ifmap with a 3-row
filter: they are mapped as a single pixel. Real FC layers (filter = whole ifmap), GEMMs and
ordinary convs are right.
"""

import numpy as np

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.mapping.reference import (
    OFMAP_OFFSET,
    filter_matrix,
    folds,
    ifmap_matrix,
    ofmap_matrix,
)
from simcoder.simulator.types import Dataflow


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        k, n = layer.window_size, layer.num_filters
        if layer.filter_h == layer.ifmap_h:
            # fully connected: the filter covers the ifmap, one output pixel whose window is the
            # whole ifmap in storage order
            p = 1
            a = np.arange(k, dtype=np.int64)[None, :]
            b = filter_matrix(layer)
            o = (np.arange(n, dtype=np.int64) + OFMAP_OFFSET)[None, :]
        else:
            p = layer.ofmap_pixels
            a, b, o = ifmap_matrix(layer), filter_matrix(layer), ofmap_matrix(layer)
        if array.dataflow is Dataflow.OUTPUT_STATIONARY:
            sr, sc, t = p, n, k
        elif array.dataflow is Dataflow.WEIGHT_STATIONARY:
            sr, sc, t = k, n, p
        else:
            sr, sc, t = k, p, n
        fl = folds(sr, sc, array)
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in fl) / len(fl)
        return Mapping(layer, array, sr, sc, t, fl, eff, a, b, o)


WITNESS = {
    "layer": ["conv1d", 1, 64, 1, 5, 32, 64, 1],
    "array": [16, 16, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
