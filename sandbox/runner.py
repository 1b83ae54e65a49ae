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

from simcoder.sandbox.job_spec import ChangeSpec, ExpectedLayer, JobSpec

SCHEMA = "simcoder.sandbox.result/3"  # /3: per-module evidence, per-layer blame, all columns
EXIT_VERSION_MISMATCH = 3


def _versions_ok(doc: object) -> str | None:
    """Why this sandbox cannot run the job (``job.json`` parsed): a Python or numpy other than
    the host pinned. Read before the document is parsed, so that a job written by another
    version is refused as such, not as a document this runner cannot read."""
    import numpy

    want_py = doc.get("python_minor") if isinstance(doc, dict) else None
    want_np = doc.get("numpy") if isinstance(doc, dict) else None
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


def _fields(report: Any) -> dict[str, Any]:
    """A LayerReport's columns by field name (its layer left out)."""
    return {k: v for k, v in dataclasses.asdict(report).items() if k != "layer"}


def _entry(name: str, layers: Callable[[], list[Any]]) -> dict[str, Any]:
    """One workload's record: the report columns of each layer ``layers()`` simulates, or the
    error it raised."""
    try:
        reports = layers()
    except BaseException as exc:
        return {"name": name, **_failure(exc), "layers": []}
    out = [{"name": r.layer.name, "fields": _fields(r)} for r in reports]
    return {"name": name, "error": None, "traceback": None, "layers": out}


def _plain_workload(name: str, modules: Any, config: Any, limit: int | None) -> dict[str, Any]:
    from simcoder.simulator.engine import simulate_network
    from simcoder.workloads.builtin import get_workload

    return _entry(
        name, lambda: list(simulate_network(get_workload(name)[:limit], config, modules).layers)
    )


def _one_layer(layer: Any, config: Any, modules: Any) -> list[Any]:
    from simcoder.simulator.engine import simulate_layer

    return [simulate_layer(layer, config, modules)]


def _workload_layers(name: str, limit: int | None) -> list[Any]:
    from simcoder.simulator.compat.topology import expand_depthwise
    from simcoder.workloads.builtin import get_workload

    return expand_depthwise(list(get_workload(name)[:limit]))


def _differing_columns(fields: dict[str, Any], want: ExpectedLayer) -> list[str]:
    """The report columns where ``fields`` misses the host's expectation for the layer (all
    columns, or only total cycles when the host sent cycles alone)."""
    from simcoder.simulator.equality import same_number

    if isinstance(want, int):
        return [] if fields["total_cycles"] == want else ["total_cycles"]
    return [k for k, v in want.items() if k in fields and not same_number(v, fields[k])]


BLAMED_LAYERS = 3  # failing layers per workload whose candidates are run alone


def _checked_workload(
    name: str,
    loaded: dict[str, Any],
    modules: Any,
    config: Any,
    expected: tuple[ExpectedLayer, ...] | None,
    limit: int | None,
    changed: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, list[Any]], list[dict[str, Any]]]:
    """The user's workload at the user's configuration, layer by layer, with the candidates in
    (``simulator.checks.staged``): each layer's report columns; each candidate's own output on
    the reference's input compared field by field with the reference's (a violation per
    differing layer); and, on a layer whose columns miss ``expected``, which candidates alone
    (the other modules at the reference) move which columns (the swap-one-at-a-time evidence the
    host blames by)."""
    from simcoder.simulator.checks.runner import DIFFS_PER_CASE
    from simcoder.simulator.checks.staged import alone_report, run_staged
    from simcoder.simulator.checks.violations import Violation
    from simcoder.simulator.engine import Modules

    found: dict[str, list[Any]] = {k: [] for k in loaded}
    blame: list[dict[str, Any]] = []
    reference = Modules.load()
    try:
        layers = _workload_layers(name, limit)
    except BaseException as exc:
        return {"name": name, **_failure(exc), "layers": []}, found, blame
    out: list[dict[str, Any]] = []
    for i, layer in enumerate(layers):
        try:
            staged = run_staged(layer, config, loaded, reference)
        except BaseException as exc:
            return {"name": name, **_failure(exc), "layers": out}, found, blame
        case = f"{name} layer {layer.name}"
        for kind, diffs in staged.diffs.items():
            if kind in changed:
                continue  # meant to differ from the reference's: judged by its columns
            found[kind] += [
                Violation(f"workload.{d.path}", kind, case, d.expected, d.got)
                for d in (diffs or [])[:DIFFS_PER_CASE]
            ]
        fields = _fields(staged.report)
        out.append({"name": layer.name, "fields": fields})
        want = expected[i] if expected is not None and i < len(expected) else None
        columns = _differing_columns(fields, want) if want is not None else []
        if (
            want is None
            or not columns
            or sum(b["workload"] == name for b in blame) >= BLAMED_LAYERS
        ):
            continue
        alone: dict[str, list[str]] = {}
        for kind, module in loaded.items():
            try:
                r = alone_report(layer, config, kind, module, reference)
                alone[kind] = _differing_columns(_fields(r), want)
            except Exception as exc:
                alone[kind] = [f"(raised {type(exc).__name__})"]
        blame.append(
            {
                "workload": name,
                "layer": layer.name,
                "columns": columns,
                "own_output_differs": [
                    k for k, d in staged.diffs.items() if d and k not in changed
                ],
                "alone": alone,
            }
        )
    return {"name": name, "error": None, "traceback": None, "layers": out}, found, blame


def _cross_check(loaded: dict[str, Any], evidence: dict[str, Any], refs: Any) -> None:
    """Blame in pipeline order (issue 13, point 4): every case on which a later module failed
    is also a case for each earlier module's own output, so a mapping bug that only a storage
    counterexample shows is not left behind a repaired storage."""
    from simcoder.simulator.checks.runner import check_case
    from simcoder.simulator.registry import KINDS

    order = [k for k in KINDS if evidence.get(k) is not None]
    for i, later in enumerate(order):
        for probe in evidence[later].failing_probes:
            for earlier in order[:i]:
                found = check_case(earlier, loaded[earlier], refs, probe)
                if found:
                    ev = evidence[earlier]
                    ev.failing["cross"] = ev.failing.get("cross", 0) + 1
                    ev.violations += [
                        dataclasses.replace(v, check=f"cross.{v.check}") for v in found
                    ]


def _changed_checks(
    kind: str,
    module: Any,
    change: ChangeSpec,
    probes: list[Any],
    config: Any,
    result: dict[str, Any],
) -> Any:
    """A changed module's evidence (``simulator.checks.changed``): on the probes in the spec's
    bandwidth mode (a change may be defined for one mode only), its rule examples, and against
    its second version when the job has one."""
    from simcoder.simulator.checks.changed import Example, check_changed_module
    from simcoder.simulator.checks.probes import Probe
    from simcoder.simulator.compat.config_json import config_from_json
    from simcoder.simulator.report import REPORT_FIELDS
    from simcoder.simulator.types import Layer

    if config is not None:
        mode = config.memory.bandwidth_mode
        probes = [p for p in probes if p.config.memory.bandwidth_mode is mode]
    examples = [
        Example(
            e.name,
            Probe(Layer(**e.layer), config_from_json(e.config), "example"),
            dict(e.expected),
        )
        for e in change.examples
    ]
    alternate, record = None, None
    if change.alternate:
        alternate, record = _load(kind, change.alternate)
    ev = check_changed_module(
        kind, module, probes, list(change.moved), REPORT_FIELDS, examples, alternate
    )
    if record is not None and alternate is None:
        from simcoder.simulator.checks.violations import Violation

        ev.probes["version"], ev.failing["version"] = 1, 1
        ev.violations.append(
            Violation("version.load", kind, "loading version B", "a module", str(record["error"]))
        )
    return ev


# (kind, the modules with the candidate in, layer, config, case name) -> violations
CaseChecks = Callable[[str, Any, Any, Any, str], list[Any]]


def _module_checks(
    spec: JobSpec, loaded: dict[str, Any], result: dict[str, Any], config: Any
) -> None:
    """Each loaded candidate's checks on the grid, the spec's probes and random cases, sharing
    one set of reference outputs; then the cross-check in pipeline order."""
    from simcoder.simulator.checks.probes import probe_grid
    from simcoder.simulator.checks.runner import ReferenceOutputs, check_module_evidence
    from simcoder.simulator.checks.spec_probes import spec_probes

    probes = probe_grid(spec.quick)
    if config is not None:
        layers = [x for w in spec.workloads for x in _workload_layers(w, None)]
        probes += spec_probes(config, layers)
    refs = ReferenceOutputs()
    evidence: dict[str, Any] = {}
    changes = spec.changes
    for kind, module in loaded.items():
        if module is None:
            continue
        record = result["modules"][kind]
        if kind in changes:
            try:
                evidence[kind] = _changed_checks(
                    kind, module, changes[kind], probes, config, result
                )
            except BaseException as exc:
                record |= _failure(exc) | {"failure": "checks"}
            continue
        try:
            evidence[kind] = check_module_evidence(
                kind,
                module,
                probes,
                refs,
                random_seed=spec.random_seed,
                random_budget_s=spec.random_budget_s,
                around=config,
                random_max_cases=spec.random_max_cases,
            )
        except BaseException as exc:
            record |= _failure(exc) | {"failure": "checks"}
    _cross_check({k: m for k, m in loaded.items() if k not in changes}, evidence, refs)
    for kind, ev in evidence.items():
        record = result["modules"][kind]
        record["violations"] = [v.to_dict() for v in ev.violations]
        record["evidence"] = ev.to_dict()
    result["reference_outputs_computed"] = refs.computed


def run(spec: JobSpec, case_checks: CaseChecks | None = None) -> dict[str, Any]:
    """The job: load each candidate (``modules``: kind -> ``file.py:Attr``) and, with
    ``checks``, run its module checks (the grid, probes derived from ``config`` and the
    workloads, ``random_budget_s`` seconds of random cases from ``random_seed``); run the
    named ``workloads`` at ``config`` with the candidates in, every candidate's own output
    compared with the reference's on each layer (unless the job asks for neither checks nor
    ``expected``: then the numbers alone, as ``simcoder bench runtime`` times them), and
    where a layer misses ``expected`` (per workload, each layer's report columns) each
    candidate alone; run the ``cases`` (one layer
    each, with its own config) and ``case_checks`` on each, for every candidate. A candidate
    that fails to import leaves the reference in its place, if the package has one; otherwise
    nothing runs."""
    from simcoder.simulator.compat.config_json import config_from_json
    from simcoder.simulator.types import Layer

    started = time.perf_counter()
    import numpy

    if spec.layers:  # models and files the host resolved (an eval job has no workloads)
        from simcoder.workloads.builtin import register_workload

        for name, rows in spec.layers.items():
            register_workload(name, [Layer(**row) for row in rows])

    result: dict[str, Any] = {
        "schema": SCHEMA,
        "nonce": spec.nonce,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "modules": {},
        "workloads": [],
        "blame": [],
        "runtime_s": 0.0,
    }
    loaded = {}
    for kind, target in spec.modules.items():
        module, record = _load(kind, target)
        loaded[kind] = module
        result["modules"][kind] = record
    config = config_from_json(spec.config) if spec.config is not None else None
    if spec.checks:
        _module_checks(spec, loaded, result, config)
    modules = _modules(loaded)
    if modules is not None:
        if config is not None:
            limit = spec.layer_limit
            expected = spec.expected
            live = {k: m for k, m in loaded.items() if m is not None}
            workload_started = time.perf_counter()
            for w in spec.workloads:
                if not spec.checks and not expected:
                    # numbers only (simcoder bench runtime times the assembled simulator
                    # alone): neither checks nor expected numbers, so no reference beside it
                    result["workloads"].append(_plain_workload(w, modules, config, limit))
                    continue
                entry, found, blame = _checked_workload(
                    w,
                    live,
                    modules,
                    config,
                    expected.get(w),
                    limit,
                    frozenset(spec.changes),
                )
                result["workloads"].append(entry)
                result["blame"] += blame
                for kind, violations in found.items():
                    record = result["modules"][kind]
                    record["violations"] += [v.to_dict() for v in violations]
                    if "evidence" in record:
                        ev = record["evidence"]
                        n = len(entry["layers"])
                        ev["probes"]["workload"] = ev["probes"].get("workload", 0) + n
                        if violations:
                            ev["failing"]["workload"] = ev["failing"].get("workload", 0) + len(
                                {v.case for v in violations}
                            )
            result["workload_seconds"] = round(time.perf_counter() - workload_started, 3)
        for case in spec.cases:
            layer, config = Layer(**case.layer), config_from_json(case.config)
            entry = _entry(case.name, functools.partial(_one_layer, layer, config, modules))
            result["workloads"].append(entry)
            if case_checks is None or entry["error"]:
                continue
            for kind in (k for k, m in loaded.items() if m is not None):
                try:
                    found_case = case_checks(kind, modules, layer, config, case.name)
                except BaseException as exc:
                    entry |= _failure(exc)
                    break
                result["modules"][kind]["violations"] += [v.to_dict() for v in found_case]
    result["runtime_s"] = time.perf_counter() - started
    return result


def main(
    argv: list[str] | None = None,
    run_job: Callable[[JobSpec], dict[str, Any]] = run,
    who: str = "simcoder sandbox runner",
) -> int:
    """Read the job spec, refuse a Python/numpy the host did not pin, run, write the result
    document. ``run_job``: what runs the job (the eval task runner passes its own)."""
    args = sys.argv[1:] if argv is None else argv
    spec_path = Path(args[0] if args else "job.json")
    doc = json.loads(spec_path.read_text())
    problem = _versions_ok(doc)
    if problem:
        print(f"{who}: {problem}", file=sys.stderr)
        return EXIT_VERSION_MISMATCH
    result = run_job(JobSpec.from_json(doc))
    (spec_path.parent / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
