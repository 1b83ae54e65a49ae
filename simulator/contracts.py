"""The three module contracts and the values that cross them. Read this file first.

    Layer + ArrayConfig --MappingModule.map-->            Mapping
    Mapping             --InterconnectModule.schedule-->  Schedule
    Schedule + MemoryConfig --StorageModule.simulate-->   StorageReport

Each module is one object with one method, no I/O and no globals. Implementations do not
inherit from these Protocols; they conform structurally. Each module's SPEC.md (beside its
reference implementation) gives the exact semantics and which report columns it owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from simcoder.simulator.types import ArrayConfig, Layer, MemoryConfig


@dataclass(frozen=True)
class Fold:
    """One tile of the operand matrices mapped onto the array.

    ``row_fold`` indexes tiles of Sr (array rows), ``col_fold`` tiles of Sc (array columns).
    Folds run column-fold-major: ``for col_fold: for row_fold:``.
    """

    index: int
    row_fold: int
    col_fold: int
    rows_used: int
    cols_used: int


@dataclass(frozen=True)
class Mapping:
    """How a layer's GEMM view is laid onto the array.

    The GEMM view: ifmap operand matrix A (P x K), filter B (K x N), ofmap O (P x N) with
    P = ofmap pixels, K = window size, N = filters. Sr/Sc/T are the spatial-row, spatial-column
    and temporal extents chosen by the dataflow (see mapping/SPEC.md).
    """

    layer: Layer
    array: ArrayConfig
    sr: int
    sc: int
    t: int
    folds: tuple[Fold, ...]
    mapping_efficiency: float  # mean over folds of used PEs / all PEs, in [0, 1]
    ifmap_addresses: np.ndarray  # A, shape (P, K), int64 (SCALE-Sim's address layout)
    filter_addresses: np.ndarray  # B, shape (K, N), int64
    ofmap_addresses: np.ndarray  # O, shape (P, N), int64

    @property
    def row_folds(self) -> int:
        return -(-self.sr // self.array.rows)

    @property
    def col_folds(self) -> int:
        return -(-self.sc // self.array.cols)


@dataclass(frozen=True)
class DemandStream:
    """The SRAM requests of one operand in the order the array issues them.

    ``cycles[i]`` is the stall-free demand cycle (0-based row of SCALE-Sim's demand matrix) of
    request ``i`` and ``addresses[i]`` its word address; ``cycles`` is non-decreasing and, within
    one cycle, requests are in array port order (lowest row/column first). Only real requests
    appear: no -1 padding, no dense cycles x ports matrix.
    """

    cycles: np.ndarray  # int64, shape (n,)
    addresses: np.ndarray  # int64, shape (n,)

    def __len__(self) -> int:
        return int(self.cycles.shape[0])


@dataclass(frozen=True)
class Schedule:
    """Per-fold timing of the array and the demand streams of all three operands."""

    mapping: Mapping
    fold_cycles: tuple[int, ...]  # demand rows (cycles) of each fold, in fold order
    compute_utilization: float  # mean over folds of MACs / (PEs x compute fold length), in [0, 1]
    ifmap_sram_reads: int  # report counts (SCALE-Sim's accounting, see interconnect/SPEC.md)
    filter_sram_reads: int
    ofmap_sram_writes: int
    ifmap: DemandStream  # the read streams decide what the DRAM fetches and in which order
    filter: DemandStream
    ofmap: DemandStream  # the write stream decides when the ofmap buffer drains
    # the order SCALE-Sim prefetches each read operand from DRAM in USER mode (-1 = padding)
    ifmap_fetch_order: np.ndarray
    filter_fetch_order: np.ndarray

    @property
    def demand_cycles(self) -> int:
        """Rows of the demand matrix: the stall-free length of the layer."""
        return sum(self.fold_cycles)


@dataclass(frozen=True)
class DramAccess:
    start_cycle: int
    stop_cycle: int
    words: int


@dataclass(frozen=True)
class StorageReport:
    """What the memory hierarchy made of a schedule."""

    total_cycles: int  # SCALE-Sim's "Total Cycles": the cycle index of the last demand row
    stall_cycles: int
    total_cycles_incl_prefetch: int
    ifmap_sram_start_cycle: int
    ifmap_sram_stop_cycle: int
    filter_sram_start_cycle: int
    filter_sram_stop_cycle: int
    ofmap_sram_start_cycle: int
    ofmap_sram_stop_cycle: int
    ifmap_dram: DramAccess
    filter_dram: DramAccess
    ofmap_dram: DramAccess


@runtime_checkable
class MappingModule(Protocol):
    def map(self, layer: Layer, array: ArrayConfig) -> Mapping: ...


@runtime_checkable
class InterconnectModule(Protocol):
    def schedule(self, mapping: Mapping) -> Schedule: ...


@runtime_checkable
class StorageModule(Protocol):
    def simulate(self, schedule: Schedule, memory: MemoryConfig) -> StorageReport: ...
