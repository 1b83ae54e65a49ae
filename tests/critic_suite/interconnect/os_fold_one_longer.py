"""Output-stationary folds one cycle longer than T + R + C - 2.

Exposed by: OS layers only.
"""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        if mapping.array.dataflow is not Dataflow.OUTPUT_STATIONARY:
            return s
        return dataclasses.replace(s, fold_cycles=tuple(c + 1 for c in s.fold_cycles))
