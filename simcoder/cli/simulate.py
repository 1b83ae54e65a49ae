"""``simcoder simulate | workloads | probe``: the simulator core's commands. They import nothing
from the agent stack (no langchain), so they start fast."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from simcoder.cli.table import table
from simcoder.simulator.errors import UserError


def cmd_simulate(args: argparse.Namespace) -> int:
    from simcoder.api import is_gemm_workload, simulate

    gemm = args.gemm or is_gemm_workload(args.topology)
    if args.compute_only:
        if args.energy or args.energy_table:
            raise UserError(
                "--energy needs the DRAM counts, which --compute-only skips; drop one of them"
            )
        return _compute_only(args, gemm)
    energy_table = _energy_table(args)
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
    energy = None
    if energy_table is not None:
        from simcoder.api import energy as network_energy

        energy = network_energy(report, energy_table)
        if args.outdir:
            from simcoder.energy import write_energy_report

            write_energy_report(energy, args.outdir)
    if args.json:
        out = report_json(report, seconds)
        if energy is not None:
            out["energy"] = energy_json(energy)
        print(json.dumps(out, indent=2))
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
        table(
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
    if energy is not None:
        print(energy_summary(energy))
    if args.outdir:
        print(
            f"reports written to {args.outdir}/ (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, "
            "DETAILED_ACCESS_REPORT.csv" + (", ENERGY_REPORT.csv" if energy else "") + ")"
        )
    return 0


def _energy_table(args: argparse.Namespace) -> Any:
    """The table when --energy or --energy-table is given (loaded first: a bad table fails
    before the simulation runs)."""
    if not (args.energy or args.energy_table):
        return None
    from simcoder.api import resolve_table

    return resolve_table(args.energy_table)


def energy_summary(energy: Any) -> str:
    from simcoder.energy import COMPONENTS

    total = energy.total_pj
    parts = ", ".join(
        f"{c} {100 * energy.component_pj(c) / total:.1f}%" for c in COMPONENTS if total > 0
    )
    a = energy.area
    return (
        f"energy {total / 1e6:,.3f} uJ ({parts}); EDP {energy.edp_pj_cycles:.4g} pJ x cycles; "
        f"area {a.total_mm2:.3f} mm2 at {a.node} (PE array {a.pe_array_um2 / 1e6:.3f}, SRAMs "
        f"{(a.total_um2 - a.pe_array_um2) / 1e6:.3f}); table {energy.table_source}"
    )


def energy_json(energy: Any) -> dict[str, Any]:
    from simcoder.energy import COMPONENTS

    a = energy.area
    return {
        "table": energy.table_source,
        "node": a.node,
        "total_pj": energy.total_pj,
        "edp_pj_cycles": energy.edp_pj_cycles,
        "components_pj": {c: energy.component_pj(c) for c in COMPONENTS},
        "area_mm2": {
            "total": a.total_mm2,
            "pe_array": a.pe_array_um2 / 1e6,
            "ifmap_sram": a.ifmap_sram_um2 / 1e6,
            "filter_sram": a.filter_sram_um2 / 1e6,
            "ofmap_sram": a.ofmap_sram_um2 / 1e6,
        },
        "layers": [
            {
                "name": x.name,
                **{f"{c}_pj": getattr(x, f"{c}_pj") for c in COMPONENTS},
                "total_pj": x.total_pj,
                "cycles": x.cycles,
                "edp_pj_cycles": x.edp_pj_cycles,
            }
            for x in energy.layers
        ],
    }


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
    cells = [
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
    print(table(cells, ["layer", "cycles", "stalls", "util %", "map eff %", "compute util %"]))
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
    print(table(rows, ["workload", "kind", "layers", "MACs", "SCALE-Sim file"]))
    return 0


def cmd_probe(args: argparse.Namespace) -> int:
    from simcoder.simulator.checks.cli import run_checks

    return run_checks(args.modules, quick=args.quick, as_json=args.json)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    s.add_argument(
        "--energy",
        action="store_true",
        help="also energy per layer and component, EDP and area (ENERGY_REPORT.csv with -o); "
        "docs/energy.md",
    )
    s.add_argument(
        "--energy-table",
        metavar="FILE",
        help="a YAML energy/area table instead of the default (Accelergy 40 nm); implies --energy",
    )
    s.set_defaults(func=cmd_simulate)
    w = sub.add_parser("workloads", help="list the built-in workloads")
    w.set_defaults(func=cmd_workloads)
    c = sub.add_parser(
        "probe",
        aliases=["check-modules"],
        help="compare modules with the reference modules on a grid of probe layers, plus "
        "invariants, in-process (`check-modules` is the old name)",
    )
    c.add_argument(
        "modules",
        nargs="*",
        metavar="KIND=SPEC",
        help="e.g. mapping=path/file.py:MyMapping (default: the reference modules)",
    )
    c.add_argument("--quick", action="store_true", help="a smaller probe grid")
    c.add_argument("--json", action="store_true", help="print violations as JSON")
    c.set_defaults(func=cmd_probe)
