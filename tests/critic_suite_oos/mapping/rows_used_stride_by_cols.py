"""A row fold's rows_used is computed as min(rows, Sr - fr * cols), stepping row folds by the
array width instead of its height.

Exposed by: non-square arrays on layers with more than one row fold (e.g. a tall 64x16 array,
where the last partial row fold is reported full); square arrays are right.
"""

import dataclasses

from simcoder.simulator.contracts import Fold
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        row_folds = -(-m.sr // array.rows)
        col_folds = -(-m.sc // array.cols)
        out = []
        for fc in range(col_folds):
            cols_used = min(array.cols, m.sc - fc * array.cols)
            for fr in range(row_folds):
                rows_used = min(array.rows, m.sr - fr * array.cols)
                out.append(Fold(len(out), fr, fc, rows_used, cols_used))
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in out) / len(out)
        return dataclasses.replace(m, folds=tuple(out), mapping_efficiency=eff)


WITNESS = {
    "layer": ["conv", 12, 12, 3, 3, 16, 32, 1],
    "array": [64, 16, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
