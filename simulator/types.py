"""Frozen value types of the simulator core. Units are in the names."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from simcoder.simulator.errors import UserError


class Dataflow(enum.Enum):
    OUTPUT_STATIONARY = "os"
    WEIGHT_STATIONARY = "ws"
    INPUT_STATIONARY = "is"


class BandwidthMode(enum.Enum):
    CALC = "CALC"  # SCALE-Sim's estimate mode: DRAM never stalls the array
    USER = "USER"  # a user-given bandwidth; stalls are modelled


class ValidationError(UserError):
    """Bad input. ``field`` names what is wrong; the message says how to fix it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def _positive(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValidationError(name, f"must be an integer, got {value!r}")
    if value <= 0:
        raise ValidationError(name, f"must be a positive integer, got {value}")


@dataclass(frozen=True)
class Layer:
    """One conv layer in SCALE-Sim's terms (GEMM M,N,K: the conv M x K, filter 1 x K, N filters).

    ``depthwise`` marks SCALE-Sim's ``DP`` layers, which it runs as ``channels`` separate
    one-channel layers (see :func:`simcoder.simulator.compat.topology.expand_depthwise`).
    """

    name: str
    ifmap_h: int
    ifmap_w: int
    filter_h: int
    filter_w: int
    channels: int
    num_filters: int
    stride: int = 1
    depthwise: bool = False
    gemm: bool = False

    def __post_init__(self) -> None:
        for fname in (
            "ifmap_h",
            "ifmap_w",
            "filter_h",
            "filter_w",
            "channels",
            "num_filters",
            "stride",
        ):
            _positive(fname, getattr(self, fname))
        if self.filter_h > self.ifmap_h:
            raise ValidationError(
                "filter_h",
                f"filter height {self.filter_h} is larger than the "
                f"ifmap height {self.ifmap_h}; use a filter no larger than its input",
            )
        if self.filter_w > self.ifmap_w:
            raise ValidationError(
                "filter_w",
                f"filter width {self.filter_w} is larger than the "
                f"ifmap width {self.ifmap_w}; use a filter no larger than its input",
            )

    @classmethod
    def from_gemm(cls, name: str, m: int, n: int, k: int) -> Layer:
        """SCALE-Sim's reading of a GEMM row ``M, N, K``: ifmap M x K, filter 1 x K, N filters."""
        for fname, v in (("M", m), ("N", n), ("K", k)):
            _positive(fname, v)
        return cls(name, m, k, 1, k, 1, n, 1, gemm=True)

    @property
    def ofmap_h(self) -> int:
        return -(-(self.ifmap_h - self.filter_h + self.stride) // self.stride)

    @property
    def ofmap_w(self) -> int:
        return -(-(self.ifmap_w - self.filter_w + self.stride) // self.stride)

    @property
    def ofmap_pixels(self) -> int:
        return self.ofmap_h * self.ofmap_w

    @property
    def window_size(self) -> int:
        return self.filter_h * self.filter_w * self.channels

    @property
    def macs(self) -> int:
        return self.ofmap_pixels * self.window_size * self.num_filters


@dataclass(frozen=True)
class ArrayConfig:
    rows: int
    cols: int
    dataflow: Dataflow

    def __post_init__(self) -> None:
        _positive("ArrayHeight", self.rows)
        _positive("ArrayWidth", self.cols)

    @property
    def num_pes(self) -> int:
        return self.rows * self.cols


@dataclass(frozen=True)
class MemoryConfig:
    """SRAM sizes and the DRAM interface.

    In CALC mode SCALE-Sim fills read buffers at 10 words/cycle for their first fill and drains
    the ofmap buffer ``array cols`` words per cycle; the ``*_words_per_cycle`` fields are used in
    USER mode only.
    """

    ifmap_sram_kib: int
    filter_sram_kib: int
    ofmap_sram_kib: int
    bandwidth_mode: BandwidthMode = BandwidthMode.CALC
    ofmap_dram_words_per_cycle: int = 10
    ifmap_sram_bank_words_per_cycle: int = 10
    filter_sram_bank_words_per_cycle: int = 10
    ifmap_sram_banks: int = 1
    filter_sram_banks: int = 1
    # USER mode with SCALE-Sim 3.0.0's stall quirks fixed (storage/SPEC.md, "corrected");
    # no SCALE-Sim run has these numbers. CALC mode is the same either way.
    corrected: bool = False

    def __post_init__(self) -> None:
        for fname, key in (
            ("ifmap_sram_kib", "IfmapSramSzkB"),
            ("filter_sram_kib", "FilterSramSzkB"),
            ("ofmap_sram_kib", "OfmapSramSzkB"),
            ("ofmap_dram_words_per_cycle", "Bandwidth"),
            ("ifmap_sram_bank_words_per_cycle", "IfmapSRAMBankBandwidth"),
            ("filter_sram_bank_words_per_cycle", "FilterSRAMBankBandwidth"),
            ("ifmap_sram_banks", "IfmapSRAMBankNum"),
            ("filter_sram_banks", "FilterSRAMBankNum"),
        ):
            _positive(key, getattr(self, fname))
        if self.bandwidth_mode is BandwidthMode.USER:
            for op, bw, banks in (
                ("Ifmap", self.ifmap_sram_bank_words_per_cycle, self.ifmap_sram_banks),
                ("Filter", self.filter_sram_bank_words_per_cycle, self.filter_sram_banks),
            ):
                if bw % banks:
                    raise ValidationError(
                        f"{op}SRAMBankBandwidth",
                        f"{bw} words/cycle do not divide evenly among {op}SRAMBankNum = {banks} "
                        "banks (SCALE-Sim 3.0.0 refuses this in USER mode); use a multiple of "
                        f"{banks}",
                    )


@dataclass(frozen=True)
class SimConfig:
    array: ArrayConfig
    memory: MemoryConfig
    run_name: str = "simcoder"


@dataclass(frozen=True)
class LayerReport:
    """Every column of SCALE-Sim's three reports for one layer, plus what produced them."""

    layer: Layer
    total_cycles_incl_prefetch: int
    total_cycles: int
    stall_cycles: int
    overall_util_pct: float
    mapping_efficiency_pct: float
    compute_util_pct: float
    ifmap_sram_reads: int
    filter_sram_reads: int
    ofmap_sram_writes: int
    ifmap_sram_start_cycle: int
    ifmap_sram_stop_cycle: int
    filter_sram_start_cycle: int
    filter_sram_stop_cycle: int
    ofmap_sram_start_cycle: int
    ofmap_sram_stop_cycle: int
    ifmap_dram_start_cycle: int
    ifmap_dram_stop_cycle: int
    ifmap_dram_reads: int
    filter_dram_start_cycle: int
    filter_dram_stop_cycle: int
    filter_dram_reads: int
    ofmap_dram_start_cycle: int
    ofmap_dram_stop_cycle: int
    ofmap_dram_writes: int

    def _per_cycle(self, count: int) -> float:
        return count / self.total_cycles

    @property
    def avg_ifmap_sram_bw(self) -> float:
        return self._per_cycle(self.ifmap_sram_reads)

    @property
    def avg_filter_sram_bw(self) -> float:
        return self._per_cycle(self.filter_sram_reads)

    @property
    def avg_ofmap_sram_bw(self) -> float:
        return self._per_cycle(self.ofmap_sram_writes)

    @property
    def avg_ifmap_dram_bw(self) -> float:
        return self.ifmap_dram_reads / (
            self.ifmap_dram_stop_cycle - self.ifmap_dram_start_cycle + 1
        )

    @property
    def avg_filter_dram_bw(self) -> float:
        return self.filter_dram_reads / (
            self.filter_dram_stop_cycle - self.filter_dram_start_cycle + 1
        )

    @property
    def avg_ofmap_dram_bw(self) -> float:
        return self.ofmap_dram_writes / (
            self.ofmap_dram_stop_cycle - self.ofmap_dram_start_cycle + 1
        )


@dataclass(frozen=True)
class NetworkReport:
    config: SimConfig
    layers: tuple[LayerReport, ...] = field(default_factory=tuple)

    @property
    def total_cycles(self) -> int:
        return sum(r.total_cycles for r in self.layers)

    @property
    def total_stall_cycles(self) -> int:
        return sum(r.stall_cycles for r in self.layers)

    @property
    def total_macs(self) -> int:
        return sum(r.layer.macs for r in self.layers)
