"""USER bandwidth mode simulated as CALC mode (the bandwidth keys ignored).

Exposed by: USER-mode configurations only.
"""

import dataclasses

from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import BandwidthMode


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):  # type: ignore[no-untyped-def]
        calc = dataclasses.replace(memory, bandwidth_mode=BandwidthMode.CALC)
        return super().simulate(schedule, calc)
