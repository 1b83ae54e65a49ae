"""The report of one layer: its columns assembled from what each module owns."""

from __future__ import annotations

from simcoder.simulator.contracts import StorageReport
from simcoder.simulator.types import Layer, LayerReport, SimConfig


def layer_report(
    layer: Layer,
    config: SimConfig,
    mapping_efficiency: float,
    compute_utilization: float,
    sram_counts: tuple[int, int, int],
    storage: StorageReport,
) -> LayerReport:
    """The report columns from what each module owns (the reference pipeline's
    ``engine.assembled_report`` and the fast path both call it)."""
    return LayerReport(
        layer=layer,
        total_cycles_incl_prefetch=storage.total_cycles_incl_prefetch,
        total_cycles=storage.total_cycles,
        stall_cycles=storage.stall_cycles,
        overall_util_pct=layer.macs * 100 / (storage.total_cycles * config.array.num_pes),
        mapping_efficiency_pct=mapping_efficiency * 100,
        compute_util_pct=compute_utilization * 100,
        ifmap_sram_reads=sram_counts[0],
        filter_sram_reads=sram_counts[1],
        ofmap_sram_writes=sram_counts[2],
        ifmap_sram_start_cycle=storage.ifmap_sram_start_cycle,
        ifmap_sram_stop_cycle=storage.ifmap_sram_stop_cycle,
        filter_sram_start_cycle=storage.filter_sram_start_cycle,
        filter_sram_stop_cycle=storage.filter_sram_stop_cycle,
        ofmap_sram_start_cycle=storage.ofmap_sram_start_cycle,
        ofmap_sram_stop_cycle=storage.ofmap_sram_stop_cycle,
        ifmap_dram_start_cycle=storage.ifmap_dram.start_cycle,
        ifmap_dram_stop_cycle=storage.ifmap_dram.stop_cycle,
        ifmap_dram_reads=storage.ifmap_dram.words,
        filter_dram_start_cycle=storage.filter_dram.start_cycle,
        filter_dram_stop_cycle=storage.filter_dram.stop_cycle,
        filter_dram_reads=storage.filter_dram.words,
        ofmap_dram_start_cycle=storage.ofmap_dram.start_cycle,
        ofmap_dram_stop_cycle=storage.ofmap_dram.stop_cycle,
        ofmap_dram_writes=storage.ofmap_dram.words,
    )


__all__ = ["layer_report"]
