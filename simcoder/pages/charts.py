"""The SVG charts the pages share, each a self-contained inline ``<svg>`` string: bars with
optional whiskers (``bars_svg``), a bar per row (``row_bars_svg``) and a scatter or line plot
(``scatter_svg``). Every label is escaped."""

from __future__ import annotations

import html
import math


def bars_svg(
    values: list[tuple[str, float | None]],
    title: str,
    unit: str = "%",
    intervals: list[tuple[float, float] | None] | None = None,
) -> str:
    """One bar per name (no bar and "failed" where there is no number); the axis runs to at
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
        y = h - bottom - height
        # the value above its bar, or beside the bar's top where a whisker would cross it
        tx, ty, anchor = (
            (x + step * 0.7 + 2, y + 10, "start")
            if intervals
            else (x + step * 0.35, y - 4, "middle")
        )
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(height, 0.5):.1f}" fill="#1f77b4"/>'
            f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" font-size="10">'
            f"{v:.2f}{unit}</text>"
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


def row_bars_svg(values: list[tuple[str, float | None]], title: str, unit: str = "%") -> str:
    """A horizontal bar per row, its label on the left (for long lists such as the layers of a
    network); "no number" where a row has none. The axis runs to at least 1."""
    width, bar, left = 640, 14, 200
    top_value = max([1.0, *(v for _, v in values if v is not None)])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{bar * len(values) + 30}" role="img"><title>{html.escape(title)}</title>'
        f'<text x="{left}" y="12" font-size="11">{html.escape(title)}</text>'
    ]
    for i, (name, v) in enumerate(values):
        y = 20 + i * bar
        label = f'<text x="0" y="{y + 10}" font-size="10">{html.escape(name)}</text>'
        if v is None:
            parts.append(
                label + f'<text x="{left + 5}" y="{y + 10}" font-size="10" fill="#d62728">'
                "no number</text>"
            )
            continue
        length = (width - left - 60) * v / top_value
        parts.append(
            label + f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar - 3}" '
            f'fill="#c0392b"/><text x="{left + 5 + length:.0f}" y="{y + 10}" font-size="10">'
            f"{v:.2f}{unit}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


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
    front: list[tuple[float, float]] | None = None,
) -> str:
    """A scatter (or line) plot as an inline ``<svg>``; one colour per series. ``front``: points
    to mark (e.g. a Pareto front), drawn as black rings."""
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
    marked = sorted((x, y) for x, y in front or [] if (not logx or x > 0) and (not logy or y > 0))
    if marked:
        out += [
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="none" stroke="#000" '
            'class="front"/>'
            for x, y in marked
        ]
        ly = top + 16 * len(series) + 8
        out.append(
            f'<circle cx="{w - right + 14}" cy="{ly}" r="5" fill="none" stroke="#000"/>'
            f'<text x="{w - right + 24}" y="{ly + 4}" font-size="12">Pareto front</text>'
        )
    out.append("</svg>")
    return "".join(out)
