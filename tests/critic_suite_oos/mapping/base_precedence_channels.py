"""The window's base address is written ir*W + ic*C, scaling only the column by the channel
count, instead of (ir*W + ic)*C.

Exposed by: layers with more than one channel and more than one output row (FC, GEMM and
single-channel layers are right).
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import IFMAP_OFFSET, ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        W, C = layer.ifmap_w, layer.channels
        rows = []
        for p in range(layer.ofmap_pixels):
            orow, ocol = divmod(p, layer.ofmap_w)
            ir, ic = orow * layer.stride, ocol * layer.stride
            window_base = ir * W + ic * C
            row = []
            for k in range(layer.window_size):
                fr, rest = divmod(k, layer.filter_w * C)
                fc, ch = divmod(rest, C)
                if ir + fr < layer.ifmap_h and ic + fc < W:
                    row.append(window_base + (fr * W + fc) * C + ch + IFMAP_OFFSET)
                else:
                    row.append(-1)
            rows.append(row)
        addr = np.asarray(rows, dtype=np.int64).reshape(layer.ofmap_pixels, layer.window_size)
        return dataclasses.replace(m, ifmap_addresses=addr)


WITNESS = {
    "layer": ["conv", 10, 10, 3, 3, 4, 8, 1],
    "array": [8, 8, "ws"],
    "memory": {"ifmap_sram_kib": 64, "filter_sram_kib": 64, "ofmap_sram_kib": 64},
}
