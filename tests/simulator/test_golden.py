"""Every column of all three reports equals SCALE-Sim 3.0.0's, on real SCALE-Sim runs.

The golden files are written only by scripts/make_golden.py from real scalesim==3.0.0 runs.
"""

from __future__ import annotations

import pytest

from golden_support import GoldenCase, differences, load_cases, run_case
from simcoder.simulator.storage.read_buffer import ScaleSimFailure
from simcoder.simulator.types import BandwidthMode

CALC = load_cases("random_calc.jsonl")
NETWORKS = [
    c for c in load_cases("networks.jsonl") if c.config.memory.bandwidth_mode is BandwidthMode.CALC
]


def _check(case: GoldenCase) -> None:
    if case.scalesim_error is not None:
        with pytest.raises(ScaleSimFailure):
            run_case(case)
        return
    assert differences(case, run_case(case)) == []


def test_golden_set_is_large_and_varied() -> None:
    assert len(CALC) >= 300
    dataflows = {c.config.array.dataflow for c in CALC}
    assert len(dataflows) == 3
    assert any(c.layers[0].gemm for c in CALC)
    assert any(layer.depthwise for c in CALC for layer in c.layers)
    assert any(c.config.array.rows != c.config.array.cols for c in CALC)
    assert any(c.config.memory.ifmap_sram_kib == 1 for c in CALC)


@pytest.mark.parametrize("case", CALC, ids=[c.id for c in CALC])
def test_random_layers_calc(case: GoldenCase) -> None:
    _check(case)


@pytest.mark.slow
@pytest.mark.parametrize("case", NETWORKS, ids=[c.id for c in NETWORKS])
def test_whole_networks_calc(case: GoldenCase) -> None:
    _check(case)
