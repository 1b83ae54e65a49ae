"""The in-sandbox runner: ``python -m simcoder.sandbox.runner job.json``.

Imports the candidate modules named in the job spec, runs the module checks and the requested
workloads with them, and writes one JSON document, ``result.json``. It uses only the standard
library, numpy and the simulator core, which travel with the job. The host never trusts the
verdicts in that document: it validates it against a schema and the job's nonce, and re-checks
the raw numbers against its own reference.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCHEMA = "simcoder.sandbox.result/2"  # /2: each module record names its failure kind
EXIT_VERSION_MISMATCH = 3


def _versions_ok(spec: dict[str, Any]) -> str | None:
    import numpy

    want_py, want_np = spec.get("python_minor"), spec.get("numpy")
    have_py = ".".join(platform.python_version_tuple()[:2])
    if want_py and want_py != have_py:
        return f"sandbox Python {have_py} != host's pinned {want_py}; rebuild the sandbox image"
    if want_np and want_np != numpy.__version__:
        return f"sandbox numpy {numpy.__version__} != host's pinned {want_np}; rebuild the image"
    return None


def load_failure(exc: BaseException) -> str:
    """The failure kind (``sandbox.result.ModuleFailure``) of a module that did not load:
    ``interface`` when the loader refused it (no such attribute, not the contract's method),
    ``import`` when importing or instantiating it raised."""
    from simcoder.simulator.registry import ModuleLoadError

    return "interface" if isinstance(exc, ModuleLoadError) else "import"


def _load(kind: str, spec: str) -> tuple[Any, dict[str, Any]]:
    from simcoder.simulator.registry import load_module

    try:
        record = {"spec": spec, "failure": None, "error": None, "traceback": None}
        return load_module(kind, spec), record
    except BaseException as exc:  # a candidate may raise anything at import
        return None, {
            "spec": spec,
            "failure": load_failure(exc),
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=-8),
        }


def _config(spec: dict[str, Any]) -> Any:
    """A SimConfig from the job's ``config`` record (the accelerator spec's numbers)."""
    from simcoder.simulator.types import (
        ArrayConfig,
        BandwidthMode,
        Dataflow,
        MemoryConfig,
        SimConfig,
    )

    c = spec["config"]
    return SimConfig(
        ArrayConfig(c["rows"], c["cols"], Dataflow(c["dataflow"])),
        MemoryConfig(
            c["ifmap_kib"],
            c["filter_kib"],
            c["ofmap_kib"],
            bandwidth_mode=BandwidthMode(c["mode"]),
            ofmap_dram_words_per_cycle=c["dram_words_per_cycle"],
            ifmap_sram_bank_words_per_cycle=c["dram_words_per_cycle"],
            filter_sram_bank_words_per_cycle=c["dram_words_per_cycle"],
        ),
    )


def _workload(name: str, modules: Any, config: Any, limit: int | None = None) -> dict[str, Any]:
    from simcoder.simulator.engine import simulate_network
    from simcoder.workloads.builtin import get_workload

    try:
        report = simulate_network(get_workload(name)[:limit], config, modules)
    except BaseException as exc:
        return {
            "name": name,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=-8),
            "layers": [],
        }
    layers = []
    for r in report.layers:
        fields = {k: v for k, v in dataclasses.asdict(r).items() if k != "layer"}
        layers.append({"name": r.layer.name, "fields": fields})
    return {"name": name, "error": None, "traceback": None, "layers": layers}


def _cycles(workload: dict[str, Any]) -> list[int]:
    return [int(layer["fields"]["total_cycles"]) for layer in workload["layers"]]


def _isolate(
    spec: dict[str, Any], result: dict[str, Any], modules: Any, config: Any
) -> dict[str, list[dict[str, Any]]]:
    """Where the candidates together miss the expected cycles, run each candidate alone (the
    other two at the reference) on the workloads that differ, so the host can tell which one is
    wrong even when every module's own checks pass."""
    from simcoder.simulator.engine import Modules

    expected = spec.get("expected") or {}
    differ = [
        w["name"]
        for w in result["workloads"]
        if w["name"] in expected and (w["error"] or _cycles(w) != expected[w["name"]])
    ]
    swapped = [k for k, rec in result["modules"].items() if rec["error"] is None]
    if not differ or len(swapped) < 2:
        return {}
    reference = Modules.load()
    return {
        kind: [
            _workload(w, dataclasses.replace(reference, **{kind: getattr(modules, kind)}), config)
            for w in differ
        ]
        for kind in swapped
    }


def run(spec: dict[str, Any]) -> dict[str, Any]:
    from simcoder.presets import PRESETS
    from simcoder.simulator.checks import check_module
    from simcoder.simulator.engine import Modules

    started = time.perf_counter()
    import numpy

    result: dict[str, Any] = {
        "schema": SCHEMA,
        "nonce": spec["nonce"],
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "modules": {},
        "workloads": [],
        "runtime_s": 0.0,
    }
    modules = Modules.load()
    for kind, target in spec.get("modules", {}).items():
        module, record = _load(kind, target)
        record["violations"] = []
        if module is not None:
            modules = dataclasses.replace(modules, **{kind: module})
            if spec.get("checks", True):
                try:
                    found = check_module(kind, module, quick=spec.get("quick", True))
                    record["violations"] = [v.to_dict() for v in found]
                except BaseException as exc:
                    record["failure"] = "checks"
                    record["error"] = f"{type(exc).__name__}: {exc}"
                    record["traceback"] = traceback.format_exc(limit=-8)
        result["modules"][kind] = record
    config = _config(spec) if "config" in spec else PRESETS[spec.get("preset", "paper")]
    limit = spec.get("layer_limit")
    result["workloads"] = [_workload(w, modules, config, limit) for w in spec.get("workloads", [])]
    result["isolated"] = _isolate(spec, result, modules, config)
    result["runtime_s"] = time.perf_counter() - started
    return result


def main(
    argv: list[str] | None = None,
    run_job: Callable[[dict[str, Any]], dict[str, Any]] = run,
    who: str = "simcoder sandbox runner",
) -> int:
    """Read the job spec, refuse a Python/numpy the host did not pin, run, write the result
    document. ``run_job``: what runs the job (the eval task runner passes its own)."""
    args = sys.argv[1:] if argv is None else argv
    spec_path = Path(args[0] if args else "job.json")
    spec = json.loads(spec_path.read_text())
    problem = _versions_ok(spec)
    if problem:
        print(f"{who}: {problem}", file=sys.stderr)
        return EXIT_VERSION_MISMATCH
    result = run_job(spec)
    (spec_path.parent / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
