"""Time a 1,000-point design-space sweep: resnet50's cycles and utilization over array shapes
and dataflows (CALC mode, compute-only path), on all cores.

    .venv/bin/python benchmarks/bench_sweep.py [--jobs N] [--json out.json]
    .venv/bin/python benchmarks/bench_sweep.py --scalesim   # also time SCALE-Sim on one point

SCALE-Sim on one resnet50 point takes ~20-25 min here, so ``--scalesim`` times it on a single
point (32x32 OS, in its own virtualenv) and prints the sweep's ratio against that point times
the number of points — an estimate, labelled as one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from simcoder.api import resolve_layers
from simcoder.sweep import grid, run_sweep

ROOT = Path(__file__).resolve().parents[1]
SIZES = [16, 20, 24, 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512]


def scalesim_one_point(python: str) -> float:
    from simcoder.agents.scalesim_live import run_driver, scalesim_inputs, topology_text
    from simcoder.simulator.compat.scalesim_cfg import cfg_for
    from simcoder.simulator.types import ArrayConfig, Dataflow, MemoryConfig, SimConfig

    config = SimConfig(ArrayConfig(32, 32, Dataflow.OUTPUT_STATIONARY), MemoryConfig(64, 64, 64))
    with scalesim_inputs(cfg_for(config), topology_text(resolve_layers("resnet50"))) as files:
        start = time.perf_counter()
        run_driver(python, files, check=True)
        return time.perf_counter() - start


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=os.cpu_count())
    p.add_argument("--json")
    p.add_argument("--scalesim", action="store_true")
    p.add_argument("--scalesim-python", default=str(ROOT / ".venv-scalesim" / "bin" / "python"))
    args = p.parse_args()
    layers = resolve_layers("resnet50")
    points = grid([(r, c) for r in SIZES for c in SIZES], ["os", "ws", "is"], [(64, 64, 64)],
                  "CALC", [10])  # fmt: skip
    start = time.perf_counter()
    rows = run_sweep(layers, points, jobs=args.jobs, access=False)
    seconds = time.perf_counter() - start
    failed = sum(1 for r in rows if r["error"])
    result: dict[str, object] = {
        "workload": "resnet50",
        "points": len(points),
        "jobs": args.jobs,
        "seconds": round(seconds, 2),
        "points_per_s": round(len(points) / seconds, 1),
        "without_numbers": failed,
        "target_s": 60,
    }
    print(
        f"resnet50: {len(points)} points (arrays {SIZES[0]}..{SIZES[-1]} squared x os/ws/is, "
        f"CALC) on {args.jobs} processes in {seconds:.1f} s "
        f"({len(points) / seconds:.1f} points/s); target under 60 s: "
        f"{'met' if seconds < 60 else 'NOT met'}"
    )
    if args.scalesim:
        # the same point on both, one process each: a measured ratio, not an estimate
        mine = grid([(32, 32)], ["os"], [(64, 64, 64)], "CALC", [10])
        start = time.perf_counter()
        (row,) = run_sweep(layers, mine, jobs=1, access=False)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        (full,) = run_sweep(layers, mine, jobs=1, access=True)
        ours_full = time.perf_counter() - start
        assert full["total_cycles"] == row["total_cycles"], "access walk changed the cycles"
        one = scalesim_one_point(args.scalesim_python)
        result["simcoder_one_point_s"] = round(ours, 3)
        result["simcoder_one_point_with_access_s"] = round(ours_full, 3)
        result["simcoder_one_point_cycles"] = row["total_cycles"]
        result["scalesim_one_point_s"] = round(one, 1)
        result["one_point_ratio"] = round(one / ours)
        result["one_point_ratio_with_access"] = round(one / ours_full)
        result["estimated_ratio"] = round(one * len(points) / seconds)
        print(
            f"one point (32x32 OS, one process each, {row['total_cycles']:,} cycles): simcoder "
            f"{ours:.3f} s (cycles only), {ours_full:.3f} s (with DRAM access reports); "
            f"SCALE-Sim 3.0.0 {one:.1f} s (always computes both): {one / ours:,.0f}x and "
            f"{one / ours_full:,.0f}x (measured)"
        )
        print(
            f"the sweep would take SCALE-Sim ~{one * len(points) / 3600:.0f} h (estimate: "
            f"that point x {len(points)}), {one * len(points) / seconds:,.0f}x the sweep's time"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
