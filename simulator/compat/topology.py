"""SCALE-Sim topology CSVs: conv rows (8 fields) and GEMM rows (``M, N, K``)."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

from simcoder.simulator.compat import InputError
from simcoder.simulator.compat.text import read_input_text
from simcoder.simulator.types import Layer, ValidationError

CONV_FIELDS = (
    "Layer name",
    "IFMAP Height",
    "IFMAP Width",
    "Filter Height",
    "Filter Width",
    "Channels",
    "Num Filter",
    "Strides",
)
GEMM_FIELDS = ("Layer", "M", "N", "K")


class TopologyWarning(UserWarning):
    pass


def expand_depthwise(layers: list[Layer]) -> list[Layer]:
    """SCALE-Sim runs a layer whose name contains ``DP`` as one 1-channel layer per channel,
    keeping every filter (its own simplification of depthwise convolution)."""
    out: list[Layer] = []
    for layer in layers:
        if layer.depthwise:
            out.extend(
                dataclasses.replace(
                    layer, name=f"{layer.name}Channel_{c}", channels=1, depthwise=False
                )
                for c in range(layer.channels)
            )
        else:
            out.append(layer)
    return out


def _int_field(path: str, line: int, name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(
            path, f"{text!r} is not an integer; write a whole number", line, name
        ) from None


def parse_row(path: str, line: int, fields: list[str], gemm: bool) -> Layer | None:
    """One data row -> Layer, or None for a row to skip (a warning says why)."""
    names = GEMM_FIELDS if gemm else CONV_FIELDS
    # SCALE-Sim rows end with a comma: drop empty trailing fields
    while fields and fields[-1] == "":
        fields = fields[:-1]
    if not fields:
        warnings.warn(f"{path}:{line}: empty row skipped", TopologyWarning, stacklevel=3)
        return None
    if len(fields) < len(names):
        raise InputError(
            path,
            f"row has {len(fields)} fields, needs {len(names)} ({', '.join(names)})",
            line,
            names[len(fields)],
        )
    extra = fields[len(names) :]
    if extra:
        if len(extra) == 1 and ":" in extra[0]:
            raise InputError(
                path,
                f"sparsity ratio {extra[0]!r} given; simcoder models dense "
                "layers only: remove the 9th field",
                line,
                "Sparsity",
            )
        warnings.warn(
            f"{path}:{line}: {len(extra)} field(s) after {names[-1]!r} ignored "
            f"({', '.join(extra)})",
            TopologyWarning,
            stacklevel=3,
        )
    name = fields[0]
    nums = [
        _int_field(path, line, n, v) for n, v in zip(names[1:], fields[1 : len(names)], strict=True)
    ]
    try:
        if gemm:
            return Layer.from_gemm(name, nums[0], nums[1], nums[2])
        if nums[6] == 0:
            raise ValidationError("stride", "stride 0 is not allowed; use 1 or more")
        h, w, r, s, c, m, stride = nums
        return Layer(name, h, w, r, s, c, m, stride, depthwise="DP" in name)
    except ValidationError as exc:
        column = dict(
            zip(
                ("ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride"),
                CONV_FIELDS[1:],
                strict=True,
            )
        )
        raise InputError(path, exc.message, line, column.get(exc.field, exc.field)) from None


def is_gemm_header(line: str) -> bool:
    """Whether a header row is a GEMM file's (``Layer, M, N, K``)."""
    fields = [f.strip() for f in line.split(",")]
    return [f.upper() for f in fields[1:4]] == ["M", "N", "K"]


def read_topology(path: str | Path, gemm: bool = False) -> list[Layer]:
    """Read a SCALE-Sim topology CSV: the first row is the header (a ``Layer, M, N, K`` header
    makes it a GEMM file, ``gemm`` or not); ``#`` lines are comments (``simcoder import``
    writes its provenance in them)."""
    p = str(path)
    text = read_input_text(path, "topology file")
    layers = []
    header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.lstrip().startswith("#") or (header and not raw.strip()):
            continue  # comments, and blank lines before the header
        if header:
            header = False
            gemm = gemm or is_gemm_header(raw)
            continue
        if not raw.strip():
            continue
        layer = parse_row(p, number, [f.strip() for f in raw.split(",")], gemm)
        if layer is not None:
            layers.append(layer)
    if not layers:
        raise InputError(p, "no layers found; a topology needs a header row and one row per layer")
    return layers
