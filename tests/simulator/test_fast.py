"""The compiled fast path equals the reference modules exactly, field for field."""

from __future__ import annotations

import dataclasses

import pytest

from simcoder.simulator.checks.probes import probe_grid
from simcoder.simulator.compute import compute_layer
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.fast.engine import fast_simulate_layer
from simcoder.simulator.types import BandwidthMode

PROBES = probe_grid()


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_fast_equals_reference_on_probe_grid(probe) -> None:  # type: ignore[no-untyped-def]
    try:
        want = simulate_layer(probe.layer, probe.config, Modules.load())
    except ScaleSimFailure:
        with pytest.raises(ScaleSimFailure):
            fast_simulate_layer(probe.layer, probe.config)
        return
    assert dataclasses.asdict(fast_simulate_layer(probe.layer, probe.config)) == dataclasses.asdict(
        want
    )
    if probe.config.memory.bandwidth_mode is not BandwidthMode.CALC:
        return
    summary = compute_layer(probe.layer, probe.config)
    assert (
        summary.total_cycles,
        summary.stall_cycles,
        summary.overall_util_pct,
        summary.mapping_efficiency_pct,
        summary.compute_util_pct,
    ) == (
        want.total_cycles,
        want.stall_cycles,
        want.overall_util_pct,
        want.mapping_efficiency_pct,
        want.compute_util_pct,
    )


def test_probe_grid_covers_the_fast_path() -> None:
    assert len(PROBES) >= 100
