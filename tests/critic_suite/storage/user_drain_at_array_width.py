"""USER-mode ofmap drain at the array's width instead of the configured Bandwidth.

Exposed by: USER-mode configurations whose Bandwidth differs from the array's columns.
"""

import dataclasses

from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            cols = schedule.mapping.array.cols
            memory = dataclasses.replace(memory, ofmap_dram_words_per_cycle=cols)
        return super().simulate(schedule, memory)
