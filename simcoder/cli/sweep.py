"""``simcoder sweep``."""

from __future__ import annotations

import argparse
import sys
import time


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
    table = None
    if not args.no_energy:
        from simcoder.api import resolve_table

        table = resolve_table(args.energy_table)
    elif args.energy_table:
        from simcoder.simulator.errors import UserError

        raise UserError("--energy-table and --no-energy contradict each other; drop one")
    access = args.access or needs_access(points) or table is not None
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
    rows = run_sweep(
        layers, points, jobs=args.jobs, access=access, progress=progress, energy_table=table
    )
    seconds = time.perf_counter() - started
    write_csv(rows, outdir / "sweep.csv")
    source = None if table is None else table.source
    write_html(rows, outdir / "sweep.html", args.topology, seconds, access, source)
    failed = sum(1 for r in rows if r["error"])
    print(
        f"{len(rows)} points in {seconds:.1f} s"
        + (f" ({failed} without numbers: SCALE-Sim fails there)" if failed else "")
        + f"; wrote {outdir / 'sweep.csv'} and {outdir / 'sweep.html'}"
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    sw.add_argument(
        "--energy-table",
        metavar="FILE",
        help="YAML energy/area table for the energy, EDP and area columns (default: Accelergy "
        "40 nm; docs/energy.md)",
    )
    sw.add_argument(
        "--no-energy",
        action="store_true",
        help="no energy, EDP or area columns: an array/dataflow sweep in CALC mode then skips "
        "the DRAM walk (about 4x faster)",
    )
    sw.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    sw.add_argument("-o", "--outdir", default="sweep", help="where sweep.csv and sweep.html go")
    sw.set_defaults(func=cmd_sweep)
