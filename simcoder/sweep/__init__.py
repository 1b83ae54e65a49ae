"""``simcoder sweep``: design spaces on the fast core. ``engine`` runs the points (CSV);
``page`` says what its single-file HTML page shows (simcoder.pages draws it)."""

from simcoder.pages import scatter_svg
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
from simcoder.sweep.page import write_html

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
