"""The configuration-specific critic suite (tests/critic_suite_cfg): every seeded bug differs from
the reference at its WITNESS, and every correct implementation equals the reference field by
field on a seeded set of random valid cases, including large arrays and SRAMs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    MemoryConfig,
    SimConfig,
)
from tests.critic_suite_support import KINDS, check_bug_at_witness, check_correct

SUITE = Path(__file__).parent / "critic_suite_cfg"
BUG_FILES = sorted(p for kind in KINDS for p in (SUITE / kind).glob("*.py"))
CORRECT_FILES = sorted((SUITE / "correct").glob("*.py"))


def test_suite_sizes() -> None:
    for kind in KINDS:
        assert len(list((SUITE / kind).glob("*.py"))) >= 6, kind
    assert len(CORRECT_FILES) >= 3
    for kind in KINDS:
        assert sum(p.name.startswith(kind + "_") for p in CORRECT_FILES) >= 1, kind


@pytest.mark.parametrize("path", BUG_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bug_differs_at_its_witness(path: Path) -> None:
    check_bug_at_witness(path)


# --- correct implementations ---------------------------------------------------------------


def _random_layer(rng: random.Random) -> Layer:
    shape = rng.choice(
        ["conv", "conv", "gemm", "pointwise", "single_channel", "fc", "strided", "wide", "patch"]
    )
    if shape == "gemm":
        return Layer.from_gemm("gemm", rng.randint(1, 96), rng.randint(1, 96), rng.randint(1, 96))
    if shape == "fc":
        return Layer("fc", 1, 1, 1, 1, rng.randint(1, 256), rng.randint(1, 128))
    if shape == "wide":  # many filters or channels
        h = rng.randint(3, 10)
        return Layer("wide", h, h, 3, 3, rng.randint(16, 96), rng.randint(32, 160), 1)
    if shape == "patch":
        p = rng.randint(2, 4)
        return Layer(
            "patch", rng.randint(p, 20), rng.randint(p, 20), p, p, 3, rng.randint(4, 48), p
        )
    h, w = rng.randint(1, 24), rng.randint(1, 24)
    r, s = rng.randint(1, min(h, 5)), rng.randint(1, min(w, 5))
    c, n, stride = rng.randint(1, 8), rng.randint(1, 32), 1
    if shape == "pointwise":
        r = s = 1
    elif shape == "single_channel":
        c = 1
        stride = rng.choice([1, 1, 2])
    elif shape == "strided":
        stride = rng.randint(2, 4)
    return Layer(shape, h, w, r, s, c, n, stride)


def _random_memory(rng: random.Random) -> MemoryConfig:
    kib = [rng.choice([1, 2, 4, 8, 16, 25, 64, 100, 256, 512, rng.randint(1, 512)]) for _ in "ifo"]
    if rng.random() < 0.5:
        return MemoryConfig(*kib)
    banks = [rng.choice([1, 1, 2, 4]) for _ in "if"]
    return MemoryConfig(
        *kib,
        bandwidth_mode=BandwidthMode.USER,
        ofmap_dram_words_per_cycle=rng.choice([1, 2, 4, 8, 10, 16, 32, 64]),
        ifmap_sram_bank_words_per_cycle=banks[0] * rng.choice([1, 2, 3, 5, 8, 16]),
        filter_sram_bank_words_per_cycle=banks[1] * rng.choice([1, 2, 3, 5, 8, 16]),
        ifmap_sram_banks=banks[0],
        filter_sram_banks=banks[1],
        corrected=rng.random() < 0.3,
    )


def _cases(n: int = 60, seed: int = 20250117) -> list[tuple[Layer, SimConfig]]:
    rng = random.Random(seed)
    sizes = [1, 2, 3, 4, 5, 8, 16, 24, 32, 48, 64]
    out: list[tuple[Layer, SimConfig]] = []
    while len(out) < n:
        layer = _random_layer(rng)
        if layer.macs > 400_000:
            continue
        rows, cols = rng.choice(sizes), rng.choice(sizes)
        array = ArrayConfig(rows, cols, rng.choice(list(Dataflow)))
        config = SimConfig(array, _random_memory(rng))
        try:
            simulate_layer(layer, config, Modules.load())
        except ScaleSimFailure:
            continue
        out.append((layer, config))
    return out


CASES = _cases()


@pytest.mark.parametrize("path", CORRECT_FILES, ids=lambda p: p.stem)
def test_correct_equals_reference(path: Path) -> None:
    check_correct(path, CASES)
