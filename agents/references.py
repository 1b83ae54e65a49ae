"""The cycles a generated simulator must match, and who vouches for them (always named)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import simcoder.workloads as wl
from simcoder.agents.spec import AcceleratorSpec
from simcoder.simulator.engine import simulate_network
from simcoder.workloads.builtin import SCALESIM_FILES, get_workload

GOLDEN = "golden (SCALE-Sim 3.0.0's own numbers)"
CORE = "simcoder core (not SCALE-Sim: a simulator checked only against our own core)"


@dataclass(frozen=True)
class Reference:
    source: str
    layers: tuple[tuple[str, int], ...]  # (layer name, total cycles)


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


def reference_for(spec: AcceleratorSpec, workload: str) -> Reference:
    """SCALE-Sim's committed golden numbers where they cover the spec, else our core."""
    layers = get_workload(workload)
    golden = _golden().get((SCALESIM_FILES[workload], _key(spec)))
    report = simulate_network(layers, spec.sim_config())
    names = tuple(r.layer.name for r in report.layers)
    if golden is not None and len(golden) == len(names):
        return Reference(GOLDEN, tuple(zip(names, golden, strict=True)))
    return Reference(CORE, tuple((r.layer.name, r.total_cycles) for r in report.layers))
