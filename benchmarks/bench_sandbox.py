"""The sandbox's own overhead: start to result, per backend, median of repeated runs.

    .venv/bin/python benchmarks/bench_sandbox.py [--repeats 10] [--backends local,bwrap,docker]

Two jobs per backend: `python3 -c pass` (the bare cost of a contained process) and the
in-sandbox runner with no candidate and no workload (import numpy and the simulator core, write
and validate result.json), which is the fixed cost the executor pays per round.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from simcoder.sandbox.jobs import prepare_job
from simcoder.sandbox.registry import get_sandbox
from simcoder.sandbox.types import ExecStatus, Job, Limits


def measure(backend: str, job: Job, repeats: int) -> tuple[float, float]:
    sandbox = get_sandbox(backend)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = sandbox.run(job)
        times.append(time.perf_counter() - start)
        if result.status is not ExecStatus.OK:
            raise SystemExit(f"{backend}: {result.status.value}: {result.stderr[-500:]}")
    return statistics.median(times), statistics.pstdev(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--backends", default="local,bwrap,docker")
    args = p.parse_args()
    print("backend | job | median s | stdev s")
    print("--- | --- | --- | ---")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Job(Path(tmp), ("python3", "-c", "pass"), Limits(timeout_s=60))
        runner = prepare_job(Path(tmp) / "runner", {}, checks=False)
        for backend in args.backends.split(","):
            for label, job in (("python3 -c pass", bare), ("runner, no work", runner)):
                med, dev = measure(backend, job, args.repeats)
                print(f"{backend} | {label} | {med:.3f} | {dev:.3f}")


if __name__ == "__main__":
    main()
