"""The index grids are built as int16 ("they are small"), so window bases and filter offsets
wrap around once H*W*C or K*N passes 32767.

Exposed by: layers with a large ifmap (ifmap_h * ifmap_w * channels >= 32768, e.g. 32x32x64 or
56x56x16) or many filter words (window size x filters >= 32768, e.g. 3x3x64 with 64 filters);
the wrapped addresses alias other words or turn negative (and are dropped as off-ifmap). Small
layers are right.
"""

import numpy as np

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.mapping.reference import (
    FILTER_OFFSET,
    IFMAP_OFFSET,
    OFMAP_OFFSET,
    folds,
    spatio_temporal,
)

GRID = np.int16  # compact index grids: layer extents are far below 32k


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        p_count, k_count, n_count = layer.ofmap_pixels, layer.window_size, layer.num_filters
        out_row, out_col = np.divmod(np.arange(p_count, dtype=GRID), GRID(layer.ofmap_w))
        in_row = out_row * GRID(layer.stride)
        in_col = out_col * GRID(layer.stride)
        base = (in_row * GRID(layer.ifmap_w) + in_col) * GRID(layer.channels)
        f_row, rest = np.divmod(
            np.arange(k_count, dtype=GRID), GRID(layer.filter_w * layer.channels)
        )
        f_col, ch = np.divmod(rest, GRID(layer.channels))
        inner = (f_row * GRID(layer.ifmap_w) + f_col) * GRID(layer.channels) + ch
        a = base[:, None].astype(np.int64) + inner[None, :].astype(np.int64) + IFMAP_OFFSET
        valid = (in_row[:, None] + f_row[None, :] < layer.ifmap_h) & (
            in_col[:, None] + f_col[None, :] < layer.ifmap_w
        )
        a = np.where(valid, a, -1)
        k = np.arange(k_count, dtype=GRID)[:, None]
        n = np.arange(n_count, dtype=GRID)[None, :]
        b = (n * GRID(k_count) + k).astype(np.int64) + FILTER_OFFSET
        p = np.arange(p_count, dtype=np.int64)[:, None]
        o = p * n_count + np.arange(n_count, dtype=np.int64)[None, :] + OFMAP_OFFSET
        sr, sc, t = spatio_temporal(layer, array.dataflow)
        fl = folds(sr, sc, array)
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in fl) / len(fl)
        return Mapping(layer, array, sr, sc, t, fl, eff, a, b, o)


WITNESS = {
    "layer": ["conv_c64", 32, 32, 3, 3, 64, 16, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 256, "filter_sram_kib": 256, "ofmap_sram_kib": 256},
}
