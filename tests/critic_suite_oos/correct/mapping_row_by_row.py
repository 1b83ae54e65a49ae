"""Correct: the ifmap matrix built one output pixel at a time from a precomputed window of
offsets and per-element filter coordinates; efficiency from the fold list."""

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping
from simcoder.simulator.types import Dataflow


def _ifmap(layer):  # type: ignore[no-untyped-def]
    W, C = layer.ifmap_w, layer.channels
    k = np.arange(layer.window_size)
    fy = k // (layer.filter_w * C)
    fx = (k // C) % layer.filter_w
    offsets = (fy * W + fx) * C + k % C
    out = np.empty((layer.ofmap_pixels, layer.window_size), dtype=np.int64)
    for p in range(layer.ofmap_pixels):
        y0 = (p // layer.ofmap_w) * layer.stride
        x0 = (p % layer.ofmap_w) * layer.stride
        inside = (y0 + fy < layer.ifmap_h) & (x0 + fx < W)
        out[p] = np.where(inside, (y0 * W + x0) * C + offsets, -1)
    return out


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        P, K, N = layer.ofmap_pixels, layer.window_size, layer.num_filters
        if array.dataflow is Dataflow.OUTPUT_STATIONARY:
            sr, sc, t = P, N, K
        elif array.dataflow is Dataflow.WEIGHT_STATIONARY:
            sr, sc, t = K, N, P
        else:
            sr, sc, t = K, P, N
        folds = []
        c0 = 0
        while c0 < sc:
            r0 = 0
            while r0 < sr:
                folds.append(
                    Fold(
                        index=len(folds),
                        row_fold=r0 // array.rows,
                        col_fold=c0 // array.cols,
                        rows_used=min(array.rows, sr - r0),
                        cols_used=min(array.cols, sc - c0),
                    )
                )
                r0 += array.rows
            c0 += array.cols
        ratios = [f.rows_used * f.cols_used / array.num_pes for f in folds]
        kk, nn = np.meshgrid(np.arange(K), np.arange(N), indexing="ij")
        pp, nn2 = np.meshgrid(np.arange(P), np.arange(N), indexing="ij")
        return Mapping(
            layer,
            array,
            sr,
            sc,
            t,
            tuple(folds),
            sum(ratios) / len(ratios),
            _ifmap(layer),
            (nn * K + kk + 10_000_000).astype(np.int64),
            (pp * N + nn2 + 20_000_000).astype(np.int64),
        )
