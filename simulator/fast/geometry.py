"""Per-fold placement tables for the compiled kernels (small int64 arrays, built in Python)."""

from __future__ import annotations

import numpy as np

from simcoder.simulator.compute import fold_length
from simcoder.simulator.mapping.reference import folds, spatio_temporal
from simcoder.simulator.types import ArrayConfig, Dataflow, Layer

# columns of a placement row
START, H, W, BASE, SKEWED, MATRIX, X0, XI, XJ, Y0, YI, YJ = range(12)
MATRIX_A, MATRIX_B, MATRIX_O = 0, 1, 2


def placements(layer: Layer, array: ArrayConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ifmap, filter, ofmap) tables: one row per fold. Element (i, j) of a fold's block reads
    matrix[X0 + XI*i + XJ*j, Y0 + YI*i + YJ*j] at cycle START + BASE + i + j (skewed) or
    START + rows - 1 - i (stationary)."""
    df, r_arr = array.dataflow, array.rows
    sr, sc, t = spatio_temporal(layer, df)
    length = fold_length(df, array.rows, array.cols, t)
    tables: list[list[list[int]]] = [[], [], []]
    for fold in folds(sr, sc, array):
        s = fold.index * length
        r0, ru = fold.row_fold * array.rows, fold.rows_used
        c0, cu = fold.col_fold * array.cols, fold.cols_used
        if df is Dataflow.OUTPUT_STATIONARY:
            rows = (
                [s, t, ru, 0, 1, MATRIX_A, r0, 0, 1, 0, 1, 0],
                [s, t, cu, 0, 1, MATRIX_B, 0, 1, 0, c0, 0, 1],
                [s, ru, cu, t - 1 + r_arr - ru, 1, MATRIX_O, 0, 0, 0, 0, 0, 0],
            )
        elif df is Dataflow.WEIGHT_STATIONARY:
            rows = (
                [s, t, ru, r_arr, 1, MATRIX_A, 0, 1, 0, r0, 0, 1],
                [s, ru, cu, 0, 0, MATRIX_B, r0, 1, 0, c0, 0, 1],
                [s, t, cu, 2 * r_arr - 1, 1, MATRIX_O, 0, 0, 0, 0, 0, 0],
            )
        else:
            rows = (
                [s, ru, cu, 0, 0, MATRIX_A, c0, 0, 1, r0, 1, 0],
                [s, t, ru, r_arr, 1, MATRIX_B, r0, 0, 1, 0, 1, 0],
                [s, t, cu, 2 * r_arr - 1, 1, MATRIX_O, 0, 0, 0, 0, 0, 0],
            )
        for table, row in zip(tables, rows, strict=True):
            table.append(list(row))
    ifmap, filt, ofmap = (np.asarray(tb, dtype=np.int64) for tb in tables)
    return ifmap, filt, ofmap
