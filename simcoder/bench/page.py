"""What ``simcoder bench`` reports: the accuracy and runtime tables as markdown, and a page for
each with a bar chart (simcoder.pages draws, escapes and renders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcoder.pages import (
    bars_svg,
    document,
    markdown_html,
    md_escape,
    md_table,
    table,
    write_pages,
)

ACCURACY_TITLE = "Cycle accuracy of a generated simulator"
RUNTIME_TITLE = "Runtime of a generated simulator against SCALE-Sim 3.0.0"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}%"


def accuracy_markdown(result: dict[str, Any]) -> str:
    head = ["network", "reference", "layers", "reference cycles", "generated cycles",
            "cycle error", "max layer error"]  # fmt: skip
    rows: list[list[object]] = []
    for r in result["networks"]:
        gen = "-" if r["generated_cycles"] is None else f"{r['generated_cycles']:,}"
        rows.append([
            r["network"], r["reference"], f"{r['layers_compared']}/{r['layers_expected']}",
            f"{r['reference_cycles']:,}", gen, _pct(r["cycle_error_pct"]),
            _pct(r["max_layer_error_pct"]),
        ])  # fmt: skip
        if r["error"]:
            rows.append(["", f"failed: {r['error'][:200]}", "", "", "", "", ""])
    lines = [
        f"# {ACCURACY_TITLE}",
        "",
        f"Run: `{result['run_dir']}`; modules: "
        + ", ".join(f"{m} ({Path(p).name})" for m, p in result["modules"].items())
        + f"; preset {result['preset']}; sandbox {result['sandbox']}, {result['seconds']:.1f} s.",
        "",
        *md_table(head, rows),
    ]
    return "\n".join(lines) + "\n"


def accuracy_html(result: dict[str, Any]) -> str:
    chart = bars_svg(
        [(r["network"], r["cycle_error_pct"]) for r in result["networks"]],
        "Cycle error per network (vs the named reference)",
    )
    head = ["network", "reference", "reference cycles", "generated cycles", "cycle error",
            "max layer error"]  # fmt: skip
    rows = [
        [r["network"], r["reference"], r["reference_cycles"], r["generated_cycles"],
         _pct(r["cycle_error_pct"]), _pct(r["max_layer_error_pct"])]
        for r in result["networks"]
    ]  # fmt: skip
    intro = (
        f"# {ACCURACY_TITLE}\n\nRun `{result['run_dir']}`, preset {md_escape(result['preset'])}; "
        "every reference is named per network."
    )
    return document("simcoder bench accuracy", markdown_html(intro), chart, table(head, rows))


def write_accuracy(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return write_pages(
        "accuracy", result, accuracy_markdown(result), accuracy_html(result), out_dir
    )


def runtime_markdown(result: dict[str, Any]) -> str:
    head = ["network", "generated median s (min-max, runs)",
            "SCALE-Sim median s (min-max, runs)", "SCALE-Sim / generated"]  # fmt: skip
    rows = [
        [r["network"],
         f"{g['median_s']:.3f} ({g['min_s']:.3f}-{g['max_s']:.3f}, {g['runs']})",
         f"{s['median_s']:.1f} ({s['min_s']:.1f}-{s['max_s']:.1f}, {s['runs']})",
         f"{r['ratio']:,}x"]
        for r in result["networks"]
        for g, s in [(r["generated"], r["scalesim"])]
    ]  # fmt: skip
    lines = [
        f"# {RUNTIME_TITLE}",
        "",
        f"Run: `{result['run_dir']}`; preset {result['preset']}; the generated simulator timed "
        f"inside the {result['sandbox']} sandbox by its runner (simulation, not container "
        "start-up); SCALE-Sim timed in its own virtualenv (runs cached per machine).",
        "",
        *md_table(head, rows),
    ]
    return "\n".join(lines) + "\n"


def runtime_html(result: dict[str, Any]) -> str:
    chart = bars_svg(
        [(r["network"], r["ratio"]) for r in result["networks"]],
        "SCALE-Sim time / generated simulator time (median)",
        unit="x",
    )
    heading, _, rest = runtime_markdown(result).partition("\n")
    return document("simcoder bench runtime", markdown_html(heading), chart, markdown_html(rest))


def write_runtime(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return write_pages("runtime", result, runtime_markdown(result), runtime_html(result), out_dir)
