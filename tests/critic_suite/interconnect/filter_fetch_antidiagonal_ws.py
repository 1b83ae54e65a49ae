"""WS filter DRAM fetch order by anti-diagonal (like a streamed operand) instead of row by row.

Exposed by: USER bandwidth mode with the WS dataflow only.
"""

import dataclasses

from simcoder.simulator.interconnect.fetch_order import _stack, anti_diagonal
from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        if mapping.array.dataflow is not Dataflow.WEIGHT_STATIONARY:
            return s
        b, cols = mapping.filter_addresses, mapping.array.cols
        blocks = [b[:, c : c + cols] for c in range(0, mapping.sc, cols)]
        return dataclasses.replace(s, filter_fetch_order=anti_diagonal(_stack(blocks, cols)))
