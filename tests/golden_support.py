"""Load committed golden cases (real SCALE-Sim 3.0.0 runs) and compare our reports to them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simcoder.simulator.compat.reports import render_reports
from simcoder.simulator.engine import simulate_network
from simcoder.simulator.equality import same_number
from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    MemoryConfig,
    NetworkReport,
    SimConfig,
    ValidationError,
)

GOLDEN = Path(__file__).parent / "golden"
REPORTS = ("COMPUTE_REPORT", "BANDWIDTH_REPORT", "DETAILED_ACCESS_REPORT")


@dataclass(frozen=True)
class GoldenCase:
    id: str
    config: SimConfig | None  # None when the config itself is invalid (see config_error)
    layers: list[Layer]
    reports: dict[str, list[str]] | None
    scalesim_error: str | None
    config_error: str | None = None


SHIPPED = Path(__file__).resolve().parents[1] / "workloads" / "golden"


def load_cases(name: str) -> list[GoldenCase]:
    """The cases of ``name`` from both the tests' and the shipped golden folders (the shipped
    networks file is what the critic trusts, so it must be tested too)."""
    paths = [p for p in (GOLDEN / name, SHIPPED / name) if p.exists()]
    return [
        to_case(json.loads(line))
        for path in paths
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def to_case(rec: dict[str, Any]) -> GoldenCase:
    c = rec["config"]
    try:
        memory = _memory(c)
    except ValidationError as exc:
        return GoldenCase(rec["id"], None, [], rec["reports"], rec["scalesim_error"], str(exc))
    config = SimConfig(ArrayConfig(c["rows"], c["cols"], Dataflow(c["dataflow"])), memory)
    if rec["gemm"]:
        layers = [Layer.from_gemm(str(n), int(m), int(nn), int(k)) for n, m, nn, k in rec["layers"]]
    else:
        layers = [
            Layer(str(row[0]), *map(int, row[1:8]), depthwise="DP" in str(row[0]))
            for row in rec["layers"]
        ]
    return GoldenCase(rec["id"], config, layers, rec["reports"], rec["scalesim_error"])


def _memory(c: dict[str, Any]) -> MemoryConfig:
    mode = BandwidthMode(c.get("mode", "CALC"))
    return MemoryConfig(
        c["ifmap_kb"],
        c["filter_kb"],
        c["ofmap_kb"],
        bandwidth_mode=mode,
        ofmap_dram_words_per_cycle=c.get("bandwidth", 10),
        ifmap_sram_bank_words_per_cycle=c.get("ifmap_bank_bw", 10),
        filter_sram_bank_words_per_cycle=c.get("filter_bank_bw", 10),
        ifmap_sram_banks=c.get("ifmap_bank_num", 10),
        filter_sram_banks=c.get("filter_bank_num", 10),
    )


def _values(line: str) -> list[str]:
    return [v.strip() for v in line.split(",")[:-1]]


def differences(case: GoldenCase, report: NetworkReport) -> list[str]:
    """Every field where our report differs from SCALE-Sim's (integers exact, floats 1e-9)."""
    assert case.reports is not None
    ours = render_reports(report)
    diffs = []
    for name in REPORTS:
        want = case.reports[name]
        got = ours[name + ".csv"].splitlines()
        if len(want) != len(got):
            diffs.append(f"{name}: {len(got) - 1} rows, SCALE-Sim has {len(want) - 1}")
            continue
        header = _values(want[0])
        for w_line, g_line in zip(want[1:], got[1:], strict=True):
            for col, w, g in zip(header, _values(w_line), _values(g_line), strict=True):
                if not same_value(w, g):
                    diffs.append(
                        f"{name} layer {_values(w_line)[0]} {col}: ours {g}, SCALE-Sim {w}"
                    )
    return diffs


def same_value(want: str, got: str) -> bool:
    if want == got:
        return True
    try:
        w, g = float(want), float(got)
    except ValueError:
        return False
    if w.is_integer() and "." not in want:
        return w == g
    return same_number(w, g)


def run_case(case: GoldenCase, fast: bool = True) -> NetworkReport:
    """Our report: the compiled fast path where it applies, or (fast=False) the reference."""
    assert case.config is not None, case.config_error
    return simulate_network(case.layers, case.config, fast=fast)
