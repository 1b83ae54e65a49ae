"""Correct: SRAM read/write counts from closed forms instead of summing block sizes."""

import dataclasses

from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.types import Dataflow


class Module(ReferenceInterconnect):
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        s = super().schedule(mapping)
        a, t = mapping.array, mapping.t
        rows_used = sum(f.rows_used for f in mapping.folds)
        cols_used = sum(f.cols_used for f in mapping.folds)
        pes_used = sum(f.rows_used * f.cols_used for f in mapping.folds)
        if a.dataflow is Dataflow.OUTPUT_STATIONARY:
            reads = (rows_used * t, cols_used * t)
            writes = pes_used + len(mapping.folds) * (a.rows + a.cols)
        elif a.dataflow is Dataflow.WEIGHT_STATIONARY:
            reads = (rows_used * t, pes_used)
            writes = cols_used * t
        else:
            reads = (pes_used, rows_used * t)
            writes = cols_used * t
        return dataclasses.replace(
            s, ifmap_sram_reads=reads[0], filter_sram_reads=reads[1], ofmap_sram_writes=writes
        )
