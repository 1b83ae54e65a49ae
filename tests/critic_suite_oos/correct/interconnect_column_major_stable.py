"""Correct: each block raveled column-major (port outer) with its cycles from np.add.outer, then
one stable argsort on cycle alone, which keeps equal cycles in port order; blocks by np.ix_."""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.types import Dataflow


def _requests(block, cycles):  # type: ignore[no-untyped-def]
    c = np.broadcast_to(cycles, block.shape).ravel(order="F")
    a = block.ravel(order="F")
    order = np.argsort(c, kind="stable")
    c, a = c[order], a[order]
    return c[a >= 0], a[a >= 0]


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        R, C, T = mapping.array.rows, mapping.array.cols, mapping.t
        A, B, Om = mapping.ifmap_addresses, mapping.filter_addresses, mapping.ofmap_addresses
        df = mapping.array.dataflow
        L = T + R + C - 2 if df is Dataflow.OUTPUT_STATIONARY else 2 * R + C + T - 2
        Lc = L if df is Dataflow.OUTPUT_STATIONARY else L + C - 1
        out = {"i": [], "f": [], "o": []}
        reads = {"i": 0, "f": 0, "o": 0}
        util = 0.0
        for fold in mapping.folds:
            s = fold.index * L
            rr = np.arange(fold.rows_used) + fold.row_fold * R
            cc = np.arange(fold.cols_used) + fold.col_fold * C
            if df is Dataflow.OUTPUT_STATIONARY:
                blocks = {
                    "i": (A[np.ix_(rr, np.arange(T))].T, 0),
                    "f": (B[np.ix_(np.arange(T), cc)], 0),
                    "o": (Om[np.ix_(rr[::-1], cc)], T - 1 + R - fold.rows_used),
                }
            elif df is Dataflow.WEIGHT_STATIONARY:
                blocks = {
                    "i": (A[np.ix_(np.arange(T), rr)], R),
                    "f": (B[np.ix_(rr, cc)], None),
                    "o": (Om[np.ix_(np.arange(T), cc)], 2 * R - 1),
                }
            else:
                blocks = {
                    "i": (A[np.ix_(cc, rr)].T, None),
                    "f": (B[np.ix_(rr, np.arange(T))].T, R),
                    "o": (Om[np.ix_(cc, np.arange(T))].T, 2 * R - 1),
                }
            for key, (block, base) in blocks.items():
                h, w = block.shape
                if base is None:  # stationary: row i loaded at R - 1 - i
                    cycles = (s + R - 1 - np.arange(h))[:, None] + np.zeros((1, w), dtype=np.int64)
                else:
                    cycles = np.add.outer(np.arange(h), np.arange(w)) + s + base
                out[key].append(_requests(block, cycles))
                reads[key] += h * w
            util += fold.rows_used * fold.cols_used * T / (R * C * Lc)
        streams = {
            k: DemandStream(
                np.concatenate([c for c, _ in v]).astype(np.int64),
                np.concatenate([a for _, a in v]).astype(np.int64),
            )
            for k, v in out.items()
        }
        writes = reads["o"]
        if df is Dataflow.OUTPUT_STATIONARY:
            writes += len(mapping.folds) * (R + C)
        fi, ff = fetch_orders(mapping)
        return Schedule(
            mapping,
            tuple([L] * len(mapping.folds)),
            util / len(mapping.folds),
            reads["i"],
            reads["f"],
            writes,
            streams["i"],
            streams["f"],
            streams["o"],
            fi,
            ff,
        )
