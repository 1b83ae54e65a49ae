"""One design evaluated on one or several weighted networks: cycles, energy, EDP and area, with
the per-layer breakdown the explore page shows. Every number comes from the full simulation
(the access walk: energy needs the DRAM counts) and the energy model."""

from __future__ import annotations

from dataclasses import dataclass

from simcoder.energy import COMPONENTS, EnergyTable, area, network_energy
from simcoder.explore.space import Design
from simcoder.simulator.engine import simulate_network
from simcoder.simulator.errors import UserError
from simcoder.simulator.types import Layer

OBJECTIVES = {
    "cycles": "total cycles",
    "energy": "energy (pJ)",
    "edp": "EDP (pJ x cycles)",
    "area": "area (mm2)",
}


@dataclass(frozen=True)
class Network:
    name: str
    layers: tuple[Layer, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Evaluation:
    """Weighted sums over the networks (cycles, energy, EDP) and the design's area;
    ``layers``: (network, layer, cycles, energy per component...) per layer."""

    cycles: float
    energy_pj: float
    edp_pj_cycles: float
    area_mm2: float
    layers: tuple[tuple[str, str, int, tuple[float, ...]], ...]

    def objective(self, name: str) -> float:
        return {
            "cycles": self.cycles,
            "energy": self.energy_pj,
            "edp": self.edp_pj_cycles,
            "area": self.area_mm2,
        }[name]


def parse_objectives(text: str) -> tuple[str, ...]:
    names = tuple(x.strip().lower() for x in text.split(",") if x.strip())
    for name in names:
        if name not in OBJECTIVES:
            raise UserError(
                f"--objectives: {name!r} is not one; choose from {', '.join(OBJECTIVES)}"
            )
    if len(names) < 2 or len(set(names)) != len(names):
        raise UserError("--objectives: name two to four different objectives, e.g. cycles,energy")
    return names


def evaluate(
    design: Design, networks: tuple[Network, ...], mode: str, table: EnergyTable
) -> Evaluation:
    cycles = energy = edp = 0.0
    layers = []
    config = design.config(mode)
    for net in networks:
        cost = network_energy(simulate_network(net.layers, config), table)
        cycles += net.weight * cost.cycles
        energy += net.weight * cost.total_pj
        edp += net.weight * cost.edp_pj_cycles
        layers += [
            (net.name, x.name, x.cycles, tuple(float(getattr(x, f"{c}_pj")) for c in COMPONENTS))
            for x in cost.layers
        ]
    return Evaluation(cycles, energy, edp, area(config, table).total_mm2, tuple(layers))
