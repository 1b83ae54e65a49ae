"""The document shell every page shares, an escaped table, and the files a report is written to.

A page is one file: one shared stylesheet inline, inline SVG, no script, nothing fetched when it is
viewed. Every value that goes into a table is escaped here, so a page module never writes HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

STYLE = (
    "body{font-family:sans-serif;margin:2em;line-height:1.4}"
    "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}"
    "code{background:#f4f4f4;padding:0 3px;border-radius:3px}"
    "blockquote{margin:1em 0;padding:0.2em 1em;border-left:4px solid #ccc;color:#444}"
    "svg{display:inline-block;vertical-align:top;margin:0.5em 1em 0.5em 0}"
)


def document(title: str, *parts: str) -> str:
    """A whole page: ``title`` (plain text, escaped) in the head, ``parts`` (HTML made by this
    package's helpers) in the body."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        + "".join(parts)
        + "</body></html>\n"
    )


def table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """An HTML table; every header and cell is shown as text (``str()`` then escaped)."""
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def write_pages(
    stem: str, result: dict[str, Any], markdown: str, page: str, out_dir: Path
) -> list[Path]:
    """``<stem>.json``, ``.md`` and ``.html`` in ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.{ext}" for ext in ("json", "md", "html")]
    for path, text in zip(paths, (json.dumps(result, indent=2), markdown, page), strict=True):
        path.write_text(text)
    return paths
