"""``simcoder bench accuracy | runtime``."""

from __future__ import annotations

import argparse
import sys


def cmd_bench_accuracy(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.bench import PAPER_NETWORKS, accuracy, accuracy_markdown, write_accuracy
    from simcoder.workloads.builtin import split_workloads

    run_dir = Path(args.run_dir)
    networks = split_workloads(args.networks) if args.networks else PAPER_NETWORKS
    print(
        f"running {run_dir / 'simulator'} on {len(networks)} network(s) in the sandbox ...",
        file=sys.stderr,
        flush=True,
    )
    result = accuracy(run_dir, networks, args.sandbox)
    paths = write_accuracy(result, Path(args.outdir) if args.outdir else run_dir / "bench")
    print(accuracy_markdown(result))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if all(r["cycle_error_pct"] == 0 for r in result["networks"]) else 1


def cmd_bench_runtime(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.bench import QUICK_NETWORK, runtime, runtime_markdown, write_runtime
    from simcoder.workloads.builtin import split_workloads

    run_dir = Path(args.run_dir)
    networks = [QUICK_NETWORK] if args.quick else split_workloads(args.networks)
    result = runtime(run_dir, networks, args.repeats, args.scalesim_repeats, args.sandbox)
    paths = write_runtime(result, Path(args.outdir) if args.outdir else run_dir / "bench")
    print(runtime_markdown(result))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser("bench", help="the paper's tables for a generated simulator")
    bsub = b.add_subparsers(dest="bench", required=True)
    ba = bsub.add_parser(
        "accuracy",
        help="cycle error per network vs SCALE-Sim 3.0.0's golden numbers (paper preset)",
    )
    ba.add_argument("run_dir", help="a run directory written by `simcoder generate`")
    ba.add_argument("--networks", help="comma-separated workloads (default: the paper's nine)")
    ba.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    ba.add_argument("-o", "--outdir", help="default RUN_DIR/bench")
    ba.set_defaults(func=cmd_bench_accuracy)
    br = bsub.add_parser(
        "runtime", help="the generated simulator's runtime vs SCALE-Sim 3.0.0 (paper preset)"
    )
    br.add_argument("run_dir")
    br.add_argument("--networks", default="alphago_zero,ncf")
    br.add_argument(
        "--quick", action="store_true", help="one small topology (2 AlphaGo Zero layers)"
    )
    br.add_argument("--repeats", type=int, default=3, help="runs of the generated simulator")
    br.add_argument("--scalesim-repeats", type=int, default=1, help="SCALE-Sim runs (cached)")
    br.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    br.add_argument("-o", "--outdir", help="default RUN_DIR/bench")
    br.set_defaults(func=cmd_bench_runtime)
