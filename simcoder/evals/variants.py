"""References of the tasks that go beyond SCALE-Sim 3.0.0. Each is a small, stated change to the
SCALE-Sim-exact reference; tests/evals check each against numbers worked out by hand in
docs/eval.md. These files never travel into a candidate's sandbox (a task would hand over its
own answer); only the ``oracle`` baseline runs them there."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from simcoder.simulator.contracts import DemandStream, Mapping, Schedule, StorageReport
from simcoder.simulator.interconnect.reference import ReferenceInterconnect, compute_fold_length
from simcoder.simulator.mapping.reference import ReferenceMapping
from simcoder.simulator.storage.reference import calc_report
from simcoder.simulator.storage.write_buffer import WriteBufferResult, simulate_write_buffer
from simcoder.simulator.types import ArrayConfig, BandwidthMode, Dataflow, Layer, MemoryConfig


def exact_ofmap_layer(layer: Layer) -> Layer:
    """The layer trimmed to the ifmap rows and columns a window really covers, so that
    SCALE-Sim's ``ceil((H - R + s) / s)`` gives the exact ``floor((H - R) / s) + 1``."""
    e = (layer.ifmap_h - layer.filter_h) // layer.stride + 1
    f = (layer.ifmap_w - layer.filter_w) // layer.stride + 1
    return dataclasses.replace(
        layer,
        ifmap_h=(e - 1) * layer.stride + layer.filter_h,
        ifmap_w=(f - 1) * layer.stride + layer.filter_w,
    )


class ExactOfmapMapping:
    """Mapping with the exact ofmap size ``floor((H - R) / s) + 1`` (SCALE-Sim's is one too
    large when the stride does not divide ``H - R``); everything else as SCALE-Sim."""

    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        return ReferenceMapping().map(exact_ofmap_layer(layer), array)


class HopLatencyInterconnect:
    """Every PE-to-PE hop takes ``hops`` cycles instead of one: each fold grows by
    ``X = (hops - 1) * (R + C - 2)`` cycles (longer fill and drain). Within a fold, read requests
    keep their cycle relative to the fold's start and ofmap writes come ``X`` cycles later; the
    utilization's fold length grows by ``X`` too. Counts are SCALE-Sim's."""

    hops = 2

    def schedule(self, mapping: Mapping) -> Schedule:
        s = ReferenceInterconnect().schedule(mapping)
        rows, cols = mapping.array.rows, mapping.array.cols
        extra = (self.hops - 1) * (rows + cols - 2)
        length = s.fold_cycles[0]

        def shift(stream: DemandStream, own: int) -> DemandStream:
            fold = stream.cycles // length
            return DemandStream(stream.cycles + (fold + own) * extra, stream.addresses)

        compute_length = compute_fold_length(mapping) + extra
        util = [
            f.rows_used * f.cols_used * mapping.t / (rows * cols * compute_length)
            for f in mapping.folds
        ]
        return dataclasses.replace(
            s,
            fold_cycles=(length + extra,) * len(mapping.folds),
            compute_utilization=sum(util) / len(util),
            ifmap=shift(s.ifmap, 0),
            filter=shift(s.filter, 0),
            ofmap=shift(s.ofmap, 1),
        )


class ExactWritesInterconnect:
    """SRAM OFMAP Writes = the ofmap words the array really writes (for OS, without the
    ``R + C`` per fold SCALE-Sim 3.0.0 adds); everything else as SCALE-Sim."""

    def schedule(self, mapping: Mapping) -> Schedule:
        s = ReferenceInterconnect().schedule(mapping)
        written = sum(f.rows_used * f.cols_used for f in mapping.folds)
        if mapping.array.dataflow is not Dataflow.OUTPUT_STATIONARY:
            return s
        return dataclasses.replace(s, ofmap_sram_writes=written)


WriteBuffer = Callable[[np.ndarray, np.ndarray, int, int, int], WriteBufferResult]


def calc_storage(
    schedule: Schedule, memory: MemoryConfig, write_buffer: WriteBuffer, width: int
) -> StorageReport:
    """The reference's CALC-mode composition with another ofmap write buffer or line width."""
    rows, counts = np.unique(schedule.ofmap.cycles, return_counts=True)
    last_row = schedule.demand_cycles - 1
    wb = write_buffer(rows, counts, memory.ofmap_sram_kib * 1024, width, last_row)
    return calc_report(schedule, memory, wb)


def single_buffer(
    write_rows: np.ndarray, write_counts: np.ndarray, size: int, width: int, last_row: int
) -> WriteBufferResult:
    """A single-buffered ofmap SRAM: words fill lines of ``width``; when the buffer is full
    (``size`` words) every line drains, one per cycle, starting at the cycle of the write that
    filled it; no word may be written while a drain is in flight (``c < drain_end`` stalls the
    write to ``drain_end``). After the last row the rest drains from
    ``max(last row's completion, drain_end)``. DRAM OFMAP Writes count real words only."""
    free, fill, lines = size, 0, 0
    words_in_lines = 0
    drain_end, dram_words, first, last = 0, 0, None, 0
    stall, stall_rows, stall_amounts = 0, [], []

    def drain(c: int) -> int:
        nonlocal lines, words_in_lines, free, dram_words, first, last
        end = c + lines - 1
        dram_words += words_in_lines
        free, lines, words_in_lines = size, 0, 0
        first = c if first is None else first
        last = max(last, end)
        return end

    for row, count in zip(write_rows.tolist(), write_counts.tolist(), strict=True):
        issue = c = row + stall
        for _ in range(count):
            if c < drain_end:
                c = drain_end
            free -= 1
            fill += 1
            if fill == width:
                lines, words_in_lines, fill = lines + 1, words_in_lines + width, 0
            if free == 0:
                if fill:
                    lines, words_in_lines, fill = lines + 1, words_in_lines + fill, 0
                drain_end = drain(c)
        if c > issue:
            stall_rows.append(row)
            stall_amounts.append(c - issue)
            stall += c - issue
    if fill:
        lines, words_in_lines = lines + 1, words_in_lines + fill
    if lines:
        drain(max(last_row + stall, drain_end))
    assert first is not None
    return WriteBufferResult(
        np.asarray(stall_rows, dtype=np.int64),
        np.asarray(stall_amounts, dtype=np.int64),
        dram_words,
        first,
        last,
    )


class SingleBufferStorage:
    """CALC mode with a single-buffered ofmap SRAM (see :func:`single_buffer`); the ifmap and
    filter buffers are SCALE-Sim's."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        if memory.bandwidth_mode is BandwidthMode.USER:
            raise ValueError("this variant is defined for CALC mode only")
        return calc_storage(schedule, memory, single_buffer, schedule.mapping.array.cols)


class DrainWidthStorage:
    """CALC mode whose ofmap buffer drains ``width`` words per cycle (lines of ``width``
    words) instead of one array row's worth; otherwise SCALE-Sim's double buffer."""

    width = 2

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        if memory.bandwidth_mode is BandwidthMode.USER:
            raise ValueError("this variant is defined for CALC mode only")
        return calc_storage(schedule, memory, simulate_write_buffer, self.width)


__all__ = [
    "DrainWidthStorage",
    "ExactOfmapMapping",
    "ExactWritesInterconnect",
    "HopLatencyInterconnect",
    "SingleBufferStorage",
]
