"""Design-space sweeps with the fast core: every combination of array shape, dataflow, SRAM
size and bandwidth, run across processes, written as CSV and a single-file HTML page of plots.

Only what a parameter really changes is plotted against it: array shape and dataflow change
cycles and utilization; SRAM size changes DRAM traffic; bandwidth changes stalls (USER mode).
A sweep that varies only array shape and dataflow in CALC mode needs no DRAM walk and uses the
compute-only path (cycles and utilization); any other sweep walks the access streams.
"""

from __future__ import annotations

import csv
import itertools
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simcoder.energy import EnergyTable
from simcoder.explore.pareto import pareto_mask
from simcoder.simulator.compat import InputError
from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.types import Layer, SimConfig


@dataclass(frozen=True)
class Point:
    rows: int
    cols: int
    dataflow: str
    sram_kib: tuple[int, int, int]  # ifmap, filter, ofmap
    mode: str  # CALC | USER
    bandwidth: int  # words/cycle: the ofmap drain and each read bank (USER)
    compat: str = "scalesim"  # scalesim | corrected (USER-mode stall quirks fixed)

    def config(self) -> SimConfig:
        return spec_config(
            self.rows,
            self.cols,
            self.dataflow,
            self.sram_kib,
            self.mode,
            self.bandwidth,
            corrected=self.compat == "corrected",
        )


COLUMNS = [
    "rows",
    "cols",
    "dataflow",
    "ifmap_sram_kib",
    "filter_sram_kib",
    "ofmap_sram_kib",
    "mode",
    "bandwidth",
    "compat",
    "total_cycles",
    "stall_cycles",
    "utilization_pct",
    "mapping_efficiency_pct",
    "dram_read_words",
    "dram_write_words",
    "energy_pj",
    "edp_pj_cycles",
    "area_mm2",
    "pareto",
    "error",
]


def parse_arrays(text: str) -> list[tuple[int, int]]:
    out = []
    for item in text.split(","):
        r, sep, c = item.strip().lower().partition("x")
        if not sep or not r.isdigit() or not c.isdigit() or int(r) < 1 or int(c) < 1:
            raise InputError("--array", f"{item!r}: write ROWSxCOLS, e.g. 32x32,64x16")
        out.append((int(r), int(c)))
    return out


def parse_srams(text: str) -> list[tuple[int, int, int]]:
    """``64`` (all three SRAMs) or ``IFMAP/FILTER/OFMAP`` in kB, comma-separated."""
    out = []
    for item in text.split(","):
        parts = item.strip().split("/")
        if len(parts) not in (1, 3) or not all(p.isdigit() and int(p) > 0 for p in parts):
            raise InputError(
                "--sram", f"{item!r}: write KB or IFMAP/FILTER/OFMAP KB, e.g. 64,32/32/16"
            )
        sizes = [int(p) for p in parts] * (3 if len(parts) == 1 else 1)
        out.append((sizes[0], sizes[1], sizes[2]))
    return out


def parse_ints(flag: str, text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        raise InputError(flag, f"{text!r}: write whole numbers separated by commas") from None
    if any(v < 1 for v in values):
        raise InputError(flag, f"{text!r}: every value must be at least 1")
    return values


def grid(
    arrays: Sequence[tuple[int, int]],
    dataflows: Sequence[str],
    srams: Sequence[tuple[int, int, int]],
    mode: str,
    bandwidths: Sequence[int],
    compats: Sequence[str] = ("scalesim",),
) -> list[Point]:
    for df in dataflows:
        if df not in ("os", "ws", "is"):
            raise InputError("--dataflow", f"{df!r}: choose os, ws or is")
    for compat in compats:
        if compat not in COMPATS:
            raise InputError("--compat", f"{compat!r}: choose scalesim or corrected")
    return [
        Point(r, c, df, s, mode, bw, compat)
        for (r, c), df, s, bw, compat in itertools.product(
            arrays, dataflows, srams, bandwidths, compats
        )
    ]


COMPATS = {"scalesim": "SCALE-Sim 3.0.0", "corrected": "corrected"}
_LAYERS: list[Layer] = []
_TABLE: EnergyTable | None = None


def _init(layers: list[Layer], table: EnergyTable | None = None) -> None:
    global _LAYERS, _TABLE
    _LAYERS, _TABLE = layers, table
    from simcoder.simulator.fast.compiled import kernels

    kernels()  # load the compiled kernels once per worker


def _evaluate(task: tuple[Point, bool]) -> dict[str, Any]:
    point, access = task
    row: dict[str, Any] = {
        "rows": point.rows,
        "cols": point.cols,
        "dataflow": point.dataflow,
        "ifmap_sram_kib": point.sram_kib[0],
        "filter_sram_kib": point.sram_kib[1],
        "ofmap_sram_kib": point.sram_kib[2],
        "mode": point.mode,
        "bandwidth": point.bandwidth,
        "compat": point.compat,
        "dram_read_words": "",
        "dram_write_words": "",
        "energy_pj": "",
        "edp_pj_cycles": "",
        "area_mm2": "",
        "pareto": "",
        "error": "",
    }
    config = point.config()
    if _TABLE is not None:
        from simcoder.energy import area

        row["area_mm2"] = round(area(config, _TABLE).total_mm2, 6)
    pes = point.rows * point.cols
    macs = sum(layer.macs for layer in _LAYERS)
    try:
        if access:
            from simcoder.simulator.engine import simulate_network

            report = simulate_network(_LAYERS, config)
            layers: list[Any] = list(report.layers)
            row["dram_read_words"] = sum(r.ifmap_dram_reads + r.filter_dram_reads for r in layers)
            row["dram_write_words"] = sum(r.ofmap_dram_writes for r in layers)
            if _TABLE is not None:
                from simcoder.energy import network_energy

                cost = network_energy(report, _TABLE)
                row["energy_pj"] = round(cost.total_pj, 3)
                row["edp_pj_cycles"] = float(f"{cost.edp_pj_cycles:.9e}")
        else:
            from simcoder.api import compute_summary

            layers = compute_summary(config, _LAYERS)
    except Exception as exc:  # SCALE-Sim has no numbers for some points (it would crash)
        row.update(total_cycles="", stall_cycles="", utilization_pct="", mapping_efficiency_pct="")
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row
    cycles = sum(r.total_cycles for r in layers)
    row["total_cycles"] = cycles
    row["stall_cycles"] = sum(r.stall_cycles for r in layers)
    row["utilization_pct"] = round(100 * macs / (cycles * pes), 4)
    row["mapping_efficiency_pct"] = round(
        sum(r.mapping_efficiency_pct * r.total_cycles for r in layers) / cycles, 4
    )
    return row


def needs_access(points: Sequence[Point]) -> bool:
    """Only array shape and dataflow varying in CALC mode: cycles and utilization suffice."""
    return len({p.sram_kib for p in points}) > 1 or any(p.mode == "USER" for p in points)


def mark_pareto(rows: list[dict[str, Any]]) -> None:
    """``pareto`` = "yes" on the points no other point beats in cycles, energy and area (at
    least as good in all three, better in one)."""
    done = [r for r in rows if r["energy_pj"] != "" and not r["error"]]
    keys = ("total_cycles", "energy_pj", "area_mm2")
    mask = pareto_mask([tuple(float(r[k]) for k in keys) for r in done])
    for r, keep in zip(done, mask, strict=True):
        r["pareto"] = "yes" if keep else ""


def run_sweep(
    layers: list[Layer],
    points: list[Point],
    jobs: int | None = None,
    access: bool | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    energy_table: EnergyTable | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every point on the whole network; rows in the order of ``points``. With an
    ``energy_table`` each point also gets its energy, EDP and area (the access streams are
    walked: energy needs the DRAM counts) and the cycles-energy Pareto points are marked."""
    access = needs_access(points) if access is None else access
    access = access or energy_table is not None
    tasks = [(p, access) for p in points]
    jobs = max(1, min(jobs or multiprocessing.cpu_count(), len(points)))
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    if jobs == 1:
        _init(layers, energy_table)
        for i, task in enumerate(tasks):
            rows.append(_evaluate(task))
            if progress is not None:
                progress(i + 1, len(tasks), time.perf_counter() - started)
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, initializer=_init, initargs=(layers, energy_table)) as pool:
            for i, row in enumerate(pool.imap(_evaluate, tasks, chunksize=1)):
                rows.append(row)
                if progress is not None:
                    progress(i + 1, len(tasks), time.perf_counter() - started)
    mark_pareto(rows)
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
