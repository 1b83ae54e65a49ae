"""Total cycles leave out the stalls (the stall-free demand length).

Exposed by: layers that stall (a small ofmap SRAM in CALC mode, a low bandwidth in USER mode).
"""

import dataclasses

from simcoder.simulator.storage.reference import ReferenceStorage


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        return dataclasses.replace(r, total_cycles=schedule.demand_cycles - 1)
