"""Checks of a candidate module: differential (against the reference) and properties.

Every check returns a list of :class:`Violation` records, never raises for a wrong answer, so the
critic can quote them and blame the module that produced them. ``check_module`` loads lazily:
``properties`` must import without the reference modules (an eval task's sandbox leaves the
target's reference out).
"""

from typing import Any

from simcoder.simulator.checks.violations import Violation

__all__ = ["Violation", "check_module"]


def __getattr__(name: str) -> Any:
    if name == "check_module":
        from simcoder.simulator.checks.runner import check_module

        return check_module
    raise AttributeError(name)
