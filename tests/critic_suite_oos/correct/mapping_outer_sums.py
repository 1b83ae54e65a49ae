"""Correct: A as an outer sum of per-pixel window bases and per-element offsets, masked by an
outer AND of row and column bounds; B and O as outer sums too."""

import numpy as np

from simcoder.simulator.contracts import Fold, Mapping


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        C, W, S = layer.channels, layer.ifmap_w, layer.filter_w
        p = np.arange(layer.ofmap_pixels, dtype=np.int64)
        k = np.arange(layer.window_size, dtype=np.int64)
        y0 = (p // layer.ofmap_w) * layer.stride
        x0 = (p % layer.ofmap_w) * layer.stride
        fy, fx = k // (S * C), (k % (S * C)) // C
        addr = np.add.outer((y0 * W + x0) * C, (fy * W + fx) * C + k % C)
        ok = np.less.outer(y0, layer.ifmap_h - fy) & np.less.outer(x0, W - fx)
        n = np.arange(layer.num_filters, dtype=np.int64)
        filt = np.add.outer(k, n * layer.window_size) + 10_000_000
        ofmap = np.add.outer(p * layer.num_filters, n) + 20_000_000
        dims = {"p": layer.ofmap_pixels, "k": layer.window_size, "n": layer.num_filters}
        order = {"os": "pnk", "ws": "knp", "is": "kpn"}[array.dataflow.value]
        sr, sc, t = (dims[c] for c in order)
        nr, nc = -(-sr // array.rows), -(-sc // array.cols)
        folds = tuple(
            Fold(
                fc * nr + fr,
                fr,
                fc,
                min(array.rows, sr - fr * array.rows),
                min(array.cols, sc - fc * array.cols),
            )
            for fc in range(nc)
            for fr in range(nr)
        )
        eff = sum(f.rows_used * f.cols_used / (array.rows * array.cols) for f in folds) / (nr * nc)
        return Mapping(layer, array, sr, sc, t, folds, eff, np.where(ok, addr, -1), filt, ofmap)
