"""The results of ``simcoder eval`` as JSON, markdown and a single-file HTML page."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from simcoder.bench.page import _write, bars_svg
from simcoder.evals.harness import CATEGORIES
from simcoder.simulator.registry import KINDS

KIND = {
    "oracle": "oracle baseline: hands in the task's reference (checks the harness, not a model)",
    "library": "library coder with the task's target removed (nothing to compose: 0 by design)",
    "llm": "model",
}


def _pk(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "n/a (n < k)"
    lo, hi = cell["ci95"]
    return f"{100 * cell['value']:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]"


def _per_sample(row: dict[str, Any], key: str) -> str:
    return f"{row[key] / row['samples']:.0f}" if row["samples"] else "-"


def markdown(result: dict[str, Any]) -> str:
    ks = result["k"]
    lines = [
        f"Tasks: {len(result['tasks'])}; n = {result['n']} samples per task and cell; sandbox "
        f"{result['sandbox']}, {result['timeout_s']:g} s per sample. Pass@k: the unbiased "
        "estimator, averaged over tasks; [95% bootstrap interval over tasks].",
        "",
        "| model | strategy | what it is | samples | "
        + " | ".join(f"pass@{k}" for k in ks)
        + " | tokens in / out per sample |",
        "|---|---|---|---|" + "---|" * len(ks) + "---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['model']} | {r['strategy']} | {KIND[r['kind']]} | {r['samples']} | "
            + " | ".join(_pk(r["pass_at_k"][str(k)]) for k in ks)
            + f" | {_per_sample(r, 'tokens_in')} / {_per_sample(r, 'tokens_out')} |"
        )
    lines += [
        "",
        "### Pass@1 by module",
        "",
        "| model | strategy | mapping | interconnect | storage |",
        "|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        cell = r["pass_at_k"].get("1")
        by = cell["by_module"] if cell else {}
        lines.append(
            f"| {r['model']} | {r['strategy']} | "
            + " | ".join("-" if by.get(m) is None else f"{100 * by[m]:.1f}%" for m in KINDS)
            + " |"
        )
    lines += ["", "### Failure taxonomy (samples, by module)", ""]
    lines += [
        "| model | strategy | module | " + " | ".join(CATEGORIES) + " |",
        "|---|---|---|" + "---|" * len(CATEGORIES),
    ]
    for r in result["rows"]:
        for module, counts in r["taxonomy"].items():
            if sum(counts.values()):
                lines.append(
                    f"| {r['model']} | {r['strategy']} | {module} | "
                    + " | ".join(str(counts[c]) for c in CATEGORIES)
                    + " |"
                )
    if result["undecided"]:
        lines += [
            "",
            f"{result['undecided']} sample(s) undecided (the sandbox or the endpoint failed: "
            + "; ".join(result["errors"][:3])
            + "); run the same command again to retry them.",
        ]
    return "\n".join(lines) + "\n"


def page(result: dict[str, Any]) -> str:
    ks = result["k"]

    def chart(k: int) -> str:
        cells = [r["pass_at_k"][str(k)] for r in result["rows"]]
        return bars_svg(
            [
                (f"{r['model']} / {r['strategy']}", None if c is None else 100 * c["value"])
                for r, c in zip(result["rows"], cells, strict=True)
            ],
            f"pass@{k} over {len(result['tasks'])} tasks (whiskers: 95% interval)",
            intervals=[
                None if c is None else (100 * c["ci95"][0], 100 * c["ci95"][1]) for c in cells
            ],
        )

    charts = "".join(chart(k) for k in ks)

    def table(head: list[str], body: list[list[Any]]) -> str:
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
            for row in body
        )
        return f"<table><tr>{th}</tr>{rows}</table>"

    main = table(
        [
            "model",
            "strategy",
            "what it is",
            "samples",
            *(f"pass@{k} [95% CI]" for k in ks),
            "tokens in / out per sample",
        ],
        [
            [
                r["model"],
                r["strategy"],
                KIND[r["kind"]],
                r["samples"],
                *(_pk(r["pass_at_k"][str(k)]) for k in ks),
                f"{_per_sample(r, 'tokens_in')} / {_per_sample(r, 'tokens_out')}",
            ]
            for r in result["rows"]
        ],
    )
    taxonomy = table(
        ["model", "strategy", "module", *CATEGORIES],
        [
            [r["model"], r["strategy"], m, *(counts[c] for c in CATEGORIES)]
            for r in result["rows"]
            for m, counts in r["taxonomy"].items()
            if sum(counts.values())
        ],
    )
    tasks = table(
        ["task", *(f"{r['model']} / {r['strategy']}" for r in result["rows"])],
        [
            [
                t,
                *(
                    f"{r['per_task'][t]['c']}/{r['per_task'][t]['n']}"
                    if t in r["per_task"]
                    else "-"
                    for r in result["rows"]
                ),
            ]
            for t in result["tasks"]
        ],
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>simcoder eval</title><style>"
        "body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:2px 6px}"
        "table{border-collapse:collapse;margin:1em 0}</style></head><body>"
        "<h1>Pass@k of module coders</h1>"
        f"<p>{len(result['tasks'])} tasks, n = {result['n']} samples per task and cell, sandbox "
        f"{html.escape(result['sandbox'])}. Pass@k is the unbiased estimator averaged over tasks, "
        "with a 95% bootstrap interval over tasks.</p>"
        + charts
        + "<h2>Pass@k</h2>"
        + main
        + "<h2>Failure taxonomy (samples, by module)</h2>"
        + taxonomy
        + "<h2>Passing samples per task</h2>"
        + tasks
        + "</body></html>"
    )


def write(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return _write("eval", result, markdown(result), page(result), out_dir)
