"""Each fold starts one cycle before the previous one ends (fold i at i x (length - 1)).

Exposed by: layers with more than one fold.
"""

import dataclasses

from simcoder.simulator.contracts import DemandStream
from simcoder.simulator.interconnect.reference import ReferenceInterconnect, fold_length


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        length = fold_length(mapping)

        def shift(d: DemandStream) -> DemandStream:
            return DemandStream(d.cycles - d.cycles // length, d.addresses)

        return dataclasses.replace(
            s,
            fold_cycles=(length - 1,) * (len(s.fold_cycles) - 1) + (length,),
            ifmap=shift(s.ifmap),
            filter=shift(s.filter),
            ofmap=shift(s.ofmap),
        )
