"""simcoder against SCALE-Sim 3.0.0, measured in the same run on the same inputs.

    bash scripts/setup_scalesim.sh      # SCALE-Sim 3.0.0 in .venv-scalesim (numpy 2.3.x)
    .venv/bin/python benchmarks/bench_vs_scalesim.py [--networks alexnet,AlphaGoZero,...]
        [--repeats 5] [--scalesim-repeats 1] [--json out.json]

Every measured call is cold: a fresh child process that writes all three reports (SCALE-Sim
with save_disk_space=True, so no per-cycle traces). Reported per network: the median
in-process time of each tool (wall and CPU), the whole-process wall time, the child's peak RSS
(max RSS from wait4), and the ratios. The reports of both tools are compared field by field.
simcoder's compute-only summary (cycles and utilization) is timed against the same SCALE-Sim
runs, since SCALE-Sim cannot compute less than everything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "reference" / "scalesim"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

GEMM = {"NCF", "gpt2", "transformer_partial"}


@dataclass
class Run:
    wall_s: float  # in-process
    cpu_s: float
    process_s: float  # whole process, wall
    max_rss_mb: float
    warm_s: float = 0.0  # simcoder only: the same call again in the same process


def write_cfg(path: Path, preset: str) -> None:
    from make_golden import PRESETS, case_cfg  # the same SCALE-Sim 3.0.0 .cfg as the golden data

    path.write_text(case_cfg(PRESETS[preset], run_name="bench"))


def clean_topology(src: Path, dst: Path, gemm: bool) -> None:
    """SCALE-Sim trips over extra columns and all-comma rows in its own files: give both tools
    the same clean copy."""
    lines = src.read_text().splitlines()
    width = 4 if gemm else 8
    rows = [lines[0]]
    for line in lines[1:]:
        fields = [f.strip() for f in line.split(",")]
        if any(fields):
            rows.append(", ".join(fields[:width]) + ",")
    dst.write_text("\n".join(rows) + "\n")


def run_child(cmd: list[str]) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    data = json.loads(out.strip().splitlines()[-1])
    return Run(
        data["wall_s"], data["cpu_s"], elapsed, usage.ru_maxrss / 1024, data.get("warm_s", 0.0)
    )


def median_run(runs: list[Run]) -> Run:
    return Run(
        *(
            statistics.median(getattr(r, f) for r in runs)
            for f in ("wall_s", "cpu_s", "process_s", "max_rss_mb", "warm_s")
        )
    )


def compare_reports(ours: Path, theirs: Path) -> list[str]:
    from golden_support import same_value

    diffs = []
    for name in ("COMPUTE_REPORT", "BANDWIDTH_REPORT", "DETAILED_ACCESS_REPORT"):
        a = (ours / f"{name}.csv").read_text().splitlines()
        b = (theirs / f"{name}.csv").read_text().splitlines()
        if len(a) != len(b):
            diffs.append(f"{name}: {len(a)} vs {len(b)} lines")
            continue
        for la, lb in zip(a[1:], b[1:], strict=True):
            for x, y in zip(la.split(","), lb.split(","), strict=True):
                if not same_value(y.strip(), x.strip()):
                    diffs.append(f"{name}: {la} != {lb}")
                    break
    return diffs


def bench(network: str, preset: str, args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    gemm = network in GEMM
    cfg, topo = tmp / f"{preset}.cfg", tmp / f"{network}.csv"
    write_cfg(cfg, preset)
    clean_topology(SHARED / "topologies" / f"{network}.csv", topo, gemm)
    layout = str(SHARED / "configs" / "v3" / "layout_test.csv")
    flag = "gemm" if gemm else "conv"
    ours_dir, theirs_dir = tmp / f"ours-{network}-{preset}", tmp / f"theirs-{network}-{preset}"
    py = sys.executable
    ss = [
        run_child(
            [
                args.scalesim_python,
                str(ROOT / "agents" / "scalesim_driver.py"),
                str(cfg),
                str(topo),
                layout,
                str(theirs_dir),
                flag,
            ]
        )
        for _ in range(args.scalesim_repeats)
    ]

    def ours(mode: str) -> list[Run]:
        driver = str(ROOT / "benchmarks" / "simcoder_driver.py")
        cmd = [py, driver, str(cfg), str(topo), str(ours_dir), flag, mode]
        return [run_child(cmd) for _ in range(args.repeats)]

    full = ours("full")
    result: dict[str, object] = {
        "network": network,
        "config": preset,
        "scalesim": vars(median_run(ss)),
        "simcoder": vars(median_run(full)),
        "equal_reports": not compare_reports(ours_dir, theirs_dir / "bench"),
    }
    from make_golden import PRESETS

    if PRESETS[preset].get("mode", "CALC") == "CALC":
        quick = ours("compute-only")
        result["simcoder_compute_only"] = vars(median_run(quick))
    return result


def print_table(results: list[dict[str, object]]) -> None:
    head = (
        "network",
        "config",
        "SCALE-Sim s",
        "simcoder s",
        "in-process x",
        "CPU x",
        "whole-process x",
        "compute-only x",
        "warm x",
        "compute-only warm x",
        "SCALE-Sim MB",
        "simcoder MB",
        "memory x",
        "equal",
    )
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for r in results:
        s, o = r["scalesim"], r["simcoder"]
        assert isinstance(s, dict) and isinstance(o, dict)
        q = r.get("simcoder_compute_only")
        quick = f"{s['wall_s'] / q['wall_s']:.0f}" if isinstance(q, dict) else "-"
        warm = f"{s['wall_s'] / o['warm_s']:.0f}" if o.get("warm_s") else "-"
        quick_warm = (
            f"{s['wall_s'] / q['warm_s']:.0f}" if isinstance(q, dict) and q.get("warm_s") else "-"
        )
        print(
            " | ".join(
                [
                    str(r["network"]),
                    str(r["config"]),
                    f"{s['wall_s']:.1f}",
                    f"{o['wall_s']:.3f}",
                    f"{s['wall_s'] / o['wall_s']:.0f}",
                    f"{s['cpu_s'] / o['cpu_s']:.0f}",
                    f"{s['process_s'] / o['process_s']:.0f}",
                    quick,
                    warm,
                    quick_warm,
                    f"{s['max_rss_mb']:.0f}",
                    f"{o['max_rss_mb']:.0f}",
                    f"{s['max_rss_mb'] / o['max_rss_mb']:.1f}",
                    "yes" if r["equal_reports"] else "NO",
                ]
            )
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--networks", default="alexnet,AlphaGoZero,yolo_tiny,Resnet50")
    p.add_argument(
        "--user-networks",
        default="AlphaGoZero",
        help="networks also run in USER mode (paper-user config)",
    )
    p.add_argument("--repeats", type=int, default=5, help="simcoder runs per network")
    p.add_argument(
        "--scalesim-repeats", type=int, default=1, help="SCALE-Sim runs per network (minutes each)"
    )
    p.add_argument("--scalesim-python", default=str(ROOT / ".venv-scalesim" / "bin" / "python"))
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()
    jobs = [(n, "paper") for n in args.networks.split(",") if n]
    jobs += [(n, "paper-user") for n in args.user_networks.split(",") if n]
    # Build (or find) the compiled kernels first, so no measured run pays for the compiler.
    kind = subprocess.run(
        [
            sys.executable,
            "-c",
            "from simcoder.simulator.fast.compiled import kernels as k\nprint(k().__name__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"simcoder kernels: {kind}", file=sys.stderr, flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for network, preset in jobs:
            print(f"... {network} ({preset})", file=sys.stderr, flush=True)
            results.append({**bench(network, preset, args, Path(tmp)), "kernels": kind})
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=2))
    print_table(results)


if __name__ == "__main__":
    main()
