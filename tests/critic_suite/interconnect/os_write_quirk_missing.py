"""OS ofmap SRAM writes without SCALE-Sim's extra rows + cols per fold (the quirk "fixed").

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
        a = mapping.array
        extra = len(mapping.folds) * (a.rows + a.cols)
        return dataclasses.replace(s, ofmap_sram_writes=s.ofmap_sram_writes - extra)
