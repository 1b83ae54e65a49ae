"""Every column fold claims the whole array width, also the last, partial one.

Exposed by: layers whose column dimension is not a multiple of the array's columns.
"""

import dataclasses

from simcoder.simulator.contracts import Fold
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        folds = tuple(
            Fold(f.index, f.row_fold, f.col_fold, f.rows_used, array.cols) for f in m.folds
        )
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in folds) / len(folds)
        return dataclasses.replace(m, folds=folds, mapping_efficiency=eff)
