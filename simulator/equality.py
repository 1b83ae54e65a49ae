"""When two report numbers are the same: the one rule the module checks, the eval and the golden
tests compare by.

Integers (cycles, counts) must be equal. Floats (utilization, mapping efficiency) are means of
per-fold ratios, so a module that sums them in another order may differ in the last bits: they
are the same when within a relative ``FLOAT_REL_TOL`` of each other.
"""

from __future__ import annotations

import math
from typing import Any

FLOAT_REL_TOL = 1e-9


def same_number(want: Any, got: Any) -> bool:
    """Integers exactly, floats (either one a float) to a relative ``FLOAT_REL_TOL``."""
    if isinstance(want, float) or isinstance(got, float):
        return math.isclose(want, got, rel_tol=FLOAT_REL_TOL, abs_tol=0.0)
    return bool(want == got)
