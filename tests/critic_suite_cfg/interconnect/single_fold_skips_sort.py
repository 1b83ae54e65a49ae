"""When the layer fits the array in one fold, the streams are taken straight from each block
raveled row by row ("one fold is already in order"), skipping the (cycle, port) sort the
multi-fold path does.

Exposed by: layers that fit the array in a single fold (small layers or FC layers on big
arrays, e.g. a 1x1 conv with 24 channels and 32 filters on a 32x32 WS array): the stationary
operand (WS filter, IS ifmap) is listed top row first, so its first request is not the one
at the earliest cycle (SRAM start/stop cycles), and skewed blocks are out of cycle order (CALC
epochs with small SRAMs, USER mode). Multi-fold layers are right.
"""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    compute_fold_length,
    fold_length,
    place,
    placements,
)
from simcoder.simulator.types import Dataflow


def _raveled(p, rows):  # type: ignore[no-untyped-def]
    h, w = p.block.shape
    i = np.arange(h)[:, None]
    j = np.arange(w)[None, :]
    cycles = p.base + i + j if p.skewed else np.broadcast_to(p.base + rows - 1 - i, (h, w))
    cyc = np.asarray(cycles, dtype=np.int64).ravel()
    addr = p.block.ravel().astype(np.int64)
    return cyc[addr >= 0], addr[addr >= 0]


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length, lc = fold_length(mapping), compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        single = len(mapping.folds) == 1
        parts = ([], [], [])
        sizes = [0, 0, 0]
        util = []
        for fold in mapping.folds:
            for n, p in enumerate(placements(mapping, fold)):
                if single:
                    parts[n].append(_raveled(p, rows))
                else:
                    parts[n].append(place(p, fold.index * length, rows))
                sizes[n] += p.block.size
            util.append(fold.rows_used * fold.cols_used * mapping.t / (rows * cols * lc))
        ifmap, filt, ofmap = (
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in parts
        )
        writes = sizes[2]
        if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
            writes += len(mapping.folds) * (rows + cols)
        fi, ff = fetch_orders(mapping)
        return Schedule(
            mapping,
            (length,) * len(mapping.folds),
            sum(util) / len(util),
            sizes[0],
            sizes[1],
            writes,
            ifmap,
            filt,
            ofmap,
            fi,
            ff,
        )


WITNESS = {
    "layer": ["pw", 14, 14, 1, 1, 24, 32, 1],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
