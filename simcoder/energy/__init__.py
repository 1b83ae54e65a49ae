"""Energy, area and EDP of a simulated design: a reference table of per-action energies and
areas (``table``; the default is Accelergy's 40 nm estimates), the cost model over the exact
report counts (``model``) and ``ENERGY_REPORT.csv`` (``report``). docs/energy.md."""

from simcoder.energy.model import (
    COMPONENTS,
    Area,
    LayerEnergy,
    NetworkEnergy,
    SramCost,
    area,
    layer_energy,
    network_energy,
    sram_cost,
)
from simcoder.energy.report import FILE, energy_rows, write_energy_report
from simcoder.energy.table import EnergyTable, EnergyTableError, load_table, parse_table

__all__ = [
    "COMPONENTS",
    "FILE",
    "Area",
    "EnergyTable",
    "EnergyTableError",
    "LayerEnergy",
    "NetworkEnergy",
    "SramCost",
    "area",
    "energy_rows",
    "layer_energy",
    "load_table",
    "network_energy",
    "parse_table",
    "sram_cost",
    "write_energy_report",
]
