"""Ofmap size computed as floor((H - R) / s) + 1, "fixing" SCALE-Sim's ceil((H - R + s) / s).

Exposed by: strided layers whose stride does not divide H - R (or W - S), e.g. a 3x3 stride-2
conv on an even-sized ifmap; stride-1 layers are unaffected.
"""

import numpy as np

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.mapping.reference import FILTER_OFFSET, IFMAP_OFFSET, OFMAP_OFFSET, folds
from simcoder.simulator.types import Dataflow


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        # the real output size: windows that fit entirely inside the ifmap
        e = (layer.ifmap_h - layer.filter_h) // layer.stride + 1
        f = (layer.ifmap_w - layer.filter_w) // layer.stride + 1
        p_count, k_count, n_count = e * f, layer.window_size, layer.num_filters
        p = np.arange(p_count)[:, None]
        k = np.arange(k_count)[None, :]
        orow, ocol = np.divmod(p, f)
        ir, ic = orow * layer.stride, ocol * layer.stride
        fr, rest = np.divmod(k, layer.filter_w * layer.channels)
        fc, ch = np.divmod(rest, layer.channels)
        a = ((ir * layer.ifmap_w + ic) * layer.channels) + (
            (fr * layer.ifmap_w + fc) * layer.channels + ch
        )
        valid = (ir + fr < layer.ifmap_h) & (ic + fc < layer.ifmap_w)
        a = np.where(valid, a + IFMAP_OFFSET, -1).astype(np.int64)
        b = np.arange(n_count)[None, :] * k_count + np.arange(k_count)[:, None] + FILTER_OFFSET
        o = np.arange(p_count)[:, None] * n_count + np.arange(n_count)[None, :] + OFMAP_OFFSET
        if array.dataflow is Dataflow.OUTPUT_STATIONARY:
            sr, sc, t = p_count, n_count, k_count
        elif array.dataflow is Dataflow.WEIGHT_STATIONARY:
            sr, sc, t = k_count, n_count, p_count
        else:
            sr, sc, t = k_count, p_count, n_count
        fl = folds(sr, sc, array)
        eff = sum(x.rows_used * x.cols_used / array.num_pes for x in fl) / len(fl)
        return Mapping(layer, array, sr, sc, t, fl, eff, a, b.astype(np.int64), o.astype(np.int64))


WITNESS = {
    "layer": ["conv_s2", 32, 32, 3, 3, 16, 32, 2],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
