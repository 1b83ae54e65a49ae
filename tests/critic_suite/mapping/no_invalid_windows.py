"""Window elements past the ifmap edge get an address instead of -1 (no request).

Exposed by: layers where the stride does not divide H - R (SCALE-Sim's ceil ofmap size makes
the last window hang off the ifmap); every other layer is unchanged.
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        p = np.arange(layer.ofmap_pixels)[:, None]
        k = np.arange(layer.window_size)[None, :]
        out_row, out_col = np.divmod(p, layer.ofmap_w)
        f_row, rest = np.divmod(k, layer.filter_w * layer.channels)
        f_col, ch = np.divmod(rest, layer.channels)
        base = (out_row * layer.stride * layer.ifmap_w + out_col * layer.stride) * layer.channels
        addresses = (base + (f_row * layer.ifmap_w + f_col) * layer.channels + ch).astype(np.int64)
        return dataclasses.replace(m, ifmap_addresses=addresses)
