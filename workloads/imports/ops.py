"""What the front-ends collect before lowering: one record per op that does arithmetic, with
the module (or ONNX scope) it ran in; and the naming rule both front-ends share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simcoder.workloads.imports.lowering import (
    Lowering,
    LoweringError,
    conv_layers,
    matmul_layers,
    safe_name,
)


@dataclass
class Op:
    """One op to lower: ``kind`` is ``conv`` or ``matmul``; ``scope`` the module path it ran in
    (``layer1.0.conv1``); ``where`` names it in errors (the node, or module and aten op)."""

    kind: str
    scope: str
    where: str
    args: dict[str, Any]


@dataclass
class Trace:
    ops: list[Op] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    layout: int = 0
    # ops with arithmetic the rules cannot express, by where: kept to report, raised unless
    # the user asked to skip them
    unsupported: list[tuple[str, str]] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)  # front-end approximations, counted


def layer_names(ops: list[Op]) -> list[str]:
    """A module that runs one lowered op gives the layer its own path (``layer1.0.conv1``);
    one that runs several numbers them in order (``h.0.attn.matmul1``, ``h.0.attn.matmul2``)."""
    per_scope = Counter(op.scope for op in ops)
    seen: Counter[str] = Counter()
    names = []
    for op in ops:
        base = op.scope or op.kind
        if per_scope[op.scope] > 1:
            seen[op.scope] += 1
            base = f"{base}.{op.kind}{seen[op.scope]}"
        names.append(safe_name(base, depthwise=False))
    return names


def lower(
    trace: Trace, convention: str, batch: int, fail: Callable[[str, str], Exception]
) -> Lowering:
    """The trace -> layers by the rules in lowering.py; ``fail(where, message)`` makes the error
    for an op the rules refuse."""
    low = Lowering(convention=convention, batch=batch, skipped=trace.skipped, layout=trace.layout)
    low.notes.update(trace.notes)
    for op, name in zip(trace.ops, layer_names(trace.ops), strict=True):
        try:
            if op.kind == "conv":
                conv_layers(low, name, **op.args)
            else:
                matmul_layers(low, name, op.args["a"], op.args["b"])
        except LoweringError as exc:
            raise fail(op.where, str(exc)) from None
    return low
