"""The non-overlapping-patch fast path (stride equal to a square filter) cuts the ifmap index
image into patches after padding it to whole patches with 0 (conv zero padding) instead of -1,
so the off-ifmap elements of the last patch request word 0.

Exposed by: patch-embedding layers (stride == filter_h == filter_w, e.g. ViT's 16x16 stride 16,
or 2x2 stride 2 "space-to-depth" convs) on an ifmap that is not a whole number of patches, e.g.
a 7x7 stride-7 patchify of a 30x30 image; the extra requests change the read streams (SRAM
read windows, CALC epochs with small SRAMs, USER-mode prefetches). Other strides are right.
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


def _patches(layer):  # type: ignore[no-untyped-def]
    """A by reshaping the (H, W, C) index image into E x F patches of R x S x C words."""
    e, f, r, s, c = layer.ofmap_h, layer.ofmap_w, layer.filter_h, layer.filter_w, layer.channels
    image = np.arange(layer.ifmap_h * layer.ifmap_w * c, dtype=np.int64).reshape(
        layer.ifmap_h, layer.ifmap_w, c
    )
    # pad the bottom/right edge to whole patches (SCALE-Sim's ceil output size)
    image = np.pad(image, ((0, e * r - layer.ifmap_h), (0, f * s - layer.ifmap_w), (0, 0)))
    patches = image.reshape(e, r, f, s, c).transpose(0, 2, 1, 3, 4)
    return patches.reshape(e * f, r * s * c) + IFMAP_OFFSET


class Module:
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        if layer.stride == layer.filter_h == layer.filter_w and layer.stride > 1:
            a = _patches(layer)
        else:
            a = ifmap_matrix(layer)
        sr, sc, t = spatio_temporal(layer, array.dataflow)
        fl = folds(sr, sc, array)
        eff = sum(f.rows_used * f.cols_used / array.num_pes for f in fl) / len(fl)
        return Mapping(
            layer, array, sr, sc, t, fl, eff, a, filter_matrix(layer), ofmap_matrix(layer)
        )


WITNESS = {
    "layer": ["patchify", 30, 30, 7, 7, 3, 64, 7],
    "array": [32, 32, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
