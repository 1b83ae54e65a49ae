"""The in-sandbox runner: ``python -m simcoder.sandbox.runner job.json``.

Imports the candidate modules named in the job spec, runs the module checks and the requested
workloads with them, and writes one JSON document, ``result.json``. It uses only the standard
library, numpy and the simulator core, which travel with the job. The host never trusts the
verdicts in that document: it validates it against a schema and the job's nonce, and re-checks
the raw numbers against its own reference.
"""

from __future__ import annotations

import dataclasses
import functools
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


def _failure(exc: BaseException) -> dict[str, Any]:
    return {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=-8)}


def load_failure(exc: BaseException) -> str:
    """The failure kind (``sandbox.result.ModuleFailure``) of a module that did not load:
    ``interface`` when the loader refused it (no such attribute, not the contract's method),
    ``import`` when importing or instantiating it raised."""
    from simcoder.simulator.registry import ModuleLoadError

    return "interface" if isinstance(exc, ModuleLoadError) else "import"


def _load(kind: str, spec: str) -> tuple[Any, dict[str, Any]]:
    from simcoder.simulator.registry import load_module

    record: dict[str, Any] = {
        "spec": spec,
        "failure": None,
        "error": None,
        "traceback": None,
        "violations": [],
    }
    try:
        return load_module(kind, spec), record
    except BaseException as exc:  # a candidate may raise anything at import
        return None, record | _failure(exc) | {"failure": load_failure(exc)}


def _modules(loaded: dict[str, Any]) -> Any | None:
    """The candidates that loaded, the reference for every other kind; None when the package
    withholds a reference that is needed (the eval package has none for its target)."""
    from simcoder.simulator.engine import Modules
    from simcoder.simulator.registry import KINDS, load_module

    parts = {}
    for kind in KINDS:
        if loaded.get(kind) is not None:
            parts[kind] = loaded[kind]
            continue
        try:
            parts[kind] = load_module(kind, "reference")
        except ImportError:
            return None
    return Modules(**parts)


def _entry(name: str, layers: Callable[[], list[Any]]) -> dict[str, Any]:
    """One workload's record: the report columns of each layer ``layers()`` simulates, or the
    error it raised."""
    try:
        reports = layers()
    except BaseException as exc:
        return {"name": name, **_failure(exc), "layers": []}
    out = []
    for r in reports:
        fields = {k: v for k, v in dataclasses.asdict(r).items() if k != "layer"}
        out.append({"name": r.layer.name, "fields": fields})
    return {"name": name, "error": None, "traceback": None, "layers": out}


def _workload(name: str, modules: Any, config: Any, limit: int | None = None) -> dict[str, Any]:
    from simcoder.simulator.engine import simulate_network
    from simcoder.workloads.builtin import get_workload

    return _entry(
        name, lambda: list(simulate_network(get_workload(name)[:limit], config, modules).layers)
    )


def _one_layer(layer: Any, config: Any, modules: Any) -> list[Any]:
    from simcoder.simulator.engine import simulate_layer

    return [simulate_layer(layer, config, modules)]


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


# (kind, the modules with the candidate in, layer, config, case name) -> violations
CaseChecks = Callable[[str, Any, Any, Any, str], list[Any]]


def run(spec: dict[str, Any], case_checks: CaseChecks | None = None) -> dict[str, Any]:
    """The job: load each candidate (``modules``: kind -> ``file.py:Attr``) and, with
    ``checks``, run its module checks; run the named ``workloads`` at ``config`` with the
    candidates in and, where they miss ``expected``, each candidate alone; run the ``cases``
    (one layer each, with its own config) and ``case_checks`` on each, for every candidate.
    A candidate that fails to import leaves the reference in its place, if the package has one;
    otherwise nothing runs."""
    from simcoder.simulator.checks import check_module
    from simcoder.simulator.compat.config_json import config_from_json
    from simcoder.simulator.types import Layer

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
    loaded = {}
    for kind, target in spec.get("modules", {}).items():
        module, record = _load(kind, target)
        if module is not None and spec.get("checks", True):
            try:
                found = check_module(kind, module, quick=spec.get("quick", True))
                record["violations"] = [v.to_dict() for v in found]
            except BaseException as exc:
                record |= _failure(exc) | {"failure": "checks"}
        loaded[kind] = module
        result["modules"][kind] = record
    modules = _modules(loaded)
    if modules is not None:
        if "config" in spec:
            config = config_from_json(spec["config"])
            limit = spec.get("layer_limit")
            result["workloads"] = [_workload(w, modules, config, limit) for w in spec["workloads"]]
            result["isolated"] = _isolate(spec, result, modules, config)
        for case in spec.get("cases", []):
            layer, config = Layer(**case["layer"]), config_from_json(case["config"])
            entry = _entry(case["name"], functools.partial(_one_layer, layer, config, modules))
            result["workloads"].append(entry)
            if case_checks is None or entry["error"]:
                continue
            for kind in (k for k, m in loaded.items() if m is not None):
                try:
                    found = case_checks(kind, modules, layer, config, case["name"])
                except BaseException as exc:
                    entry |= _failure(exc)
                    break
                result["modules"][kind]["violations"] += [v.to_dict() for v in found]
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
