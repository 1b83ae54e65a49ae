"""The configuration-specific critic suite (tests/critic_suite_cfg): every seeded bug differs from
the reference at its WITNESS, and every correct implementation equals the reference field by
field on a seeded set of random valid cases, including large arrays and SRAMs."""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    MemoryConfig,
    SimConfig,
)

SUITE = Path(__file__).parent / "critic_suite_cfg"
KINDS = ("mapping", "interconnect", "storage")
BUG_FILES = sorted(p for kind in KINDS for p in (SUITE / kind).glob("*.py"))
CORRECT_FILES = sorted((SUITE / "correct").glob("*.py"))


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"_cfg_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _witness_config(witness: dict[str, Any]) -> tuple[Layer, SimConfig]:
    rows, cols, dataflow = witness["array"]
    memory = dict(witness["memory"])
    if "bandwidth_mode" in memory:
        memory["bandwidth_mode"] = BandwidthMode(memory["bandwidth_mode"])
    array = ArrayConfig(rows, cols, Dataflow(dataflow))
    return Layer(*witness["layer"]), SimConfig(array, MemoryConfig(**memory))


def _report_differs(a: LayerReport, b: LayerReport) -> list[str]:
    out = []
    for f in dataclasses.fields(LayerReport):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, float) or isinstance(y, float):
            if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
                out.append(f.name)
        elif x != y:
            out.append(f.name)
    return out


def test_suite_sizes() -> None:
    for kind in KINDS:
        assert len(list((SUITE / kind).glob("*.py"))) >= 6, kind
    assert len(CORRECT_FILES) >= 3
    for kind in KINDS:
        assert sum(p.name.startswith(kind + "_") for p in CORRECT_FILES) >= 1, kind


@pytest.mark.parametrize("path", BUG_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bug_differs_at_its_witness(path: Path) -> None:
    module = _load(path)
    doc = (module.__doc__ or "").strip()
    assert doc and "Exposed by:" in doc, "docstring: one-line bug, then 'Exposed by:'"
    layer, config = _witness_config(module.WITNESS)
    reference = simulate_layer(layer, config, Modules.load())
    modules = dataclasses.replace(Modules.load(), **{path.parent.name: module.Module()})
    candidate = simulate_layer(layer, config, modules)
    assert _report_differs(reference, candidate), "the bug gives the reference's report"


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


def _assert_equal(a: Any, b: Any, where: str) -> None:
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            _assert_equal(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        assert a_arr.shape == b_arr.shape, f"{where}: shape {a_arr.shape} != {b_arr.shape}"
        assert np.array_equal(a_arr, b_arr), where
    elif isinstance(a, tuple | list):
        assert isinstance(b, tuple | list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_equal(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _module_output(kind: str, module: Any, ref: Modules, layer: Layer, config: SimConfig) -> Any:
    if kind == "mapping":
        return module.map(layer, config.array)
    mapping = ref.mapping.map(layer, config.array)
    if kind == "interconnect":
        return module.schedule(mapping)
    return module.simulate(ref.interconnect.schedule(mapping), config.memory)


@pytest.mark.parametrize("path", CORRECT_FILES, ids=lambda p: p.stem)
def test_correct_equals_reference(path: Path) -> None:
    kind = path.stem.split("_", 1)[0]
    assert kind in KINDS, f"{path.name} must start with a module kind"
    module = _load(path)
    assert not hasattr(module, "WITNESS")
    candidate = module.Module()
    ref = Modules.load()
    reference = getattr(ref, kind)
    for i, (layer, config) in enumerate(CASES):
        where = f"case {i} {layer} {config.array} {config.memory}"
        expected = _module_output(kind, reference, ref, layer, config)
        got = _module_output(kind, candidate, ref, layer, config)
        _assert_equal(expected, got, where)
