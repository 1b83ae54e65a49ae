"""Mapping efficiency taken from the last fold only, not averaged over folds.

Exposed by: layers whose last fold is partial (it differs from the mean); layers that fill the
array evenly are unchanged.
"""

import dataclasses

from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        last = m.folds[-1]
        return dataclasses.replace(
            m, mapping_efficiency=last.rows_used * last.cols_used / array.num_pes
        )
