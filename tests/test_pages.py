"""simcoder.pages: the markdown subset our reports use renders with nothing left as text and
everything escaped; the shell, table and charts are self-contained; and every page module's page
shows no markdown syntax (the Chromium test checks the same on real runs)."""

from __future__ import annotations

import re

import pytest

from simcoder.bench import accuracy_html, runtime_html, runtime_markdown
from simcoder.pages import bars_svg, document, markdown_html, md_table, row_bars_svg, table
from tests.page_text import markdown_shown, visible_text

REPORT = """# simcoder run: paper-os

Status: **accepted** after 1 sandbox run(s), see `report.md` or [the plan](plan.json).

> The library coder is an **oracle**:
> it passes by construction.

- first
- second

| module | history |
|---|---|
| mapping | round 1 (library) \\| passing |
"""


def test_the_report_subset_renders_and_nothing_shows_as_markdown() -> None:
    page = markdown_html(REPORT)
    assert page.startswith("<h1>simcoder run: paper-os</h1>")
    assert "<strong>accepted</strong>" in page and "<code>report.md</code>" in page
    assert '<a href="plan.json">the plan</a>' in page
    assert "<blockquote><p>The library coder is an <strong>oracle</strong>: it passes" in page
    assert "<ul><li>first</li><li>second</li></ul>" in page
    assert "<td>round 1 (library) | passing</td>" in page and page.count("<td>") == 2
    assert markdown_shown(page) == []
    assert markdown_shown(f"<p>{REPORT}</p>") != []  # the check sees unrendered markdown


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> **<b>x</b>**",
        "| a |\n|---|\n| <img src=x> |",
        "`<i>code</i>`",
        "[click](javascript:alert(1))",
    ],
)
def test_every_piece_of_text_is_escaped(text: str) -> None:
    page = markdown_html(text)
    assert not re.search(r"<(script|b|img|i)[ >]", page) and "javascript" not in re.sub(
        r">[^<]*<", "><", page
    )  # no tag made from the text, no href to a script


def test_md_table_keeps_a_cell_with_pipes_and_newlines_in_its_cell() -> None:
    lines = md_table(["a", "b"], [["x | y", "two\nlines"]])
    assert lines == ["| a | b |", "|---|---|", "| x \\| y | two lines |"]
    assert "<td>x | y</td><td>two lines</td>" in markdown_html("\n".join(lines))


def test_document_and_table_are_one_self_contained_escaped_file() -> None:
    page = document("a <title>", table(["h<"], [["<v>", 3]]), bars_svg([("n", 2.0)], "t"))
    assert page.startswith("<!DOCTYPE html>") and page.count("<style>") == 1
    assert "<title>a &lt;title&gt;</title>" in page and "<td>&lt;v&gt;</td><td>3</td>" in page
    assert not re.search(r"<script|src=|href=|@import|url\(", page)


def test_bars_draw_a_whisker_per_interval_and_say_where_there_is_no_number() -> None:
    svg = bars_svg([("a", 10.0), ("b", None), ("c", 5.0)], "t", intervals=[(8, 12), None, None])
    assert svg.count('class="interval"') == 1 and svg.count("<rect") == 2 and "failed" in svg
    rows = row_bars_svg([("w/l1", 0.0), ("w/l2", None)], "|cycle error|")
    assert rows.count("<rect") == 1 and "no number" in rows


def _network(name: str, error_pct: float | None) -> dict[str, object]:
    return {
        "network": name, "reference": "golden", "layers_compared": 2, "layers_expected": 2,
        "reference_cycles": 1000, "generated_cycles": None if error_pct is None else 1000,
        "cycle_error_pct": error_pct, "max_layer_error_pct": error_pct,
        "error": "" if error_pct is not None else "ValueError: a | b\n  line 2",
    }  # fmt: skip


def test_bench_pages_show_no_markdown() -> None:
    stats = {"runs": 2, "median_s": 0.5, "min_s": 0.4, "max_s": 0.6}
    runtime = {
        "run_dir": "runs/x", "modules": {"mapping": "runs/x/simulator/mapping.py"},
        "preset": "paper", "sandbox": "bwrap", "repeats": 2,
        "networks": [{"network": "ncf", "generated": stats, "scalesim": stats, "ratio": 1.0}],
    }  # fmt: skip
    page = runtime_html(runtime)
    assert markdown_shown(page) == [] and "<table>" in page and "<pre>" not in page
    assert "| ncf | 0.500 (0.400-0.600, 2) |" in runtime_markdown(runtime)
    accuracy = {"run_dir": "runs/x", "preset": "paper",
                "networks": [_network("ncf", 0.0), _network("alexnet", None)]}  # fmt: skip
    page = accuracy_html(accuracy)
    assert markdown_shown(page) == [] and "runs/x" in visible_text(page)
