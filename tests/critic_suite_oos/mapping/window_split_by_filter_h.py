"""Window element k is split into its filter row with divmod(k, filter_h * C) (the filter
height) instead of divmod(k, filter_w * C).

Exposed by: non-square filters, which includes every GEMM/FC-as-GEMM layer (Layer.from_gemm
gives a 1 x K filter) and 1x7/7x1 convs; square filters are right.
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import IFMAP_OFFSET, ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        C = layer.channels
        p = np.arange(layer.ofmap_pixels)[:, None]
        k = np.arange(layer.window_size)[None, :]
        orow, ocol = np.divmod(p, layer.ofmap_w)
        ir, ic = orow * layer.stride, ocol * layer.stride
        fr, rest = np.divmod(k, layer.filter_h * C)
        fc, ch = np.divmod(rest, C)
        addr = ((ir * layer.ifmap_w + ic) * C) + ((fr * layer.ifmap_w + fc) * C + ch)
        valid = (ir + fr < layer.ifmap_h) & (ic + fc < layer.ifmap_w)
        addr = np.where(valid, addr + IFMAP_OFFSET, -1).astype(np.int64)
        return dataclasses.replace(m, ifmap_addresses=addr)


WITNESS = {
    "layer": ["gemm_64x32x48", 64, 48, 1, 48, 1, 32, 1],
    "array": [32, 32, "os"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
