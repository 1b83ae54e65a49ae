"""Correct: the reference mapping with its folds built by explicit loops over a fold grid."""

import dataclasses

from simcoder.simulator.contracts import Fold
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        folds = []
        fc = 0
        while fc * array.cols < m.sc:
            fr = 0
            while fr * array.rows < m.sr:
                rows = m.sr - fr * array.rows if (fr + 1) * array.rows > m.sr else array.rows
                cols = m.sc - fc * array.cols if (fc + 1) * array.cols > m.sc else array.cols
                folds.append(Fold(len(folds), fr, fc, rows, cols))
                fr += 1
            fc += 1
        total = 0.0
        for f in folds:
            total += f.rows_used * f.cols_used / array.num_pes
        return dataclasses.replace(m, folds=tuple(folds), mapping_efficiency=total / len(folds))
