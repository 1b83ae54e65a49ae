"""A layer that fits the array in one fold gets a shortcut fold that uses the whole array
(rows_used = rows, cols_used = cols) instead of min(rows, Sr) x min(cols, Sc).

Exposed by: layers that fit the array in exactly one fold without filling it (Sr <= rows and
Sc <= cols with either smaller), e.g. a 1x1 conv with 16 channels and 24 filters on a 32x32 WS
array, or small FC layers on big arrays: Mapping Efficiency 100 % and a too-high Compute Util.
Layers that need two or more folds are right.
"""

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping
from simcoder.simulator.mapping.reference import (
    filter_matrix,
    ifmap_matrix,
    ofmap_matrix,
    spatio_temporal,
)


def _folds(sr, sc, array):  # type: ignore[no-untyped-def]
    if sr <= array.rows and sc <= array.cols:
        # the whole layer sits on the array at once: a single fold
        return (Fold(0, 0, 0, array.rows, array.cols),)
    out = []
    for fc in range(-(-sc // array.cols)):
        cu = min(array.cols, sc - fc * array.cols)
        for fr in range(-(-sr // array.rows)):
            ru = min(array.rows, sr - fr * array.rows)
            out.append(Fold(len(out), fr, fc, ru, cu))
    return tuple(out)


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        sr, sc, t = spatio_temporal(layer, array.dataflow)
        fl = _folds(sr, sc, array)
        ratios = [f.rows_used * f.cols_used / array.num_pes for f in fl]
        return Mapping(
            layer=layer,
            array=array,
            sr=sr,
            sc=sc,
            t=t,
            folds=fl,
            mapping_efficiency=sum(ratios) / len(ratios),
            ifmap_addresses=ifmap_matrix(layer).astype(np.int64),
            filter_addresses=filter_matrix(layer),
            ofmap_addresses=ofmap_matrix(layer),
        )


WITNESS = {
    "layer": ["pw", 14, 14, 1, 1, 16, 24, 1],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
