"""Known interconnect changes: the PE-to-PE hop latency, the exact SRAM ofmap writes."""

from __future__ import annotations

import dataclasses

from simcoder.simulator.contracts import DemandStream, Mapping, Schedule
from simcoder.simulator.interconnect.reference import ReferenceInterconnect, compute_fold_length
from simcoder.simulator.types import Dataflow


class HopLatencyInterconnect:
    """Every PE-to-PE hop takes ``hops`` cycles instead of one: each fold grows by
    ``X = (hops - 1) * (R + C - 2)`` cycles (longer fill and drain). Within a fold, read requests
    keep their cycle relative to the fold's start and ofmap writes come ``X`` cycles later; the
    utilization's fold length grows by ``X`` too. Counts are SCALE-Sim's."""

    hops = 2

    def schedule(self, mapping: Mapping) -> Schedule:
        s = ReferenceInterconnect().schedule(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        extra = (self.hops - 1) * (rows + cols - 2)
        length = s.fold_cycles[0]

        def shift(stream: DemandStream, own: int) -> DemandStream:
            fold = stream.cycles // length
            return DemandStream(stream.cycles + (fold + own) * extra, stream.addresses)

        compute_length = compute_fold_length(mapping) + extra
        util = [
            f.rows_used * f.cols_used * mapping.t / (rows * cols * compute_length)
            for f in mapping.folds
        ]
        return dataclasses.replace(
            s,
            fold_cycles=(length + extra,) * len(mapping.folds),
            compute_utilization=sum(util) / len(util),
            ifmap=shift(s.ifmap, 0),
            filter=shift(s.filter, 0),
            ofmap=shift(s.ofmap, 1),
        )


class ExactWritesInterconnect:
    """SRAM OFMAP Writes = the ofmap words the array really writes (for OS, without the
    ``R + C`` per fold SCALE-Sim 3.0.0 adds); everything else as SCALE-Sim."""

    def schedule(self, mapping: Mapping) -> Schedule:
        s = ReferenceInterconnect().schedule(mapping)
        written = sum(f.rows_used * f.cols_used for f in mapping.folds)
        if mapping.array.dataflow is not Dataflow.OUTPUT_STATIONARY:
            return s
        return dataclasses.replace(s, ofmap_sram_writes=written)


__all__ = ["ExactWritesInterconnect", "HopLatencyInterconnect"]
