"""The fast path's layer simulation: same LayerReport as the reference pipeline, compiled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcoder.simulator.compute import ComputeSummary, fold_length
from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.fast.compiled import kernels
from simcoder.simulator.fast.geometry import H, W, placements
from simcoder.simulator.interconnect.fetch_order import fetch_orders
from simcoder.simulator.mapping.reference import (
    FILTER_OFFSET,
    IFMAP_OFFSET,
    ReferenceMapping,
    folds,
    spatio_temporal,
)
from simcoder.simulator.report import layer_report
from simcoder.simulator.storage.read_buffer import (
    SETS_PER_HALF,
    EpochWalk,
    calc_mode_dram_reads,
)
from simcoder.simulator.storage.reference import StallClock
from simcoder.simulator.storage.user_read_buffer import BufferGeometry
from simcoder.simulator.types import (
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    SimConfig,
)


def _ifmap_tables(layer: Layer) -> tuple[np.ndarray, np.ndarray, bool]:
    """Per pixel (base word, input row, input col) and per window element (offset, row, col):
    the ifmap word of (p, k) is their sum, the same as mapping.reference.ifmap_matrix."""
    p = np.arange(layer.ofmap_pixels)
    ir, ic = (p // layer.ofmap_w) * layer.stride, (p % layer.ofmap_w) * layer.stride
    pix = np.stack([(ir * layer.ifmap_w + ic) * layer.channels, ir, ic]).astype(np.int64)
    k = np.arange(layer.window_size)
    fr, rest = np.divmod(k, layer.filter_w * layer.channels)
    fc, ch = np.divmod(rest, layer.channels)
    win = np.stack([(fr * layer.ifmap_w + fc) * layer.channels + ch, fr, fc]).astype(np.int64)
    all_valid = bool(ir.max() + fr.max() < layer.ifmap_h and ic.max() + fc.max() < layer.ifmap_w)
    return pix, win, all_valid


def _ratios(layer: Layer, config: SimConfig) -> tuple[float, float, int, int, int]:
    """(mapping efficiency, compute utilization, SRAM ifmap reads, filter reads, ofmap writes)."""
    a = config.array
    sr, sc, t = spatio_temporal(layer, a.dataflow)
    fold_list = folds(sr, sc, a)
    length = fold_length(a.dataflow, a.rows, a.cols, t)
    compute_length = length if a.dataflow is Dataflow.OUTPUT_STATIONARY else length + a.cols - 1
    eff = [f.rows_used * f.cols_used / a.num_pes for f in fold_list]
    util = [f.rows_used * f.cols_used * t / (a.num_pes * compute_length) for f in fold_list]
    ru = sum(f.rows_used for f in fold_list)
    cu = sum(f.cols_used for f in fold_list)
    used = sum(f.rows_used * f.cols_used for f in fold_list)
    if a.dataflow is Dataflow.OUTPUT_STATIONARY:
        reads = (t * ru, t * cu, used + len(fold_list) * (a.rows + a.cols))
    elif a.dataflow is Dataflow.WEIGHT_STATIONARY:
        reads = (t * ru, used, t * cu)
    else:
        reads = (used, t * ru, t * cu)
    return sum(eff) / len(eff), sum(util) / len(util), *reads


_NO_PLAN = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class _ReadWalk:
    words: int  # CALC: fetched words; USER: prefetches (DRAM words computed by the caller)
    rows: np.ndarray  # CALC: epoch end rows; USER: rows with prefetches
    counts: np.ndarray  # USER: prefetches per row
    first_row: int
    last_row: int


def _walk(
    layer: Layer,
    config: SimConfig,
    table: np.ndarray,
    operand: int,
    set_index: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> _ReadWalk:
    a, m = config.array, config.memory
    pix, win, all_valid = _ifmap_tables(layer)
    space = (
        layer.ifmap_h * layer.ifmap_w * layer.channels
        if operand == 0
        else layer.window_size * layer.num_filters
    )
    requests = int((table[:, H] * table[:, W]).sum())
    if set_index is None:  # CALC: epochs
        size = (m.ifmap_sram_kib if operand == 0 else m.filter_sram_kib) * 1024
        epoch_words = SETS_PER_HALF * (size // 100)
        st, rows = kernels().epoch_walk(
            table,
            pix,
            win,
            layer.window_size,
            layer.ifmap_h,
            layer.ifmap_w,
            all_valid,
            a.rows,
            space,
            epoch_words,
            requests // epoch_words + 2,
        )
        counts = _NO_PLAN
    else:  # USER: prefetch windows
        offsets, set_ids, window = set_index
        n_rows = int(table[-1, 0]) + fold_length(
            a.dataflow, a.rows, a.cols, spatio_temporal(layer, a.dataflow)[2]
        )
        st, rows, counts = kernels().prefetch_walk(
            table,
            pix,
            win,
            layer.window_size,
            layer.ifmap_h,
            layer.ifmap_w,
            all_valid,
            a.rows,
            n_rows + 1,
            offsets,
            set_ids,
            window,
            config.memory.corrected,
        )
    if st[2] < 0:
        raise ScaleSimFailure("a requested word is never prefetched; SCALE-Sim would loop forever")
    return _ReadWalk(int(st[2]), rows, counts, int(st[3]), int(st[4]))


def _set_index(
    fetch: np.ndarray, offset: int, space: int, geo: BufferGeometry
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each word (dense index), the sorted ids of the sets holding it: CSR arrays."""
    real = fetch[fetch >= 0] - offset
    order = np.argsort(real, kind="stable")
    offsets = np.concatenate(([0], np.cumsum(np.bincount(real, minlength=space))))
    window = np.asarray([geo.n_sets, geo.active_sets, geo.prefetch_sets], dtype=np.int64)
    return offsets.astype(np.int64), (order // geo.set_words).astype(np.int64), window


def _storage(layer: Layer, config: SimConfig) -> StorageReport:
    a, m = config.array, config.memory
    user = m.bandwidth_mode is BandwidthMode.USER
    ifmap_t, filter_t, ofmap_t = placements(layer, a)
    n_rows = ifmap_t.shape[0] * fold_length(
        a.dataflow, a.rows, a.cols, spatio_temporal(layer, a.dataflow)[2]
    )
    counts = kernels().ofmap_row_counts(ofmap_t, n_rows)
    geos: list[BufferGeometry] = []
    indexes: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = [None, None]
    if user:
        mapping = ReferenceMapping().map(layer, a)
        fetches = fetch_orders(mapping)
        spaces = (
            layer.ifmap_h * layer.ifmap_w * layer.channels,
            layer.window_size * layer.num_filters,
        )
        for op, (kib, bw, offset) in enumerate(
            (
                (m.ifmap_sram_kib, m.ifmap_sram_bank_words_per_cycle, IFMAP_OFFSET),
                (m.filter_sram_kib, m.filter_sram_bank_words_per_cycle, FILTER_OFFSET),
            )
        ):
            geos.append(BufferGeometry.of(fetches[op], kib * 1024, bw))
            indexes[op] = _set_index(fetches[op], offset, spaces[op], geos[op])
    walks = [_walk(layer, config, t, op, indexes[op]) for op, t in enumerate((ifmap_t, filter_t))]
    if user:
        for walk, geo in zip(walks, geos, strict=True):
            if walk.rows.shape[0]:
                geo.check_prefetch_fits()
        plan = (
            walks[0].rows,
            walks[0].counts,
            walks[1].rows,
            walks[1].counts,
            np.asarray([g.lines_per_prefetch for g in geos], dtype=np.int64),
        )
    else:
        plan = (_NO_PLAN, _NO_PLAN, _NO_PLAN, _NO_PLAN, np.zeros(2, dtype=np.int64))
    watch = np.asarray(
        [walks[0].first_row, walks[0].last_row, walks[1].first_row, walks[1].last_row],
        dtype=np.int64,
    )
    width = m.ofmap_dram_words_per_cycle if user else a.cols
    stall_rows, stall_amounts, out = kernels().timeline(
        counts, m.ofmap_sram_kib * 1024, width, *plan, watch, user and m.corrected
    )
    clock = StallClock(stall_rows, stall_amounts)
    if user:
        drams = [
            DramAccess(
                -g.first_fill_lines,
                int(out[11 + op]),
                (g.first_fill_lines + int(w.counts.sum()) * g.lines_per_prefetch)
                * (
                    m.ifmap_sram_bank_words_per_cycle
                    if op == 0
                    else m.filter_sram_bank_words_per_cycle
                ),
            )
            for op, (w, g) in enumerate(zip(walks, geos, strict=True))
        ]
    else:
        drams = []
        for op, w in enumerate(walks):
            size = (m.ifmap_sram_kib if op == 0 else m.filter_sram_kib) * 1024
            reads = calc_mode_dram_reads(
                EpochWalk(w.words, w.rows),
                clock.cycle(w.rows),
                int(clock.cycle(np.asarray([w.first_row]))[0]),
                size,
            )
            drams.append(DramAccess(reads.start_cycle, reads.stop_cycle, reads.words))
    ofmap = DramAccess(int(out[1]), int(out[2]), int(out[0]))
    return StorageReport(
        total_cycles=int(out[3]),
        stall_cycles=int(out[13]),
        total_cycles_incl_prefetch=ofmap.stop_cycle
        - min(drams[0].start_cycle, drams[1].start_cycle),
        ifmap_sram_start_cycle=int(out[4]),
        ifmap_sram_stop_cycle=int(out[5]),
        filter_sram_start_cycle=int(out[6]),
        filter_sram_stop_cycle=int(out[7]),
        ofmap_sram_start_cycle=int(out[9]),
        ofmap_sram_stop_cycle=int(out[10]),
        ifmap_dram=drams[0],
        filter_dram=drams[1],
        ofmap_dram=ofmap,
    )


def fast_simulate_layer(layer: Layer, config: SimConfig) -> LayerReport:
    """The reference pipeline's LayerReport, computed by the compiled kernels."""
    eff, util, ifmap_reads, filter_reads, ofmap_writes = _ratios(layer, config)
    return layer_report(
        layer, config, eff, util, (ifmap_reads, filter_reads, ofmap_writes), _storage(layer, config)
    )


def fast_compute_layer(layer: Layer, config: SimConfig) -> ComputeSummary:
    """Cycles and utilization by walking the ofmap buffer's timeline row by row (in CALC mode
    only the ofmap buffer can stall the array): time and memory grow with the layer. The
    closed form, :func:`simcoder.simulator.compute.compute_layer`, is what runs; this walk is
    what it is checked against (tests/simulator/test_compute.py)."""
    if config.memory.bandwidth_mode is not BandwidthMode.CALC:
        raise ValueError("the compute-only summary covers CALC mode; USER stalls need the reads")
    a, m = config.array, config.memory
    eff, util, *_ = _ratios(layer, config)
    _, _, ofmap_t = placements(layer, a)
    n_rows = ofmap_t.shape[0] * fold_length(
        a.dataflow, a.rows, a.cols, spatio_temporal(layer, a.dataflow)[2]
    )
    counts = kernels().ofmap_row_counts(ofmap_t, n_rows)
    no_reads = np.full(4, -1, dtype=np.int64)
    _, _, out = kernels().timeline(
        counts,
        m.ofmap_sram_kib * 1024,
        a.cols,
        _NO_PLAN,
        _NO_PLAN,
        _NO_PLAN,
        _NO_PLAN,
        np.zeros(2, dtype=np.int64),
        no_reads,
        False,
    )
    total, stall = int(out[3]), int(out[13])
    return ComputeSummary(
        layer, total, stall, layer.macs * 100 / (total * a.num_pes), eff * 100, util * 100
    )
