"""Checks of a candidate module: differential (against the reference) and properties.

Every check returns a list of :class:`Violation` records, never raises for a wrong answer, so the
critic can quote them and blame the module that produced them.
"""

from simcoder.simulator.checks.runner import check_module
from simcoder.simulator.checks.violations import Violation

__all__ = ["Violation", "check_module"]
