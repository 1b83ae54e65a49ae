"""The ifmap DRAM fetch order row by row instead of by anti-diagonal.

Exposed by: USER bandwidth mode with an OS or WS dataflow (CALC mode does not use the fetch
order; IS fetches the ifmap row by row anyway).
"""

import dataclasses

import numpy as np

from simcoder.simulator.interconnect.reference import ReferenceInterconnect


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        order = s.ifmap_fetch_order
        real = order[order >= 0]
        fixed = np.concatenate([np.sort(real), np.full(len(order) - len(real), -1, np.int64)])
        return dataclasses.replace(s, ifmap_fetch_order=fixed)
