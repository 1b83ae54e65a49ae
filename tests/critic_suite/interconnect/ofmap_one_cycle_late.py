"""Outputs leave the array one cycle late (an off-by-one in the drain delay).

Exposed by: every layer (the ofmap SRAM window moves; the last fold's last row overruns).
"""

import dataclasses

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.interconnect.reference import ReferenceInterconnect


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        return dataclasses.replace(s, ofmap=DemandStream(s.ofmap.cycles + 1, s.ofmap.addresses))
