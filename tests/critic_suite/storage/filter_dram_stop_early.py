"""The filter's DRAM prefetches stop one cycle early (stop = last epoch cycle, not + 1).

Exposed by: layers whose filters need more than one epoch; one-epoch filters are unchanged.
"""

import dataclasses

from simcoder.simulator.contracts import DramAccess
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        d = r.filter_dram
        if memory.bandwidth_mode is BandwidthMode.USER or d.stop_cycle < 0:
            return r
        return dataclasses.replace(
            r, filter_dram=DramAccess(d.start_cycle, d.stop_cycle - 1, d.words)
        )
