"""Ifmap SRAM reads count only real requests, not the -1 padding SCALE-Sim also counts.

Exposed by: layers whose last windows hang off the ifmap (stride not dividing H - R) and
layers whose partial folds SCALE-Sim pads.
"""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        return dataclasses.replace(s, ifmap_sram_reads=len(s.ifmap))
