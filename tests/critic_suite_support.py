"""What the sanity tests of the critic suites share (tests/test_critic_suite_oos.py,
tests/test_critic_suite_cfg.py): loading a suite file, its WITNESS, and the two checks — a bug
differs from the reference at its witness, a correct file equals the reference field by field."""

from __future__ import annotations

import dataclasses
import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np

from simcoder.simulator.engine import Modules, simulate_layer
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    LayerReport,
    MemoryConfig,
    SimConfig,
)

KINDS = ("mapping", "interconnect", "storage")


def load(path: Path) -> Any:
    name = f"_suite_{path.parent.parent.name}_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def witness_config(witness: dict[str, Any]) -> tuple[Layer, SimConfig]:
    rows, cols, dataflow = witness["array"]
    memory = dict(witness["memory"])
    if "bandwidth_mode" in memory:
        memory["bandwidth_mode"] = BandwidthMode(memory["bandwidth_mode"])
    array = ArrayConfig(rows, cols, Dataflow(dataflow))
    return Layer(*witness["layer"]), SimConfig(array, MemoryConfig(**memory))


def report_differs(a: LayerReport, b: LayerReport) -> list[str]:
    out = []
    for f in dataclasses.fields(LayerReport):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, float) or isinstance(y, float):
            if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
                out.append(f.name)
        elif x != y:
            out.append(f.name)
    return out


def check_bug_at_witness(path: Path) -> None:
    module = load(path)
    doc = (module.__doc__ or "").strip()
    assert doc and "Exposed by:" in doc, "docstring: one-line bug, then 'Exposed by:'"
    layer, config = witness_config(module.WITNESS)
    reference = simulate_layer(layer, config, Modules.load())
    modules = dataclasses.replace(Modules.load(), **{path.parent.name: module.Module()})
    candidate = simulate_layer(layer, config, modules)
    assert report_differs(reference, candidate), "the bug gives the reference's report"


def assert_equal(a: Any, b: Any, where: str) -> None:
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_equal(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        assert a_arr.shape == b_arr.shape, f"{where}: shape {a_arr.shape} != {b_arr.shape}"
        assert np.array_equal(a_arr, b_arr), where
    elif isinstance(a, tuple | list):
        assert isinstance(b, tuple | list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_equal(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def module_output(kind: str, module: Any, ref: Modules, layer: Layer, config: SimConfig) -> Any:
    if kind == "mapping":
        return module.map(layer, config.array)
    mapping = ref.mapping.map(layer, config.array)
    if kind == "interconnect":
        return module.schedule(mapping)
    return module.simulate(ref.interconnect.schedule(mapping), config.memory)


def check_correct(path: Path, cases: list[tuple[Layer, SimConfig]]) -> None:
    kind = path.stem.split("_", 1)[0]
    assert kind in KINDS, f"{path.name} must start with a module kind"
    module = load(path)
    assert not hasattr(module, "WITNESS")
    candidate = module.Module()
    ref = Modules.load()
    reference = getattr(ref, kind)
    for i, (layer, config) in enumerate(cases):
        where = f"case {i} {layer} {config.array} {config.memory}"
        expected = module_output(kind, reference, ref, layer, config)
        got = module_output(kind, candidate, ref, layer, config)
        assert_equal(expected, got, where)
