"""Skewed blocks longer than 4096 time steps are placed in chunks of 4096 rows to keep the cycle
grids small, but each chunk's cycles are computed from the row index within the chunk, so every
chunk after the first is placed on top of the first.

Exposed by: layers whose temporal extent T is above 4096: OS layers with a window of more than
4096 words (3x3x512 convs, FC layers with many inputs), WS layers with more than 4096 output
pixels (64x64+ ifmaps), IS layers with more than 4096 filters. The streams end too early (SRAM
stop cycles) and, in USER mode or with small SRAMs, are out of order. Shorter blocks are right.
"""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.interconnect.reference import (
    compute_fold_length,
    fold_length,
    placements,
)
from simcoder.simulator.types import Dataflow

CHUNK_ROWS = 4096


def _skewed(block, first, out_c, out_a):  # type: ignore[no-untyped-def]
    h, w = block.shape
    j = np.arange(w)[None, :]
    for r0 in range(0, h, CHUNK_ROWS):
        part = block[r0 : r0 + CHUNK_ROWS]
        i = np.arange(part.shape[0])[:, None]
        cycles = first + i + j
        ports = np.broadcast_to(j, part.shape)
        order = np.lexsort((ports.ravel(), cycles.ravel()))
        out_c.append(cycles.ravel()[order])
        out_a.append(part.ravel()[order])


def _stationary(block, first, rows, out_c, out_a):  # type: ignore[no-untyped-def]
    h, w = block.shape
    for i in range(h - 1, -1, -1):  # the last row is loaded first
        out_c.append(np.full(w, first + rows - 1 - i, dtype=np.int64))
        out_a.append(block[i])


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length, lc = fold_length(mapping), compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        cyc = ([], [], [])
        adr = ([], [], [])
        sizes = [0, 0, 0]
        util = []
        for fold in mapping.folds:
            start = fold.index * length
            for n, p in enumerate(placements(mapping, fold)):
                if p.skewed:
                    _skewed(p.block, start + p.base, cyc[n], adr[n])
                else:
                    _stationary(p.block, start + p.base, rows, cyc[n], adr[n])
                sizes[n] += p.block.size
            util.append(fold.rows_used * fold.cols_used * mapping.t / (rows * cols * lc))
        streams = []
        for n in range(3):
            c = np.concatenate(cyc[n]).astype(np.int64)
            a = np.concatenate(adr[n]).astype(np.int64)
            streams.append(DemandStream(c[a >= 0], a[a >= 0]))
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
            streams[0],
            streams[1],
            streams[2],
            fi,
            ff,
        )


WITNESS = {
    "layer": ["fc_big", 1, 1, 1, 1, 5000, 64, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
