"""Bring your own network: PyTorch and ONNX models in, SCALE-Sim topologies out.

``import_model(MODEL)`` takes ``path/model.onnx``, ``torchvision:NAME``,
``transformers:NAME[,key=value...]`` or ``path/file.py:factory`` and returns the lowered
layers (:mod:`simcoder.workloads.imports.lowering`, rules in docs/workloads.md) with what was
left out; ``write_topology`` writes them as SCALE-Sim topology CSVs. torch, torchvision,
transformers and onnx come with the optional extra ``simcoder[import]``; nothing here imports
them until a model is imported.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from simcoder.simulator.errors import UserError
from simcoder.simulator.types import Layer
from simcoder.workloads.imports.lowering import (
    CONVENTIONS,
    Lowering,
    as_conv_row,
    as_gemm_rows,
)

PREFIXES = ("torchvision:", "transformers:")
EXTRA = "pip install 'simcoder[import]'"


class ImportFailure(UserError):
    """A model that cannot be imported: one line naming the file or node and what to give."""


def is_model_ref(text: str) -> bool:
    """Whether a topology argument names a model to import rather than a CSV or workload."""
    text = str(text)
    if text.startswith(PREFIXES) or text.lower().endswith(".onnx"):
        return True
    path, sep, attr = text.rpartition(":")
    return bool(sep) and path.endswith(".py") and attr.isidentifier()


@dataclass(frozen=True)
class Imported:
    source: str  # the MODEL string as given
    description: str  # what was built: "torchvision resnet50 (weights=None)"
    front_end: str  # "PyTorch, traced on the meta device" | "ONNX, shape inference"
    input_shape: tuple[int, ...]
    lowering: Lowering
    seconds: float

    @property
    def layers(self) -> list[Layer]:
        return self.lowering.layers

    def header(self) -> list[str]:
        """The comment lines a written topology starts with."""
        low = self.lowering
        kinds = sum(1 for x in low.layers if not x.gemm), sum(1 for x in low.layers if x.gemm)
        macs = sum(x.macs for x in low.layers)
        lines = [
            f"simcoder import {self.source}: {self.description}",
            f"front end: {self.front_end}; input {'x'.join(map(str, self.input_shape))}; "
            f"convention {low.convention} (docs/workloads.md)",
            f"{len(low.layers)} layers ({kinds[0]} conv, {kinds[1]} GEMM), {macs:,} MACs",
        ]
        lines += [f"lowered: {note} x{n}" for note, n in sorted(low.notes.items())]
        if low.skipped:
            shown = ", ".join(f"{op} {n}" for op, n in low.skipped.most_common())
            lines.append(f"skipped (no layer; not simulated): {shown}")
        lines.append(f"layout ops (reshape, transpose, ...; no arithmetic): {low.layout}")
        return lines


def _need(module: str, what: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise ImportFailure(f"{what} needs {module}, which is not installed: {EXTRA}")


def import_model(
    source: str,
    *,
    inputs: list[str] | None = None,
    batch: int | None = None,
    convention: str = "padded",
    skip_unsupported: bool = False,
) -> Imported:
    """Import a model (see the module docstring) and lower it. ``inputs``: ``DIMS`` or
    ``NAME=DIMS`` strings (``1,3,224,224``); ``batch`` replaces the inputs' first dim."""
    from simcoder.workloads.imports.ops import lower
    from simcoder.workloads.imports.torch_frontend import ModelError

    if convention not in CONVENTIONS:
        raise ImportFailure(f"--convention {convention}: choose {' or '.join(CONVENTIONS)}")
    if batch is not None and batch < 1:
        raise ImportFailure(f"--batch {batch}: give a positive number of samples")
    started = time.perf_counter()
    inputs = list(inputs or [])
    try:
        if source.lower().endswith(".onnx"):
            _need("onnx", "an ONNX model")
            from simcoder.workloads.imports.onnx_frontend import read_model

            trace, shape = read_model(source, inputs, batch)
            front_end, description = "ONNX, shape inference", Path(source).name
        else:
            _need("torch", f"{source.split(':')[0]} models")
            if source.startswith("torchvision:"):
                _need("torchvision", "torchvision models")
            if source.startswith("transformers:"):
                _need("transformers", "transformers models")
            from simcoder.workloads.imports.onnx_frontend import _parse_dims
            from simcoder.workloads.imports.torch_frontend import trace_model

            if len(inputs) > 1 or (inputs and "=" in inputs[0]):
                raise ImportFailure(f"{source}: give one --input DIMS for a PyTorch model")
            given = _parse_dims(inputs[0], source) if inputs else None
            trace, description, shape, device = trace_model(source, given, batch)
            front_end = f"PyTorch {_torch_version()}, traced on the {device} device"
        if trace.unsupported:
            where, what = trace.unsupported[0]
            if not skip_unsupported:
                more = (
                    f" (and {len(trace.unsupported) - 1} more)"
                    if len(trace.unsupported) > 1
                    else ""
                )
                raise ModelError(
                    where,
                    f"{what} cannot be lowered to SCALE-Sim layers{more}; replace it, or give "
                    "--skip-unsupported to leave it out (it is listed as skipped)",
                )
            for _where, what in trace.unsupported:
                trace.skipped[f"{what} (unsupported)"] += 1

        def fail(where: str, message: str) -> Exception:
            return ModelError(where, f"{message}; it cannot be lowered")

        lowering = lower(trace, convention, batch or (shape[0] if shape else 1), fail)
    except ModelError as exc:
        raise ImportFailure(f"{exc.where}: {exc}") from None
    if not lowering.layers:
        raise ImportFailure(f"{source}: no conv, linear or matmul op found; nothing to simulate")
    return Imported(
        source, description, front_end, tuple(shape), lowering, time.perf_counter() - started
    )


def _torch_version() -> str:
    import torch

    return str(torch.__version__).split("+")[0]


@cache
def imported_layers(source: str) -> tuple[Layer, ...]:
    """A model's layers with the default choices, once per process (``simulate -t MODEL``)."""
    return tuple(import_model(source).layers)


CONV_HEADER = (
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
    "Num Filter, Strides,"
)
GEMM_HEADER = "Layer, M, N, K,"


def topology_text(layers: list[Layer], gemm: bool, comments: list[str] | None = None) -> str:
    """SCALE-Sim topology CSV text: rows end with a comma as SCALE-Sim's reader expects.
    ``comments`` become ``#`` lines above the header (simcoder's reader skips them; SCALE-Sim's
    does not: write without comments for SCALE-Sim itself)."""
    out = [f"# {c}" for c in comments or []]
    if gemm:
        out.append(GEMM_HEADER)
        out += [f"{n}, {m}, {nn}, {k}," for x in layers for n, m, nn, k in as_gemm_rows(x)]
    else:
        out.append(CONV_HEADER)
        out += [f"{x.name}, " + ", ".join(map(str, as_conv_row(x))) + "," for x in layers]
    return "\n".join(out) + "\n"


def write_topology(
    imported: Imported,
    output: str | Path,
    *,
    form: str = "auto",
    comments: bool = True,
) -> list[Path]:
    """Write the topology: ``form`` ``auto`` (GEMM CSV if every layer is a GEMM, else a conv
    CSV with each GEMM as a 1x1 conv, as SCALE-Sim's own Resnet50.csv writes its FC layer),
    ``gemm`` (every layer as ``M, N, K``) or ``split`` (convs in OUTPUT, GEMMs in
    OUTPUT's ``_gemm`` sibling). Returns the files written."""
    out = Path(output)
    layers = imported.layers
    head = imported.header() if comments else None
    convs = [x for x in layers if not x.gemm]
    gemms = [x for x in layers if x.gemm]
    files: list[tuple[Path, list[Layer], bool]]
    if form == "gemm" or (form == "auto" and not convs):
        files = [(out, layers, True)]
    elif form == "split" and convs and gemms:
        files = [(out, convs, False), (out.with_name(f"{out.stem}_gemm{out.suffix}"), gemms, True)]
    elif form in ("auto", "split", "conv"):
        files = [(out, layers, False)]
    else:
        raise ImportFailure(f"--form {form}: choose auto, gemm or split")
    out.parent.mkdir(parents=True, exist_ok=True)
    for path, part, gemm in files:
        path.write_text(topology_text(part, gemm, head))
    return [p for p, _, _ in files]


__all__ = [
    "CONVENTIONS",
    "ImportFailure",
    "Imported",
    "import_model",
    "imported_layers",
    "is_model_ref",
    "topology_text",
    "write_topology",
]
