"""Built-in hardware presets for ``simcoder simulate -c NAME``, built from the one table of
named accelerators (``simulator/compat/presets.py``, shared with ``scripts/make_golden.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simcoder.simulator.compat.presets import ARCHITECTURES, SIMULATE
from simcoder.simulator.types import ArrayConfig, BandwidthMode, Dataflow, MemoryConfig, SimConfig

# .cfg field -> MemoryConfig field (the USER-mode interface; absent: MemoryConfig's default)
_INTERFACE = {
    "bandwidth": "ofmap_dram_words_per_cycle",
    "ifmap_bank_bw": "ifmap_sram_bank_words_per_cycle",
    "filter_bank_bw": "filter_sram_bank_words_per_cycle",
    "ifmap_bank_num": "ifmap_sram_banks",
    "filter_bank_num": "filter_sram_banks",
}


def architecture_config(values: Mapping[str, int | str], run_name: str) -> SimConfig:
    """The ``SimConfig`` of one row of the table (``.cfg`` field names)."""
    interface: dict[str, Any] = {
        field: int(values[key]) for key, field in _INTERFACE.items() if key in values
    }
    return SimConfig(
        ArrayConfig(int(values["rows"]), int(values["cols"]), Dataflow(values["dataflow"])),
        MemoryConfig(
            int(values["ifmap_kb"]),
            int(values["filter_kb"]),
            int(values["ofmap_kb"]),
            bandwidth_mode=BandwidthMode(values.get("mode", "CALC")),
            **interface,
        ),
        run_name=run_name,
    )


PRESETS: dict[str, SimConfig] = {
    name: architecture_config(ARCHITECTURES[name], name) for name in SIMULATE
}

__all__ = ["PRESETS", "architecture_config"]
