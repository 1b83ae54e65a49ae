"""Per-fold efficiency computed with integer division (rows_used*cols_used // PEs), so every
partially used fold counts as 0.

Exposed by: any layer with a fold that does not fill the whole array (a partial last fold or a
layer smaller than the array); layers that tile the array exactly are right.
"""

import dataclasses

from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        used = [f.rows_used * f.cols_used // array.num_pes for f in m.folds]
        return dataclasses.replace(m, mapping_efficiency=sum(used) / len(used))


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 32, 48, 1],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
