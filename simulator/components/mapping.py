"""Known mapping changes: the exact ofmap size."""

from __future__ import annotations

import dataclasses

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.mapping.reference import ReferenceMapping
from simcoder.simulator.types import ArrayConfig, Layer


def exact_ofmap_layer(layer: Layer) -> Layer:
    """The layer trimmed to the ifmap rows and columns a window really covers, so that
    SCALE-Sim's ``ceil((H - R + s) / s)`` gives the exact ``floor((H - R) / s) + 1``."""
    e = (layer.ifmap_h - layer.filter_h) // layer.stride + 1
    f = (layer.ifmap_w - layer.filter_w) // layer.stride + 1
    return dataclasses.replace(
        layer,
        ifmap_h=(e - 1) * layer.stride + layer.filter_h,
        ifmap_w=(f - 1) * layer.stride + layer.filter_w,
    )


class ExactOfmapMapping:
    """Mapping with the exact ofmap size ``floor((H - R) / s) + 1`` (SCALE-Sim's is one too
    large when the stride does not divide ``H - R``); everything else as SCALE-Sim."""

    def map(self, layer: Layer, array: ArrayConfig) -> Mapping:
        return ReferenceMapping().map(exact_ofmap_layer(layer), array)


__all__ = ["ExactOfmapMapping", "exact_ofmap_layer"]
