"""The CALC-mode ofmap drain is as wide as the array's *rows* instead of its columns.

Exposed by: CALC layers on non-square arrays only.
"""

from simcoder.simulator.contracts import Schedule
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import ArrayConfig, BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        if memory.bandwidth_mode is BandwidthMode.USER:
            return super().simulate(schedule, memory)
        a = schedule.mapping.array
        swapped = ArrayConfig(a.rows, a.rows, a.dataflow)
        mapping = schedule.mapping.__class__(**{**schedule.mapping.__dict__, "array": swapped})
        fake = Schedule(**{**schedule.__dict__, "mapping": mapping})
        return super().simulate(fake, memory)
