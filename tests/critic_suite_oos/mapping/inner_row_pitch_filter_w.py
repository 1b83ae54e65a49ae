"""Within a window, the offset of filter row fr uses the filter width as the row pitch
((fr*S + fc)*C + ch) instead of the ifmap width ((fr*W + fc)*C + ch).

Exposed by: conv layers with filter_h > 1 (different window rows alias to wrong ifmap words);
1xK filters, FC and GEMM layers are right.
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import IFMAP_OFFSET, ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        c, s = layer.channels, layer.filter_w
        p = np.arange(layer.ofmap_pixels)[:, None]
        k = np.arange(layer.window_size)[None, :]
        orow, ocol = np.divmod(p, layer.ofmap_w)
        ir, ic = orow * layer.stride, ocol * layer.stride
        fr, rest = np.divmod(k, s * c)
        fc, ch = np.divmod(rest, c)
        base = (ir * layer.ifmap_w + ic) * c
        inner = (fr * s + fc) * c + ch
        valid = (ir + fr < layer.ifmap_h) & (ic + fc < layer.ifmap_w)
        addr = np.where(valid, base + inner + IFMAP_OFFSET, -1).astype(np.int64)
        return dataclasses.replace(m, ifmap_addresses=addr)


WITNESS = {
    "layer": ["conv3x3", 16, 16, 3, 3, 8, 16, 1],
    "array": [16, 16, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
