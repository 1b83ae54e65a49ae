"""USER-mode stall column halved (a misreading of SCALE-Sim 3.0.0's double count).

Exposed by: USER-mode layers that stall only.
"""

import dataclasses

from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        if memory.bandwidth_mode is not BandwidthMode.USER or r.stall_cycles <= 0:
            return r
        return dataclasses.replace(r, stall_cycles=r.stall_cycles // 2)
