"""SCALE-Sim 3.0.0's three report files, with its column names and number formatting."""

from __future__ import annotations

from pathlib import Path

from simcoder.simulator.types import LayerReport, NetworkReport

COMPUTE_HEADER = (
    "LayerID, Total Cycles (incl. prefetch), Total Cycles, Stall Cycles, "
    "Overall Util %, Mapping Efficiency %, Compute Util %,"
)
BANDWIDTH_HEADER = (
    "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, "
    "Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,"
)
DETAIL_HEADER = (
    "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
    "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, "
    "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
    "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
    "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
    "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,"
)

FILES = ("COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")


def compute_row(r: LayerReport) -> list[object]:
    return [
        r.total_cycles_incl_prefetch,
        r.total_cycles,
        r.stall_cycles,
        r.overall_util_pct,
        r.mapping_efficiency_pct,
        r.compute_util_pct,
    ]


def bandwidth_row(r: LayerReport) -> list[object]:
    return [
        r.avg_ifmap_sram_bw,
        r.avg_filter_sram_bw,
        r.avg_ofmap_sram_bw,
        r.avg_ifmap_dram_bw,
        r.avg_filter_dram_bw,
        r.avg_ofmap_dram_bw,
    ]


def detail_row(r: LayerReport) -> list[object]:
    # SCALE-Sim's start/stop cycles come out of float arrays: print them as floats too
    c = float
    return [
        c(r.ifmap_sram_start_cycle),
        c(r.ifmap_sram_stop_cycle),
        r.ifmap_sram_reads,
        c(r.filter_sram_start_cycle),
        c(r.filter_sram_stop_cycle),
        r.filter_sram_reads,
        c(r.ofmap_sram_start_cycle),
        c(r.ofmap_sram_stop_cycle),
        r.ofmap_sram_writes,
        c(r.ifmap_dram_start_cycle),
        c(r.ifmap_dram_stop_cycle),
        r.ifmap_dram_reads,
        c(r.filter_dram_start_cycle),
        c(r.filter_dram_stop_cycle),
        r.filter_dram_reads,
        c(r.ofmap_dram_start_cycle),
        c(r.ofmap_dram_stop_cycle),
        r.ofmap_dram_writes,
    ]


def _lines(header: str, rows: list[list[object]]) -> str:
    body = "".join(f"{i}, " + ", ".join(str(x) for x in row) + ",\n" for i, row in enumerate(rows))
    return header + "\n" + body


def render_reports(report: NetworkReport) -> dict[str, str]:
    """File name -> contents, exactly as SCALE-Sim 3.0.0 lays them out."""
    return {
        FILES[0]: _lines(COMPUTE_HEADER, [compute_row(r) for r in report.layers]),
        FILES[1]: _lines(BANDWIDTH_HEADER, [bandwidth_row(r) for r in report.layers]),
        FILES[2]: _lines(DETAIL_HEADER, [detail_row(r) for r in report.layers]),
    }


def write_reports(report: NetworkReport, outdir: str | Path) -> list[Path]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_reports(report).items():
        path = out / name
        path.write_text(text)
        written.append(path)
    return written
