"""The record every check returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Violation:
    check: str  # e.g. "differential.total_cycles" or "property.stalls_non_negative"
    module: str  # mapping | interconnect | storage
    case: str  # the probe that shows it, e.g. "os 4x4 64kB conv 7x5 r5x1 c4 m12 s3"
    expected: str
    got: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"[{self.module}] {self.check} on {self.case}: expected {self.expected}, got {self.got}"
        )
