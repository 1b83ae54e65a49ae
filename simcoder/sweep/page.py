"""The sweep's single-file HTML page: inline SVG plots, no script, nothing fetched at view time."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simcoder.sweep.engine import COLUMNS, COMPATS

# ---- the HTML page: inline SVG, no script, nothing fetched at view time

_COLORS = {"os": "#1f77b4", "ws": "#d62728", "is": "#2ca02c"}


def _ticks(lo: float, hi: float, log: bool) -> list[float]:
    if log:
        a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        return [10.0**e for e in range(a, b + 1)]
    step = 10 ** math.floor(math.log10(max(hi - lo, 1e-9)))
    if (hi - lo) / step < 4:
        step /= 2
    start = math.floor(lo / step) * step
    return [start + i * step for i in range(int((hi - start) / step) + 2)]


def _fmt(v: float) -> str:
    if v >= 1e6 or (0 < v < 1e-2):
        return f"{v:.0e}"
    return f"{v:g}"


def scatter_svg(
    series: dict[str, list[tuple[float, float]]],
    title: str,
    xlabel: str,
    ylabel: str,
    logx: bool = False,
    logy: bool = False,
    lines: bool = False,
) -> str:
    """A scatter (or line) plot as an inline ``<svg>``; one colour per series."""
    w, h, left, right, top, bottom = 640, 360, 70, 110, 30, 50
    pts = [p for s in series.values() for p in s]
    xs = [x for x, _ in pts if not logx or x > 0]
    ys = [y for _, y in pts if not logy or y > 0]
    if not xs or not ys:
        return f"<p>{html.escape(title)}: no data</p>"
    xlo, xhi, ylo, yhi = min(xs), max(xs), min(ys), max(ys)
    if not logy:
        ylo = min(0.0, ylo)
    xt, yt = _ticks(xlo, xhi, logx), _ticks(ylo, yhi, logy)
    xlo, xhi = min(xlo, xt[0]), max(xhi, xt[-1])
    ylo, yhi = min(ylo, yt[0]), max(yhi, yt[-1])

    def sx(x: float) -> float:
        a, b, v = (math.log10(xlo), math.log10(xhi), math.log10(x)) if logx else (xlo, xhi, x)
        return left + (v - a) / ((b - a) or 1) * (w - left - right)

    def sy(y: float) -> float:
        a, b, v = (math.log10(ylo), math.log10(yhi), math.log10(y)) if logy else (ylo, yhi, y)
        return h - bottom - (v - a) / ((b - a) or 1) * (h - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img"><title>{html.escape(title)}</title>',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{html.escape(title)}</text>",
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#333"/>',
    ]
    for t in xt:
        if xlo <= t <= xhi:
            out.append(
                f'<text x="{sx(t):.1f}" y="{h - bottom + 16}" text-anchor="middle" '
                f'font-size="11">{_fmt(t)}</text>'
            )
    for t in yt:
        if ylo <= t <= yhi:
            out.append(
                f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end" font-size="11">'
                f"{_fmt(t)}</text>"
                f'<line x1="{left}" y1="{sy(t):.1f}" x2="{w - right}" y2="{sy(t):.1f}" '
                'stroke="#eee"/>'
            )
    out.append(
        f'<text x="{(left + w - right) / 2}" y="{h - 12}" text-anchor="middle" '
        f'font-size="12">{html.escape(xlabel)}</text>'
        f'<text x="16" y="{(top + h - bottom) / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 16 {(top + h - bottom) / 2})">{html.escape(ylabel)}</text>'
    )
    for i, (name, s) in enumerate(series.items()):
        color = _COLORS.get(name, ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f"][i % 4])
        good = sorted((x, y) for x, y in s if (not logx or x > 0) and (not logy or y > 0))
        if lines and len(good) > 1:
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in good)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}"/>')
        out += [
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{color}" fill-opacity="0.7"/>'
            for x, y in good
        ]
        ly = top + 16 * i + 8
        out.append(
            f'<circle cx="{w - right + 14}" cy="{ly}" r="4" fill="{color}"/>'
            f'<text x="{w - right + 24}" y="{ly + 4}" font-size="12">{html.escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _by_dataflow(
    rows: list[dict[str, Any]], x: Callable[[dict[str, Any]], float], y: str
) -> dict[str, list[tuple[float, float]]]:
    """One series per dataflow (and per compat mode when both are swept)."""
    both = len({r["compat"] for r in rows}) > 1
    out: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        if r["error"] or r[y] == "":
            continue
        key = r["dataflow"] + (f" ({r['compat']})" if both else "")
        out.setdefault(key, []).append((x(r), float(r[y])))
    return dict(sorted(out.items()))


def write_html(
    rows: list[dict[str, Any]], path: Path, workload: str, seconds: float, access: bool
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
    errors = [r for r in rows if r["error"]]
    notes = [
        f"Workload <b>{html.escape(workload)}</b>, {len(rows)} design points in {seconds:.1f} s "
        f"({len(rows) / max(seconds, 1e-9):.1f} points/s).",
        f"Bandwidth mode: <b>{', '.join(modes)}</b>. Compat mode: <b>"
        + " and ".join(COMPATS[c] for c in compats)
        + "</b>"
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
    if "USER" in modes and "scalesim" in compats:
        notes.append(
            "In USER mode the scalesim numbers keep SCALE-Sim 3.0.0's quirks: positive read "
            "stalls counted twice, early prefetches that lower a stall, a forward-only circular "
            "prefetch window that pays a transfer for every step round the buffer, and Total "
            "Cycles taken from the last ofmap write. <code>--compat corrected</code> fixes these "
            '(storage/SPEC.md, "corrected"); no SCALE-Sim run has its numbers.'
        )
    if "corrected" in compats and "CALC" in modes:
        notes.append("In CALC mode corrected and scalesim numbers are the same.")
    if errors:
        notes.append(
            f"{len(errors)} point(s) have no numbers (SCALE-Sim itself fails there), e.g. "
            f"{html.escape(errors[0]['error'])}"
        )
    table = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in COLUMNS) + "</tr>"
        for r in rows[:500]
    )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>simcoder sweep: {html.escape(workload)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>"
        f"<h1>Design-space sweep: {html.escape(workload)}</h1>"
        + "".join(f"<p>{n}</p>" for n in notes)
        + "<div class='figures'>"
        + "".join(figures)
        + "</div><h2>Points</h2><table><tr>"
        + "".join(f"<th>{c}</th>" for c in COLUMNS)
        + "</tr>"
        + table
        + "</table>"
        + (f"<p>{len(rows) - 500} more rows in sweep.csv</p>" if len(rows) > 500 else "")
        + "</body></html>"
    )
    path.write_text(page)
