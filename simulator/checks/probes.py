"""The probe grid: small layers on small arrays that exercise every branch of the reference."""

from __future__ import annotations

from dataclasses import dataclass

from simcoder.simulator.types import (
    ArrayConfig,
    BandwidthMode,
    Dataflow,
    Layer,
    MemoryConfig,
    SimConfig,
)


@dataclass(frozen=True)
class Probe:
    layer: Layer
    config: SimConfig
    source: str = "grid"  # grid | spec | workload | random: where the critic's evidence came from

    @property
    def name(self) -> str:
        a, m, x = self.config.array, self.config.memory, self.layer
        mode = ""
        if m.bandwidth_mode is BandwidthMode.USER:
            mode = (
                f"USER dram {m.ofmap_dram_words_per_cycle} banks "
                f"{m.ifmap_sram_bank_words_per_cycle}/{m.filter_sram_bank_words_per_cycle} "
            )
            if m.ifmap_sram_banks > 1 or m.filter_sram_banks > 1:
                mode += f"x{m.ifmap_sram_banks}/{m.filter_sram_banks} "
        return mode + (
            f"{a.dataflow.value} {a.rows}x{a.cols} sram {m.ifmap_sram_kib}/"
            f"{m.filter_sram_kib}/{m.ofmap_sram_kib}kB {x.name} {x.ifmap_h}x{x.ifmap_w} "
            f"r{x.filter_h}x{x.filter_w} c{x.channels} m{x.num_filters} s{x.stride}"
        )


LAYERS = (
    Layer("conv_small", 7, 5, 5, 1, 4, 12, 3),  # stride leaves a partial window (-1 requests)
    Layer("conv_3x3", 10, 10, 3, 3, 3, 20, 1),
    Layer("conv_wide", 6, 14, 2, 3, 5, 9, 2),
    Layer.from_gemm("gemm", 37, 23, 19),
    Layer("fc", 1, 1, 1, 1, 64, 10, 1),
    Layer("conv_big", 16, 16, 3, 3, 16, 48, 1),  # many read-buffer epochs at 1 kB
)
ARRAYS = ((4, 4), (8, 8), (5, 7), (16, 4))
SRAMS = ((1, 1, 1), (64, 64, 64), (2, 4, 1))
# USER mode: (ofmap DRAM words/cycle, ifmap bank words/cycle, filter bank words/cycle)
USER_BANDWIDTHS = ((1, 2, 4), (10, 10, 10), (32, 1, 2))


def _user(dram: int, ifmap_bw: int, filter_bw: int) -> MemoryConfig:
    return MemoryConfig(
        2,
        2,
        1,
        bandwidth_mode=BandwidthMode.USER,
        ofmap_dram_words_per_cycle=dram,
        ifmap_sram_bank_words_per_cycle=ifmap_bw,
        filter_sram_bank_words_per_cycle=filter_bw,
    )


def probe_grid(quick: bool = False) -> list[Probe]:
    """The full grid, or the quick one the workflow runs every round: the small layers on a
    square and a non-square array, both SRAM extremes and one USER bandwidth, plus the
    many-epoch layer in USER mode (the only place where a DRAM fetch order shows)."""
    probes = []
    layers = LAYERS[:3] if quick else LAYERS
    arrays = (ARRAYS[0], ARRAYS[2]) if quick else ARRAYS
    for layer in layers:
        for rows, cols in arrays:
            for df in Dataflow:
                for kib in SRAMS[: 2 if quick else 3]:
                    cfg = SimConfig(ArrayConfig(rows, cols, df), MemoryConfig(*kib))
                    probes.append(Probe(layer, cfg))
                for bandwidths in USER_BANDWIDTHS[: 1 if quick else 3]:
                    cfg = SimConfig(ArrayConfig(rows, cols, df), _user(*bandwidths))
                    probes.append(Probe(layer, cfg))
    if quick:
        for df in Dataflow:
            cfg = SimConfig(ArrayConfig(8, 8, df), _user(*USER_BANDWIDTHS[0]))
            probes.append(Probe(LAYERS[-1], cfg))
    return probes
