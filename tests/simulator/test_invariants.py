"""The invariants hold on the reference and the eval's variant accelerators, and each catches
its witness: a deliberately broken simulator.

Witnesses caught (each invariant's own witness, reported by that invariant on some probe of the
full grid): the first version of the invariants, written before any was tuned, caught 14 of its
15 witnesses (``access_windows_ordered`` missed an ofmap SRAM stop cycle reported as the window's
length, which stays inside the window on every grid probe; that witness was too weak and became
swapped ofmap DRAM ends); the final version catches 14 of 14 (``dram_reads_within_sram_reads``
was dropped with its witness, a DRAM read count in bytes).

The quick loop checks the sane simulators on a small grid (~10 s in all); the full grid is
``slow`` (the reference on its compiled path; the variants without conv_big in USER mode,
which runs the per-event reference storage for minutes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from simcoder.simulator.checks import invariants
from simcoder.simulator.checks.invariants import INVARIANTS, Invariant, Simulate, check_invariants
from simcoder.simulator.checks.probes import Probe, probe_grid
from simcoder.simulator.components import (
    DrainWidthStorage,
    ExactOfmapMapping,
    ExactWritesInterconnect,
    HopLatencyInterconnect,
    SingleBufferStorage,
)
from simcoder.simulator.contracts import Mapping, Schedule, StorageReport
from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.fast.engine import fast_simulate_layer
from simcoder.simulator.mapping.reference import ReferenceMapping
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    MemoryConfig,
    SimConfig,
)

# cheap probes first: a witness stops at its first catch; conv_big in USER mode costs ~0.2 s
GRID = sorted(
    probe_grid(quick=False),
    key=lambda p: (p.layer.name == "conv_big", p.config.memory.bandwidth_mode.value),
)
# the quick loop: the quick grid's small layers on its non-square array (every dataflow, both SRAM
# extremes, USER mode); the full grid is the slow test
QUICK = [
    p for p in probe_grid(quick=True) if p.layer.name != "conv_big" and p.config.array.rows == 5
]


def _calc(probes: list[Probe]) -> list[Probe]:
    return [p for p in probes if p.config.memory.bandwidth_mode is BandwidthMode.CALC]


def _assembled(**swap: Any) -> Simulate:
    modules = dataclasses.replace(Modules.load(), **swap)
    return lambda layer, config: simulate_layer(layer, config, modules)


def _tampered(fix: Callable[[LayerReport, SimConfig], LayerReport]) -> Simulate:
    """The reference (its compiled path, equal to it), with its report changed by ``fix``."""
    return lambda layer, config: fix(fast_simulate_layer(layer, config), config)


# -- the witnesses: one broken simulator per invariant ------------------------------------------


class StridedNotImplemented(ReferenceMapping):
    """Leaves strided convolutions out."""

    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        if layer.stride > 1:
            raise NotImplementedError("stride > 1")
        return super().map(layer, array)


class LastFoldCycles(ReferenceStorage):
    """Total cycles of the last fold only."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        return dataclasses.replace(r, total_cycles=schedule.fold_cycles[-1] - 1 + r.stall_cycles)


class SramInitFromDram(ReferenceStorage):
    """Loads one set of the ifmap SRAM from DRAM before the layer, whatever it needs."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        words = r.ifmap_dram.words + memory.ifmap_sram_kib * 1024 // 100
        return dataclasses.replace(r, ifmap_dram=dataclasses.replace(r.ifmap_dram, words=words))


class BandwidthAsCyclesPerWord(ReferenceStorage):
    """Reads every words-per-cycle bandwidth as cycles per word (64 // value words/cycle)."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        if memory.bandwidth_mode is BandwidthMode.USER:
            memory = dataclasses.replace(
                memory,
                ofmap_dram_words_per_cycle=max(1, 64 // memory.ofmap_dram_words_per_cycle),
                ifmap_sram_bank_words_per_cycle=max(
                    1, 64 // memory.ifmap_sram_bank_words_per_cycle
                ),
                filter_sram_bank_words_per_cycle=max(
                    1, 64 // memory.filter_sram_bank_words_per_cycle
                ),
            )
        return super().simulate(schedule, memory)


class LastDrainDropped(ReferenceStorage):
    """Forgets the last ofmap drain line."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        width = schedule.mapping.array.cols
        words = r.ofmap_dram.words - (r.ofmap_dram.words % width or width)
        return dataclasses.replace(r, ofmap_dram=dataclasses.replace(r.ofmap_dram, words=words))


class ActiveHalfOnly(ReferenceStorage):
    """Counts the filter DRAM reads of the double buffer's active half only."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        words = r.filter_dram.words // 2
        return dataclasses.replace(r, filter_dram=dataclasses.replace(r.filter_dram, words=words))


class ClockNotReset(ReferenceStorage):
    """Keeps its cycle counter between calls: each layer starts where the last one stopped."""

    def __init__(self) -> None:
        self.clock = 0

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        shifted = dataclasses.replace(r, total_cycles=r.total_cycles + self.clock)
        self.clock = shifted.total_cycles
        return shifted


def _fc_by_name() -> Simulate:
    """Runs layers named fc* output stationary, whatever the configured dataflow."""

    def simulate(layer: Layer, config: SimConfig) -> LayerReport:
        if layer.name.startswith("fc"):
            array = dataclasses.replace(config.array, dataflow=Dataflow.OUTPUT_STATIONARY)
            config = dataclasses.replace(config, array=array)
        return fast_simulate_layer(layer, config)

    return simulate


WITNESSES: dict[str, Callable[[], Simulate]] = {
    "runs_where_reference_runs": lambda: _assembled(mapping=StridedNotImplemented()),
    # overall util over the array's rows only
    "utilisation_in_range": lambda: _tampered(
        lambda r, c: dataclasses.replace(r, overall_util_pct=r.overall_util_pct * c.array.cols)
    ),
    "cycles_cover_macs": lambda: _assembled(storage=LastFoldCycles()),
    # a first row's read latency counted as a stall of -1
    "stalls_within_total": lambda: _tampered(
        lambda r, c: dataclasses.replace(r, stall_cycles=r.stall_cycles - 1)
    ),
    # utilisation of the mapped PEs only
    "compute_within_mapping": lambda: _tampered(
        lambda r, c: dataclasses.replace(
            r, compute_util_pct=r.compute_util_pct * 100 / r.mapping_efficiency_pct
        )
    ),
    # the idle PEs of partial folds counted as working
    "work_independent_of_hardware": lambda: _tampered(
        lambda r, c: dataclasses.replace(
            r, overall_util_pct=r.overall_util_pct * 100 / r.mapping_efficiency_pct
        )
    ),
    "more_sram_no_more_dram_reads": lambda: _assembled(storage=SramInitFromDram()),
    "more_bandwidth_no_more_stalls": lambda: _assembled(storage=BandwidthAsCyclesPerWord()),
    "every_output_written": lambda: _assembled(storage=LastDrainDropped()),
    "dram_reads_cover_needed_words": lambda: _assembled(storage=ActiveHalfOnly()),
    # the ofmap DRAM window's ends assigned the wrong way round
    "access_windows_ordered": lambda: _tampered(
        lambda r, c: dataclasses.replace(
            r,
            ofmap_dram_start_cycle=r.ofmap_dram_stop_cycle,
            ofmap_dram_stop_cycle=r.ofmap_dram_start_cycle,
        )
    ),
    "deterministic": lambda: _assembled(storage=ClockNotReset()),
    "names_do_not_matter": _fc_by_name,
    # a 16-bit cycle counter
    "more_filters_no_less_work": lambda: _tampered(
        lambda r, c: dataclasses.replace(r, total_cycles=r.total_cycles % 2**16)
    ),
}
BY_NAME = {inv.name: inv for inv in INVARIANTS}


def _caught(invariant: Invariant, simulate: Simulate, probes: list[Probe]) -> bool:
    check = f"invariant.{invariant.name}"
    return any(
        any(v.check == check for v in check_invariants(simulate, p, "storage", (invariant,)))
        for p in probes
    )


def test_invariants_named_and_witnessed() -> None:
    names = [inv.name for inv in INVARIANTS]
    assert len(names) >= 8
    assert len(set(names)) == len(names)
    assert set(WITNESSES) == set(names)
    assert all(inv.description.endswith(".") for inv in INVARIANTS)


@pytest.mark.parametrize("name", [inv.name for inv in INVARIANTS])
def test_witness_caught(name: str) -> None:
    assert _caught(BY_NAME[name], WITNESSES[name](), GRID)


SANE: dict[str, tuple[Callable[[], Simulate], bool]] = {  # name: (simulator, CALC mode only)
    # the compiled path (equal to the reference, exact on every column) keeps the full grid cheap
    "reference": (lambda: lambda layer, config: fast_simulate_layer(layer, config), False),
    "ExactOfmapMapping": (lambda: _assembled(mapping=ExactOfmapMapping()), False),
    "HopLatencyInterconnect": (lambda: _assembled(interconnect=HopLatencyInterconnect()), False),
    "ExactWritesInterconnect": (lambda: _assembled(interconnect=ExactWritesInterconnect()), False),
    "SingleBufferStorage": (lambda: _assembled(storage=SingleBufferStorage()), True),
    "DrainWidthStorage": (lambda: _assembled(storage=DrainWidthStorage()), True),
}


def _big_user(p: Probe) -> bool:
    return p.layer.name == "conv_big" and p.config.memory.bandwidth_mode is BandwidthMode.USER


def _violations(name: str, probes: list[Probe]) -> list[str]:
    make, calc_only = SANE[name]
    simulate = make()
    probes = _calc(probes) if calc_only else probes
    return [str(v) for p in probes for v in check_invariants(simulate, p, "storage")]


@pytest.mark.parametrize("name", list(SANE))
def test_sane_simulators_pass_quick_grid(name: str) -> None:
    violations = _violations(name, QUICK)
    assert not violations, "\n".join(violations[:10])


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SANE))
def test_sane_simulators_pass_full_grid(name: str) -> None:
    # a variant's USER-mode conv_big probes run the per-event reference storage (~3 min per
    # variant); the reference's compiled path covers them, the variants' CALC runs the rest
    probes = GRID if name == "reference" else [p for p in GRID if not _big_user(p)]
    violations = _violations(name, probes)
    assert not violations, "\n".join(violations[:10])


def test_check_messages_and_skips() -> None:
    probe = next(p for p in GRID if p.layer.name == "conv_3x3")
    broken = WITNESSES["utilisation_in_range"]()
    messages = BY_NAME["utilisation_in_range"].check(broken, probe)
    assert messages and all(m.startswith("expected ") and ", got " in m for m in messages)
    assert BY_NAME["utilisation_in_range"].check(_assembled(), probe) == []

    def crashes(layer: Layer, config: SimConfig) -> LayerReport:
        raise ZeroDivisionError("boom")

    found = check_invariants(crashes, probe, "mapping")
    assert [v.check for v in found] == ["invariant.runs_where_reference_runs"]
    assert "ZeroDivisionError" in found[0].got
    assert BY_NAME["deterministic"].check(crashes, probe) == [
        "expected a report on the probe (the reference simulates it), got ZeroDivisionError: boom"
    ]

    def few_filters(layer: Layer, config: SimConfig) -> LayerReport:
        if layer.num_filters > probe.layer.num_filters:
            raise ValueError("too many filters")
        return fast_simulate_layer(layer, config)

    found = check_invariants(few_filters, probe, "mapping")
    assert [v.check for v in found] == ["invariant.more_filters_no_less_work"]
    assert "the variant with 40 filters" in found[0].expected


def test_skipped_where_the_reference_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def crashes(layer: Layer, config: SimConfig) -> LayerReport:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(invariants, "_reference_raises", lambda layer, config: True)
    assert check_invariants(crashes, GRID[0], "storage") == []
