"""Requests for the same word in the same cycle are merged into one SRAM read ("the port
broadcasts it"), in the streams and in the SRAM read counts, although SCALE-Sim counts every
element of a block.

Exposed by: single-channel stride-1 layers with a filter wider than one column in OS or WS
(depthwise DP layers run per channel, 1-channel image inputs): neighbouring pixels read the
same word on the same cycle, so SRAM IFMAP Reads is too low. Layers with two or more channels,
strided layers and GEMMs never repeat a word within a cycle and are right.
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


def _merge(cycles, addresses):  # type: ignore[no-untyped-def]
    """Keep the first request of each (cycle, word); report how many were dropped."""
    if cycles.size == 0:
        return cycles, addresses, 0
    order = np.lexsort((addresses, cycles))
    c, a = cycles[order], addresses[order]
    dup = np.zeros(c.size, dtype=bool)
    dup[1:] = (c[1:] == c[:-1]) & (a[1:] == a[:-1])
    keep = np.sort(order[~dup])  # back to port order within each cycle
    return cycles[keep], addresses[keep], int(dup.sum())


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        length, lc = fold_length(mapping), compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        parts = ([], [], [])
        sizes = [0, 0, 0]
        util = []
        for fold in mapping.folds:
            for n, p in enumerate(placements(mapping, fold)):
                c, a = place(p, fold.index * length, rows)
                c, a, merged = _merge(c, a)
                parts[n].append((c, a))
                sizes[n] += p.block.size - merged
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
    "layer": ["dw", 28, 28, 3, 3, 1, 32, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
