"""The ``simcoder`` command line. The simulator commands import nothing from the agent stack."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any

from simcoder import __version__


class UserError(Exception):
    """A mistake in what the user gave us: printed as one line, exit status 2."""


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    line = "  ".join(
        h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    out += [
        "  ".join(
            c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    return "\n".join(out)


def cmd_simulate(args: argparse.Namespace) -> int:
    from simcoder.api import is_gemm_workload, simulate

    gemm = args.gemm or is_gemm_workload(args.topology)
    if args.compute_only:
        return _compute_only(args, gemm)
    started = time.perf_counter()
    show_progress = sys.stderr.isatty() and not args.json

    def progress(i: int, n: int, layer: Any) -> None:
        if show_progress:
            print(f"\r[{i + 1}/{n}] {layer.name[:40]:<40}", end="", file=sys.stderr, flush=True)

    config: Any = args.config
    if args.compat == "corrected":
        import dataclasses

        from simcoder.api import resolve_config

        config = resolve_config(args.config)
        memory = dataclasses.replace(config.memory, corrected=True)
        config = dataclasses.replace(config, memory=memory)
    report = simulate(config, args.topology, gemm=gemm, outdir=args.outdir, progress=progress)
    if show_progress:
        print("\r" + " " * 50 + "\r", end="", file=sys.stderr)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(report_json(report, seconds), indent=2))
        return 0
    rows = [
        [
            r.layer.name,
            f"{r.total_cycles}",
            f"{r.stall_cycles}",
            f"{r.overall_util_pct:.2f}",
            f"{r.mapping_efficiency_pct:.2f}",
            f"{r.compute_util_pct:.2f}",
            f"{r.ifmap_dram_reads + r.filter_dram_reads}",
            f"{r.ofmap_dram_writes}",
        ]
        for r in report.layers
    ]
    print(
        _table(
            rows,
            [
                "layer",
                "cycles",
                "stalls",
                "util %",
                "map eff %",
                "compute util %",
                "DRAM reads",
                "DRAM writes",
            ],
        )
    )
    a = report.config.array
    print(
        f"\n{len(report.layers)} layers, {report.total_cycles} cycles "
        f"({report.total_stall_cycles} stalls), {report.total_macs} MACs on a "
        f"{a.rows}x{a.cols} {a.dataflow.value.upper()} array, "
        f"{report.config.memory.bandwidth_mode.value} bandwidth"
        + (", corrected (not SCALE-Sim)" if report.config.memory.corrected else "")
        + f"; simulated in {seconds:.2f} s"
    )
    if args.outdir:
        print(
            f"reports written to {args.outdir}/ (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, "
            "DETAILED_ACCESS_REPORT.csv)"
        )
    return 0


def _compute_only(args: argparse.Namespace, gemm: bool) -> int:
    from simcoder.api import compute_summary

    if args.outdir:
        raise UserError(
            "--compute-only writes no report files (SCALE-Sim's compute report "
            "needs the DRAM windows); drop -o or --compute-only"
        )
    started = time.perf_counter()
    rows = compute_summary(args.config, args.topology, gemm=gemm)
    seconds = time.perf_counter() - started
    if args.json:
        print(
            json.dumps(
                {
                    "total_cycles": sum(r.total_cycles for r in rows),
                    "seconds": round(seconds, 4),
                    "layers": [
                        {
                            "name": r.layer.name,
                            "total_cycles": r.total_cycles,
                            "stall_cycles": r.stall_cycles,
                            "overall_util_pct": r.overall_util_pct,
                            "mapping_efficiency_pct": r.mapping_efficiency_pct,
                            "compute_util_pct": r.compute_util_pct,
                        }
                        for r in rows
                    ],
                },
                indent=2,
            )
        )
        return 0
    table = [
        [
            r.layer.name,
            str(r.total_cycles),
            str(r.stall_cycles),
            f"{r.overall_util_pct:.2f}",
            f"{r.mapping_efficiency_pct:.2f}",
            f"{r.compute_util_pct:.2f}",
        ]
        for r in rows
    ]
    print(_table(table, ["layer", "cycles", "stalls", "util %", "map eff %", "compute util %"]))
    print(
        f"\n{len(rows)} layers, {sum(r.total_cycles for r in rows)} cycles; computed in "
        f"{seconds:.3f} s"
    )
    return 0


def report_json(report: Any, seconds: float) -> dict[str, Any]:
    from simcoder.simulator.compat.reports import (
        bandwidth_row,
        compute_row,
        detail_row,
    )

    layers = []
    for r in report.layers:
        layers.append(
            {
                "name": r.layer.name,
                "compute": compute_row(r),
                "bandwidth": bandwidth_row(r),
                "detail": detail_row(r),
            }
        )
    return {
        "total_cycles": report.total_cycles,
        "stall_cycles": report.total_stall_cycles,
        "macs": report.total_macs,
        "seconds": round(seconds, 4),
        "layers": layers,
    }


def cmd_workloads(args: argparse.Namespace) -> int:
    from simcoder.workloads.builtin import (
        GEMM_WORKLOADS,
        SCALESIM_FILES,
        WORKLOADS,
    )

    rows = []
    for name, fn in sorted(WORKLOADS.items()):
        layers = fn()
        rows.append(
            [
                name,
                "gemm" if name in GEMM_WORKLOADS else "conv",
                str(len(layers)),
                f"{sum(x.macs for x in layers):,}",
                SCALESIM_FILES[name] + ".csv",
            ]
        )
    print(_table(rows, ["workload", "kind", "layers", "MACs", "SCALE-Sim file"]))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from simcoder.simulator.checks.cli import run_checks

    return run_checks(args.modules, quick=args.quick, as_json=args.json)


def cmd_sweep(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.api import is_gemm_workload, resolve_layers
    from simcoder.sweep import (
        grid,
        needs_access,
        parse_arrays,
        parse_ints,
        parse_srams,
        run_sweep,
        write_csv,
        write_html,
    )

    gemm = args.gemm or is_gemm_workload(args.topology)
    layers = resolve_layers(args.topology, gemm)
    points = grid(
        parse_arrays(args.array),
        [d.strip().lower() for d in args.dataflow.split(",")],
        parse_srams(args.sram),
        args.mode.upper(),
        parse_ints("--bandwidth", args.bandwidth),
        [c.strip().lower() for c in args.compat.split(",")],
    )
    access = args.access or needs_access(points)
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    tty = sys.stderr.isatty()

    def progress(i: int, n: int, seconds: float) -> None:
        if tty or i == n or i % max(1, n // 10) == 0:
            end = "\n" if i == n or not tty else ""
            print(
                f"\r  {i}/{n} points, {seconds:.1f} s ({i / max(seconds, 1e-9):.1f} points/s)",
                end=end,
                file=sys.stderr,
                flush=True,
            )

    started = time.perf_counter()
    rows = run_sweep(layers, points, jobs=args.jobs, access=access, progress=progress)
    seconds = time.perf_counter() - started
    write_csv(rows, outdir / "sweep.csv")
    write_html(rows, outdir / "sweep.html", args.topology, seconds, access)
    failed = sum(1 for r in rows if r["error"])
    print(
        f"{len(rows)} points in {seconds:.1f} s"
        + (f" ({failed} without numbers: SCALE-Sim fails there)" if failed else "")
        + f"; wrote {outdir / 'sweep.csv'} and {outdir / 'sweep.html'}"
    )
    return 0


def cmd_bench_accuracy(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.bench import PAPER_NETWORKS, accuracy, accuracy_markdown, write_accuracy

    run_dir = Path(args.run_dir)
    networks = args.networks.split(",") if args.networks else PAPER_NETWORKS
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

    run_dir = Path(args.run_dir)
    networks = [QUICK_NETWORK] if args.quick else args.networks.split(",")
    result = runtime(run_dir, networks, args.repeats, args.scalesim_repeats, args.sandbox)
    paths = write_runtime(result, Path(args.outdir) if args.outdir else run_dir / "bench")
    print(runtime_markdown(result))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.evals import harness, report
    from simcoder.evals.tasks import TASKS, select

    if args.list:
        for t in TASKS:
            print(f"{t.id:32} {' '.join(t.tags)}")
        print(f"{len(TASKS)} tasks; `simcoder eval --show ID` prints one task's description")
        return 0
    if args.show:
        from simcoder.evals.tasks import BY_ID

        if args.show not in BY_ID:
            raise UserError(f"--show {args.show!r}: no such task; see `simcoder eval --list`")
        task = BY_ID[args.show]
        print(f"{task.id}\n\n{task.description}\n\nreference: {task.reference}")
        for h in task.hand:
            print(
                f"hand-worked ({h.layer.name}, {h.rows}x{h.cols}, {h.kib}): {h.expected} - {h.why}"
            )
        return 0
    try:
        tasks = select(args.tasks)

        def model(spec: str) -> tuple[object, str | None]:
            """PROVIDER:MODEL, or PROVIDER:MODEL@URL for a model on its own endpoint."""
            from simcoder.graph.cli import make_model

            name, _, url = spec.partition("@")
            endpoint = url or args.base_url
            # never a cached answer: n samples of one prompt must be n model calls
            chat = make_model(name, endpoint, temperature=args.temperature, cache=False)
            return chat, endpoint

        models = harness.parse_models(args.models, model)
        strategies = harness.parse_strategies(args.strategies)
        ks = harness.parse_ks(args.k)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    out = Path(args.outdir)

    def progress(i: int, n: int, rec: dict[str, object] | str) -> None:
        what = (
            f"undecided, retried on the next run: {rec}"
            if isinstance(rec, str)
            else (
                f"{rec['model']} {rec['strategy']} {rec['task']} #{rec['sample']}: "
                f"{rec['category']}"
            )
        )
        print(f"  [{i}/{n}] {what}", file=sys.stderr, flush=True)

    try:
        result = harness.run_eval(
            out,
            tasks,
            models,
            strategies,
            args.n,
            ks,
            args.sandbox,
            args.jobs,
            args.timeout,
            progress,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    paths = report.write(result, out)
    print(report.markdown(result))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if not result["undecided"] else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="simcoder",
        description=(
            "Cycle-accurate, SCALE-Sim 3.0.0-exact DNN accelerator simulation, and the tools to "
            "generate and verify simulators."
        ),
    )
    p.add_argument("--version", action="version", version=f"simcoder {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("simulate", help="simulate a network and write SCALE-Sim's reports")
    s.add_argument(
        "-c",
        "--config",
        required=True,
        help="SCALE-Sim .cfg file or preset (paper, paper-ws, paper-is, tpu-calc)",
    )
    s.add_argument(
        "-t",
        "--topology",
        required=True,
        help="SCALE-Sim topology CSV or built-in workload (see `simcoder workloads`)",
    )
    s.add_argument("--gemm", action="store_true", help="the topology file has M, N, K rows")
    s.add_argument(
        "--compat",
        default="scalesim",
        choices=["scalesim", "corrected"],
        help="corrected: SCALE-Sim 3.0.0's USER-mode stall quirks fixed (docs/scalesim-quirks.md)",
    )
    s.add_argument("-o", "--outdir", help="write the three report CSVs into this directory")
    s.add_argument("--json", action="store_true", help="print the results as JSON")
    s.add_argument(
        "--compute-only",
        action="store_true",
        help="cycles and utilization only, no DRAM walk (CALC mode; fastest)",
    )
    s.set_defaults(func=cmd_simulate)
    sw = sub.add_parser(
        "sweep", help="run a design space with the fast core: CSV and an HTML page of plots"
    )
    sw.add_argument("-t", "--topology", required=True, help="built-in workload or topology CSV")
    sw.add_argument("--gemm", action="store_true", help="the topology file has M, N, K rows")
    sw.add_argument("--array", default="32x32", help="ROWSxCOLS,... (default 32x32)")
    sw.add_argument("--dataflow", default="os,ws,is", help="os,ws,is (default all three)")
    sw.add_argument("--sram", default="64", help="kB for all three SRAMs, or I/F/O kB; comma list")
    sw.add_argument("--mode", default="calc", choices=["calc", "user"], help="bandwidth mode")
    sw.add_argument(
        "--bandwidth", default="10", help="words/cycle (USER: ofmap drain and read banks)"
    )
    sw.add_argument(
        "--compat",
        default="scalesim",
        help="scalesim (SCALE-Sim 3.0.0's numbers), corrected (its USER-mode stall quirks "
        "fixed), or both: scalesim,corrected",
    )
    sw.add_argument("--access", action="store_true", help="walk DRAM traffic even when not needed")
    sw.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    sw.add_argument("-o", "--outdir", default="sweep", help="where sweep.csv and sweep.html go")
    sw.set_defaults(func=cmd_sweep)
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
    e = sub.add_parser(
        "eval", help="Pass@k of module coders on the task suite (models x prompting strategies)"
    )
    e.add_argument(
        "--tasks",
        default="all",
        help="all, ids, globs (storage-*) or tags (os, user, variant, ...)",
    )
    e.add_argument(
        "--models",
        default="oracle,library",
        help="comma-separated: oracle, library, PROVIDER:MODEL or PROVIDER:MODEL@URL (any "
        "OpenAI-compatible endpoint)",
    )
    e.add_argument(
        "--strategies", default="zero-shot", help="zero-shot,icl,cot,icl+cot (models only)"
    )
    e.add_argument("-n", type=int, default=1, help="samples per task, model and strategy")
    e.add_argument("-k", default="1", help="Pass@k for these k (each <= n), e.g. 1,5")
    e.add_argument("-o", "--outdir", default="eval", help="results and samples (rerun to resume)")
    e.add_argument(
        "--jobs", type=int, default=2, help="samples in flight at once (model calls + sandbox)"
    )
    e.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap", "local"])
    e.add_argument("--timeout", type=float, default=120, help="seconds per sample's sandbox run")
    e.add_argument("--base-url", help="the endpoint of PROVIDER:MODEL models (else the provider's)")
    e.add_argument("--temperature", type=float, default=0.8, help="sampling temperature of models")
    e.add_argument("--list", action="store_true", help="list the tasks and their tags")
    e.add_argument(
        "--show", metavar="ID", help="print one task's description and hand-worked numbers"
    )
    e.set_defaults(func=cmd_eval)
    w = sub.add_parser("workloads", help="list the built-in workloads")
    w.set_defaults(func=cmd_workloads)
    c = sub.add_parser("check-modules", help="check simulator modules against the reference")
    c.add_argument(
        "modules",
        nargs="*",
        metavar="KIND=SPEC",
        help="e.g. mapping=path/file.py:MyMapping (default: the reference modules)",
    )
    c.add_argument("--quick", action="store_true", help="a smaller probe grid")
    c.add_argument("--json", action="store_true", help="print violations as JSON")
    c.set_defaults(func=cmd_check)
    from simcoder.sandbox.cli import add_parser as add_sandbox

    add_sandbox(sub)
    _add_agent_commands(sub)
    return p


def _add_agent_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """generate/resume/trace/check. Their module imports only the standard library at import
    time; the agent stack loads when one of them runs."""
    from simcoder.graph import cli as graph_cli

    graph_cli.add_parsers(sub)
    for action in sub.choices.values():
        func = action.get_default("func")
        if func is not None and func.__module__ == graph_cli.__name__:
            action.set_defaults(func=graph_cli.run_command, real_func=func)


def main(argv: Sequence[str] | None = None) -> int:
    from simcoder.sandbox.types import SandboxUnavailable
    from simcoder.simulator.compat import InputError
    from simcoder.simulator.registry import ModuleLoadError
    from simcoder.simulator.storage.read_buffer import ScaleSimFailure
    from simcoder.workloads.builtin import UnknownWorkload

    args = build_parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="`langchain-community` is being sunset")
        try:
            status = int(args.func(args))
        except (InputError, ModuleLoadError, ScaleSimFailure, UserError, SandboxUnavailable) as exc:
            print(f"simcoder: error: {exc}", file=sys.stderr)
            status = 2
        except UnknownWorkload as exc:
            print(f"simcoder: error: {exc.args[0]}", file=sys.stderr)
            status = 2
    for w in caught:
        print(f"simcoder: warning: {w.message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
