"""The README's main job, timed: `simcoder generate` on a built-in example, offline.

    .venv/bin/python benchmarks/bench_generate.py [--repeats 3] [--sandbox docker]

Needs the sandbox image (`simcoder sandbox build`). Prints each run's wall time and status, and
the median; the workflow must finish accepted with 0.00% cycle error.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--sandbox", default="docker")
    args = p.parse_args()
    times = []
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            r = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "simcoder",
                    "generate",
                    "--spec",
                    str(ROOT / "examples" / "paper-os.yaml"),
                    "--sandbox",
                    args.sandbox,
                    "-o",
                    str(Path(tmp) / "run"),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            elapsed = time.perf_counter() - start
            report = (Path(tmp) / "run" / "report.md").read_text()
            ok = r.returncode == 0 and "Total cycle error: 0.00%" in report
            print(f"run {i + 1}: {elapsed:.1f} s, {'accepted, 0.00% error' if ok else 'FAILED'}")
            if not ok:
                raise SystemExit(r.stderr[-2000:])
            times.append(elapsed)
    print(
        f"median {statistics.median(times):.1f} s over {len(times)} runs "
        f"({args.sandbox} sandbox, library coder, alphago_zero + ncf)"
    )


if __name__ == "__main__":
    main()
