"""The one JSON shape of a SimConfig, and the one conversion from a spec's numbers."""

from __future__ import annotations

import json

import pytest

from simcoder.simulator.compat.config_json import config_from_json, config_to_json, spec_config
from simcoder.simulator.presets import PRESETS
from simcoder.simulator.types import BandwidthMode, Dataflow, MemoryConfig, SimConfig


def test_every_config_round_trips_through_json() -> None:
    user = spec_config(5, 7, "ws", (2, 4, 1), "USER", 4, corrected=True, run_name="u")
    odd = SimConfig(
        PRESETS["paper"].array,
        MemoryConfig(3, 5, 7, BandwidthMode.USER, 2, 4, 6, 2, 3),
        run_name="odd",
    )
    for config in (*PRESETS.values(), user, odd):
        doc = json.loads(json.dumps(config_to_json(config)))
        assert config_from_json(doc) == config


def test_spec_config_sets_one_bandwidth_everywhere() -> None:
    c = spec_config(8, 16, "is", (1, 2, 3), "USER", 5)
    assert (c.array.rows, c.array.cols, c.array.dataflow) == (8, 16, Dataflow.INPUT_STATIONARY)
    m = c.memory
    assert (m.ifmap_sram_kib, m.filter_sram_kib, m.ofmap_sram_kib) == (1, 2, 3)
    assert m.bandwidth_mode is BandwidthMode.USER and not m.corrected
    assert {
        m.ofmap_dram_words_per_cycle,
        m.ifmap_sram_bank_words_per_cycle,
        m.filter_sram_bank_words_per_cycle,
    } == {5}


def test_a_field_the_types_lack_is_refused() -> None:
    doc = config_to_json(PRESETS["paper"])
    doc["memory"]["sram_banks"] = 2
    with pytest.raises(TypeError, match="sram_banks"):
        config_from_json(doc)
