"""Correct: the ifmap matrix from a (pixel, filter row, filter col, channel) coordinate grid,
reshaped to P x K; folds from divmod of the extents."""

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping
from simcoder.simulator.types import Dataflow


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        H, W, R, S, C = layer.ifmap_h, layer.ifmap_w, layer.filter_h, layer.filter_w, layer.channels
        E, F, N, s = layer.ofmap_h, layer.ofmap_w, layer.num_filters, layer.stride
        P, K = E * F, R * S * C
        oy, ox, fy, fx, ch = np.meshgrid(
            np.arange(E), np.arange(F), np.arange(R), np.arange(S), np.arange(C), indexing="ij"
        )
        y, x = oy * s + fy, ox * s + fx
        ifmap = np.where((y < H) & (x < W), (y * W + x) * C + ch, -1).reshape(P, K)
        filt = np.arange(N * K, dtype=np.int64).reshape(N, K).T + 10_000_000
        ofmap = np.arange(P * N, dtype=np.int64).reshape(P, N) + 20_000_000
        extents = {
            Dataflow.OUTPUT_STATIONARY: (P, N, K),
            Dataflow.WEIGHT_STATIONARY: (K, N, P),
            Dataflow.INPUT_STATIONARY: (K, P, N),
        }
        sr, sc, t = extents[array.dataflow]
        full_r, part_r = divmod(sr, array.rows)
        full_c, part_c = divmod(sc, array.cols)
        row_sizes = [array.rows] * full_r + ([part_r] if part_r else [])
        col_sizes = [array.cols] * full_c + ([part_c] if part_c else [])
        folds = []
        for fc, cu in enumerate(col_sizes):
            for fr, ru in enumerate(row_sizes):
                folds.append(Fold(len(folds), fr, fc, ru, cu))
        eff = 0.0
        for f in folds:
            eff += f.rows_used * f.cols_used / (array.rows * array.cols)
        return Mapping(
            layer=layer,
            array=array,
            sr=sr,
            sc=sc,
            t=t,
            folds=tuple(folds),
            mapping_efficiency=eff / len(folds),
            ifmap_addresses=ifmap.astype(np.int64),
            filter_addresses=np.ascontiguousarray(filt),
            ofmap_addresses=ofmap,
        )
