"""SCALE-Sim compatibility: .cfg and topology readers, report writers."""

from __future__ import annotations

from simcoder.simulator.errors import InputError

__all__ = ["InputError"]
