"""A ``SimConfig`` outside Python: the one JSON shape of a config (a sandbox job's spec, an eval
case) with its reader, and the one conversion from the few numbers a spec gives.

Every field of ``ArrayConfig``, ``MemoryConfig`` and ``SimConfig`` is written, enums by value, so
the document round-trips exactly (``config_from_json(config_to_json(c)) == c``); a field the
types do not have is a ``TypeError`` (a bug: only ``config_to_json`` writes these documents).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    MemoryConfig,
    SimConfig,
)

_ENUMS: dict[str, type[enum.Enum]] = {
    "dataflow": Dataflow,
    "bandwidth_mode": BandwidthMode,
}


def _fields(value: Any) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(value):
        v = getattr(value, f.name)
        out[f.name] = v.value if isinstance(v, enum.Enum) else v
    return out


def _typed(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _ENUMS[k](v) if k in _ENUMS else v for k, v in doc.items()}


def config_to_json(config: SimConfig) -> dict[str, Any]:
    """``{"array": {...}, "memory": {...}, "run_name": ...}``."""
    return {
        "array": _fields(config.array),
        "memory": _fields(config.memory),
        "run_name": config.run_name,
    }


def config_from_json(doc: Mapping[str, Any]) -> SimConfig:
    """The ``SimConfig`` that ``config_to_json`` wrote."""
    rest = {k: v for k, v in doc.items() if k not in ("array", "memory")}
    return SimConfig(
        ArrayConfig(**_typed(doc["array"])),
        MemoryConfig(**_typed(doc["memory"])),
        **_typed(rest),
    )


def spec_config(
    rows: int,
    cols: int,
    dataflow: str,
    sram_kib: tuple[int, int, int],
    mode: str = "CALC",
    words_per_cycle: int = 10,
    *,
    corrected: bool = False,
    run_name: str = "simcoder",
) -> SimConfig:
    """A config from an accelerator spec's or a sweep point's numbers: ``sram_kib`` is (ifmap,
    filter, ofmap); ``words_per_cycle`` is both the ofmap drain and each read bank's bandwidth
    (USER mode); ``corrected`` fixes SCALE-Sim's USER-mode stall quirks."""
    ifmap, filt, ofmap = sram_kib
    return SimConfig(
        ArrayConfig(rows, cols, Dataflow(dataflow)),
        MemoryConfig(
            ifmap,
            filt,
            ofmap,
            bandwidth_mode=BandwidthMode(mode),
            ofmap_dram_words_per_cycle=words_per_cycle,
            ifmap_sram_bank_words_per_cycle=words_per_cycle,
            filter_sram_bank_words_per_cycle=words_per_cycle,
            corrected=corrected,
        ),
        run_name=run_name,
    )


__all__ = ["config_from_json", "config_to_json", "spec_config"]
