"""The probe grid: small layers on small arrays that exercise every branch of the reference."""

from __future__ import annotations

from dataclasses import dataclass

from simcoder.simulator.types import ArrayConfig, Dataflow, Layer, MemoryConfig, SimConfig


@dataclass(frozen=True)
class Probe:
    layer: Layer
    config: SimConfig

    @property
    def name(self) -> str:
        a, m, x = self.config.array, self.config.memory, self.layer
        return (
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


def probe_grid(quick: bool = False) -> list[Probe]:
    probes = []
    layers = LAYERS[:3] if quick else LAYERS
    arrays = ARRAYS[:2] if quick else ARRAYS
    for layer in layers:
        for rows, cols in arrays:
            for df in Dataflow:
                for kib in SRAMS[: 2 if quick else 3]:
                    cfg = SimConfig(ArrayConfig(rows, cols, df), MemoryConfig(*kib))
                    probes.append(Probe(layer, cfg))
    return probes
