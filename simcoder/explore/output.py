"""What ``simcoder explore`` writes: ``pareto.csv`` (the Pareto set of the simulated designs)
and ``explore.html`` (the front, and per Pareto point its per-layer breakdown)."""

from __future__ import annotations

import csv
from pathlib import Path

from simcoder.energy import COMPONENTS
from simcoder.explore.evaluate import OBJECTIVES
from simcoder.explore.pareto import pareto_mask
from simcoder.explore.space import PARAMS
from simcoder.explore.study import Record
from simcoder.pages import document, markdown_html, md_escape, scatter_svg, table

COLUMNS = ["trial", *PARAMS, "pes", "sram_kib", "cycles", "energy_pj", "edp_pj_cycles", "area_mm2"]


def pareto_set(recs: list[Record], objectives: tuple[str, ...]) -> list[Record]:
    done = [r for r in recs if r.evaluation is not None]
    vectors = [tuple(r.evaluation.objective(o) for o in objectives) for r in done]  # type: ignore[union-attr]
    front = [r for r, keep in zip(done, pareto_mask(vectors), strict=True) if keep]
    return sorted(front, key=lambda r: r.evaluation.objective(objectives[0]))  # type: ignore[union-attr]


def _row(r: Record) -> list[object]:
    d, e = r.design, r.evaluation
    assert e is not None
    return [r.trial, *(getattr(d, p) for p in PARAMS), d.pes, d.sram_kib,
            round(e.cycles, 3), round(e.energy_pj, 3), f"{e.edp_pj_cycles:.9e}",
            round(e.area_mm2, 6)]  # fmt: skip


def write_csv(front: list[Record], path: Path) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(_row(r) for r in front)


def _label(r: Record) -> str:
    d = r.design
    return (f"{d.rows}x{d.cols} {d.dataflow.upper()}, SRAM {d.ifmap_kib}/{d.filter_kib}/"
            f"{d.ofmap_kib} kB, bw {d.bandwidth}")  # fmt: skip


def write_html(
    recs: list[Record], front: list[Record], objectives: tuple[str, ...], path: Path, notes: str
) -> None:
    done = [r for r in recs if r.evaluation is not None]
    x = objectives[0]
    figures = []
    for y in objectives[1:]:

        def pts(rs: list[Record], yy: str = y) -> list[tuple[float, float]]:
            return [(r.evaluation.objective(x), r.evaluation.objective(yy)) for r in rs]  # type: ignore[union-attr]

        figures.append(scatter_svg(
            {"designs": pts(done)}, f"{OBJECTIVES[y]} vs {OBJECTIVES[x]}",
            OBJECTIVES[x], OBJECTIVES[y], logx=True, logy=True, front=pts(front),
        ))  # fmt: skip
    details = []
    for i, r in enumerate(front[:40]):
        assert r.evaluation is not None
        rows = [
            [net, layer, cycles, *(f"{v / 1e6:.4f}" for v in parts), f"{sum(parts) / 1e6:.4f}"]
            for net, layer, cycles, parts in r.evaluation.layers
        ]
        details.append(markdown_html(f"### Pareto point {i + 1}: {md_escape(_label(r))}"))
        details.append(table(["network", "layer", "cycles", *(f"{c} (uJ)" for c in COMPONENTS),
                              "total (uJ)"], rows))  # fmt: skip
    page = document(
        "simcoder explore",
        markdown_html("# Design-space exploration\n\n" + notes),
        *figures,
        markdown_html("## Pareto set (pareto.csv)"),
        table(COLUMNS, (_row(r) for r in front)),
        markdown_html("## Per-layer breakdown of each Pareto point"),
        *details,
    )
    path.write_text(page)
