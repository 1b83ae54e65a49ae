"""Correct: the interconnect with streams ordered by one integer sort key per request."""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    compute_fold_length,
    fold_length,
    placements,
)
from simcoder.simulator.types import Dataflow


def _requests(p, start, rows):  # type: ignore[no-untyped-def]
    h, w = p.block.shape
    i, j = np.indices((h, w))
    cyc = start + p.base + (i + j if p.skewed else rows - 1 - i)
    key = (cyc * w + j).ravel()  # cycle first, then port: one stable sort
    order = np.argsort(key, kind="stable")
    cyc, addr = cyc.ravel()[order].astype(np.int64), p.block.ravel()[order].astype(np.int64)
    keep = addr != -1
    return cyc[keep], addr[keep]


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        n = fold_length(mapping)
        a = mapping.array
        parts = {0: [], 1: [], 2: []}
        counts = [0, 0, 0]
        util = 0.0
        for f in mapping.folds:
            for k, p in enumerate(placements(mapping, f)):
                parts[k].append(_requests(p, f.index * n, a.rows))
                counts[k] += p.block.size
            util += (
                f.rows_used
                * f.cols_used
                * mapping.t
                / (a.rows * a.cols * compute_fold_length(mapping))
            )
        streams = [
            DemandStream(
                np.concatenate([c for c, _ in parts[k]]), np.concatenate([x for _, x in parts[k]])
            )
            for k in range(3)
        ]
        writes = counts[2] + (
            len(mapping.folds) * (a.rows + a.cols)
            if a.dataflow is Dataflow.OUTPUT_STATIONARY
            else 0
        )
        ifo, flo = fetch_orders(mapping)
        return Schedule(
            mapping,
            (n,) * len(mapping.folds),
            util / len(mapping.folds),
            counts[0],
            counts[1],
            writes,
            streams[0],
            streams[1],
            streams[2],
            ifo,
            flo,
        )
