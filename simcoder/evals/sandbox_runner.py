"""In the sandbox: ``python3 -m simcoder.evals.sandbox_runner job.json``.

Loads one candidate module, runs it with the other two reference modules on each case of the
task and records every report column and the module's invariants, as one result document in the
sandbox runner's schema (each case is a "workload" of one layer). It knows no expected numbers:
the host compares. The package it runs in lacks the target's reference (see harness.py).
"""

from __future__ import annotations

import dataclasses
import platform
import sys
import time
import traceback
from typing import Any

from simcoder.sandbox.runner import SCHEMA, load_failure
from simcoder.sandbox.runner import main as runner_main

METHOD = {"mapping": "map", "interconnect": "schedule", "storage": "simulate"}


def _case(doc: dict[str, Any]) -> Any:
    from simcoder.simulator.types import (
        ArrayConfig,
        BandwidthMode,
        Dataflow,
        Layer,
        MemoryConfig,
        SimConfig,
    )

    rows, cols, df = doc["array"]
    m = doc["memory"]
    kib = m["kib"]
    memory = MemoryConfig(
        kib[0],
        kib[1],
        kib[2],
        bandwidth_mode=BandwidthMode(m["mode"]),
        ofmap_dram_words_per_cycle=m["bandwidths"][0],
        ifmap_sram_bank_words_per_cycle=m["bandwidths"][1],
        filter_sram_bank_words_per_cycle=m["bandwidths"][2],
    )
    return Layer(**doc["layer"]), SimConfig(ArrayConfig(rows, cols, Dataflow(df)), memory)


def _exact_ofmap_properties(mapping: Any, case: str) -> list[Any]:
    """The mapping invariants with the exact ofmap size (floor((H - R) / s) + 1)."""
    from simcoder.simulator.checks.properties import mapping_properties
    from simcoder.simulator.checks.violations import Violation

    x = mapping.layer
    e = (x.ifmap_h - x.filter_h) // x.stride + 1
    f = (x.ifmap_w - x.filter_w) // x.stride + 1
    want = e * f * x.filter_h * x.filter_w * x.channels * x.num_filters
    got = sum(fold.rows_used * fold.cols_used for fold in mapping.folds) * mapping.t
    out = [v for v in mapping_properties(mapping, case) if "macs" not in v.check]
    if got != want:
        out.append(Violation("property.exact_macs_conserved", "mapping", case, str(want), str(got)))
    return out


def _properties(
    kind: str, checks: str, module: Any, layer: Any, config: Any, case: str
) -> list[Any]:
    from simcoder.simulator.checks.properties import (
        mapping_properties,
        schedule_properties,
        storage_properties,
    )

    mods = dataclasses.replace(_reference(kind), **{kind: module})
    mapping = mods.mapping.map(layer, config.array)
    if kind == "mapping":
        check = _exact_ofmap_properties if checks == "mapping_exact_ofmap" else mapping_properties
        return list(check(mapping, case))
    schedule = mods.interconnect.schedule(mapping)
    if kind == "interconnect":
        return list(schedule_properties(schedule, case))
    report = mods.storage.simulate(schedule, config.memory)
    return list(storage_properties(report, schedule, case))


def _reference(kind: str) -> Any:
    """The two other reference modules (the target's slot holds a placeholder)."""
    from simcoder.simulator.engine import Modules
    from simcoder.simulator.registry import load_module

    loaded = {k: load_module(k, "reference") for k in METHOD if k != kind}
    return Modules(**{kind: None, **loaded})


def run(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy

    from simcoder.simulator.engine import simulate_layer
    from simcoder.simulator.registry import load_module

    started = time.perf_counter()
    kind = spec["module"]
    record: dict[str, Any] = {
        "spec": spec["candidate"],
        "failure": None,
        "error": None,
        "traceback": None,
        "violations": [],
    }
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "nonce": spec["nonce"],
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "modules": {kind: record},
        "workloads": [],
        "runtime_s": 0.0,
    }
    try:
        module = load_module(kind, spec["candidate"])
    except BaseException as exc:  # a candidate may raise anything at import
        record["failure"] = load_failure(exc)
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["traceback"] = traceback.format_exc(limit=-8)
        result["runtime_s"] = time.perf_counter() - started
        return result
    modules = dataclasses.replace(_reference(kind), **{kind: module})
    for doc in spec["cases"]:
        layer, config = _case(doc)
        entry: dict[str, Any] = {
            "name": doc["name"],
            "error": None,
            "traceback": None,
            "layers": [],
        }
        try:
            report = simulate_layer(layer, config, modules)
            fields = {k: v for k, v in dataclasses.asdict(report).items() if k != "layer"}
            entry["layers"] = [{"name": layer.name, "fields": fields}]
            found = _properties(kind, spec["checks"], module, layer, config, doc["name"])
            record["violations"] += [v.to_dict() for v in found]
        except BaseException as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            entry["traceback"] = traceback.format_exc(limit=-8)
        result["workloads"].append(entry)
    result["runtime_s"] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    return runner_main(argv, run, "simcoder eval runner")


if __name__ == "__main__":
    sys.exit(main())
