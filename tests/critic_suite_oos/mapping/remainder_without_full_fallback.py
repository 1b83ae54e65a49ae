"""The last fold's rows_used/cols_used is taken as Sr % rows (Sc % cols), which is 0 when the
extent is an exact multiple of the array, instead of falling back to the full array.

Exposed by: layers whose Sr or Sc is an exact multiple of the array dimension with more than one
fold in it, e.g. 64 filters on 32 columns (OS/WS), or a window of 2x the rows (WS/IS).
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
            cu = (
                m.sc % array.cols
                if fc == col_folds - 1 and col_folds > 1
                else min(array.cols, m.sc)
            )
            for fr in range(row_folds):
                ru = (
                    m.sr % array.rows
                    if fr == row_folds - 1 and row_folds > 1
                    else min(array.rows, m.sr)
                )
                out.append(Fold(len(out), fr, fc, ru, cu))
        eff = sum(f.rows_used * f.cols_used for f in out) / array.num_pes / len(out)
        return dataclasses.replace(m, folds=tuple(out), mapping_efficiency=eff)


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 16, 64, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
