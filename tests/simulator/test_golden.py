"""Every column of all three reports equals SCALE-Sim 3.0.0's, on real SCALE-Sim runs.

The golden files are written only by scripts/make_golden.py from real scalesim==3.0.0 runs.
"""

from __future__ import annotations

import pytest

from golden_support import GoldenCase, differences, load_cases, run_case
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.types import Dataflow

CALC = load_cases("random_calc.jsonl")
USER = load_cases("random_user.jsonl")
NETWORKS = load_cases("networks.jsonl")


def _check(case: GoldenCase, fast: bool = True) -> None:
    if case.config_error is not None:  # we refuse the config where SCALE-Sim asserts
        assert case.scalesim_error is not None and "divisible" in case.scalesim_error
        assert "do not divide evenly" in case.config_error
        return
    if case.scalesim_error is not None:
        with pytest.raises(ScaleSimFailure):
            run_case(case, fast)
        return
    assert differences(case, run_case(case, fast)) == []


def test_golden_set_is_large_and_varied() -> None:
    assert len(CALC) >= 300
    dataflows = {c.config.array.dataflow for c in CALC}
    assert len(dataflows) == 3
    assert any(c.layers[0].gemm for c in CALC)
    assert any(layer.depthwise for c in CALC for layer in c.layers)
    assert any(c.config.array.rows != c.config.array.cols for c in CALC)
    assert any(c.config.memory.ifmap_sram_kib == 1 for c in CALC)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("case", CALC, ids=[c.id for c in CALC])
def test_random_layers_calc(case: GoldenCase, fast: bool) -> None:
    _check(case, fast)


@pytest.mark.slow
@pytest.mark.parametrize("case", NETWORKS, ids=[c.id for c in NETWORKS])
def test_whole_networks(case: GoldenCase) -> None:
    _check(case)


def test_user_golden_set_is_varied() -> None:
    assert len(USER) >= 250
    valid = [c for c in USER if c.config is not None]
    assert {c.config.array.dataflow for c in valid if c.config} == set(Dataflow)
    assert {c.config.memory.ofmap_dram_words_per_cycle for c in valid if c.config} >= {1, 2, 32}
    assert any(c.config_error for c in USER)
    stalled = [
        c
        for c in valid
        if c.reports and any(int(r.split(",")[3]) for r in c.reports["COMPUTE_REPORT"][1:])
    ]
    assert len(stalled) >= 30  # USER mode is where stalls happen


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
@pytest.mark.parametrize("case", USER, ids=[c.id for c in USER])
def test_random_layers_user(case: GoldenCase, fast: bool) -> None:
    _check(case, fast)
