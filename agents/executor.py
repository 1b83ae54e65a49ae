"""The executor: assemble the candidate package, run checks and workloads in the sandbox,
store what came back in the run directory. No model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simcoder.agents.spec import AcceleratorSpec
from simcoder.sandbox.jobs import prepare_job
from simcoder.sandbox.registry import get_sandbox
from simcoder.sandbox.types import Limits


def _cycles(workloads: list[dict[str, Any]]) -> dict[str, Any]:
    """Per workload: its error, or (layer, total cycles) per layer."""
    return {
        w["name"]: {
            "error": w["error"],
            "layers": [(x["name"], int(x["fields"]["total_cycles"])) for x in w["layers"]],
        }
        for w in workloads
    }


def execute(
    run_dir: Path,
    number: int,
    spec: AcceleratorSpec,
    candidates: dict[str, str],
    sandbox: str,
    limits: Limits,
    expected: dict[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Run once; returns a short summary (the full ExecResult is in executions/<n>/).
    ``expected``: the reference's cycles per workload, so the runner can isolate a wrong
    candidate when several are swapped in (see sandbox.runner)."""
    directory = run_dir / "executions" / f"{number:03d}"
    job = prepare_job(
        directory / "job",
        {k: f"{v}:Module" for k, v in candidates.items()},
        workloads=spec.workloads,
        config=spec.sim_config(),
        limits=limits,
        expected=expected,
    )
    box = get_sandbox(sandbox)
    result = box.run(job)
    (directory / "exec_result.json").write_text(json.dumps(result.to_json(), indent=2))
    summary: dict[str, Any] = {
        "number": number,
        "backend": result.backend,
        "status": result.status.value,
        "wall_s": round(result.wall_s, 3),
        "stderr_tail": result.stderr[-1500:],
        "result_error": result.result_error,
        "modules": {},
        "workloads": {},
        "isolated": {},
    }
    if result.result is not None:
        for kind, rec in result.result["modules"].items():
            summary["modules"][kind] = {
                "error": rec["error"],
                "traceback": (rec["traceback"] or "")[-1500:],
                "violations": [
                    f"{v['check']} on {v['case']}: expected {v['expected']}, got {v['got']}"
                    for v in rec["violations"][:8]
                ],
                "violation_count": len(rec["violations"]),
            }
        summary["workloads"] = _cycles(result.result["workloads"])
        summary["isolated"] = {
            kind: _cycles(workloads) for kind, workloads in result.result["isolated"].items()
        }
    (directory / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
