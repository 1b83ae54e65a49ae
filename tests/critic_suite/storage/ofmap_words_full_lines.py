"""Ofmap DRAM words counted as whole lines, padding of partial lines included.

Exposed by: layers whose ofmap size is not a multiple of the drain width.
"""

import dataclasses

from simcoder.simulator.contracts import DramAccess
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        r = super().simulate(schedule, memory)
        width = (
            memory.ofmap_dram_words_per_cycle
            if memory.bandwidth_mode is BandwidthMode.USER
            else schedule.mapping.array.cols
        )
        d = r.ofmap_dram
        words = -(-d.words // width) * width
        return dataclasses.replace(r, ofmap_dram=DramAccess(d.start_cycle, d.stop_cycle, words))
