"""The fast path's layer simulation: same LayerReport as the reference pipeline, compiled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcoder.simulator.contracts import DramAccess, StorageReport
from simcoder.simulator.fast import kernels
from simcoder.simulator.fast.geometry import H, W, fold_length, placements
from simcoder.simulator.mapping.reference import folds, spatio_temporal
from simcoder.simulator.storage.read_buffer import (
    SETS_PER_HALF,
    EpochWalk,
    calc_mode_dram_reads,
)
from simcoder.simulator.storage.reference import StallClock
from simcoder.simulator.types import BandwidthMode, Dataflow, Layer, LayerReport, SimConfig


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


def _storage(layer: Layer, config: SimConfig) -> StorageReport:
    a, m = config.array, config.memory
    ifmap_t, filter_t, ofmap_t = placements(layer, a)
    n_rows = ifmap_t.shape[0] * fold_length(
        a.dataflow, a.rows, a.cols, spatio_temporal(layer, a.dataflow)[2]
    )
    counts = kernels.ofmap_row_counts(ofmap_t, n_rows)
    stall_rows, stall_amounts, words, first_drain, last_drain = kernels.write_buffer(
        counts, m.ofmap_sram_kib * 1024, a.cols, n_rows - 1
    )
    clock = StallClock(stall_rows, stall_amounts)
    pix, win, all_valid = _ifmap_tables(layer)
    spaces = (layer.ifmap_h * layer.ifmap_w * layer.channels, layer.window_size * layer.num_filters)
    drams = []
    sram = []
    for table, space, kib in (
        (ifmap_t, spaces[0], m.ifmap_sram_kib),
        (filter_t, spaces[1], m.filter_sram_kib),
    ):
        size = kib * 1024
        epoch_words = SETS_PER_HALF * (size // 100)
        requests = int((table[:, H] * table[:, W]).sum())
        fetched, event_rows, first, last = kernels.epoch_walk(
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
        cycles = clock.cycle(np.asarray([first, last], dtype=np.int64))
        reads = calc_mode_dram_reads(
            EpochWalk(fetched, event_rows), clock.cycle(event_rows), int(cycles[0]), size
        )
        drams.append(DramAccess(reads.start_cycle, reads.stop_cycle, reads.words))
        sram.append((int(cycles[0]) + 1, int(cycles[1]) + 1))
    written = np.flatnonzero(counts)
    out = clock.cycle(written[[0, -1]], after_own_stall=True)
    ofmap = DramAccess(first_drain, last_drain, words)
    return StorageReport(
        total_cycles=n_rows - 1 + clock.total_stall,
        stall_cycles=clock.total_stall,
        total_cycles_incl_prefetch=ofmap.stop_cycle
        - min(drams[0].start_cycle, drams[1].start_cycle),
        ifmap_sram_start_cycle=sram[0][0],
        ifmap_sram_stop_cycle=sram[0][1],
        filter_sram_start_cycle=sram[1][0],
        filter_sram_stop_cycle=sram[1][1],
        ofmap_sram_start_cycle=int(out[0]),
        ofmap_sram_stop_cycle=int(out[1]),
        ifmap_dram=drams[0],
        filter_dram=drams[1],
        ofmap_dram=ofmap,
    )


def supports(config: SimConfig) -> bool:
    return config.memory.bandwidth_mode is BandwidthMode.CALC


def fast_simulate_layer(layer: Layer, config: SimConfig) -> LayerReport:
    """The reference pipeline's LayerReport, computed by the compiled kernels (CALC mode)."""
    eff, util, ifmap_reads, filter_reads, ofmap_writes = _ratios(layer, config)
    st = _storage(layer, config)
    return LayerReport(
        layer=layer,
        total_cycles_incl_prefetch=st.total_cycles_incl_prefetch,
        total_cycles=st.total_cycles,
        stall_cycles=st.stall_cycles,
        overall_util_pct=layer.macs * 100 / (st.total_cycles * config.array.num_pes),
        mapping_efficiency_pct=eff * 100,
        compute_util_pct=util * 100,
        ifmap_sram_reads=ifmap_reads,
        filter_sram_reads=filter_reads,
        ofmap_sram_writes=ofmap_writes,
        ifmap_sram_start_cycle=st.ifmap_sram_start_cycle,
        ifmap_sram_stop_cycle=st.ifmap_sram_stop_cycle,
        filter_sram_start_cycle=st.filter_sram_start_cycle,
        filter_sram_stop_cycle=st.filter_sram_stop_cycle,
        ofmap_sram_start_cycle=st.ofmap_sram_start_cycle,
        ofmap_sram_stop_cycle=st.ofmap_sram_stop_cycle,
        ifmap_dram_start_cycle=st.ifmap_dram.start_cycle,
        ifmap_dram_stop_cycle=st.ifmap_dram.stop_cycle,
        ifmap_dram_reads=st.ifmap_dram.words,
        filter_dram_start_cycle=st.filter_dram.start_cycle,
        filter_dram_stop_cycle=st.filter_dram.stop_cycle,
        filter_dram_reads=st.filter_dram.words,
        ofmap_dram_start_cycle=st.ofmap_dram.start_cycle,
        ofmap_dram_stop_cycle=st.ofmap_dram.stop_cycle,
        ofmap_dram_writes=st.ofmap_dram.words,
    )


@dataclass(frozen=True)
class ComputeSummary:
    """The cycle and utilization columns of SCALE-Sim's compute report, without the DRAM walk
    (so without "Total Cycles (incl. prefetch)", which needs the DRAM read windows)."""

    layer: Layer
    total_cycles: int
    stall_cycles: int
    overall_util_pct: float
    mapping_efficiency_pct: float
    compute_util_pct: float


def fast_compute_layer(layer: Layer, config: SimConfig) -> ComputeSummary:
    """Cycles and utilization only: the ofmap buffer decides CALC-mode stalls, nothing else."""
    a, m = config.array, config.memory
    eff, util, *_ = _ratios(layer, config)
    _, _, ofmap_t = placements(layer, a)
    n_rows = ofmap_t.shape[0] * fold_length(
        a.dataflow, a.rows, a.cols, spatio_temporal(layer, a.dataflow)[2]
    )
    counts = kernels.ofmap_row_counts(ofmap_t, n_rows)
    _, amounts, *_ = kernels.write_buffer(counts, m.ofmap_sram_kib * 1024, a.cols, n_rows - 1)
    stall = int(amounts.sum())
    total = n_rows - 1 + stall
    return ComputeSummary(
        layer, total, stall, layer.macs * 100 / (total * a.num_pes), eff * 100, util * 100
    )
