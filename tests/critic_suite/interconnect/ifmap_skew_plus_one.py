"""Every ifmap request issued one cycle late (an off-by-one in the systolic skew).

Exposed by: every layer (SRAM read windows move; the last request can fall off the layer).
"""

import dataclasses

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.interconnect.reference import ReferenceInterconnect


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        return dataclasses.replace(s, ifmap=DemandStream(s.ifmap.cycles + 1, s.ifmap.addresses))
