"""The numbers a generated simulator must match, and who vouches for them (always named): every
column of SCALE-Sim's three reports per layer (golden or core), or the cycles a user gives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import simcoder.workloads as wl
from simcoder.agents.spec import AcceleratorSpec
from simcoder.simulator.engine import simulate_network
from simcoder.simulator.errors import UserError
from simcoder.simulator.report import (
    ALL_COLUMNS,
    BANDWIDTH_COLUMNS,
    COMPUTE_COLUMNS,
    DETAIL_COLUMNS,
    FIELD_COLUMNS,
    FLOAT_COLUMNS,
)
from simcoder.simulator.types import LayerReport
from simcoder.workloads.builtin import SCALESIM_FILES, get_workload

GOLDEN = "golden (SCALE-Sim 3.0.0's own numbers)"
CORE = "simcoder core (not SCALE-Sim: a simulator checked only against our own core)"


Columns = dict[str, int | float]


@dataclass(frozen=True)
class Reference:
    source: str
    layers: tuple[tuple[str, int], ...]  # (layer name, total cycles)
    # per layer, every report column (ALL_COLUMNS); empty when only cycles are known
    columns: tuple[Columns, ...] = ()
    # per layer, the columns a user's number gave and the module that answers for each (a
    # changed accelerator, agents/change/evidence.py); empty otherwise
    owners: tuple[dict[str, str], ...] = ()

    @property
    def compared(self) -> tuple[str, ...]:
        """The columns this reference vouches for (on at least one layer)."""
        if not self.columns:
            return ("total_cycles",)
        seen = {k for c in self.columns for k in c}
        return tuple(k for k in ALL_COLUMNS if k in seen)


def columns_of(fields: dict[str, int | float]) -> Columns:
    """Every report column from the per-layer fields the sandbox sends (the bandwidth columns
    are derived from them, as SCALE-Sim derives them)."""
    out: Columns = {k: fields[k] for k in FIELD_COLUMNS if k in fields}
    if all(k in fields for k in FIELD_COLUMNS):
        report = LayerReport(None, **{k: fields[k] for k in FIELD_COLUMNS})  # type: ignore[arg-type]
        for name in BANDWIDTH_COLUMNS:
            try:
                out[name] = float(getattr(report, name))
            except ZeroDivisionError:
                out[name] = float("nan")
    return out


def report_columns(r: LayerReport) -> Columns:
    out: Columns = {k: getattr(r, k) for k in FIELD_COLUMNS}
    return out | {k: float(getattr(r, k)) for k in BANDWIDTH_COLUMNS}


def expected_columns(refs: dict[str, Reference]) -> dict[str, list[Any]]:
    """Per workload, what the executor sends the sandbox: each layer's report columns, or its
    total cycles where the reference knows only those."""
    out: dict[str, list[Any]] = {}
    for w, r in refs.items():
        if r.columns:
            out[w] = [{k: c[k] for k in FIELD_COLUMNS if k in c} for c in r.columns]
        else:
            out[w] = [c for _, c in r.layers]
    return out


def _golden_columns(reports: dict[str, list[str]]) -> list[Columns]:
    def rows(name: str) -> list[list[str]]:
        return [[x.strip() for x in line.split(",")[1:] if x.strip()] for line in reports[name][1:]]

    out = []
    for c, b, d in zip(
        rows("COMPUTE_REPORT"),
        rows("BANDWIDTH_REPORT"),
        rows("DETAILED_ACCESS_REPORT"),
        strict=True,
    ):
        layer: Columns = {}
        for names, values in ((COMPUTE_COLUMNS, c), (BANDWIDTH_COLUMNS, b), (DETAIL_COLUMNS, d)):
            for name, text in zip(names, values, strict=True):
                number = float(text)
                integral = name not in FLOAT_COLUMNS and name not in BANDWIDTH_COLUMNS
                layer[name] = int(number) if integral else number
        out.append(layer)
    return out


@cache
def _golden() -> dict[tuple[str, str], list[Columns]]:
    path = Path(wl.__file__).parent / "golden" / "networks.jsonl"
    out: dict[tuple[str, str], list[Columns]] = {}
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        c = rec["config"]
        key = json.dumps(
            {
                k: c.get(k)
                for k in ("rows", "cols", "dataflow", "ifmap_kb", "filter_kb", "ofmap_kb", "mode")
            },
            sort_keys=True,
        )
        out[(rec["topology"], key)] = _golden_columns(rec["reports"])
    return out


def _key(spec: AcceleratorSpec) -> str:
    return json.dumps(
        {
            "rows": spec.array_rows,
            "cols": spec.array_cols,
            "dataflow": spec.dataflow,
            "ifmap_kb": spec.ifmap_sram_kib,
            "filter_kb": spec.filter_sram_kib,
            "ofmap_kb": spec.ofmap_sram_kib,
            "mode": spec.bandwidth_mode,
        },
        sort_keys=True,
    )


def _layer_entry(c: Any) -> bool:
    if isinstance(c, int) and not isinstance(c, bool):
        return True
    return (
        isinstance(c, dict)
        and bool(c)
        and all(
            k in ALL_COLUMNS and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in c.items()
        )
    )


def read_user_reference(path: Path) -> dict[str, list[Any]]:
    """A user's expected numbers: JSON ``{"workload": [entry of each layer, ...], ...}`` where
    an entry is the layer's total cycles or an object of report columns
    (``{"total_cycles": 67519, "stall_cycles": 0}``)."""
    try:
        raw = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: cannot read the reference file ({exc})") from None
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(_layer_entry(c) for c in v) for v in raw.values()
    ):
        raise UserError(
            f"{path}: write a JSON object mapping each workload to a list with one entry per "
            'layer: its total cycles, or an object of report columns ({"total_cycles": 9, '
            '"stall_cycles": 0})'
        )
    return raw


MODES = ("auto", "golden", "simcoder", "scalesim")


def reference_for(
    spec: AcceleratorSpec,
    workload: str,
    user: tuple[Path, dict[str, list[Any]]] | None = None,
    mode: str = "auto",
) -> Reference:
    """A user's file where given; else by ``mode``: ``scalesim`` runs SCALE-Sim 3.0.0 live,
    ``simcoder`` is our core, ``golden`` insists on SCALE-Sim's committed numbers, and ``auto``
    takes the golden numbers where they cover the spec, else our core."""
    if mode not in MODES:
        raise UserError(f"reference {mode!r}: choose one of {', '.join(MODES)} or give a file")
    if user is not None:
        path, table = user
        if workload not in table:
            raise UserError(f"{path}: no expected cycles for workload {workload!r}")
        layer_names = [
            r.layer.name for r in simulate_network(get_workload(workload), spec.sim_config()).layers
        ]
        if len(table[workload]) != len(layer_names):
            raise UserError(
                f"{path}: {workload} has {len(layer_names)} layers, the file gives "
                f"{len(table[workload])} cycle counts"
            )
        entries = table[workload]
        if all(isinstance(c, int) for c in entries):
            return Reference(f"user file {path}", tuple(zip(layer_names, entries, strict=True)))
        columns = tuple(c if isinstance(c, dict) else {"total_cycles": c} for c in entries)
        totals = tuple(int(c.get("total_cycles", 0)) for c in columns)
        return Reference(f"user file {path}", tuple(zip(layer_names, totals, strict=True)), columns)
    layers = get_workload(workload)
    report = simulate_network(layers, spec.sim_config())
    names = tuple(r.layer.name for r in report.layers)
    if mode == "scalesim":
        from simcoder.agents.scalesim_live import scalesim_cycles

        cycles, python = scalesim_cycles(spec.sim_config(), layers)
        if len(cycles) != len(names):
            raise RuntimeError(
                f"SCALE-Sim reported {len(cycles)} layers for {workload}, simcoder {len(names)}"
            )
        source = f"scalesim (SCALE-Sim 3.0.0 run live by {python})"
        return Reference(source, tuple(zip(names, cycles, strict=True)))
    golden = (
        _golden().get((SCALESIM_FILES[workload], _key(spec)))
        if workload in SCALESIM_FILES
        else None
    )
    if mode in ("auto", "golden") and golden is not None and len(golden) == len(names):
        cycles = [int(c["total_cycles"]) for c in golden]
        return Reference(GOLDEN, tuple(zip(names, cycles, strict=True)), tuple(golden))
    if mode == "golden":
        raise UserError(
            f"no committed SCALE-Sim numbers cover {workload} on this spec; use --reference "
            "scalesim (SCALE-Sim installed) or simcoder"
        )
    return Reference(
        CORE,
        tuple((r.layer.name, r.total_cycles) for r in report.layers),
        tuple(report_columns(r) for r in report.layers),
    )
