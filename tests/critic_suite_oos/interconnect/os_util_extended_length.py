"""Compute utilization divides by the extended fold length L + C - 1 for every dataflow,
applying SCALE-Sim's WS/IS quirk to OS too.

Exposed by: OS layers only (WS and IS are right).
"""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect, fold_length


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        a = mapping.array
        lc = fold_length(mapping) + a.cols - 1  # the drain of the last column, for all
        util = [f.rows_used * f.cols_used * mapping.t / (a.num_pes * lc) for f in mapping.folds]
        return dataclasses.replace(s, compute_utilization=sum(util) / len(util))


WITNESS = {
    "layer": ["conv", 14, 14, 3, 3, 32, 64, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
