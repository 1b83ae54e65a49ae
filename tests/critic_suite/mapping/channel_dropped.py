"""The ifmap address leaves out the channel index: all channels of a pixel share one word.

Exposed by: layers with more than one input channel (DRAM traffic shrinks); one-channel layers
are unchanged.
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        k = np.arange(layer.window_size)
        ch = k % layer.channels
        a = m.ifmap_addresses
        return dataclasses.replace(m, ifmap_addresses=np.where(a >= 0, a - ch[None, :], -1))
