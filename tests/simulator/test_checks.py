"""The checks catch a wrong module, blame it, and pass every reference module."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from simcoder.simulator.checks import check_module
from simcoder.simulator.contracts import Mapping, Schedule, StorageReport
from simcoder.simulator.interconnect.reference import ReferenceInterconnect
from simcoder.simulator.mapping.reference import ReferenceMapping
from simcoder.simulator.registry import KINDS, ModuleLoadError, load_module
from simcoder.simulator.storage.reference import ReferenceStorage
from simcoder.simulator.types import ArrayConfig, Layer, MemoryConfig


@pytest.mark.parametrize("kind", KINDS)
def test_reference_modules_pass(kind: str) -> None:
    assert check_module(kind, load_module(kind, "reference"), quick=True) == []


class HalfEfficiency(ReferenceMapping):
    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        m = super().map(layer, array)
        return dataclasses.replace(m, mapping_efficiency=m.mapping_efficiency / 2)


class LateFolds(ReferenceInterconnect):
    def schedule(self, mapping: Mapping) -> Schedule:
        s = super().schedule(mapping)
        return dataclasses.replace(s, fold_cycles=tuple(c + 1 for c in s.fold_cycles))


class DistinctWordsOnly(ReferenceStorage):
    """Fetches each ifmap word once, forgetting that SCALE-Sim's buffer forgets old epochs."""

    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport:
        r = super().simulate(schedule, memory)
        distinct = len(np.unique(schedule.ifmap.addresses))
        return dataclasses.replace(r, ifmap_dram=dataclasses.replace(r.ifmap_dram, words=distinct))


class Crashes(ReferenceMapping):
    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        raise ZeroDivisionError("boom")


@pytest.mark.parametrize(
    ("kind", "module", "check", "quick"),
    [
        ("mapping", HalfEfficiency(), "column.mapping_efficiency_pct", True),
        ("mapping", HalfEfficiency(), "differential.mapping.mapping_efficiency", True),
        ("interconnect", LateFolds(), "column.total_cycles", True),
        ("interconnect", LateFolds(), "differential.interconnect.fold_cycles[0]", True),
        ("storage", DistinctWordsOnly(), "column.ifmap_dram_reads", True),
        ("storage", DistinctWordsOnly(), "differential.storage.ifmap_dram.words", True),
        pytest.param(  # the full probe grid: minutes of reference storage
            "storage", DistinctWordsOnly(), "column.ifmap_dram_reads", False,
            marks=pytest.mark.slow,
        ),
        ("mapping", Crashes(), "crash", True),
    ],
)  # fmt: skip
def test_wrong_module_is_caught_and_blamed(
    kind: str, module: object, check: str, quick: bool
) -> None:
    violations = check_module(kind, module, quick=quick)
    assert violations, f"{type(module).__name__} was not caught"
    assert {v.module for v in violations} == {kind}
    assert check in {v.check for v in violations}


def test_registry_loads_by_path_and_lists_choices(tmp_path: Path) -> None:
    f = tmp_path / "mine.py"
    f.write_text("from simcoder.simulator.mapping.reference import ReferenceMapping as Mine\n")
    assert type(load_module("mapping", f"{f}:Mine")).__name__ == "ReferenceMapping"
    dotted = load_module("storage", "simcoder.simulator.storage.reference:ReferenceStorage")
    assert type(dotted) is ReferenceStorage  # a class is instantiated with no arguments
    g = tmp_path / "ready.py"
    g.write_text(
        "from simcoder.simulator.storage.reference import ReferenceStorage\n"
        "ready = ReferenceStorage()\nready.marker = 7\n"
    )
    assert load_module("storage", f"{g}:ready").marker == 7  # an instance is used as it is
    with pytest.raises(ModuleLoadError, match="choose one of reference"):
        load_module("mapping", "fancy")
    with pytest.raises(ModuleLoadError, match="no such file"):
        load_module("mapping", "missing.py:X")
    with pytest.raises(ModuleLoadError, match="needs a method map"):
        load_module("mapping", "simcoder.simulator.storage.reference:ReferenceStorage")
