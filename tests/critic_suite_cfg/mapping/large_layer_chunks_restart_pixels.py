"""For big layers the ifmap matrix is built in chunks of 4096 output pixels to bound memory, but
each chunk derives its pixels' rows and columns from the index within the chunk, so every chunk
after the first repeats the first chunk's windows.

Exposed by: layers with more than 4096 output pixels (e.g. a 3x3 conv on a 66x66 or larger
ifmap, 1x1 convs on 64x64+, early layers of image networks); the repeated windows alias, so
fewer distinct ifmap words reach DRAM. Layers with up to 4096 pixels are right.
"""

import numpy as np

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.mapping.reference import (
    IFMAP_OFFSET,
    filter_matrix,
    folds,
    ofmap_matrix,
    spatio_temporal,
)

CHUNK_PIXELS = 4096


def _ifmap_matrix(layer):  # type: ignore[no-untyped-def]
    k = np.arange(layer.window_size)[None, :]
    f_row, rest = np.divmod(k, layer.filter_w * layer.channels)
    f_col, ch = np.divmod(rest, layer.channels)
    inner = (f_row * layer.ifmap_w + f_col) * layer.channels + ch
    out = np.empty((layer.ofmap_pixels, layer.window_size), dtype=np.int64)
    for start in range(0, layer.ofmap_pixels, CHUNK_PIXELS):
        stop = min(start + CHUNK_PIXELS, layer.ofmap_pixels)
        p = np.arange(stop - start)[:, None]
        out_row, out_col = np.divmod(p, layer.ofmap_w)
        in_row, in_col = out_row * layer.stride, out_col * layer.stride
        base = (in_row * layer.ifmap_w + in_col) * layer.channels
        valid = (in_row + f_row < layer.ifmap_h) & (in_col + f_col < layer.ifmap_w)
        out[start:stop] = np.where(valid, base + inner + IFMAP_OFFSET, -1)
    return out


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        sr, sc, t = spatio_temporal(layer, array.dataflow)
        fl = folds(sr, sc, array)
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in fl) / len(fl)
        return Mapping(
            layer,
            array,
            sr,
            sc,
            t,
            fl,
            eff,
            _ifmap_matrix(layer),
            filter_matrix(layer),
            ofmap_matrix(layer),
        )


WITNESS = {
    "layer": ["conv70", 70, 70, 3, 3, 8, 16, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 256, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
