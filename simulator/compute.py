"""SCALE-Sim's compute report for one layer in closed form: cycles, stalls, utilization and
mapping efficiency in microseconds to milliseconds, whatever the layer's size.

Every fold but those in the last row fold and the last column fold is full, so a layer has at
most four kinds of fold (full, short in rows, short in columns, short in both), and the numbers
follow from their counts:

- Total Cycles is the index of the last demand cycle: folds x fold length - 1. In CALC mode
  nothing stalls: only the ofmap buffer can stall the array, and it never falls behind. A drain
  frees its words when it starts and lasts one cycle per line of ``array cols`` words; the array
  writes at most ``cols`` words in a cycle, so during a drain of ``n`` lines it writes at most
  ``(n - 1) x cols`` words, fewer than the ``(n - 1) x cols + 1`` or more the drain freed.
- Mapping efficiency and compute utilization are SCALE-Sim's means of per-fold ratios, summed in
  fold order (column folds outer). The sum is the same double the fold-by-fold loop gives, bit
  for bit (:func:`repeat`), so these equal the full simulation exactly.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

from simcoder.simulator.mapping.reference import spatio_temporal
from simcoder.simulator.types import BandwidthMode, Dataflow, Layer, SimConfig, ValidationError


def fold_length(df: Dataflow, rows: int, cols: int, t: int) -> int:
    """Cycles of one fold (shared with the fast path, which imports it from here)."""
    return t + rows + cols - 2 if df is Dataflow.OUTPUT_STATIONARY else 2 * rows + cols + t - 2


@dataclass(frozen=True)
class ComputeSummary:
    """The cycle and utilization columns of SCALE-Sim's compute report, without the DRAM walk
    (so without "Total Cycles (incl. prefetch)", which needs the DRAM read windows)."""

    layer: Layer
    total_cycles: int
    stall_cycles: int
    overall_util_pct: float
    mapping_efficiency_pct: float
    compute_util_pct: float


def repeat(step: Callable[[float], float], s: float, k: int) -> float:
    """``step`` applied ``k`` times to ``s``, for a step that adds non-negative doubles one
    after another (a run of float additions), in time logarithmic in ``k``.

    Within a binade ``[2^e, 2^(e+1))`` every double is ``m x ulp`` and rounding ``s + x`` depends
    on ``x`` and on the parity of ``m`` only (ties go to even), so while the sum stays in the
    binade two steps add the same amount again whenever they left the parity as it was. Two
    steps that flip it are taken one by one; the next two keep it.
    """
    while k > 0:
        if k < 2 or s < sys.float_info.min:
            s, k = step(s), k - 1
            continue
        two = step(step(s))
        top = math.ldexp(1.0, math.frexp(s)[1])  # the binade's end: s is in [top / 2, top)
        ulp = math.ulp(s)
        m, gained = int(s / ulp), int((two - s) / ulp)
        if two >= top or gained % 2:
            s, k = two, k - 2
            continue
        if gained == 0:
            return s  # every further step rounds to nothing
        blocks = min(k // 2, (int(top / ulp) - 1 - m) // gained)
        s, k = (m + blocks * gained) * ulp, k - 2 * blocks
    return s


def compute_layer(layer: Layer, config: SimConfig) -> ComputeSummary:
    """SCALE-Sim's compute-report columns for ``layer`` (CALC mode), equal to the full
    simulation's, in closed form."""
    if config.memory.bandwidth_mode is not BandwidthMode.CALC:
        raise ValidationError(
            "InterfaceBandwidth",
            "the compute-only summary covers CALC mode (USER-mode stalls need the read "
            "buffers); run the full simulation",
        )
    a = config.array
    sr, sc, t = spatio_temporal(layer, a.dataflow)
    row_folds, col_folds = -(-sr // a.rows), -(-sc // a.cols)
    last_rows, last_cols = sr - (row_folds - 1) * a.rows, sc - (col_folds - 1) * a.cols
    length = fold_length(a.dataflow, a.rows, a.cols, t)
    # WS/IS: SCALE-Sim divides by a fold C - 1 cycles longer for compute utilization
    compute_length = length if a.dataflow is Dataflow.OUTPUT_STATIONARY else length + a.cols - 1
    folds = row_folds * col_folds

    def in_order(per_fold: Callable[[int, int], float]) -> float:
        def column_fold(cols_used: int) -> Callable[[float], float]:
            full, short = per_fold(a.rows, cols_used), per_fold(last_rows, cols_used)
            return lambda s: repeat(lambda x: x + full, s, row_folds - 1) + short

        return column_fold(last_cols)(repeat(column_fold(a.cols), 0.0, col_folds - 1))

    efficiency = in_order(lambda ru, cu: ru * cu / a.num_pes) / folds
    utilization = in_order(lambda ru, cu: ru * cu * t / (a.num_pes * compute_length)) / folds
    total = folds * length - 1
    return ComputeSummary(
        layer,
        total,
        0,
        layer.macs * 100 / (total * a.num_pes),
        efficiency * 100,
        utilization * 100,
    )
