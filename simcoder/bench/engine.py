"""``simcoder bench accuracy|runtime RUN_DIR``, the numbers (``page`` renders them). Accuracy: the
paper's table for a generated simulator —
its cycles per network and layer against SCALE-Sim 3.0.0's golden numbers at the ``paper``
preset (32x32 OS, 64 kB SRAMs, CALC), the generated code run in the sandbox."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from simcoder.simulator.compat import InputError
from simcoder.simulator.registry import KINDS

# The SimulatorCoder paper's networks (docs: ../shared/docs/PAPER.md), as built-in workloads
PAPER_NETWORKS = [
    "resnet50",
    "yolo_tiny",
    "alphago_zero",
    "ncf",
    "transformer",
    "mobilenet",
    "deepspeech2",
    "fasterrcnn",
    "sentimental_seqcnn",
]


def generated_modules(run_dir: Path) -> dict[str, str]:
    pkg = run_dir / "simulator"
    found = {m: str(pkg / f"{m}.py") for m in KINDS if (pkg / f"{m}.py").is_file()}
    if not found:
        raise InputError(
            str(run_dir),
            "no generated simulator here (expected simulator/mapping.py, interconnect.py or "
            "storage.py, written by `simcoder generate`)",
        )
    return found


def accuracy(
    run_dir: Path, networks: list[str], sandbox: str = "auto", timeout_s: float = 7200
) -> dict[str, Any]:
    """Run the generated modules on each network in the sandbox; compare with the reference."""
    from simcoder.agents.executor import execute
    from simcoder.agents.references import reference_for
    from simcoder.sandbox.types import ExecStatus, Limits
    from simcoder.workloads.builtin import is_workload

    unknown = [n for n in networks if not is_workload(n)]
    if unknown:
        raise InputError("--networks", f"unknown workload(s) {unknown}; see `simcoder workloads`")
    candidates = generated_modules(run_dir)
    from simcoder.agents.spec import paper_spec

    spec = paper_spec(workloads=networks)
    out_dir = run_dir / "bench"
    existing = sorted(out_dir.glob("executions/*")) if out_dir.exists() else []
    summary = execute(
        out_dir,
        len(existing) + 1,
        spec,
        candidates,
        sandbox,
        Limits(timeout_s=timeout_s, memory_mb=8192),
    )
    if summary.status is not ExecStatus.OK:
        raise RuntimeError(
            f"the sandbox run ended with status {summary.status.value}: "
            f"{summary.result_error or summary.stderr_tail[-600:]}"
        )
    rows = []
    for name in networks:
        ref = reference_for(spec, name)
        got = summary.workloads.get(name)
        layers = got.layers if got is not None else ()
        pairs = list(zip(ref.layers, layers, strict=False))
        errors = [_err(have, want) for (_, want), (_, have) in pairs]
        per_layer = [
            {"layer": layer, "reference": want, "generated": have, "error_pct": e}
            for ((layer, want), (_, have)), e in zip(pairs, errors, strict=True)
        ]
        total_ref = sum(c for _, c in ref.layers)
        total_gen = sum(c for _, c in layers) if layers else None
        rows.append(
            {
                "network": name,
                "reference": ref.source,
                "error": got.error if got is not None else None,
                "layers_compared": len(per_layer),
                "layers_expected": len(ref.layers),
                "reference_cycles": total_ref,
                "generated_cycles": total_gen,
                "cycle_error_pct": None if total_gen is None else _err(total_gen, total_ref),
                "max_layer_error_pct": max(errors, default=None),
                "layers": per_layer,
            }
        )
    return {
        "run_dir": str(run_dir),
        "modules": candidates,
        "preset": "paper (32x32 OS, 64 kB SRAMs, CALC, DRAM 10 words/cycle)",
        "sandbox": summary.backend,
        "seconds": summary.wall_s,
        "networks": rows,
    }


def _err(have: int, want: int) -> float:
    return abs(have - want) * 100 / want if want else float(have != want) * 100


# ---- runtime: the generated simulator against SCALE-Sim 3.0.0, repeated, median and spread

QUICK_NETWORK = "alphago_zero[:2]"  # --quick: the first two layers of AlphaGo Zero


def _layers(network: str) -> list[Any]:
    from simcoder.workloads.builtin import get_workload

    if network == QUICK_NETWORK:
        return get_workload("alphago_zero")[:2]
    return get_workload(network)


def _stats(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "runs": len(ordered),
        "median_s": round(statistics.median(ordered), 4),
        "min_s": round(ordered[0], 4),
        "max_s": round(ordered[-1], 4),
        "samples_s": [round(x, 4) for x in samples],
    }


def time_scalesim(config: Any, layers: list[Any], repeats: int) -> tuple[list[float], str]:
    """SCALE-Sim's wall time on these inputs, ``repeats`` runs, cached per machine (runs are
    minutes each): earlier runs are reused and only the missing ones are made. The time is
    SCALE-Sim's in-process time of the run (imports excluded, as for the generated simulator)."""
    import hashlib
    import platform

    from simcoder.agents.scalesim_live import (
        driver_seconds,
        find_python,
        run_driver,
        scalesim_inputs,
        topology_text,
    )
    from simcoder.simulator.compat.scalesim_cfg import cfg_for
    from simcoder.simulator.fast.compiled import cache_root

    cfg, topology = cfg_for(config, "simcoder"), topology_text(layers)
    key = hashlib.sha256(f"{cfg}\0{topology}\0{platform.node()}".encode()).hexdigest()[:24]
    path = cache_root() / "scalesim-timings" / f"{key}.json"
    samples: list[float] = json.loads(path.read_text())["wall_s"] if path.is_file() else []
    python = find_python() if len(samples) < repeats else "(cached)"
    while len(samples) < repeats:
        with scalesim_inputs(cfg, topology) as files:
            samples.append(driver_seconds(run_driver(python, files, check=True)))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"wall_s": samples}))
    return samples[:repeats], python


def runtime(
    run_dir: Path,
    networks: list[str],
    repeats: int = 3,
    scalesim_repeats: int = 1,
    sandbox: str = "auto",
) -> dict[str, Any]:
    """Per network: the generated simulator's in-sandbox time (the runner's own clock: module
    import and simulation, no container start-up), ``repeats`` runs, and SCALE-Sim's."""
    from simcoder.sandbox.jobs import prepare_job
    from simcoder.sandbox.registry import get_sandbox
    from simcoder.sandbox.types import Limits
    from simcoder.workloads.builtin import is_workload

    unknown = [n for n in networks if not is_workload(n) and n != QUICK_NETWORK]
    if unknown:
        raise InputError("--networks", f"unknown workload(s) {unknown}; see `simcoder workloads`")
    candidates = generated_modules(run_dir)
    from simcoder.agents.spec import paper_spec

    config = paper_spec().sim_config()
    box = get_sandbox(sandbox)
    rows = []
    for network in networks:
        layers = _layers(network)
        ours = []
        for i in range(repeats):
            job = prepare_job(
                run_dir / "bench" / "runtime-jobs" / f"{network.replace(':', '_')}-{i}",
                {k: f"{v}:Module" for k, v in candidates.items()},
                workloads=[network if network != QUICK_NETWORK else "alphago_zero"],
                checks=False,
                limits=Limits(timeout_s=7200, memory_mb=8192),
                layer_limit=2 if network == QUICK_NETWORK else None,
            )
            result = box.run(job)
            if result.result is None:
                raise RuntimeError(f"{network}: the sandbox run failed: {result.result_error}")
            ours.append(result.result.runtime_s)
        theirs, python = time_scalesim(config, layers, scalesim_repeats)
        mine, ss = _stats(ours), {**_stats(theirs), "python": python}
        rows.append(
            {
                "network": network,
                "generated": mine,
                "scalesim": ss,
                "ratio": round(ss["median_s"] / mine["median_s"], 1),
            }
        )
    return {
        "run_dir": str(run_dir),
        "modules": candidates,
        "preset": "paper (32x32 OS, 64 kB SRAMs, CALC)",
        "sandbox": box.name,
        "repeats": repeats,
        "networks": rows,
    }
