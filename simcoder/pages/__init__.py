"""The one home of simcoder's pages (sweep, bench, eval and the run's report): the document shell
and its stylesheet, an escaped table, the shared SVG charts, and markdown written and rendered.
A page module only says what goes on its page; every page is one file with inline SVG, no script
and nothing fetched when it is viewed."""

from simcoder.pages.charts import bars_svg, row_bars_svg, scatter_svg
from simcoder.pages.document import STYLE, document, table, write_pages
from simcoder.pages.markdown import inline_html, markdown_html, md_cell, md_escape, md_table

__all__ = [
    "STYLE",
    "bars_svg",
    "document",
    "inline_html",
    "markdown_html",
    "md_cell",
    "md_escape",
    "md_table",
    "row_bars_svg",
    "scatter_svg",
    "table",
    "write_pages",
]
