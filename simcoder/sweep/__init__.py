"""``simcoder sweep``: design spaces on the fast core. ``engine`` runs the points (CSV);
``page`` draws the single-file HTML page."""

from simcoder.sweep.engine import (
    COLUMNS,
    COMPATS,
    Point,
    grid,
    needs_access,
    parse_arrays,
    parse_ints,
    parse_srams,
    run_sweep,
    write_csv,
)
from simcoder.sweep.page import scatter_svg, write_html

__all__ = [
    "COLUMNS",
    "COMPATS",
    "Point",
    "grid",
    "needs_access",
    "parse_arrays",
    "parse_ints",
    "parse_srams",
    "run_sweep",
    "scatter_svg",
    "write_csv",
    "write_html",
]
