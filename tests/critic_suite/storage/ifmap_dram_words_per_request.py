"""CALC-mode ifmap DRAM words counted per request instead of per word fetched in an epoch.

Exposed by: every CALC layer that reuses an ifmap word within an epoch (all but 1x1, stride-R
convolutions that read each word once).
"""

import dataclasses

from simcoder.simulator.contracts import DramAccess
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        if memory.bandwidth_mode is BandwidthMode.USER:
            return r
        d = r.ifmap_dram
        return dataclasses.replace(
            r, ifmap_dram=DramAccess(d.start_cycle, d.stop_cycle, len(schedule.ifmap))
        )
