"""The first ofmap drain reported one cycle after it starts (an off-by-one in the drain log).

Exposed by: every layer (the ofmap DRAM start cycle).
"""

import dataclasses

from simcoder.simulator.contracts import DramAccess
from simcoder.simulator.storage.reference import ReferenceStorage


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        d = r.ofmap_dram
        return dataclasses.replace(
            r, ofmap_dram=DramAccess(d.start_cycle + 1, d.stop_cycle, d.words)
        )
