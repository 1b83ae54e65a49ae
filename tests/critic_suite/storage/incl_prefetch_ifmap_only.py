"""Total cycles incl. prefetch measured from the ifmap's first DRAM read, ignoring the filter's.

Exposed by: layers whose filter prefetch starts before the ifmap's.
"""

import dataclasses

from simcoder.simulator.storage.reference import ReferenceStorage


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        incl = r.ofmap_dram.stop_cycle - r.ifmap_dram.start_cycle
        return dataclasses.replace(r, total_cycles_incl_prefetch=incl)
