"""The ``corrected`` compat mode: SCALE-Sim 3.0.0's USER-mode stall quirks fixed. No SCALE-Sim
run has these numbers, so they are checked by the fast path against the reference modules and
by invariants the quirks break."""

from __future__ import annotations

import dataclasses

import pytest

from simcoder.simulator.checks.probes import probe_grid
from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.fast.engine import fast_simulate_layer
from simcoder.simulator.types import BandwidthMode, Layer, SimConfig

USER = [p for p in probe_grid() if p.config.memory.bandwidth_mode is BandwidthMode.USER]


def corrected(config: SimConfig) -> SimConfig:
    return dataclasses.replace(config, memory=dataclasses.replace(config.memory, corrected=True))


@pytest.mark.parametrize(
    "probe",
    # the conv_big probes take seconds each in the reference storage: full runs only
    [pytest.param(p, marks=pytest.mark.slow) if "conv_big" in p.name else p for p in USER],
    ids=[p.name for p in USER],
)
def test_fast_equals_reference_and_the_invariants_hold(probe) -> None:  # type: ignore[no-untyped-def]
    config = corrected(probe.config)
    try:
        scalesim = simulate_layer(probe.layer, probe.config)
        want = simulate_layer(probe.layer, config, Modules.load())
    except ScaleSimFailure:
        return
    assert fast_simulate_layer(probe.layer, config) == want
    mods = Modules.load()
    schedule = mods.interconnect.schedule(mods.mapping.map(probe.layer, config.array))
    # every stall counts, the last row's too; none is negative
    assert want.total_cycles == schedule.demand_cycles - 1 + want.stall_cycles
    assert want.stall_cycles >= 0
    # the layer does not end before its last prefetch; a miss never costs more transfers
    assert want.total_cycles + 1 >= max(want.ifmap_dram_stop_cycle, want.filter_dram_stop_cycle)
    assert want.ifmap_dram_reads <= scalesim.ifmap_dram_reads
    assert want.filter_dram_reads <= scalesim.filter_dram_reads


def test_the_quirks_it_fixes_show_on_a_network_layer() -> None:
    """AlphaGo Zero's residual conv, 32x32 OS, 64 kB, 10 words/cycle: SCALE-Sim's circular window
    pays a transfer per step round the buffer; corrected pays for what is new."""
    layer = Layer("Res_conv1", 19, 19, 3, 3, 256, 256, 1)
    config = spec_config(32, 32, "os", (64, 64, 64), "USER", 10)
    scalesim = fast_simulate_layer(layer, config)
    fixed = fast_simulate_layer(layer, corrected(config))
    assert (scalesim.filter_dram_reads, fixed.filter_dram_reads) == (43_649_640, 8_323_580)
    assert (scalesim.stall_cycles, fixed.stall_cycles) == (4_176_826, 641_106)


def test_calc_mode_is_the_same() -> None:
    for probe in probe_grid(quick=True):
        if probe.config.memory.bandwidth_mode is BandwidthMode.CALC:
            try:
                want = simulate_layer(probe.layer, probe.config)
            except ScaleSimFailure:
                continue
            assert simulate_layer(probe.layer, corrected(probe.config)) == want
            assert fast_simulate_layer(probe.layer, corrected(probe.config)) == want
