"""Correct: the mapping written from scratch with broadcasting and itertools (no reference code)."""

import itertools

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping
from simcoder.simulator.types import Dataflow


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        P, K, N = layer.ofmap_pixels, layer.window_size, layer.num_filters
        oy, ox = np.divmod(np.arange(P), layer.ofmap_w)
        fy, rem = np.divmod(np.arange(K), layer.filter_w * layer.channels)
        fx, c = np.divmod(rem, layer.channels)
        y = oy[:, None] * layer.stride + fy[None, :]
        x = ox[:, None] * layer.stride + fx[None, :]
        a = (y * layer.ifmap_w + x) * layer.channels + c[None, :]
        a = np.where((y < layer.ifmap_h) & (x < layer.ifmap_w), a, -1).astype(np.int64)
        b = (np.arange(N)[None, :] * K + np.arange(K)[:, None] + 10_000_000).astype(np.int64)
        o = (np.arange(P)[:, None] * N + np.arange(N)[None, :] + 20_000_000).astype(np.int64)
        sr, sc, t = {
            Dataflow.OUTPUT_STATIONARY: (P, N, K),
            Dataflow.WEIGHT_STATIONARY: (K, N, P),
            Dataflow.INPUT_STATIONARY: (K, P, N),
        }[array.dataflow]
        nr, nc = -(-sr // array.rows), -(-sc // array.cols)
        folds = tuple(
            Fold(
                i,
                fr,
                fc,
                min(array.rows, sr - fr * array.rows),
                min(array.cols, sc - fc * array.cols),
            )
            for i, (fc, fr) in enumerate(itertools.product(range(nc), range(nr)))
        )
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in folds) / len(folds)
        return Mapping(layer, array, sr, sc, t, folds, eff, a, b, o)
