"""The layer's very last output write is dropped (loop bound one short).

Exposed by: every layer, but only in the last cycles: ofmap DRAM words and the write window.
"""

import dataclasses

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.interconnect.reference import ReferenceInterconnect


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        return dataclasses.replace(
            s, ofmap=DemandStream(s.ofmap.cycles[:-1], s.ofmap.addresses[:-1])
        )
