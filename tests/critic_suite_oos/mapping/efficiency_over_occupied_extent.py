"""Mapping efficiency divides each fold's used PEs by the part of the array the layer can reach
(min(rows, Sr) x min(cols, Sc)) instead of by all rows x cols PEs.

Exposed by: layers smaller than the array in one dimension, e.g. an FC layer or a conv with
fewer filters than array columns (OS/WS) or a window shorter than the array (WS/IS) on a
32x32 or 128x128 array; layers that fill the array in both dimensions are right.
"""

import dataclasses

from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        usable = min(array.rows, m.sr) * min(array.cols, m.sc)
        per_fold = [f.rows_used * f.cols_used / usable for f in m.folds]
        return dataclasses.replace(m, mapping_efficiency=sum(per_fold) / len(per_fold))


WITNESS = {
    "layer": ["head_conv", 19, 19, 1, 1, 256, 2, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
