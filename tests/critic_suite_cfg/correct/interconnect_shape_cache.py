"""Interconnect for layers with many folds: the (cycle, port) sort order of a placement depends
only on the block's shape, skew and base, so it is computed once per kind of block and reused
for every fold, with the fold's own -1 entries masked out each time."""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.types import Dataflow


class _Orders:
    def __init__(self, rows):  # type: ignore[no-untyped-def]
        self.rows = rows
        self.cache = {}

    def get(self, shape, skewed, base):  # type: ignore[no-untyped-def]
        key = (shape, skewed, base)
        hit = self.cache.get(key)
        if hit is None:
            h, w = shape
            i = np.arange(h, dtype=np.int64)[:, None]
            j = np.arange(w, dtype=np.int64)[None, :]
            cyc = base + i + j if skewed else np.broadcast_to(base + self.rows - 1 - i, shape)
            port = np.broadcast_to(j, shape)
            order = np.lexsort((port.ravel(), cyc.ravel()))
            hit = (order, np.ascontiguousarray(cyc.ravel()[order]))
            self.cache[key] = hit
        return hit


def _blocks(m, fold):  # type: ignore[no-untyped-def]
    a, b, o = m.ifmap_addresses, m.filter_addresses, m.ofmap_addresses
    r, t = m.array.rows, m.t
    r0, ru = fold.row_fold * r, fold.rows_used
    c0, cu = fold.col_fold * m.array.cols, fold.cols_used
    df = m.array.dataflow
    if df is Dataflow.OUTPUT_STATIONARY:
        return (
            (a[r0 : r0 + ru].T, True, 0),
            (b[:, c0 : c0 + cu], True, 0),
            (o[r0 : r0 + ru, c0 : c0 + cu][::-1], True, t - 1 + r - ru),
        )
    if df is Dataflow.WEIGHT_STATIONARY:
        return (
            (a[:, r0 : r0 + ru], True, r),
            (b[r0 : r0 + ru, c0 : c0 + cu], False, 0),
            (o[:, c0 : c0 + cu], True, 2 * r - 1),
        )
    return (
        (a.T[r0 : r0 + ru, c0 : c0 + cu], False, 0),
        (b[r0 : r0 + ru].T, True, r),
        (o[c0 : c0 + cu].T, True, 2 * r - 1),
    )


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        rows, cols, t = mapping.array.rows, mapping.array.cols, mapping.t
        os_ = mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY
        length = t + rows + cols - 2 if os_ else 2 * rows + cols + t - 2
        compute_length = length if os_ else length + cols - 1
        orders = _Orders(rows)
        out = ([], [], [])
        counts = [0, 0, 0]
        util = []
        for fold in mapping.folds:
            start = fold.index * length
            for n, (block, skewed, base) in enumerate(_blocks(mapping, fold)):
                order, rel = orders.get(block.shape, skewed, base)
                addr = block.ravel()[order].astype(np.int64)
                real = addr >= 0
                out[n].append((rel[real] + start, addr[real]))
                counts[n] += block.size
            util.append(fold.rows_used * fold.cols_used * t / (rows * cols * compute_length))
        ifmap, filt, ofmap = (
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in out
        )
        writes = counts[2] + (len(mapping.folds) * (rows + cols) if os_ else 0)
        fi, ff = fetch_orders(mapping)
        return Schedule(
            mapping,
            (length,) * len(mapping.folds),
            sum(util) / len(util),
            counts[0],
            counts[1],
            writes,
            ifmap,
            filt,
            ofmap,
            fi,
            ff,
        )
