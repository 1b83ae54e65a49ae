"""The Python API of the simulator: the same as ``simcoder simulate``, without files."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simcoder.simulator.compat import InputError
from simcoder.simulator.compat.config import read_config
from simcoder.simulator.compat.reports import write_reports
from simcoder.simulator.compat.topology import read_topology
from simcoder.simulator.engine import Modules, simulate_network
from simcoder.simulator.presets import PRESETS
from simcoder.simulator.types import Layer, NetworkReport, SimConfig
from simcoder.workloads.builtin import GEMM_WORKLOADS, WORKLOADS, get_workload

if TYPE_CHECKING:  # the energy package (pydantic, yaml) loads only when energy is asked for
    from simcoder.energy import Area, EnergyTable, NetworkEnergy


def resolve_config(config: str | Path | SimConfig) -> SimConfig:
    """A SimConfig, a preset name, or a path to a SCALE-Sim .cfg file."""
    if isinstance(config, SimConfig):
        return config
    text = str(config)
    if text in PRESETS:
        return PRESETS[text]
    if not Path(text).exists():
        raise InputError(text, f"no such config file or preset; presets: {', '.join(PRESETS)}")
    return read_config(text)


def resolve_layers(topology: str | Path | list[Layer], gemm: bool = False) -> list[Layer]:
    """A list of layers, a built-in workload name, a SCALE-Sim topology CSV, or a model to
    import (``model.onnx``, ``torchvision:NAME``, ``transformers:NAME``, ``file.py:factory``;
    default choices, see ``simcoder import``)."""
    if isinstance(topology, list):
        return topology
    text = str(topology)
    if text in WORKLOADS:
        return get_workload(text)
    from simcoder.workloads.imports import imported_layers, is_model_ref

    if is_model_ref(text):
        return list(imported_layers(text))
    if not Path(text).exists():
        raise InputError(
            text,
            "no such topology file or built-in workload; workloads: "
            f"{', '.join(sorted(WORKLOADS))}",
        )
    return read_topology(text, gemm=gemm)


def is_gemm_workload(name: str) -> bool:
    return name in GEMM_WORKLOADS


def compute_summary(
    config: str | Path | SimConfig, topology: str | Path | list[Layer], *, gemm: bool = False
) -> list[Any]:
    """Cycles and utilization per layer only (CALC mode), in closed form, the fastest query: see
    ``simcoder.simulator.compute.ComputeSummary``."""
    from simcoder.simulator.compat.topology import expand_depthwise
    from simcoder.simulator.compute import compute_layer
    from simcoder.simulator.types import BandwidthMode

    cfg = resolve_config(config)
    if cfg.memory.bandwidth_mode is not BandwidthMode.CALC:
        raise InputError(
            "config",
            "the compute-only summary covers CALC bandwidth mode; "
            "run the full simulation for USER mode",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        layers = resolve_layers(topology, gemm)
    return [compute_layer(layer, cfg) for layer in expand_depthwise(layers)]


def simulate(
    config: str | Path | SimConfig,
    topology: str | Path | list[Layer],
    *,
    gemm: bool = False,
    outdir: str | Path | None = None,
    modules: Modules | None = None,
    progress: Callable[[int, int, Layer], None] | None = None,
) -> NetworkReport:
    """Simulate a network; with ``outdir``, also write SCALE-Sim's three report files there."""
    cfg = resolve_config(config)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        layers = resolve_layers(topology, gemm)
    report = simulate_network(layers, cfg, modules, progress)
    if outdir is not None:
        write_reports(report, outdir)
    return report


def resolve_table(table: str | Path | EnergyTable | None = None) -> EnergyTable:
    """An EnergyTable, a path to a YAML table, or None for the default (docs/energy.md)."""
    from simcoder.energy import EnergyTable, load_table

    return table if isinstance(table, EnergyTable) else load_table(table)


def energy(report: NetworkReport, table: str | Path | EnergyTable | None = None) -> NetworkEnergy:
    """Energy per layer and component, EDP and area of a simulated network (``simulate``'s
    report, with its DRAM counts), from the energy table (default: Accelergy's 40 nm)."""
    from simcoder.energy import network_energy

    return network_energy(report, resolve_table(table))


def area(config: str | Path | SimConfig, table: str | Path | EnergyTable | None = None) -> Area:
    """The design's area (PE array and SRAMs) from the energy table's area figures."""
    from simcoder.energy import area as design_area

    return design_area(resolve_config(config), resolve_table(table))
