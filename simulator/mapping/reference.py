"""Reference mapping module: SCALE-Sim 3.0.0's operand matrices and folding. See SPEC.md."""

from __future__ import annotations

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping
from simcoder.simulator.types import ArrayConfig, Dataflow, Layer

# Offsets of SCALE-Sim's default address spaces; only address identity matters to the reports.
IFMAP_OFFSET = 0
FILTER_OFFSET = 10_000_000
OFMAP_OFFSET = 20_000_000


def ifmap_matrix(layer: Layer) -> np.ndarray:
    """A[p, k]: the ifmap word that window element k of output pixel p reads (P x K), or -1."""
    p = np.arange(layer.ofmap_pixels)[:, None]
    k = np.arange(layer.window_size)[None, :]
    out_row, out_col = np.divmod(p, layer.ofmap_w)
    in_row, in_col = out_row * layer.stride, out_col * layer.stride
    window_base = (in_row * layer.ifmap_w + in_col) * layer.channels
    f_row, rest = np.divmod(k, layer.filter_w * layer.channels)
    f_col, ch = np.divmod(rest, layer.channels)
    inner = (f_row * layer.ifmap_w + f_col) * layer.channels + ch
    addresses = (inner + window_base + IFMAP_OFFSET).astype(np.int64)
    # SCALE-Sim sizes the ofmap as ceil((H - R + S) / S), one row/column too many when the
    # stride does not divide H - R; window elements that fall off the ifmap are -1 (no request)
    valid = (in_row + f_row < layer.ifmap_h) & (in_col + f_col < layer.ifmap_w)
    return np.where(valid, addresses, -1)


def filter_matrix(layer: Layer) -> np.ndarray:
    """B[k, n]: filter n's window element k (K x N), filters stored one after another."""
    k = np.arange(layer.window_size)[:, None]
    n = np.arange(layer.num_filters)[None, :]
    return (n * layer.window_size + k + FILTER_OFFSET).astype(np.int64)


def ofmap_matrix(layer: Layer) -> np.ndarray:
    """O[p, n]: output pixel p of filter n (P x N), channel-last."""
    p = np.arange(layer.ofmap_pixels)[:, None]
    n = np.arange(layer.num_filters)[None, :]
    return (p * layer.num_filters + n + OFMAP_OFFSET).astype(np.int64)


def spatio_temporal(layer: Layer, dataflow: Dataflow) -> tuple[int, int, int]:
    """(Sr, Sc, T): what spans the array rows, the array columns, and time."""
    p, k, n = layer.ofmap_pixels, layer.window_size, layer.num_filters
    if dataflow is Dataflow.OUTPUT_STATIONARY:
        return p, n, k
    if dataflow is Dataflow.WEIGHT_STATIONARY:
        return k, n, p
    return k, p, n


def folds(sr: int, sc: int, array: ArrayConfig) -> tuple[Fold, ...]:
    """Column folds outer, row folds inner, as SCALE-Sim walks them."""
    row_folds = -(-sr // array.rows)
    col_folds = -(-sc // array.cols)
    out: list[Fold] = []
    for fc in range(col_folds):
        cols_used = min(array.cols, sc - fc * array.cols)
        for fr in range(row_folds):
            rows_used = min(array.rows, sr - fr * array.rows)
            out.append(Fold(len(out), fr, fc, rows_used, cols_used))
    return tuple(out)


class ReferenceMapping:
    """SCALE-Sim 3.0.0's mapping, clear and per fold."""

    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        sr, sc, t = spatio_temporal(layer, array.dataflow)
        fold_list = folds(sr, sc, array)
        # SCALE-Sim sums the per-fold ratios in fold order, then divides: keep that order so the
        # float is bit-identical.
        per_fold = [f.rows_used * f.cols_used / array.num_pes for f in fold_list]
        efficiency = sum(per_fold) / len(per_fold)
        return Mapping(
            layer=layer,
            array=array,
            sr=sr,
            sc=sc,
            t=t,
            folds=fold_list,
            mapping_efficiency=efficiency,
            ifmap_addresses=ifmap_matrix(layer),
            filter_addresses=filter_matrix(layer),
            ofmap_addresses=ofmap_matrix(layer),
        )
