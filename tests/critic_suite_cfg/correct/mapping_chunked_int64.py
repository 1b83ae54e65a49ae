"""Mapping for big layers: the ifmap matrix built in int64 chunks of output pixels (each chunk
from its absolute pixel indices), and the mapping efficiency in closed form as the product of
the mean row and column occupancies (the per-fold ratios are separable)."""

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping
from simcoder.simulator.types import Dataflow

IFMAP_OFFSET = 0
FILTER_OFFSET = 10_000_000
OFMAP_OFFSET = 20_000_000
CHUNK = 256  # pixels per chunk: bounds the temporaries of big layers


def _ifmap(layer):  # type: ignore[no-untyped-def]
    c, w = np.int64(layer.channels), np.int64(layer.ifmap_w)
    k = np.arange(layer.window_size, dtype=np.int64)
    f_row, rest = np.divmod(k, np.int64(layer.filter_w) * c)
    f_col, ch = np.divmod(rest, c)
    inner = (f_row * w + f_col) * c + ch
    out = np.empty((layer.ofmap_pixels, layer.window_size), dtype=np.int64)
    for start in range(0, layer.ofmap_pixels, CHUNK):
        p = np.arange(start, min(start + CHUNK, layer.ofmap_pixels), dtype=np.int64)
        o_row, o_col = np.divmod(p, np.int64(layer.ofmap_w))
        i_row, i_col = o_row * layer.stride, o_col * layer.stride
        base = (i_row * w + i_col) * c
        ok = ((i_row[:, None] + f_row) < layer.ifmap_h) & ((i_col[:, None] + f_col) < w)
        out[start : start + p.shape[0]] = np.where(ok, base[:, None] + inner + IFMAP_OFFSET, -1)
    return out


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        p, k, n = layer.ofmap_pixels, layer.window_size, layer.num_filters
        sr, sc, t = {
            Dataflow.OUTPUT_STATIONARY: (p, n, k),
            Dataflow.WEIGHT_STATIONARY: (k, n, p),
            Dataflow.INPUT_STATIONARY: (k, p, n),
        }[array.dataflow]
        n_rows, n_cols = -(-sr // array.rows), -(-sc // array.cols)
        rows_used = [min(array.rows, sr - i * array.rows) for i in range(n_rows)]
        cols_used = [min(array.cols, sc - j * array.cols) for j in range(n_cols)]
        fl = tuple(
            Fold(j * n_rows + i, i, j, rows_used[i], cols_used[j])
            for j in range(n_cols)
            for i in range(n_rows)
        )
        efficiency = (sum(rows_used) / (n_rows * array.rows)) * (
            sum(cols_used) / (n_cols * array.cols)
        )
        b = np.arange(n, dtype=np.int64)[None, :] * k + np.arange(k, dtype=np.int64)[:, None]
        o = np.arange(p, dtype=np.int64)[:, None] * n + np.arange(n, dtype=np.int64)[None, :]
        return Mapping(
            layer,
            array,
            sr,
            sc,
            t,
            fl,
            efficiency,
            _ifmap(layer),
            b + FILTER_OFFSET,
            o + OFMAP_OFFSET,
        )
