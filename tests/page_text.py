"""What a reader sees on a page, and the markdown that shows in it as text instead of rendering.
Shared by the Chromium render test (on the DOM Chromium built) and the page unit tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# a heading, bold, a quote, a table rule or a code span, left as text
MARKDOWN = re.compile(r"# |\*\*|^> |\|\s*:?-{3,}|`[^`\n]+`", re.MULTILINE)
_HIDDEN = ("style", "script", "title")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag in _HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in _HIDDEN

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.lines += [line.strip() for line in data.splitlines() if line.strip()]


def visible_text(page: str) -> str:
    """Every text node of ``page`` (entities decoded) but those in style, script and title, one
    per line."""
    parser = _VisibleText()
    parser.feed(page)
    return "\n".join(parser.lines)


def markdown_shown(page: str) -> list[str]:
    """The lines of ``page``'s visible text where markdown syntax shows."""
    return [line for line in visible_text(page).splitlines() if MARKDOWN.search(line)]
