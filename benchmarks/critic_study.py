"""Measure the critic on the frozen suite of seeded bugs (tests/critic_suite/).

Runs every seeded bug and every correct-but-different module alone, then ``--combos`` cases
that replace all three modules at once, each through the real executor (sandbox) and critic,
and prints detection rate, blame accuracy, the confusion matrix and false alarms. With
``--json``/``--markdown`` it also writes them (docs/critic.md quotes the markdown).

    .venv/bin/python benchmarks/critic_study.py --sandbox bwrap \
        --json benchmarks/results/critic_study.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simcoder.agents.spec import read_spec
from simcoder.evals.critic_study import render_markdown, run_study

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--suite", default=str(ROOT / "tests" / "critic_suite"))
    p.add_argument("--spec", default=str(ROOT / "examples" / "paper-os.yaml"))
    p.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    p.add_argument("--combos", type=int, default=30, help="cases replacing all three modules")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--jobs", type=int, default=2, help="sandbox runs at a time")
    p.add_argument("--json", help="write the full results here")
    p.add_argument("--markdown", help="write the score tables here")
    args = p.parse_args()

    def progress(i: int, n: int, o: object) -> None:
        d = o.__dict__
        verdict = "accept" if d["accepted"] else f"reject, blame {d['blame']}"
        print(f"[{i}/{n}] {d['case']}: {verdict} ({d['seconds']} s)", file=sys.stderr, flush=True)

    result = run_study(
        Path(args.suite),
        read_spec(args.spec),
        args.sandbox,
        args.combos,
        args.seed,
        progress,
        jobs=args.jobs,
    )
    text = render_markdown(result)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
