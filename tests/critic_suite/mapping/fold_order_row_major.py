"""Folds walked row-fold-major (for row_fold: for col_fold) instead of column-fold-major.

Exposed by: layers with more than one row fold and more than one column fold (the fold order
moves DRAM epochs and write-buffer drains; single-fold-axis layers are unchanged).
"""

import dataclasses

from simcoder.simulator.contracts import Fold
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        ordered = sorted(m.folds, key=lambda f: (f.row_fold, f.col_fold))
        folds = tuple(
            Fold(i, f.row_fold, f.col_fold, f.rows_used, f.cols_used) for i, f in enumerate(ordered)
        )
        return dataclasses.replace(m, folds=folds)
