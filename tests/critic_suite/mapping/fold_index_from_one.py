"""Folds numbered from 1 instead of 0 (an off-by-one in the fold index).

Exposed by: every layer (the interconnect starts fold i at i x fold length).
"""

import dataclasses

from simcoder.simulator.contracts import Fold
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        folds = tuple(
            Fold(f.index + 1, f.row_fold, f.col_fold, f.rows_used, f.cols_used) for f in m.folds
        )
        return dataclasses.replace(m, folds=folds)
