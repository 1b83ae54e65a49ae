"""SRAM reads logged at their issue cycle, without the one-cycle read latency.

Exposed by: every layer (ifmap and filter SRAM start/stop cycles).
"""

import dataclasses

from simcoder.simulator.storage.reference import ReferenceStorage


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        return dataclasses.replace(
            r,
            ifmap_sram_start_cycle=r.ifmap_sram_start_cycle - 1,
            ifmap_sram_stop_cycle=r.ifmap_sram_stop_cycle - 1,
            filter_sram_start_cycle=r.filter_sram_start_cycle - 1,
            filter_sram_stop_cycle=r.filter_sram_stop_cycle - 1,
        )
