"""What the critic's checks cost per module per round (issue 13, point 6: within 10 s on the
2-core machine), measured on the job the workflow sends the sandbox.

All three modules are candidates, each a correct one (the reference itself: no early stop, so
this is the most a round's checks can take). The job runs in-process here, exactly as the
sandbox's runner runs it. Printed per module: the probes by source, the random cases, the
seconds; then the workloads' time (the final every-column comparison, which is not a
per-module check), and how many reference outputs were computed against how many the
candidates used (computed once per probe, shared by all candidates).

    .venv/bin/python benchmarks/bench_critic_cost.py --spec examples/paper-os.yaml \
        --json benchmarks/results/critic_cost.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from simcoder.agents.references import expected_columns, reference_for
from simcoder.agents.spec import read_spec
from simcoder.sandbox.job_spec import JobSpec
from simcoder.sandbox.runner import run
from simcoder.simulator.compat.config_json import config_to_json
from simcoder.simulator.registry import KINDS

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0
REFERENCE = {
    "mapping": "simcoder/simulator/mapping/reference.py:ReferenceMapping",
    "interconnect": "simcoder/simulator/interconnect/reference.py:ReferenceInterconnect",
    "storage": "simcoder/simulator/storage/reference.py:ReferenceStorage",
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spec", action="append", help="spec file(s); default paper-os and a WS one")
    p.add_argument("--random-budget", type=float, default=3.0, help="seconds per module")
    p.add_argument("--json", help="write the measurements here")
    args = p.parse_args()
    specs = args.spec or [str(ROOT / "examples" / "paper-os.yaml")]
    out = []
    for path in specs:
        spec = read_spec(path)
        refs = {w: reference_for(spec, w) for w in spec.workloads}
        job = JobSpec(
            nonce="bench",
            modules={k: str(ROOT / REFERENCE[k]) for k in KINDS},
            workloads=tuple(spec.workloads),
            config=config_to_json(spec.sim_config()),
            quick=True,
            expected={w: tuple(v) for w, v in expected_columns(refs).items()},
            random_seed=0,
            random_budget_s=args.random_budget,
        )
        started = time.perf_counter()
        result = run(job)
        wall = time.perf_counter() - started
        used = 0
        print(f"{spec.name} ({Path(path).name}): {wall:.1f} s for the whole job")
        per_module = {}
        for kind in KINDS:
            ev = result["modules"][kind]["evidence"]
            probes = ev["probes"]
            used += sum(n for src, n in probes.items() if src in ("grid", "spec"))
            used += ev["random"]["cases"]
            verdict = "within" if ev["seconds"] <= TARGET_S else "OVER"
            print(
                f"  {kind:12s} {ev['seconds']:5.2f} s  ({verdict} the {TARGET_S:g} s target): "
                + ", ".join(f"{n} {src}" for src, n in probes.items())
                + f", {ev['random']['cases']} random"
            )
            per_module[kind] = ev
        print(
            f"  workloads    {result['workload_seconds']:5.2f} s  (every column of "
            f"{', '.join(spec.workloads)} with every candidate's own output per layer)"
        )
        print(
            f"  reference outputs computed: {result['reference_outputs_computed']} for "
            f"{used} candidate checks ({used / max(1, result['reference_outputs_computed']):.1f}"
            " uses each)"
        )
        out.append(
            {
                "spec": path,
                "wall_s": round(wall, 3),
                "modules": per_module,
                "workload_seconds": result["workload_seconds"],
                "reference_outputs_computed": result["reference_outputs_computed"],
                "candidate_checks": used,
                "target_s": TARGET_S,
            }
        )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
