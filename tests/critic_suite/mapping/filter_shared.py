"""Filter addresses ignore the filter index: every filter reads the same K words.

Exposed by: layers with more than one filter (filter DRAM traffic collapses).
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import FILTER_OFFSET, ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        k = np.arange(layer.window_size)[:, None]
        b = np.broadcast_to(k + FILTER_OFFSET, (layer.window_size, layer.num_filters))
        return dataclasses.replace(m, filter_addresses=np.ascontiguousarray(b, dtype=np.int64))
