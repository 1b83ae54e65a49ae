"""Energy, area and EDP from the exact report counts and a reference table.

Energy per layer is a sum of action counts x per-action energies; every count comes from the
layer's ``LayerReport`` (SCALE-Sim's three reports) or from the layer's MACs:
- MAC: the layer's MACs; PE registers: MACs x (reads + writes per MAC);
- idle PEs: cycles x PEs - MACs (PE-cycles without a MAC), x the idle energy;
- each SRAM: its reads and writes. The array reads the ifmap and filter SRAMs and writes the
  ofmap SRAM (the report's SRAM counts); DRAM fills the read SRAMs (a write per word read from
  DRAM) and drains the ofmap SRAM (a read per word written to DRAM);
- DRAM: the ifmap and filter words read and the ofmap words written.
SRAM energy and area per size: a power law in capacity through the table's points (log-log
interpolation between neighbours, the end segments' slope outside them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simcoder.energy.table import EnergyTable, SramPoint
from simcoder.simulator.types import LayerReport, NetworkReport, SimConfig


def _loglog(points: tuple[SramPoint, ...], capacity: float, value: str) -> float:
    """``value`` (per bit for energies) at ``capacity`` on the power law through the points."""

    def y(p: SramPoint) -> float:
        v: float = getattr(p, value)
        return v if value == "area_um2" else v / p.width_bits

    if len(points) == 1:
        (p,) = points
        return y(p) * (capacity / p.capacity_bytes if value == "area_um2" else 1.0)
    i = 0
    while i < len(points) - 2 and capacity > points[i + 1].capacity_bytes:
        i += 1
    a, b = points[i], points[i + 1]
    ya, yb = y(a), y(b)
    if ya <= 0 or yb <= 0:  # a zero in the table: interpolate linearly instead
        t = (capacity - a.capacity_bytes) / (b.capacity_bytes - a.capacity_bytes)
        return max(0.0, ya + t * (yb - ya))
    slope = math.log(yb / ya) / math.log(b.capacity_bytes / a.capacity_bytes)
    return float(ya * (capacity / a.capacity_bytes) ** slope)


@dataclass(frozen=True)
class SramCost:
    """One SRAM of ``kib`` kB: energies per word of the table's width, area."""

    kib: int
    read_pj: float
    write_pj: float
    area_um2: float


def sram_cost(table: EnergyTable, kib: int) -> SramCost:
    capacity = kib * 1024.0
    w = table.word_bits
    return SramCost(
        kib,
        _loglog(table.sram_points, capacity, "read_pj") * w,
        _loglog(table.sram_points, capacity, "write_pj") * w,
        _loglog(table.sram_points, capacity, "area_um2"),
    )


@dataclass(frozen=True)
class Area:
    """The design's area: the PE array and the three SRAMs, um2, at ``node``."""

    node: str
    pe_array_um2: float
    ifmap_sram_um2: float
    filter_sram_um2: float
    ofmap_sram_um2: float

    @property
    def total_um2(self) -> float:
        return self.pe_array_um2 + self.ifmap_sram_um2 + self.filter_sram_um2 + self.ofmap_sram_um2

    @property
    def total_mm2(self) -> float:
        return self.total_um2 / 1e6


def area(config: SimConfig, table: EnergyTable) -> Area:
    m = config.memory
    pe = table.mac_area_um2 + table.register_words_per_pe * table.register_area_um2_per_word
    return Area(
        table.node,
        config.array.num_pes * pe,
        sram_cost(table, m.ifmap_sram_kib).area_um2,
        sram_cost(table, m.filter_sram_kib).area_um2,
        sram_cost(table, m.ofmap_sram_kib).area_um2,
    )


COMPONENTS = (
    "mac",
    "pe_register",
    "pe_idle",
    "ifmap_sram",
    "filter_sram",
    "ofmap_sram",
    "dram_read",
    "dram_write",
)


@dataclass(frozen=True)
class LayerEnergy:
    """One layer's energy per component (pJ), its cycles and its EDP (pJ x cycles)."""

    name: str
    cycles: int
    mac_pj: float
    pe_register_pj: float
    pe_idle_pj: float
    ifmap_sram_pj: float
    filter_sram_pj: float
    ofmap_sram_pj: float
    dram_read_pj: float
    dram_write_pj: float

    @property
    def total_pj(self) -> float:
        return sum(float(getattr(self, f"{c}_pj")) for c in COMPONENTS)

    @property
    def edp_pj_cycles(self) -> float:
        return self.total_pj * self.cycles


def layer_energy(r: LayerReport, config: SimConfig, table: EnergyTable) -> LayerEnergy:
    m, macs = config.memory, r.layer.macs
    ifmap, filt, ofmap = (
        sram_cost(table, kib) for kib in (m.ifmap_sram_kib, m.filter_sram_kib, m.ofmap_sram_kib)
    )
    idle_pe_cycles = r.total_cycles * config.array.num_pes - macs
    per_mac = (
        table.register_reads_per_mac * table.register_read_pj
        + table.register_writes_per_mac * table.register_write_pj
    )
    return LayerEnergy(
        name=r.layer.name,
        cycles=r.total_cycles,
        mac_pj=macs * table.mac_pj,
        pe_register_pj=macs * per_mac,
        pe_idle_pj=max(idle_pe_cycles, 0) * table.pe_idle_pj,
        ifmap_sram_pj=r.ifmap_sram_reads * ifmap.read_pj + r.ifmap_dram_reads * ifmap.write_pj,
        filter_sram_pj=r.filter_sram_reads * filt.read_pj + r.filter_dram_reads * filt.write_pj,
        ofmap_sram_pj=r.ofmap_sram_writes * ofmap.write_pj + r.ofmap_dram_writes * ofmap.read_pj,
        dram_read_pj=(r.ifmap_dram_reads + r.filter_dram_reads) * table.dram_read_pj,
        dram_write_pj=r.ofmap_dram_writes * table.dram_write_pj,
    )


@dataclass(frozen=True)
class NetworkEnergy:
    """Per-layer energies, the network's totals, EDP (total energy x total cycles) and area."""

    layers: tuple[LayerEnergy, ...]
    area: Area
    table_source: str

    @property
    def cycles(self) -> int:
        return sum(x.cycles for x in self.layers)

    @property
    def total_pj(self) -> float:
        return sum(x.total_pj for x in self.layers)

    def component_pj(self, component: str) -> float:
        return sum(float(getattr(x, f"{component}_pj")) for x in self.layers)

    @property
    def edp_pj_cycles(self) -> float:
        return self.total_pj * self.cycles


def network_energy(report: NetworkReport, table: EnergyTable) -> NetworkEnergy:
    return NetworkEnergy(
        tuple(layer_energy(r, report.config, table) for r in report.layers),
        area(report.config, table),
        table.source,
    )
