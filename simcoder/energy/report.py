"""``ENERGY_REPORT.csv``: one row per layer (energy per component, total, cycles, EDP) and a
closing row for the whole network, in SCALE-Sim's report style (a comma after every value)."""

from __future__ import annotations

from pathlib import Path

from simcoder.energy.model import COMPONENTS, NetworkEnergy

FILE = "ENERGY_REPORT.csv"
HEADER = [
    "LayerID",
    "LayerName",
    *(f"{c} (pJ)" for c in COMPONENTS),
    "Total Energy (pJ)",
    "Total Cycles",
    "EDP (pJ x cycles)",
]


def energy_rows(energy: NetworkEnergy) -> list[list[object]]:
    rows: list[list[object]] = []
    for i, x in enumerate(energy.layers):
        parts = [getattr(x, f"{c}_pj") for c in COMPONENTS]
        rows.append([i, x.name, *parts, x.total_pj, x.cycles, x.edp_pj_cycles])
    totals = [energy.component_pj(c) for c in COMPONENTS]
    rows.append(["total", "", *totals, energy.total_pj, energy.cycles, energy.edp_pj_cycles])
    return rows


def _cell(v: object) -> str:
    return f"{v:.10g}" if isinstance(v, float) else str(v)


def write_energy_report(energy: NetworkEnergy, outdir: str | Path) -> Path:
    path = Path(outdir) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [", ".join(HEADER) + ","]
    lines += [", ".join(_cell(v) for v in row) + "," for row in energy_rows(energy)]
    path.write_text("\n".join(lines) + "\n")
    return path
