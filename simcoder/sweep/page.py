"""What the sweep's page shows: the notes on what was swept, a plot for each parameter that
varied, and the points (simcoder.pages draws and escapes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from simcoder.pages import document, markdown_html, md_escape, scatter_svg, table
from simcoder.sweep.engine import COLUMNS, COMPATS


def _by_dataflow(
    rows: list[dict[str, Any]], x: Callable[[dict[str, Any]], float], y: str
) -> dict[str, list[tuple[float, float]]]:
    """One series per dataflow (and per compat mode when both are swept)."""
    both = len({r["compat"] for r in rows}) > 1
    out: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        if y == "energy_uj":  # the table's energy in pJ, plotted in uJ
            value: object = "" if r["energy_pj"] == "" else float(r["energy_pj"]) / 1e6
        else:
            value = r[y]
        if r["error"] or value == "":
            continue
        key = r["dataflow"] + (f" ({r['compat']})" if both else "")
        out.setdefault(key, []).append((x(r), float(str(value))))
    return dict(sorted(out.items()))


def _energy_figures(rows: list[dict[str, Any]], srams_swept: bool) -> list[str]:
    """Energy vs cycles with the Pareto front marked; energy vs SRAM size when it was swept."""
    done = [r for r in rows if r["energy_pj"] != "" and not r["error"]]
    if len(done) < 2:
        return []

    def cycles(r: dict[str, Any]) -> float:
        return float(r["total_cycles"])

    def uj(r: dict[str, Any]) -> float:
        return float(r["energy_pj"]) / 1e6

    figures = [
        scatter_svg(
            _by_dataflow(done, cycles, "energy_uj"),
            "Energy vs cycles (Pareto front marked)",
            "total cycles",
            "energy (uJ)",
            logx=True,
            logy=True,
            front=[(cycles(r), uj(r)) for r in done if r["pareto"]],
        )
    ]
    if srams_swept:

        def kib(r: dict[str, Any]) -> float:
            return float(r["ifmap_sram_kib"] + r["filter_sram_kib"] + r["ofmap_sram_kib"])

        figures.append(
            scatter_svg(
                _by_dataflow(done, kib, "energy_uj"),
                "Energy vs SRAM size",
                "ifmap + filter + ofmap SRAM (kB)",
                "energy (uJ)",
                logx=True,
            )
        )
    return figures


def write_html(
    rows: list[dict[str, Any]],
    path: Path,
    workload: str,
    seconds: float,
    access: bool,
    energy_table: str | None = None,
) -> None:
    modes = sorted({r["mode"] for r in rows})
    compats = [c for c in COMPATS if any(r["compat"] == c for r in rows)]
    arrays = {(r["rows"], r["cols"]) for r in rows}
    srams = {(r["ifmap_sram_kib"], r["filter_sram_kib"], r["ofmap_sram_kib"]) for r in rows}
    bandwidths = {r["bandwidth"] for r in rows}
    figures = []
    if len(arrays) > 1:
        pes = lambda r: float(r["rows"] * r["cols"])  # noqa: E731
        figures.append(
            scatter_svg(
                _by_dataflow(rows, pes, "total_cycles"),
                "Cycles vs array size",
                "processing elements (rows x cols)",
                "total cycles",
                logx=True,
                logy=True,
            )
        )
        figures.append(
            scatter_svg(
                _by_dataflow(rows, pes, "utilization_pct"),
                "Utilization vs array size",
                "processing elements (rows x cols)",
                "utilization %",
                logx=True,
            )
        )
    if len(srams) > 1:
        kib = lambda r: float(r["ifmap_sram_kib"] + r["filter_sram_kib"])  # noqa: E731
        figures.append(
            scatter_svg(
                _by_dataflow(rows, kib, "dram_read_words"),
                "DRAM reads vs SRAM size",
                "ifmap + filter SRAM (kB)",
                "DRAM read words",
                logx=True,
                lines=len(arrays) == 1,
            )
        )
    if len(bandwidths) > 1 and "USER" in modes:
        bw = lambda r: float(r["bandwidth"])  # noqa: E731
        figures.append(
            scatter_svg(
                _by_dataflow(rows, bw, "stall_cycles"),
                "Stalls vs bandwidth (USER mode)",
                "bandwidth (words/cycle)",
                "stall cycles",
                lines=len(arrays) == 1 and len(srams) == 1,
            )
        )
    figures += _energy_figures(rows, len(srams) > 1)
    errors = [r for r in rows if r["error"]]
    notes = [
        f"Workload **{md_escape(workload)}**, {len(rows)} design points in {seconds:.1f} s "
        f"({len(rows) / max(seconds, 1e-9):.1f} points/s).",
        f"Bandwidth mode: **{', '.join(modes)}**. Compat mode: **"
        + " and ".join(COMPATS[c] for c in compats)
        + "**"
        + (
            " — every scalesim number is what SCALE-Sim 3.0.0 would report "
            "(docs/scalesim-quirks.md)."
            if "scalesim" in compats
            else "."
        ),
        "Columns: "
        + ("cycles, stalls, utilization and DRAM traffic (access streams walked)." if access
           else "cycles and utilization only (CALC mode, no DRAM walk needed)."),
    ]  # fmt: skip
    if any(r["energy_pj"] != "" for r in rows):
        front = sum(1 for r in rows if r["pareto"])
        notes.append(
            f"Energy, EDP and area from the energy table {md_escape(energy_table or 'default')} "
            "(docs/energy.md: what the model counts and what it leaves out). "
            f"{front} point(s) are on the Pareto front of cycles, energy and area "
            "(`pareto` = yes: no other point is as good in all three and better in one), "
            "ringed on the energy vs cycles plot."
        )
    if "USER" in modes and "scalesim" in compats:
        notes.append(
            "In USER mode the scalesim numbers keep SCALE-Sim 3.0.0's quirks: positive read "
            "stalls counted twice, early prefetches that lower a stall, a forward-only circular "
            "prefetch window that pays a transfer for every step round the buffer, and Total "
            "Cycles taken from the last ofmap write. `--compat corrected` fixes these "
            '(storage/SPEC.md, "corrected"); no SCALE-Sim run has its numbers.'
        )
    if "corrected" in compats and "CALC" in modes:
        notes.append("In CALC mode corrected and scalesim numbers are the same.")
    if errors:
        notes.append(
            f"{len(errors)} point(s) have no numbers (SCALE-Sim itself fails there), e.g. "
            f"{md_escape(errors[0]['error'])}"
        )
    more = [f"{len(rows) - 500} more rows in sweep.csv"] if len(rows) > 500 else []
    prose = f"# Design-space sweep: {md_escape(workload)}\n\n" + "\n\n".join(notes)
    page = document(
        f"simcoder sweep: {workload}",
        markdown_html(prose),
        *figures,
        markdown_html("## Points"),
        table(COLUMNS, ([r[c] for c in COLUMNS] for r in rows[:500])),
        *(markdown_html(m) for m in more),
    )
    path.write_text(page)
