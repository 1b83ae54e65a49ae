"""Probes derived from the user's spec: their array, SRAMs and bandwidth, scaled-down copies that
keep what makes them distinct, and miniature layers of every shape class their workloads hold.

The fixed grid (``probes.probe_grid``) knows nothing of the user; these do. A bug that only the
user's 32x16 array, unequal SRAMs or bandwidth below the array width shows, or only their
network's strided or depthwise layers, shows here on layers small enough to check in
milliseconds. docs/critic.md tabulates which probe covers which part of each SPEC.md.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence

from simcoder.simulator.checks.probes import Probe
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Layer,
    MemoryConfig,
    SimConfig,
)

MINI_DIM = 8  # a scaled-down array's longest side

# the shape classes a workload layer can belong to (a layer may be in several)
SHAPE_CLASSES = (
    "gemm",  # a GEMM row M, N, K (ifmap M x K, filter 1 x K)
    "fc",  # the filter covers the whole ifmap: one output pixel
    "pointwise",  # 1x1 filter over a feature map
    "depthwise",  # SCALE-Sim's DP layers: one-channel layers, one per channel
    "strided_partial",  # stride > 1 and the last window hangs off the ifmap (-1 requests)
    "strided_exact",  # stride > 1 and the windows tile the ifmap exactly
    "conv",  # a plain k x k convolution at stride 1
    "single_fold",  # fits the array in one fold
    "many_epoch",  # its operands do not fit the SRAMs: several read epochs
)


def shape_classes(layer: Layer, config: SimConfig) -> set[str]:
    """The classes ``layer`` belongs to on ``config`` (the user's array and SRAMs)."""
    out: set[str] = set()
    if layer.gemm:
        out.add("gemm")
    elif layer.filter_h == layer.ifmap_h and layer.filter_w == layer.ifmap_w:
        out.add("fc")
    elif layer.filter_h == layer.filter_w == 1:
        out.add("pointwise")
    elif layer.stride == 1:
        out.add("conv")
    if layer.depthwise or (layer.channels == 1 and not layer.gemm):
        out.add("depthwise")
    if layer.stride > 1:
        partial = (layer.ifmap_h - layer.filter_h) % layer.stride or (
            layer.ifmap_w - layer.filter_w
        ) % layer.stride
        out.add("strided_partial" if partial else "strided_exact")
    a = config.array
    if layer.ofmap_pixels <= a.rows * a.cols and layer.num_filters <= max(a.rows, a.cols):
        out.add("single_fold")
    words = 1024  # SCALE-Sim sizes its SRAMs at one word per byte
    m = config.memory
    ifmap_words = layer.ifmap_h * layer.ifmap_w * layer.channels
    filter_words = layer.window_size * layer.num_filters
    if ifmap_words > m.ifmap_sram_kib * words or filter_words > m.filter_sram_kib * words:
        out.add("many_epoch")
    return out


def _mini_layer(cls: str, name: str) -> Layer:
    """A small layer of one class (chosen to fold more than once on a mini array)."""
    return {
        "gemm": Layer.from_gemm(name, 13, 11, 9),
        "fc": Layer(name, 3, 3, 3, 3, 4, 11, 1),
        "pointwise": Layer(name, 5, 6, 1, 1, 7, 9, 1),
        "depthwise": Layer(name, 7, 7, 3, 3, 1, 5, 1),
        "strided_partial": Layer(name, 8, 9, 3, 3, 3, 7, 2),
        "strided_exact": Layer(name, 9, 9, 3, 3, 2, 6, 2),
        "conv": Layer(name, 6, 7, 3, 2, 3, 10, 1),
        "single_fold": Layer(name, 3, 3, 2, 2, 2, 3, 1),
        "many_epoch": Layer(name, 12, 12, 3, 3, 12, 24, 1),
    }[cls]


def _shrunk(layer: Layer, cls: str, rows: int, cols: int) -> Layer:
    """A copy of a real workload layer cut down to a few folds of a ``rows x cols`` array,
    keeping its filter size, stride and whether its last window is partial."""
    if layer.gemm:
        return Layer.from_gemm(
            f"{cls}~{layer.name}",
            min(layer.ifmap_h, 3 * rows + 1),
            min(layer.num_filters, 2 * cols + 1),
            min(layer.ifmap_w, 2 * rows + 3),
        )
    r, s, st = min(layer.filter_h, 5), min(layer.filter_w, 5), min(layer.stride, 3)

    def side(full: int, f: int) -> int:
        if full == f:  # the filter covers the input (FC)
            return f
        spare = (full - f) % st if st > 1 else 0
        return min(full, f + 2 * st + spare) if st > 1 else min(full, f + 4)

    h, w = side(layer.ifmap_h, r), side(layer.ifmap_w, s)
    return Layer(
        f"{cls}~{layer.name}",
        h,
        w,
        min(r, h),
        min(s, w),
        min(layer.channels, 5),
        min(layer.num_filters, 2 * cols + 1),
        st,
    )


def scaled_arrays(rows: int, cols: int) -> list[tuple[int, int]]:
    """The user's array scaled down to at most ``MINI_DIM`` a side, keeping its aspect (a
    non-square array stays non-square, the same way round), plus one row and one column."""
    k = max(rows, cols) / MINI_DIM
    if k <= 1:
        r, c = rows, cols
    else:
        r, c = max(1, round(rows / k)), max(1, round(cols / k))
        if rows != cols and r == c:
            r, c = (r, c + 1) if rows < cols else (r + 1, c)
    out = [(r, c), (1, c), (r, 1)]
    if r == c:
        out.append((r, c + 1))  # a square design still needs a non-square check
    return list(dict.fromkeys(out))


def scaled_memories(m: MemoryConfig, cols: int) -> list[MemoryConfig]:
    """The user's memory, a small copy with the SRAMs' proportions kept (so operands need
    several epochs on mini layers), and in USER mode bandwidths below and above the width of
    the mini array."""
    sizes = (m.ifmap_sram_kib, m.filter_sram_kib, m.ofmap_sram_kib)
    k = max(sizes) / 2
    small = tuple(max(1, math.ceil(s / k)) for s in sizes) if k > 1 else sizes
    out = [
        m,
        dataclasses.replace(
            m, ifmap_sram_kib=small[0], filter_sram_kib=small[1], ofmap_sram_kib=small[2]
        ),
    ]
    if m.bandwidth_mode is BandwidthMode.USER:
        for bw in (max(1, cols // 2), 2 * cols + 1):
            out.append(_with_bandwidth(out[1], bw))
    return out


def _with_bandwidth(m: MemoryConfig, bw: int) -> MemoryConfig:
    def banked(banks: int) -> int:
        return max(banks, bw - bw % banks)

    return dataclasses.replace(
        m,
        ofmap_dram_words_per_cycle=bw,
        ifmap_sram_bank_words_per_cycle=banked(m.ifmap_sram_banks),
        filter_sram_bank_words_per_cycle=banked(m.filter_sram_banks),
    )


def _unique(probes: Iterable[Probe]) -> list[Probe]:
    seen: dict[tuple[Layer, SimConfig], Probe] = {}
    for p in probes:
        seen.setdefault((dataclasses.replace(p.layer, name=""), p.config), p)
    return list(seen.values())


def spec_probes(config: SimConfig, layers: Sequence[Layer]) -> list[Probe]:
    """Mini layers of each shape class the workloads contain (one made to the class, one cut
    from the first workload layer of the class), on the user's own array and memory and on
    the scaled-down copies of them, at the user's dataflow."""
    classes: dict[str, Layer | None] = {}
    for layer in layers:
        for cls in sorted(shape_classes(layer, config)):
            classes.setdefault(cls, layer)
    classes.setdefault("conv", None)  # every design gets at least the plain and GEMM shapes
    classes.setdefault("gemm", None)
    a = config.array
    arrays = scaled_arrays(a.rows, a.cols)
    mr, mc = arrays[0]
    probes: list[Probe] = []
    for cls, real in classes.items():
        minis = [_mini_layer(cls, f"spec_{cls}")]
        if real is not None:
            minis.append(_shrunk(real, cls, mr, mc))
        for layer in minis:
            probes.append(Probe(layer, config, "spec"))  # the user's own array and memory
            for rows, cols in arrays:
                for memory in scaled_memories(config.memory, cols):
                    cfg = SimConfig(ArrayConfig(rows, cols, a.dataflow), memory)
                    probes.append(Probe(layer, cfg, "spec"))
    return _unique(probes)
