"""Folds are tiled with the array's width along Sr and its height along Sc (row folds =
ceil(Sr / cols), col folds = ceil(Sc / rows)), as if the array were transposed.

Exposed by: non-square arrays (e.g. 32x8, 8x128) on layers that need more than one fold in
either direction; square arrays are right.
"""

import dataclasses

from simcoder.simulator.contracts import Fold
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        height, width = array.cols, array.rows  # (rows along Sr, cols along Sc)
        out = []
        for fc in range(-(-m.sc // width)):
            for fr in range(-(-m.sr // height)):
                ru = min(height, m.sr - fr * height)
                cu = min(width, m.sc - fc * width)
                out.append(Fold(len(out), fr, fc, ru, cu))
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in out) / len(out)
        return dataclasses.replace(m, folds=tuple(out), mapping_efficiency=eff)


WITNESS = {
    "layer": ["conv", 10, 10, 3, 3, 8, 16, 1],
    "array": [32, 8, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
