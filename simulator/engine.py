"""Wires mapping -> interconnect -> storage for one layer; a network is a map over layers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from simcoder.simulator.contracts import (
    InterconnectModule,
    Mapping,
    MappingModule,
    Schedule,
    StorageModule,
    StorageReport,
)
from simcoder.simulator.registry import load_module
from simcoder.simulator.report import layer_report
from simcoder.simulator.types import Layer, LayerReport, NetworkReport, SimConfig


@dataclass(frozen=True)
class Modules:
    mapping: MappingModule
    interconnect: InterconnectModule
    storage: StorageModule

    @classmethod
    def load(
        cls, mapping: str = "reference", interconnect: str = "reference", storage: str = "reference"
    ) -> Modules:
        return cls(
            load_module("mapping", mapping),
            load_module("interconnect", interconnect),
            load_module("storage", storage),
        )


def simulate_layer(layer: Layer, config: SimConfig, modules: Modules | None = None) -> LayerReport:
    mods = modules or Modules.load()
    mapping = mods.mapping.map(layer, config.array)
    schedule = mods.interconnect.schedule(mapping)
    storage = mods.storage.simulate(schedule, config.memory)
    return assembled_report(layer, config, mapping, schedule, storage)


def assembled_report(
    layer: Layer,
    config: SimConfig,
    mapping: Mapping,
    schedule: Schedule,
    storage: StorageReport,
) -> LayerReport:
    """The report of one layer from the three modules' outputs."""
    counts = (schedule.ifmap_sram_reads, schedule.filter_sram_reads, schedule.ofmap_sram_writes)
    return layer_report(
        layer, config, mapping.mapping_efficiency, schedule.compute_utilization, counts, storage
    )


def _layer_runner(
    config: SimConfig, modules: Modules | None, fast: bool
) -> Callable[[Layer], LayerReport]:
    """The compiled fast path when nothing is swapped (it covers every mode); else the modules."""
    if modules is None and fast:
        from simcoder.simulator.fast import engine as fast_engine

        return lambda layer: fast_engine.fast_simulate_layer(layer, config)
    mods = modules or Modules.load()
    return lambda layer: simulate_layer(layer, config, mods)


def simulate_network(
    layers: Iterable[Layer],
    config: SimConfig,
    modules: Modules | None = None,
    progress: Callable[[int, int, Layer], None] | None = None,
    fast: bool = True,
) -> NetworkReport:
    """Simulate every layer; SCALE-Sim's depthwise (DP) layers run once per channel.

    With no ``modules`` the compiled fast path runs (it equals the reference modules exactly, in
    both bandwidth modes and with ``MemoryConfig.corrected``); ``fast=False`` forces the
    reference pipeline.
    """
    from simcoder.simulator.compat.topology import expand_depthwise

    run = _layer_runner(config, modules, fast)
    expanded = expand_depthwise(list(layers))
    reports = []
    for i, layer in enumerate(expanded):
        if progress is not None:
            progress(i, len(expanded), layer)
        reports.append(run(layer))
    return NetworkReport(config, tuple(reports))
