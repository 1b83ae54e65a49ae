"""Seeded random layers x configurations for differential testing, and shrinking a failure to a
small counterexample.

The generator leans towards the user's configuration (their dataflow, bandwidth mode and array
aspect, scaled down) but draws every dataflow, both bandwidth modes, one-row and one-column
arrays, SRAMs from 1 kB (many epochs) to hundreds, and every layer shape class. Layers stay
small (a few thousand MACs) so hundreds of cases fit in a few seconds. The seed is in the
evidence, so any case can be replayed.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator
from typing import Any

from simcoder.simulator.checks.probes import Probe
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    MemoryConfig,
    SimConfig,
)


def _layer(rng: random.Random, i: int) -> Layer:
    name = f"rand{i}"
    kind = rng.choice(("conv", "conv", "strided", "pointwise", "gemm", "gemm", "fc", "depthwise"))
    if kind == "gemm":
        return Layer.from_gemm(name, rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 40))
    if kind == "fc":
        side = rng.choice((1, 1, 2, 3))
        return Layer(name, side, side, side, side, rng.randint(1, 48), rng.randint(1, 30), 1)
    r = 1 if kind == "pointwise" else rng.randint(1, 5)
    s = 1 if kind == "pointwise" else rng.choice((r, r, rng.randint(1, 5)))
    stride = rng.randint(2, 3) if kind == "strided" else rng.choice((1, 1, 1, 2))
    h, w = r + rng.randint(0, 10), s + rng.randint(0, 10)
    channels = 1 if kind == "depthwise" else rng.randint(1, 8)
    return Layer(name, h, w, r, s, channels, rng.randint(1, 24), stride)


def _array(rng: random.Random, around: SimConfig | None) -> ArrayConfig:
    df = (
        around.array.dataflow
        if around is not None and rng.random() < 0.5
        else rng.choice(list(Dataflow))
    )
    shape = rng.random()
    if shape < 0.15:
        rows, cols = 1, rng.randint(1, 12)
    elif shape < 0.3:
        rows, cols = rng.randint(1, 12), 1
    elif around is not None and shape < 0.6:  # the user's aspect, scaled down
        a = around.array
        k = max(a.rows, a.cols) / rng.randint(3, 12)
        rows, cols = max(1, round(a.rows / k)), max(1, round(a.cols / k))
    else:
        rows, cols = rng.randint(1, 12), rng.randint(1, 12)
    return ArrayConfig(rows, cols, df)


def _memory(rng: random.Random, around: SimConfig | None, cols: int) -> MemoryConfig:
    def kib() -> int:
        return rng.choice((1, 1, 2, 3, 4, 8, 16, 64, 256))

    sizes = (kib(), kib(), kib())
    user = (
        around.memory.bandwidth_mode is BandwidthMode.USER
        if around is not None and rng.random() < 0.5
        else rng.random() < 0.5
    )
    if not user:
        return MemoryConfig(*sizes)
    dram = rng.choice((1, 2, max(1, cols - 1), cols, cols + 1, 2 * cols + 3, 10))
    ifmap_banks, filter_banks = rng.choice((1, 1, 2, 4)), rng.choice((1, 1, 2, 4))

    def bank_bandwidth(banks: int) -> int:  # SCALE-Sim needs a multiple of the bank count
        return banks * rng.choice((1, 2, 3, 5, max(1, cols // banks), 10))

    return MemoryConfig(
        *sizes,
        bandwidth_mode=BandwidthMode.USER,
        ofmap_dram_words_per_cycle=dram,
        ifmap_sram_bank_words_per_cycle=bank_bandwidth(ifmap_banks),
        filter_sram_bank_words_per_cycle=bank_bandwidth(filter_banks),
        ifmap_sram_banks=ifmap_banks,
        filter_sram_banks=filter_banks,
    )


def random_probes(seed: int, around: SimConfig | None = None) -> Iterator[Probe]:
    """An endless, reproducible stream of probes (the same seed gives the same stream)."""
    rng = random.Random(seed)
    i = 0
    while True:
        layer = _layer(rng, i)
        array = _array(rng, around)
        yield Probe(layer, SimConfig(array, _memory(rng, around, array.cols)), source="random")
        i += 1


def _smaller(p: Probe) -> Iterator[Probe]:
    """Probes one step smaller than ``p`` (layer dimensions, array, SRAMs, bandwidth)."""
    x, a, m = p.layer, p.config.array, p.config.memory

    def layer(**kw: Any) -> Layer | None:
        try:
            return dataclasses.replace(x, **kw)
        except ValueError:
            return None

    layers: list[Layer | None] = []
    if x.gemm:  # M = ifmap_h, K = ifmap_w = filter_w, N = num_filters
        for m_ in {x.ifmap_h // 2, x.ifmap_h - 1}:
            layers.append(layer(ifmap_h=m_) if m_ >= 1 else None)
        for k in {x.ifmap_w // 2, x.ifmap_w - 1}:
            layers.append(layer(ifmap_w=k, filter_w=k) if k >= 1 else None)
    else:
        for field in ("ifmap_h", "ifmap_w", "channels", "filter_h", "filter_w", "stride"):
            v = getattr(x, field)
            for smaller in {v // 2, v - 1}:
                if smaller >= 1:
                    layers.append(layer(**{field: smaller}))
    for n in {x.num_filters // 2, x.num_filters - 1}:
        if n >= 1:
            layers.append(layer(num_filters=n))
    for candidate in layers:
        if candidate is not None and candidate != x:
            yield dataclasses.replace(p, layer=candidate)
    for rows, cols in {
        (a.rows // 2, a.cols),
        (a.rows - 1, a.cols),
        (a.rows, a.cols // 2),
        (a.rows, a.cols - 1),
    }:
        if rows >= 1 and cols >= 1 and (rows, cols) != (a.rows, a.cols):
            arr = ArrayConfig(rows, cols, a.dataflow)
            yield dataclasses.replace(p, config=dataclasses.replace(p.config, array=arr))
    for field in ("ifmap_sram_kib", "filter_sram_kib", "ofmap_sram_kib"):
        v = getattr(m, field)
        if v > 1:
            mem = dataclasses.replace(m, **{field: v // 2})
            yield dataclasses.replace(p, config=dataclasses.replace(p.config, memory=mem))


def shrink(
    probe: Probe, fails: Callable[[Probe], bool], deadline: Callable[[], bool]
) -> tuple[Probe, int]:
    """The smallest probe found, by greedy steps, that still ``fails``, and the steps taken;
    stops when no smaller probe fails or at the ``deadline``."""
    steps = 0
    progress = True
    while progress and not deadline():
        progress = False
        for smaller in _smaller(probe):
            if deadline():
                break
            if fails(smaller):
                probe, steps, progress = smaller, steps + 1, True
                break
    return probe, steps
