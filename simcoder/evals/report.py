"""What ``simcoder eval`` reports, as JSON, markdown and a single-file HTML page with a bar chart
per k (simcoder.pages draws, escapes and renders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simcoder import pages
from simcoder.evals.harness import CATEGORIES
from simcoder.evals.tasks import TIERS
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


def _tier_counts(result: dict[str, Any]) -> str:
    """The tasks per tier, e.g. 18 SCALE-Sim, 13 with rule, 13 from words (results from before
    the tiers have none: empty)."""
    tiers = list(result.get("tiers", {}).values())
    return ", ".join(f"{tiers.count(k)} {label}" for k, label in TIERS.items() if k in tiers)


def _by_tier(result: dict[str, Any]) -> list[list[object]]:
    """A row per (model, strategy): Pass@1 per tier; "-" where the run had no such task."""
    out: list[list[object]] = []
    for r in result["rows"]:
        cell = r["pass_at_k"].get("1")
        by = (cell or {}).get("by_tier", {})
        out.append(
            [
                r["model"],
                r["strategy"],
                *("-" if by.get(k) is None else f"{100 * by[k]:.1f}%" for k in TIERS),
            ]
        )
    return out


def markdown(result: dict[str, Any]) -> str:
    ks = result["k"]
    rows = result["rows"]

    def by_module(r: dict[str, Any]) -> list[str]:
        cell = r["pass_at_k"].get("1")
        by = cell["by_module"] if cell else {}
        return ["-" if by.get(m) is None else f"{100 * by[m]:.1f}%" for m in KINDS]

    tiers = _tier_counts(result)
    lines = [
        f"Tasks: {len(result['tasks'])}{f' ({tiers})' if tiers else ''}; n = {result['n']} "
        "samples per task and cell; sandbox "
        f"{result['sandbox']}, {result['timeout_s']:g} s per sample. Pass@k: the unbiased "
        "estimator, averaged over tasks; [95% bootstrap interval over tasks].",
        "",
        *pages.md_table(
            ["model", "strategy", "what it is", "samples", *(f"pass@{k}" for k in ks),
             "tokens in / out per sample"],
            [[r["model"], r["strategy"], KIND[r["kind"]], r["samples"],
              *(_pk(r["pass_at_k"][str(k)]) for k in ks),
              f"{_per_sample(r, 'tokens_in')} / {_per_sample(r, 'tokens_out')}"] for r in rows],
        ),
        "",
        "### Pass@1 by module",
        "",
        *pages.md_table(
            ["model", "strategy", *KINDS],
            [[r["model"], r["strategy"], *by_module(r)] for r in rows],
        ),
        "",
        "### Pass@1 by tier (SCALE-Sim; variants told the rule; the same variants told only "
        "the user's sentence)",
        "",
        *pages.md_table(["model", "strategy", *TIERS.values()], _by_tier(result)),
        "",
        "### Failure taxonomy (samples, by module)",
        "",
        *pages.md_table(["model", "strategy", "module", *CATEGORIES], _taxonomy(rows)),
    ]  # fmt: skip
    if result["undecided"]:
        lines += [
            "",
            f"{result['undecided']} sample(s) undecided (the sandbox or the endpoint failed: "
            + "; ".join(result["errors"][:3])
            + "); run the same command again to retry them.",
        ]
    return "\n".join(lines) + "\n"


def _taxonomy(rows: list[dict[str, Any]]) -> list[list[object]]:
    """A row per (model, strategy, module) that has samples: its count per category."""
    return [
        [r["model"], r["strategy"], m, *(counts[c] for c in CATEGORIES)]
        for r in rows
        for m, counts in r["taxonomy"].items()
        if sum(counts.values())
    ]


def page(result: dict[str, Any]) -> str:
    ks = result["k"]

    def chart(k: int) -> str:
        cells = [r["pass_at_k"][str(k)] for r in result["rows"]]
        return pages.bars_svg(
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

    main = pages.table(
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
    taxonomy = pages.table(["model", "strategy", "module", *CATEGORIES], _taxonomy(result["rows"]))
    tiers = pages.table(["model", "strategy", *TIERS.values()], _by_tier(result))
    tier_of = result.get("tiers", {})
    tasks = pages.table(
        ["task", "tier", *(f"{r['model']} / {r['strategy']}" for r in result["rows"])],
        [
            [
                t,
                TIERS.get(tier_of.get(t, ""), "-"),
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
    intro = (
        f"# Pass@k of module coders\n\n{len(result['tasks'])} tasks"
        f"{f' ({_tier_counts(result)})' if tier_of else ''}, n = {result['n']} samples "
        f"per task and cell, sandbox {pages.md_escape(result['sandbox'])}. Pass@k is the unbiased "
        "estimator averaged over tasks, with a 95% bootstrap interval over tasks."
    )
    return pages.document(
        "simcoder eval",
        pages.markdown_html(intro),
        charts,
        pages.markdown_html("## Pass@k"),
        main,
        pages.markdown_html(
            "## Pass@1 by tier\n\nSCALE-Sim: the reference is SCALE-Sim 3.0.0. With rule: a "
            "variant, the coder told its rule. From words: the same variant, the coder told only "
            "the user's one-sentence description of it."
        ),
        tiers,
        pages.markdown_html("## Failure taxonomy (samples, by module)"),
        taxonomy,
        pages.markdown_html("## Passing samples per task"),
        tasks,
    )


def write(result: dict[str, Any], out_dir: Path) -> list[Path]:
    return pages.write_pages("eval", result, markdown(result), page(result), out_dir)
