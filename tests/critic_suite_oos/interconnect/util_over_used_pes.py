"""Per-fold compute utilization divides the fold's MACs by its used PEs (rows_used x
cols_used) instead of all R x C PEs, so it is only T / Lc per fold.

Exposed by: any layer with a fold that does not fill the array (partial last folds, layers
smaller than the array); layers that tile the array exactly are right.
"""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect, compute_fold_length


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        lc = compute_fold_length(mapping)
        util = 0.0
        for f in mapping.folds:
            pes = f.rows_used * f.cols_used
            util += pes * mapping.t / (pes * lc)
        return dataclasses.replace(s, compute_utilization=util / len(mapping.folds))


WITNESS = {
    "layer": ["fc", 1, 1, 1, 1, 361, 256, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
