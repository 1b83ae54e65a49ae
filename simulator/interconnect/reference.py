"""Reference interconnect module: SCALE-Sim 3.0.0's systolic timing, per fold. See SPEC.md."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcoder.simulator.contracts import DemandStream, Fold, Mapping, Schedule
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.types import Dataflow


@dataclass(frozen=True)
class Placement:
    """Where a block of one operand lands in a fold's demand rows.

    Element ``block[i, j]`` is requested at cycle ``base + i + j`` when ``skewed`` (j is the
    array port), at ``base + (array_rows - 1 - i)`` when ``flipped`` (the stationary load, last
    row first).
    """

    block: np.ndarray
    base: int
    skewed: bool


def fold_length(mapping: Mapping) -> int:
    r, c, t = mapping.array.rows, mapping.array.cols, mapping.t
    if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
        return t + r + c - 2
    return 2 * r + c + t - 2


def compute_fold_length(mapping: Mapping) -> int:
    """The fold length SCALE-Sim divides by for compute utilization (WS/IS count C - 1 more)."""
    if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
        return fold_length(mapping)
    return fold_length(mapping) + mapping.array.cols - 1


def placements(mapping: Mapping, fold: Fold) -> tuple[Placement, Placement, Placement]:
    """(ifmap, filter, ofmap) placements of one fold, relative to the fold's first cycle."""
    a, b, o = mapping.ifmap_addresses, mapping.filter_addresses, mapping.ofmap_addresses
    r_arr, c_arr, t = mapping.array.rows, mapping.array.cols, mapping.t
    r0, ru = fold.row_fold * r_arr, fold.rows_used
    c0, cu = fold.col_fold * c_arr, fold.cols_used
    df = mapping.array.dataflow
    if df is Dataflow.OUTPUT_STATIONARY:  # rows = pixels, cols = filters, time = window
        return (
            Placement(a[r0 : r0 + ru, :].T, 0, True),
            Placement(b[:, c0 : c0 + cu], 0, True),
            # outputs leave bottom row first: flipped, after T - 1 cycles, then skewed
            Placement(o[r0 : r0 + ru, c0 : c0 + cu][::-1], t - 1 + (r_arr - ru), True),
        )
    if df is Dataflow.WEIGHT_STATIONARY:  # rows = window, cols = filters, time = pixels
        return (
            Placement(a[:, r0 : r0 + ru], r_arr, True),
            Placement(b[r0 : r0 + ru, c0 : c0 + cu], 0, False),
            Placement(o[:, c0 : c0 + cu], 2 * r_arr - 1, True),
        )
    # input stationary: rows = window, cols = pixels, time = filters
    return (
        Placement(a.T[r0 : r0 + ru, c0 : c0 + cu], 0, False),
        Placement(b[r0 : r0 + ru, :].T, r_arr, True),
        Placement(o[c0 : c0 + cu, :].T, 2 * r_arr - 1, True),
    )


def place(p: Placement, fold_start: int, array_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Absolute (cycles, addresses) of a placement, in issue order (cycle, then port)."""
    h, w = p.block.shape
    i = np.arange(h)[:, None]
    j = np.arange(w)[None, :]
    if p.skewed:
        cycles = fold_start + p.base + i + j
    else:  # the stationary operand: row i is loaded at array_rows - 1 - i
        cycles = np.broadcast_to(fold_start + p.base + array_rows - 1 - i, (h, w))
    ports = np.broadcast_to(j, (h, w))
    order = np.lexsort((ports.ravel(), cycles.ravel()))
    cyc, addr = cycles.ravel()[order].astype(np.int64), p.block.ravel()[order].astype(np.int64)
    real = addr >= 0  # -1 marks a window element off the ifmap: no request
    return cyc[real], addr[real]


class ReferenceInterconnect:
    """SCALE-Sim 3.0.0's systolic array timing, clear and per fold."""

    def schedule(self, mapping: Mapping) -> Schedule:
        length = fold_length(mapping)
        compute_length = compute_fold_length(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        streams: list[list[tuple[np.ndarray, np.ndarray]]] = [[], [], []]
        sizes = [0, 0, 0]  # SCALE-Sim counts every element of a fold's block, -1 included
        util = []
        for fold in mapping.folds:
            start = fold.index * length
            for i, p in enumerate(placements(mapping, fold)):
                streams[i].append(place(p, start, rows))
                sizes[i] += p.block.size
            macs = fold.rows_used * fold.cols_used * mapping.t
            util.append(macs / (rows * cols * compute_length))
        ifmap, filt, ofmap = (
            DemandStream(np.concatenate([c for c, _ in s]), np.concatenate([a for _, a in s]))
            for s in streams
        )
        ofmap_writes = sizes[2]
        if mapping.array.dataflow is Dataflow.OUTPUT_STATIONARY:
            # SCALE-Sim 3.0.0 adds the padded fold's rows + cols to the write count of every fold
            ofmap_writes += len(mapping.folds) * (rows + cols)
        ifmap_fetch, filter_fetch = fetch_orders(mapping)
        return Schedule(
            mapping=mapping,
            fold_cycles=(length,) * len(mapping.folds),
            compute_utilization=sum(util) / len(util),
            ifmap_sram_reads=sizes[0],
            filter_sram_reads=sizes[1],
            ofmap_sram_writes=ofmap_writes,
            ifmap=ifmap,
            filter=filt,
            ofmap=ofmap,
            ifmap_fetch_order=ifmap_fetch,
            filter_fetch_order=filter_fetch,
        )
