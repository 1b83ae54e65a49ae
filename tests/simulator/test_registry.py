"""The module kinds, their methods and their reference classes are written once (registry.py),
and every reference class is found by name and answers its contract's one method."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simcoder.simulator import contracts
from simcoder.simulator.registry import (
    BUILTIN,
    CONTRACT,
    KINDS,
    METHOD,
    REFERENCE,
    ModuleLoadError,
    load_module,
    module_kind,
)

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("agents", "graph", "sandbox", "simcoder", "simulator", "tools", "workloads", "scripts")


def test_each_kind_has_its_contract_method_and_reference() -> None:
    assert KINDS == ("mapping", "interconnect", "storage")
    assert dict(METHOD) == {"mapping": "map", "interconnect": "schedule", "storage": "simulate"}
    assert CONTRACT["storage"] is contracts.StorageModule
    for kind in KINDS:
        module = load_module(kind, "reference")
        assert callable(getattr(module, METHOD[kind]))
        assert BUILTIN[(kind, "reference")] == REFERENCE[kind]
        assert REFERENCE[kind].endswith(f"{kind}.reference:{type(module).__name__}")


def test_an_unknown_kind_lists_the_kinds() -> None:
    assert module_kind("storage") == "storage"
    with pytest.raises(ModuleLoadError, match="choose one of mapping, interconnect, storage"):
        module_kind("memory")
    with pytest.raises(ModuleLoadError, match="unknown module kind 'memory'"):
        load_module("memory", "reference")


def _sources() -> list[Path]:
    out: list[Path] = []
    for folder in FOLDERS:
        base = ROOT / folder
        if base.is_symlink() or not base.is_dir():
            continue
        out += [p for p in base.rglob("*.py") if not any(q.is_symlink() for q in p.parents)]
    return out


@pytest.mark.parametrize(
    ("fact", "pattern"),
    [
        ("the kinds", r"""["']mapping["'],\s*["']interconnect["'],\s*["']storage["']"""),
        ("a method name", r"""["']mapping["']:\s*["']map["']"""),
        ("a reference class path", r"""reference:Reference(Mapping|Interconnect|Storage)\b"""),
    ],
)
def test_no_source_outside_the_registry_writes_the_facts_again(fact: str, pattern: str) -> None:
    registry = ROOT / "simulator" / "registry.py"
    files = _sources()
    assert registry in files and len(files) > 50
    again = [
        str(p.relative_to(ROOT))
        for p in files
        if p != registry and re.search(pattern, p.read_text())
    ]
    assert again == [], f"{fact} written outside simulator/registry.py: import them from there"
