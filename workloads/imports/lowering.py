"""The lowering rules: one model op -> SCALE-Sim layers. Both front-ends (PyTorch traced on the
meta device, ONNX after shape inference) call these, so one network gives one topology whichever
way it comes in. Pure Python: no torch, no onnx. Every rule is in docs/workloads.md.

Conventions for a convolution's input size (``--convention``):

- ``padded`` (the default): the input enlarged by the padding, so SCALE-Sim's output size, and
  with it the MACs, are the model's own;
- ``scalesim``: the unpadded input size, as SCALE-Sim's own topology files write it (a padded
  3x3 conv on a 56x56 map is ``56, 56, 3, 3``: SCALE-Sim then computes a 54x54 output).

Where SCALE-Sim has no exact form (dilation, a stride that differs between the axes, a batch
of images), the layer keeps its real filter, channels and filters and gets the input size whose
SCALE-Sim output is the model's output: the MACs and the GEMM SCALE-Sim maps are exact, and the
note says the ifmap footprint is not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from math import prod

from simcoder.simulator.types import Layer

CONVENTIONS = ("padded", "scalesim")


class LoweringError(ValueError):
    """An op the rules cannot express as SCALE-Sim layers (the front-end names the node)."""


@dataclass
class Lowering:
    """What one network lowered to: the layers in model order, and what was not lowered."""

    convention: str = "padded"
    batch: int = 1
    layers: list[Layer] = field(default_factory=list)
    # how often each approximation or equivalence was used ("dilation 2: input set so ...")
    notes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # compute ops left out, by op
    layout: int = 0  # reshapes, transposes, slices, constants: no arithmetic at all


def _out(size: int, pad: int, dilation: int, kernel: int, stride: int) -> int:
    return (size + pad - dilation * (kernel - 1) - 1) // stride + 1


def _sc_out(size: int, kernel: int, stride: int) -> int:
    """SCALE-Sim's output size for an input ``size``: it rounds up, ceil((size - k + s) / s)."""
    return -(-(size - kernel + stride) // stride)


def conv_layers(
    low: Lowering,
    name: str,
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    *,
    stride: tuple[int, int] = (1, 1),
    pads: tuple[int, int, int, int] = (0, 0, 0, 0),  # top, left, bottom, right
    dilation: tuple[int, int] = (1, 1),
    groups: int = 1,
    transposed: bool = False,
    output_padding: tuple[int, int] = (0, 0),
) -> list[Layer]:
    """A 1-D or 2-D convolution (input ``(N, C, H, W)`` or ``(N, C, L)``, weight
    ``(M, C/groups, R, S)``, transposed ``(C, M/groups, R, S)``) -> layers, appended to ``low``."""
    if len(x_shape) == 3:  # 1-D: a 1-row map
        x_shape = (x_shape[0], x_shape[1], 1, x_shape[2])
        w_shape = (w_shape[0], w_shape[1], 1, w_shape[2])
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise LoweringError(f"a {len(x_shape) - 2}-D convolution; SCALE-Sim layers are 1-D or 2-D")
    n, c, h, w = x_shape
    r, s = w_shape[2], w_shape[3]
    if transposed:
        # the direct convolution on the zero-inserted input: zeros are multiplied, as on an
        # array without sparsity support
        m = w_shape[1] * groups
        pt, pl, pb, pr = pads
        h = (h - 1) * stride[0] + 1 + dilation[0] * (r - 1) * 2 - pt - pb + output_padding[0]
        w = (w - 1) * stride[1] + 1 + dilation[1] * (s - 1) * 2 - pl - pr + output_padding[1]
        pads, stride = (0, 0, 0, 0), (1, 1)
        low.notes["ConvTranspose: the direct conv on the zero-inserted input"] += 1
    else:
        m = w_shape[0]
    pt, pl, pb, pr = pads
    oh = _out(h, pt + pb, dilation[0], r, stride[0])
    ow = _out(w, pl + pr, dilation[1], s, stride[1])
    if oh < 1 or ow < 1:
        raise LoweringError(f"output size {oh}x{ow} from input {h}x{w}: the model is inconsistent")
    sh, sw = stride
    if h == 1 and r == 1 and pt == pb == 0:  # a one-row map (Conv1d): the row stride is moot
        sh = sw
    # the output SCALE-Sim must compute: the model's (padded), or what SCALE-Sim computes on
    # the unpadded input (scalesim; a filter larger than that input gets the model's)
    th, tw = oh, ow
    unpadded = False
    if low.convention == "scalesim":
        uh = _out(h, 0, dilation[0], r, sh) if dilation[0] > 1 else _sc_out(h, r, sh)
        uw = _out(w, 0, dilation[1], s, sw) if dilation[1] > 1 else _sc_out(w, s, sw)
        if h >= r and w >= s and uh >= 1 and uw >= 1:
            th, tw, unpadded = uh, uw, True
        else:
            low.notes["filter larger than the unpadded input: the padded size written"] += 1
    if dilation == (1, 1) and sh == sw and n == 1:
        # exact: SCALE-Sim's own form. Padded: the rows the stride reaches (SCALE-Sim rounds
        # its output up where PyTorch rounds down, so unreached padding rows would add one)
        ih, iw = (h, w) if unpadded else ((th - 1) * sh + r, (tw - 1) * sw + s)
    else:
        # no exact form: keep the real filter, give the input whose output is the target
        if dilation != (1, 1):
            low.notes[
                f"dilation {dilation[0]}x{dilation[1]}: input set so the output is the model's"
            ] += 1
        if sh != sw:
            sh = sw = 1
            low.notes["stride differs per axis: stride 1, input set so the output matches"] += 1
        if n > 1:  # the batch folded into the output rows: one weight load serves every image
            th *= n
            low.notes[f"batch {n}: folded into the output rows"] += 1
        ih, iw = (th - 1) * sh + r, (tw - 1) * sw + s
    out: list[Layer] = []
    if groups == 1:
        out.append(Layer(name, ih, iw, r, s, c, m, sh))
    elif groups == c and m % c == 0:  # depthwise, with channel multiplier m / c
        out.append(Layer(f"{name}.DP", ih, iw, r, s, c, m // c, sh, depthwise=True))
        low.notes["depthwise: a DP layer (SCALE-Sim runs one 1-channel layer per channel)"] += 1
    else:
        if c % groups or m % groups:
            raise LoweringError(f"{groups} groups do not divide {c} channels and {m} filters")
        out.extend(
            Layer(f"{name}.group{g}", ih, iw, r, s, c // groups, m // groups, sh)
            for g in range(groups)
        )
        low.notes["grouped conv: one layer per group"] += 1
    low.layers.extend(out)
    return out


def matmul_layers(
    low: Lowering,
    name: str,
    a_shape: tuple[int, ...],
    b_shape: tuple[int, ...],
) -> list[Layer]:
    """``a @ b`` with numpy's rules (``a`` is ``(..., M, K)``, ``b`` is ``(..., K, N)``) -> GEMM
    layers, appended to ``low``. A 2-D ``b`` (a weight, or one matrix shared by the batch) folds
    the batch and sequence into M: one GEMM. Otherwise each batch element (each attention head)
    multiplies its own two matrices: one GEMM each, named ``name[i]``."""
    a, b = tuple(a_shape), tuple(b_shape)
    if len(a) == 1:
        a = (1, a[0])
    if len(b) == 1:
        b = (b[0], 1)
    mm, k = a[-2], a[-1]
    k2, nn = b[-2], b[-1]
    if k != k2:
        raise LoweringError(f"inner dimensions differ: {a_shape} @ {b_shape}")
    if len(b) == 2 or prod(b[:-2]) == 1:
        rows = prod(a[:-1])
        if rows == 0 or nn == 0 or k == 0:
            return []
        layer = Layer.from_gemm(name, rows, nn, k)
        low.layers.append(layer)
        return [layer]
    batch_a, batch_b = a[:-2], b[:-2]
    width = max(len(batch_a), len(batch_b))
    pa = (1,) * (width - len(batch_a)) + batch_a
    pb = (1,) * (width - len(batch_b)) + batch_b
    batch = []
    for x, y in zip(pa, pb, strict=True):
        if x != y and 1 not in (x, y):
            raise LoweringError(f"batch dimensions do not broadcast: {a_shape} @ {b_shape}")
        batch.append(max(x, y))
    count = prod(batch)
    out = [Layer.from_gemm(f"{name}[{i}]", mm, nn, k) for i in range(count)]
    if count > 1:
        low.notes["batched matmul: one GEMM per batch element (attention: per head)"] += 1
    low.layers.extend(out)
    return out


def as_conv_row(layer: Layer) -> list[int]:
    """A layer's conv-CSV fields. A GEMM is written as SCALE-Sim's own files write a fully
    connected layer: an M x 1 map, a 1x1 filter, K channels, N filters (the same operand matrices
    and addresses as SCALE-Sim's reading of ``M, N, K``; a test simulates both)."""
    if layer.gemm:
        return [layer.ifmap_h, 1, 1, 1, layer.ifmap_w, layer.num_filters, 1]
    return [
        layer.ifmap_h,
        layer.ifmap_w,
        layer.filter_h,
        layer.filter_w,
        layer.channels,
        layer.num_filters,
        layer.stride,
    ]


def as_gemm_rows(layer: Layer) -> list[tuple[str, int, int, int]]:
    """A layer as ``M, N, K`` rows: a conv as its im2col GEMM (the same MACs and compute cycles;
    every window element then counts as its own ifmap word), a DP layer as one per channel."""
    if layer.gemm:
        return [(layer.name, layer.ifmap_h, layer.num_filters, layer.ifmap_w)]
    k = layer.filter_h * layer.filter_w
    if layer.depthwise:
        return [
            (f"{layer.name}Channel_{c}", layer.ofmap_pixels, layer.num_filters, k)
            for c in range(layer.channels)
        ]
    return [(layer.name, layer.ofmap_pixels, layer.num_filters, k * layer.channels)]


def safe_name(name: str, depthwise: bool) -> str:
    """A layer name SCALE-Sim reads as meant: no comma, and ``DP`` only in depthwise layers
    (SCALE-Sim runs any layer whose name contains ``DP`` as depthwise)."""
    name = name.replace(",", ";").strip() or "layer"
    if not depthwise:
        name = name.replace("DP", "Dp")
    return name
