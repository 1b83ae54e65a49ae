"""The single-channel (depthwise) fast path addresses window element (fr, fc) as
(ir + fr) * W + (ic + fc) and masks only window rows that fall off the ifmap, not columns.

Exposed by: one-channel layers (SCALE-Sim's depthwise DP layers run per channel, and 1-channel
inputs) with a stride that leaves a partial last window column, e.g. a 3x3 stride-2 depthwise
conv on a 112x112 or 56x56 ifmap: off-ifmap elements wrap into the next row instead of being
-1. Multi-channel layers, stride 1 and GEMM layers are right.
"""

import numpy as np

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.mapping.reference import (
    IFMAP_OFFSET,
    filter_matrix,
    folds,
    ifmap_matrix,
    ofmap_matrix,
    spatio_temporal,
)


def _single_channel_ifmap(layer):  # type: ignore[no-untyped-def]
    """One channel: the window is a plain R x S patch of the ifmap image."""
    out_row, out_col = np.divmod(np.arange(layer.ofmap_pixels), layer.ofmap_w)
    top = out_row * layer.stride
    left = out_col * layer.stride
    f_row, f_col = np.divmod(np.arange(layer.filter_h * layer.filter_w), layer.filter_w)
    rows = top[:, None] + f_row[None, :]
    cols = left[:, None] + f_col[None, :]
    addresses = rows * layer.ifmap_w + cols + IFMAP_OFFSET
    return np.where(rows < layer.ifmap_h, addresses, -1).astype(np.int64)


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        a = _single_channel_ifmap(layer) if layer.channels == 1 else ifmap_matrix(layer)
        sr, sc, t = spatio_temporal(layer, array.dataflow)
        fl = folds(sr, sc, array)
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in fl) / len(fl)
        return Mapping(
            layer, array, sr, sc, t, fl, eff, a, filter_matrix(layer), ofmap_matrix(layer)
        )


WITNESS = {
    "layer": ["dw_s2", 56, 56, 3, 3, 1, 32, 2],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
