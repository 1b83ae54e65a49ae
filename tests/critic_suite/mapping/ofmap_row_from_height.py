"""Output pixel p's row and column split by the ofmap *height* instead of its width.

Exposed by: layers whose ofmap is not square; square ones are unchanged.
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        p = np.arange(layer.ofmap_pixels)[:, None]
        k = np.arange(layer.window_size)[None, :]
        out_row, out_col = np.divmod(p, layer.ofmap_h)
        in_row, in_col = out_row * layer.stride, out_col * layer.stride
        f_row, rest = np.divmod(k, layer.filter_w * layer.channels)
        f_col, ch = np.divmod(rest, layer.channels)
        addr = ((in_row + f_row) * layer.ifmap_w + in_col + f_col) * layer.channels + ch
        valid = (in_row + f_row < layer.ifmap_h) & (in_col + f_col < layer.ifmap_w)
        return dataclasses.replace(m, ifmap_addresses=np.where(valid, addr, -1).astype(np.int64))
