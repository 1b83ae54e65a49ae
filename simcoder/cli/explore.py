"""``simcoder explore``: multi-objective search over arrays, dataflows, SRAMs and bandwidth
(docs/explore.md)."""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from simcoder.simulator.errors import UserError


def _ints(flag: str, text: str) -> tuple[int, ...]:
    from simcoder.sweep import parse_ints

    return tuple(sorted(set(parse_ints(flag, text))))


def _weighted(item: str) -> tuple[str, float]:
    """``NETWORK[:WEIGHT]``; a model string's own colon (``torchvision:resnet50``) is kept."""
    name, sep, weight = item.rpartition(":")
    if not sep:
        return item, 1.0
    try:
        return name, float(weight)
    except ValueError:
        if weight.replace(".", "").isdigit() or weight.startswith("-"):
            raise UserError(
                f"-t: {item!r}: write NETWORK or NETWORK:WEIGHT, e.g. resnet50:2"
            ) from None
        return item, 1.0  # the colon is the model string's (torchvision:NAME, file.py:factory)


def _networks(text: str) -> tuple[Any, ...]:
    from simcoder.api import is_gemm_workload, resolve_layers
    from simcoder.explore.evaluate import Network
    from simcoder.workloads.builtin import split_workloads

    nets = []
    for item in split_workloads(text):
        name, w = _weighted(item)
        if not name or not math.isfinite(w) or w <= 0:
            raise UserError(f"-t: {item!r}: name a network and a positive weight")
        layers = resolve_layers(name, is_gemm_workload(name))
        nets.append(Network(name, tuple(layers), w))
    return tuple(nets)


def cmd_explore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simcoder.api import resolve_table
    from simcoder.explore.evaluate import parse_objectives
    from simcoder.explore.output import pareto_set, write_csv, write_html
    from simcoder.explore.space import Constraints, Space
    from simcoder.explore.study import Problem, search

    dataflows = tuple(sorted({d.strip().lower() for d in args.dataflow.split(",")}))
    for df in dataflows:
        if df not in ("os", "ws", "is"):
            raise UserError(f"--dataflow: {df!r}: choose os, ws or is")
    space = Space(
        _ints("--rows", args.rows), _ints("--cols", args.cols), dataflows,
        _ints("--ifmap-sram", args.ifmap_sram or args.sram),
        _ints("--filter-sram", args.filter_sram or args.sram),
        _ints("--ofmap-sram", args.ofmap_sram or args.sram),
        _ints("--bandwidth", args.bandwidth), args.mode.upper(),
    )  # fmt: skip
    for flag, v in (("--max-area", args.max_area), ("--max-sram", args.max_sram),
                    ("--max-pes", args.max_pes)):  # fmt: skip
        if v is not None and v <= 0:
            raise UserError(f"{flag}: {v}: give a positive limit")
    problem = Problem(
        _networks(args.topology), space,
        Constraints(args.max_area, args.max_sram, args.max_pes),
        parse_objectives(args.objectives), resolve_table(args.energy_table),
    )  # fmt: skip
    outdir = Path(args.outdir)
    tty = sys.stderr.isatty()

    def progress(i: int, n: int, seconds: float) -> None:
        if tty or i == n or i % max(1, n // 10) == 0:
            bar = "#" * (30 * i // n) + "." * (30 - 30 * i // n)
            print(f"\r  [{bar}] {i}/{n} designs, {seconds:.1f} s "
                  f"({i / max(seconds, 1e-9):.2f} designs/s)",
                  end="\n" if i == n or not tty else "", file=sys.stderr, flush=True)  # fmt: skip

    started = time.perf_counter()
    recs = search(problem, outdir, args.trials, args.sampler, args.seed, args.jobs, progress)
    seconds = time.perf_counter() - started
    front = pareto_set(recs, problem.objectives)
    write_csv(front, outdir / "pareto.csv")
    failed = sum(1 for r in recs if r.evaluation is None)
    notes = (
        f"Networks: **{md(args.topology)}**; objectives **{', '.join(problem.objectives)}** "
        f"(minimised); sampler **{args.sampler}**; {len(recs)} designs simulated of "
        f"{space.size():,} in the space ({failed} without numbers); {len(front)} on the Pareto "
        f"front. Bandwidth mode {space.mode}; energy and area from "
        f"{md(problem.table.source)} at {problem.table.node} (docs/energy.md). Study "
        f"`{problem.key()}` in study.db (resumable). This session: {seconds:.1f} s."
    )
    write_html(recs, front, problem.objectives, outdir / "explore.html", notes)
    print(
        f"{len(recs)} designs simulated ({failed} without numbers), {len(front)} on the Pareto "
        f"front; {seconds:.1f} s; wrote {outdir / 'pareto.csv'} and {outdir / 'explore.html'}"
    )
    return 0


def md(text: str) -> str:
    from simcoder.pages import md_escape

    return md_escape(text)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = sub.add_parser(
        "explore", help="multi-objective design search (Optuna): Pareto set of cycles, energy, "
        "EDP, area"
    )  # fmt: skip
    e.add_argument("-t", "--topology", required=True,
                   help="NETWORK[:WEIGHT],... built-in workloads or topology CSVs")  # fmt: skip
    e.add_argument("--objectives", default="cycles,energy", help="two to four of cycles, energy, "
                   "edp, area (default cycles,energy)")  # fmt: skip
    e.add_argument("--trials", type=int, default=100, help="designs to simulate (default 100)")
    e.add_argument("-o", "--outdir", default="explore", help="pareto.csv, explore.html, study.db")
    e.add_argument("--rows", default="8,16,32,64,128", help="array rows to choose from")
    e.add_argument("--cols", default="8,16,32,64,128", help="array columns to choose from")
    e.add_argument("--dataflow", default="os,ws,is")
    e.add_argument("--sram", default="16,32,64,128,256", help="kB choices for every SRAM")
    e.add_argument("--ifmap-sram", help="kB choices for the ifmap SRAM (default --sram)")
    e.add_argument("--filter-sram", help="kB choices for the filter SRAM (default --sram)")
    e.add_argument("--ofmap-sram", help="kB choices for the ofmap SRAM (default --sram)")
    e.add_argument("--mode", default="calc", choices=["calc", "user"], help="bandwidth mode")
    e.add_argument("--bandwidth", default="10", help="words/cycle choices (USER mode)")
    e.add_argument("--max-area", type=float, metavar="MM2", help="constraint: area <= MM2")
    e.add_argument("--max-sram", type=int, metavar="KB", help="constraint: total SRAM <= KB")
    e.add_argument("--max-pes", type=int, metavar="N", help="constraint: rows x cols <= N")
    e.add_argument("--sampler", default="tpe", help="tpe (default), nsga2 or random")
    e.add_argument("--seed", type=int, help="the sampler's seed")
    e.add_argument("--jobs", type=int, default=1, help="processes sharing the study")
    e.add_argument("--energy-table", metavar="FILE", help="YAML energy/area table")
    e.set_defaults(func=cmd_explore)
