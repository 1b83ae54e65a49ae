"""The cycles a generated simulator must match, and who vouches for them (always named)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import simcoder.workloads as wl
from simcoder.agents.spec import AcceleratorSpec
from simcoder.simulator.engine import simulate_network
from simcoder.simulator.errors import UserError
from simcoder.workloads.builtin import SCALESIM_FILES, get_workload

GOLDEN = "golden (SCALE-Sim 3.0.0's own numbers)"
CORE = "simcoder core (not SCALE-Sim: a simulator checked only against our own core)"


@dataclass(frozen=True)
class Reference:
    source: str
    layers: tuple[tuple[str, int], ...]  # (layer name, total cycles)


def expected_cycles(refs: dict[str, Reference]) -> dict[str, list[int]]:
    """Per workload, the reference's total cycles of each layer (what the executor sends)."""
    return {w: [c for _, c in r.layers] for w, r in refs.items()}


@cache
def _golden() -> dict[tuple[str, str], list[int]]:
    path = Path(wl.__file__).parent / "golden" / "networks.jsonl"
    out: dict[tuple[str, str], list[int]] = {}
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
        cycles = [int(r.split(",")[2]) for r in rec["reports"]["COMPUTE_REPORT"][1:]]
        out[(rec["topology"], key)] = cycles
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


def read_user_reference(path: Path) -> dict[str, list[int]]:
    """A user's expected cycles: JSON ``{"workload": [cycles of each layer, ...], ...}``."""
    try:
        raw = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: cannot read the reference file ({exc})") from None
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(c, int) for c in v) for v in raw.values()
    ):
        raise UserError(
            f"{path}: write a JSON object mapping each workload to a list of "
            "integer cycles, one per layer"
        )
    return raw


MODES = ("auto", "golden", "simcoder", "scalesim")


def reference_for(
    spec: AcceleratorSpec,
    workload: str,
    user: tuple[Path, dict[str, list[int]]] | None = None,
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
        return Reference(f"user file {path}", tuple(zip(layer_names, table[workload], strict=True)))
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
    golden = _golden().get((SCALESIM_FILES[workload], _key(spec)))
    if mode in ("auto", "golden") and golden is not None and len(golden) == len(names):
        return Reference(GOLDEN, tuple(zip(names, golden, strict=True)))
    if mode == "golden":
        raise UserError(
            f"no committed SCALE-Sim numbers cover {workload} on this spec; use --reference "
            "scalesim (SCALE-Sim installed) or simcoder"
        )
    return Reference(CORE, tuple((r.layer.name, r.total_cycles) for r in report.layers))
