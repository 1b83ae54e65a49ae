"""The pages of ``simcoder bench``: markdown, and single-file HTML with inline SVG bars."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}%"


def accuracy_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Cycle accuracy of a generated simulator",
        "",
        f"Run: `{result['run_dir']}`; modules: "
        + ", ".join(f"{m} ({Path(p).name})" for m, p in result["modules"].items())
        + f"; preset {result['preset']}; sandbox {result['sandbox']}, {result['seconds']:.1f} s.",
        "",
        "| network | reference | layers | reference cycles | generated cycles | cycle error | "
        "max layer error |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["networks"]:
        gen = "-" if r["generated_cycles"] is None else f"{r['generated_cycles']:,}"
        lines.append(
            f"| {r['network']} | {r['reference']} | {r['layers_compared']}/{r['layers_expected']}"
            f" | {r['reference_cycles']:,} | {gen} | {_pct(r['cycle_error_pct'])} | "
            f"{_pct(r['max_layer_error_pct'])} |"
        )
        if r["error"]:
            lines.append(f"|  | failed: {r['error'][:200]} | | | | | |")
    return "\n".join(lines) + "\n"


def bars_svg(
    values: list[tuple[str, float | None]],
    title: str,
    unit: str = "%",
    intervals: list[tuple[float, float] | None] | None = None,
) -> str:
    """One bar per network (no bar and "failed" where there is no number); the axis runs to at
    least 1 so that exact results read as zero, not as noise. ``intervals``: a (low, high)
    whisker per bar, e.g. a confidence interval."""
    w, h, left, bottom, top = 640, 310, 60, 70, 44
    top_value = max([1.0, *(v for _, v in values if v is not None)])
    step = (w - left - 20) / max(len(values), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img">'
        f"<title>{html.escape(title)}</title>"
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{html.escape(title)}</text>"
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 20}" y2="{h - bottom}" stroke="#333"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#333"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">'
        f"{top_value:g}{unit}</text>"
        f'<text x="{left - 6}" y="{h - bottom + 4}" text-anchor="end" font-size="11">0</text>'
    ]
    for i, (name, v) in enumerate(values):
        x = left + i * step + step * 0.15
        label_y = h - bottom + 14
        out.append(
            f'<text x="{x + step * 0.35:.1f}" y="{label_y}" font-size="10" text-anchor="end" '
            f'transform="rotate(-35 {x + step * 0.35:.1f} {label_y})">{html.escape(name)}</text>'
        )
        if v is None:
            out.append(
                f'<text x="{x:.1f}" y="{h - bottom - 4}" font-size="10" fill="#d62728">'
                "failed</text>"
            )
            continue
        height = v / top_value * (h - top - bottom)
        out.append(
            f'<rect x="{x:.1f}" y="{h - bottom - height:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(height, 0.5):.1f}" fill="#1f77b4"/>'
            f'<text x="{x + step * 0.7 + 2:.1f}" y="{h - bottom - height + 10:.1f}" '
            f'font-size="10">{v:.2f}{unit}</text>'
            if intervals
            else f'<rect x="{x:.1f}" y="{h - bottom - height:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(height, 0.5):.1f}" fill="#1f77b4"/>'
            f'<text x="{x + step * 0.35:.1f}" y="{h - bottom - height - 4:.1f}" '
            f'text-anchor="middle" font-size="10">{v:.2f}{unit}</text>'
        )
        interval = intervals[i] if intervals else None
        if interval is not None:  # drawn over the bar
            y_lo, y_hi = (h - bottom - b / top_value * (h - top - bottom) for b in interval)
            mid = x + step * 0.35
            out.append(
                f'<path d="M{mid:.1f} {y_lo:.1f}V{y_hi:.1f}M{mid - 4:.1f} {y_lo:.1f}'
                f'h8M{mid - 4:.1f} {y_hi:.1f}h8" stroke="#333" fill="none" class="interval"/>'
            )
    out.append("</svg>")
    return "".join(out)


def accuracy_html(result: dict[str, Any]) -> str:
    chart = bars_svg(
        [(r["network"], r["cycle_error_pct"]) for r in result["networks"]],
        "Cycle error per network (vs the named reference)",
    )
    table = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                r["network"],
                r["reference"],
                r["reference_cycles"],
                r["generated_cycles"],
                _pct(r["cycle_error_pct"]),
                _pct(r["max_layer_error_pct"]),
            )
        )
        + "</tr>"
        for r in result["networks"]
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>simcoder bench accuracy"
        "</title><style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;"
        "padding:2px 6px}table{border-collapse:collapse}</style></head><body>"
        "<h1>Cycle accuracy of a generated simulator</h1>"
        f"<p>Run <code>{html.escape(result['run_dir'])}</code>, preset "
        f"{html.escape(result['preset'])}; every reference is named per network.</p>"
        + chart
        + "<table><tr><th>network</th><th>reference</th><th>reference cycles</th>"
        "<th>generated cycles</th><th>cycle error</th><th>max layer error</th></tr>"
        + table
        + "</table></body></html>"
    )


def _write(
    stem: str, result: dict[str, Any], markdown: str, page: str, out_dir: Path
) -> list[Path]:
    """``<stem>.json``, ``.md`` and ``.html`` in ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.{ext}" for ext in ("json", "md", "html")]
    for path, text in zip(paths, (json.dumps(result, indent=2), markdown, page), strict=True):
        path.write_text(text)
    return paths


def write_accuracy(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return _write("accuracy", result, accuracy_markdown(result), accuracy_html(result), out_dir)


def runtime_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Runtime of a generated simulator against SCALE-Sim 3.0.0",
        "",
        f"Run: `{result['run_dir']}`; preset {result['preset']}; the generated simulator timed "
        f"inside the {result['sandbox']} sandbox by its runner (simulation, not container "
        "start-up); SCALE-Sim timed in its own virtualenv (runs cached per machine).",
        "",
        "| network | generated median s (min-max, runs) | SCALE-Sim median s (min-max, runs) "
        "| SCALE-Sim / generated |",
        "|---|---|---|---|",
    ]
    for r in result["networks"]:
        g, s = r["generated"], r["scalesim"]
        lines.append(
            f"| {r['network']} | {g['median_s']:.3f} ({g['min_s']:.3f}-{g['max_s']:.3f}, "
            f"{g['runs']}) | {s['median_s']:.1f} ({s['min_s']:.1f}-{s['max_s']:.1f}, {s['runs']})"
            f" | {r['ratio']:,}x |"
        )
    return "\n".join(lines) + "\n"


def runtime_html(result: dict[str, Any]) -> str:
    chart = bars_svg(
        [(r["network"], r["ratio"]) for r in result["networks"]],
        "SCALE-Sim time / generated simulator time (median)",
        unit="x",
    )
    body = html.escape(runtime_markdown(result))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>simcoder bench runtime"
        "</title><style>body{font-family:sans-serif;margin:2em}</style></head><body>"
        "<h1>Runtime of a generated simulator against SCALE-Sim 3.0.0</h1>"
        + chart
        + f"<pre>{body}</pre></body></html>"
    )


def write_runtime(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return _write("runtime", result, runtime_markdown(result), runtime_html(result), out_dir)
