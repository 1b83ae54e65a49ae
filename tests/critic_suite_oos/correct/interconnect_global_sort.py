"""Correct: every request of every fold gathered as (cycle, port, address) triples, then one
global sort on cycle * width + port; counts and utilization in closed form."""

import numpy as np

from simcoder.simulator.contracts import DemandStream, Schedule
from simcoder.simulator.types import Dataflow


def _skewed(block, start):  # type: ignore[no-untyped-def]
    h, w = block.shape
    i, j = np.indices((h, w))
    return (start + i + j).ravel(), j.ravel(), block.ravel()


def _stationary(block, start, rows):  # type: ignore[no-untyped-def]
    h, w = block.shape
    i, j = np.indices((h, w))
    return (start + rows - 1 - i).ravel(), j.ravel(), block.ravel()


def _stream(parts):  # type: ignore[no-untyped-def]
    cycles = np.concatenate([p[0] for p in parts]).astype(np.int64)
    ports = np.concatenate([p[1] for p in parts]).astype(np.int64)
    addrs = np.concatenate([p[2] for p in parts]).astype(np.int64)
    width = int(ports.max()) + 1 if ports.size else 1
    order = np.argsort(cycles * width + ports, kind="stable")
    cycles, addrs = cycles[order], addrs[order]
    keep = addrs >= 0
    return DemandStream(cycles[keep], addrs[keep])


def _anti_diagonal(m):  # type: ignore[no-untyped-def]
    h, w = m.shape
    out = []
    for d in range(h + w - 1):
        r = np.arange(min(d, h - 1), max(0, d - w + 1) - 1, -1)
        out.append(m[r, d - r])
    return np.concatenate(out) if out else m.ravel()


def _stack(blocks, width):  # type: ignore[no-untyped-def]
    rows = sum(b.shape[0] for b in blocks)
    out = np.full((rows, width), -1, dtype=np.int64)
    r = 0
    for b in blocks:
        out[r : r + b.shape[0], : b.shape[1]] = b
        r += b.shape[0]
    return out


class Module:
    def schedule(self, mapping):  # type: ignore[no-untyped-def]
        R, C, T = mapping.array.rows, mapping.array.cols, mapping.t
        A, B, Om = mapping.ifmap_addresses, mapping.filter_addresses, mapping.ofmap_addresses
        df = mapping.array.dataflow
        os_df = df is Dataflow.OUTPUT_STATIONARY
        L = T + R + C - 2 if os_df else 2 * R + C + T - 2
        Lc = L if os_df else L + C - 1
        parts = ([], [], [])
        for f in mapping.folds:
            st = f.index * L
            r0, r1 = f.row_fold * R, f.row_fold * R + f.rows_used
            c0, c1 = f.col_fold * C, f.col_fold * C + f.cols_used
            if os_df:
                blocks = (
                    _skewed(A[r0:r1].T, st),
                    _skewed(B[:, c0:c1], st),
                    _skewed(Om[r0:r1, c0:c1][::-1], st + T - 1 + R - f.rows_used),
                )
            elif df is Dataflow.WEIGHT_STATIONARY:
                blocks = (
                    _skewed(A[:, r0:r1], st + R),
                    _stationary(B[r0:r1, c0:c1], st, R),
                    _skewed(Om[:, c0:c1], st + 2 * R - 1),
                )
            else:
                blocks = (
                    _stationary(A[c0:c1, r0:r1].T, st, R),
                    _skewed(B[r0:r1].T, st + R),
                    _skewed(Om[c0:c1].T, st + 2 * R - 1),
                )
            for part, blk in zip(parts, blocks, strict=True):
                part.append(blk)
        sizes = [sum(p[2].size for p in part) for part in parts]
        util = 0.0
        for f in mapping.folds:
            util += f.rows_used * f.cols_used * T / (R * C * Lc)
        writes = sizes[2] + (len(mapping.folds) * (R + C) if os_df else 0)
        rs, cs = range(0, mapping.sr, R), range(0, mapping.sc, C)
        if os_df:
            ifetch = _anti_diagonal(_stack([A[r : r + R].T for r in rs], R))
            ffetch = _anti_diagonal(_stack([B[:, c : c + C] for c in cs], C))
        elif df is Dataflow.WEIGHT_STATIONARY:
            ifetch = _anti_diagonal(_stack([A[:, r : r + R] for r in rs], R))
            ffetch = _stack([B[:, c : c + C] for c in cs], C).ravel()
        else:
            ifetch = _stack([A[c : c + C].T for c in cs], C).ravel()
            ffetch = _anti_diagonal(_stack([B[r : r + R].T for r in rs], R))
        return Schedule(
            mapping=mapping,
            fold_cycles=tuple(L for _ in mapping.folds),
            compute_utilization=util / len(mapping.folds),
            ifmap_sram_reads=sizes[0],
            filter_sram_reads=sizes[1],
            ofmap_sram_writes=writes,
            ifmap=_stream(parts[0]),
            filter=_stream(parts[1]),
            ofmap=_stream(parts[2]),
            ifmap_fetch_order=ifetch.astype(np.int64),
            filter_fetch_order=ffetch.astype(np.int64),
        )
