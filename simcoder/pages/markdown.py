"""Markdown for simcoder's reports: write a table (``md_table``) and render a report as HTML
(``markdown_html``).

Why a small renderer and not a markdown library: the markdown is ours. Every ``.md`` simcoder
writes (report.md, bench and eval results) uses one fixed subset: ``#`` headings, paragraphs with
``**bold**``, ``` `code` ``` and ``[links](url)``, ``>`` quotes, ``-`` lists and pipe tables.
A renderer for exactly that subset is about a hundred lines, adds no dependency to the installed
package, and escapes everything: the text in these reports includes module histories and sandbox
and endpoint errors, and a markdown library (Python-Markdown, markdown-it) passes raw HTML in its
input through to the page by default. Anything outside the subset is shown as the text it is,
escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

_HEADING = re.compile(r"(#{1,6}) +(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"\|?(\s*:?-{3,}:?\s*\|)*\s*:?-{3,}:?\s*\|?\s*$")
_BULLET = re.compile(r"[-*] +")
_INLINE = re.compile(
    r"\\(?P<escaped>[\\`*_\[\]|#>-])"
    r"|`(?P<code>[^`]+)`"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
)
_SAFE_URL = re.compile(r"(https?://|#|\.{0,2}/|[\w.-]+(/|$|#))", re.ASCII)


def md_escape(value: object) -> str:
    """``value`` as literal text inside markdown prose: the characters ``inline_html`` reads as
    markup are backslash-escaped."""
    return re.sub(r"([\\`*\[\]|])", r"\\\1", str(value))


def md_cell(value: object) -> str:
    """``value`` as one table cell: on one line, its ``|`` escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def md_table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A pipe table as markdown lines; cells go through ``md_cell``."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return lines


def inline_html(text: str) -> str:
    """One line of markdown text as HTML: escapes, code spans, bold and links; the rest escaped."""
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        pos = m.end()
        if m["escaped"] is not None:
            out.append(html.escape(m["escaped"]))
        elif m["code"] is not None:
            out.append(f"<code>{html.escape(m['code'])}</code>")
        elif m["bold"] is not None:
            out.append(f"<strong>{inline_html(m['bold'])}</strong>")
        elif _SAFE_URL.match(m["url"]):
            out.append(f'<a href="{html.escape(m["url"])}">{inline_html(m["label"])}</a>')
        else:  # javascript: and the like stay text
            out.append(html.escape(m[0]))
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _cells(line: str) -> list[str]:
    """A table row's cells: split on the ``|`` that are not escaped, outer pipes dropped."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _table(lines: list[str]) -> str:
    head, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    th = "".join(f"<th>{inline_html(c)}</th>" for c in head)
    rows = "".join(
        "<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>" for row in body
    )
    return f"<table><tr>{th}</tr>{rows}</table>"


def _is_table(lines: list[str], i: int) -> bool:
    return (
        lines[i].lstrip().startswith("|")
        and i + 1 < len(lines)
        and bool(_RULE.match(lines[i + 1].strip()))
    )


def _block(lines: list[str], i: int, starts: str) -> tuple[list[str], int]:
    """The run of lines from ``i`` on whose stripped text starts with ``starts``."""
    j = i
    while j < len(lines) and lines[j].lstrip().startswith(starts):
        j += 1
    return lines[i:j], j


def markdown_html(text: str) -> str:
    """The subset of markdown in the module docstring as HTML, every piece of text escaped."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        line = lines[i].strip()
        heading = _HEADING.match(line)
        if not line:
            i += 1
        elif heading:
            level = len(heading[1])
            out.append(f"<h{level}>{inline_html(heading[2])}</h{level}>")
            i += 1
        elif _is_table(lines, i):
            block, i = _block(lines, i, "|")
            out.append(_table(block))
        elif line.startswith(">"):
            block, i = _block(lines, i, ">")
            inner = "\n".join(b.lstrip()[1:].removeprefix(" ") for b in block)
            out.append(f"<blockquote>{markdown_html(inner)}</blockquote>")
        elif _BULLET.match(line):
            items = []
            while i < len(lines) and _BULLET.match(lines[i].strip()):
                items.append(f"<li>{inline_html(_BULLET.sub('', lines[i].strip(), 1))}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
        else:
            para = []
            while i < len(lines) and _paragraph_goes_on(lines, i):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{inline_html(' '.join(para))}</p>")
    return "".join(out)


def _paragraph_goes_on(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    return bool(line) and not (
        _HEADING.match(line) or line.startswith(">") or _BULLET.match(line) or _is_table(lines, i)
    )
