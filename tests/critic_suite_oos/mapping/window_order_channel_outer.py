"""Window element k decomposed channel-outer (k -> channel, filter row, filter column) instead
of SPEC's filter row, filter column, channel-innermost order.

Every address is still a real ifmap word, and the same set of words per pixel, so counts and
most windows look right; only the order in which words are requested (and so prefetched)
changes. Exposed by: multi-channel layers with a filter larger than 1x1, in USER bandwidth mode
or with SRAMs small enough for the CALC read buffer to end an epoch, and (through where the
off-ifmap -1 entries fall) strided layers with a partial last window.
"""

import dataclasses

import numpy as np

from simcoder.simulator.mapping.reference import IFMAP_OFFSET, ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):  # type: ignore[no-untyped-def]
        m = super().map(layer, array)
        p = np.arange(layer.ofmap_pixels)[:, None]
        k = np.arange(layer.window_size)[None, :]
        orow, ocol = np.divmod(p, layer.ofmap_w)
        ir, ic = orow * layer.stride, ocol * layer.stride
        ch, rest = np.divmod(k, layer.filter_h * layer.filter_w)
        fr, fc = np.divmod(rest, layer.filter_w)
        addr = ((ir + fr) * layer.ifmap_w + (ic + fc)) * layer.channels + ch + IFMAP_OFFSET
        valid = (ir + fr < layer.ifmap_h) & (ic + fc < layer.ifmap_w)
        return dataclasses.replace(m, ifmap_addresses=np.where(valid, addr, -1).astype(np.int64))


WITNESS = {
    "layer": ["conv2x2", 10, 10, 2, 2, 8, 16, 1],
    "array": [16, 4, "ws"],
    "memory": {
        "ifmap_sram_kib": 4,
        "filter_sram_kib": 4,
        "ofmap_sram_kib": 4,
        "bandwidth_mode": "USER",
        "ofmap_dram_words_per_cycle": 32,
        "ifmap_sram_bank_words_per_cycle": 32,
        "filter_sram_bank_words_per_cycle": 32,
    },
}
