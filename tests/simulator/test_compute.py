"""The compute report's closed form equals the ofmap-timeline walk (and so the full simulation)
exactly, on every layer we have, and answers at once for a layer of 10^10 output pixels."""

from __future__ import annotations

import dataclasses
import itertools
import random
import time

import pytest

from golden_support import load_cases
from simcoder.simulator.compat.topology import expand_depthwise
from simcoder.simulator.compute import compute_layer, repeat
from simcoder.simulator.fast.engine import fast_compute_layer
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    MemoryConfig,
    SimConfig,
    ValidationError,
)
from simcoder.workloads.builtin import WORKLOADS, get_workload

ARRAYS = ((32, 32), (16, 48), (7, 5))


def _loop(s: float, x: float, k: int) -> float:
    for _ in range(k):
        s += x
    return s


@pytest.mark.parametrize(
    ("s", "x"),
    [
        (0.0, 1 / 3),
        (1.0, 2**-53),  # every addition a tie: rounds to even, so adds nothing
        (1.0, 3 * 2**-53),  # ties that alternate up and down
        (2.0**52 - 5, 0.5),
        (2.0**53 - 100, 3.0),
        (1e10, 0.1),
        (100.0, 1e-17),  # below half an ulp: adds nothing
    ],
)
def test_repeat_is_the_loop_bit_for_bit(s: float, x: float) -> None:
    for k in (0, 1, 2, 3, 10, 1000, 50_000):
        assert repeat(lambda v: v + x, s, k) == _loop(s, x, k), k


def test_repeat_of_runs_is_the_nested_loop() -> None:
    rng = random.Random(7)
    for _ in range(200):
        a, rows, cols = rng.random(), rng.randint(1, 200), rng.randint(1, 200)
        b = a * rng.random()
        want = 0.0
        for _, r in itertools.product(range(cols), range(rows)):
            want += a if r < rows - 1 else b

        def column(s: float, a: float = a, b: float = b, rows: int = rows) -> float:
            return repeat(lambda v: v + a, s, rows - 1) + b

        assert repeat(column, 0.0, cols) == want


def _same(layer: Layer, config: SimConfig) -> None:
    got, want = compute_layer(layer, config), fast_compute_layer(layer, config)
    assert dataclasses.asdict(got) == dataclasses.asdict(want), layer


def test_equals_the_walk_on_the_golden_layers() -> None:
    cases = [
        c
        for c in load_cases("random_calc.jsonl") + load_cases("networks.jsonl")
        if c.config is not None and c.config.memory.bandwidth_mode is BandwidthMode.CALC
    ]
    assert len(cases) > 300
    for case in cases:
        assert case.config is not None
        if case.id.startswith("calc-"):  # the networks are in the slow test below
            for layer in expand_depthwise(case.layers):
                _same(layer, case.config)


@pytest.mark.slow
@pytest.mark.parametrize("dataflow", list(Dataflow))
@pytest.mark.parametrize(("rows", "cols"), ARRAYS[:2])
def test_equals_the_walk_on_every_builtin_workload(
    dataflow: Dataflow, rows: int, cols: int
) -> None:
    config = SimConfig(ArrayConfig(rows, cols, dataflow), MemoryConfig(64, 64, 64))
    for name in WORKLOADS:
        for layer in expand_depthwise(get_workload(name)):
            _same(layer, config)


@pytest.mark.parametrize("dataflow", list(Dataflow))
@pytest.mark.parametrize(("rows", "cols"), ARRAYS)
def test_equals_the_walk_on_small_and_odd_layers(dataflow: Dataflow, rows: int, cols: int) -> None:
    config = SimConfig(ArrayConfig(rows, cols, dataflow), MemoryConfig(1, 2, 1))
    layers = [
        Layer("one", 1, 1, 1, 1, 1, 1),
        Layer("strided", 7, 5, 5, 1, 4, 12, 3),
        Layer("wide", 6, 14, 2, 3, 5, 90, 2),
        Layer.from_gemm("gemm", 37, 23, 19),
        *get_workload("alexnet")[:2],
    ]
    for layer in layers:
        _same(layer, config)


def test_a_layer_of_ten_billion_output_pixels_answers() -> None:
    layer = Layer("huge", 100_000, 100_000, 1, 1, 3, 64)
    assert layer.ofmap_pixels == 10**10
    for dataflow in Dataflow:
        config = SimConfig(ArrayConfig(128, 96, dataflow), MemoryConfig(64, 64, 64))
        started = time.perf_counter()
        summary = compute_layer(layer, config)
        print(f"{dataflow.value}: {1000 * (time.perf_counter() - started):.2f} ms")
        assert summary.total_cycles > 10**10 // (128 * 96) and summary.stall_cycles == 0
        assert 0 < summary.compute_util_pct <= summary.mapping_efficiency_pct <= 100


def test_user_mode_is_refused_with_the_field() -> None:
    memory = MemoryConfig(64, 64, 64, bandwidth_mode=BandwidthMode.USER)
    config = SimConfig(ArrayConfig(8, 8, Dataflow.OUTPUT_STATIONARY), memory)
    with pytest.raises(ValidationError, match="InterfaceBandwidth: the compute-only summary"):
        compute_layer(Layer("a", 4, 4, 1, 1, 1, 1), config)
