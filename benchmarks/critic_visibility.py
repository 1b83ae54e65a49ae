"""Which seeded bugs of a critic suite are visible on a spec's own workloads at its configuration:
per bug, the layers on which some report column differs from the reference. A bug that no layer
shows is wrong only on configurations the user did not ask for; docs/critic.md reports the
critic's misses against this.

    .venv/bin/python benchmarks/critic_visibility.py --suite tests/critic_suite_cfg \
        --json benchmarks/results/critic_visibility_cfg.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from simcoder.agents.spec import read_spec
from simcoder.evals.critic_study import load_suite
from simcoder.simulator.engine import Modules, simulate_network
from simcoder.simulator.equality import same_number
from simcoder.simulator.registry import load_module
from simcoder.simulator.report import FIELD_COLUMNS
from simcoder.workloads.builtin import get_workload

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--suite", required=True)
    p.add_argument("--spec", default=str(ROOT / "examples" / "paper-os.yaml"))
    p.add_argument("--json")
    args = p.parse_args()
    spec = read_spec(args.spec)
    config = spec.sim_config()
    reference = Modules.load()
    want = {w: simulate_network(get_workload(w), config).layers for w in spec.workloads}
    out = {}
    for entry in load_suite(Path(args.suite)):
        if not entry.buggy:
            continue
        module = load_module(entry.module, f"{entry.path}:Module")
        modules = dataclasses.replace(reference, **{entry.module: module})
        layers: dict[str, int] = {}
        for w in spec.workloads:
            try:
                got = simulate_network(get_workload(w), config, modules, fast=False).layers
            except Exception as exc:  # a crash on the user's workload is visible too
                layers[w] = -1
                print(f"{entry.label}: {w} raised {type(exc).__name__}", file=sys.stderr)
                continue
            layers[w] = sum(
                any(not same_number(getattr(a, c), getattr(b, c)) for c in FIELD_COLUMNS)
                for a, b in zip(want[w], got, strict=True)
            )
        out[entry.label] = layers
        print(f"{entry.label}: " + ", ".join(f"{w} {n}" for w, n in layers.items()), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"spec": args.spec, "visible": out}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
