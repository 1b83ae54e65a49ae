"""ONNX models -> a trace: the graph's input shapes fixed (``--input``, ``--batch``), ONNX's
shape inference run, and every node walked in graph order. Conv, ConvTranspose, Gemm and
MatMul are lowered; layers take their names from the module scopes PyTorch's exporters write
(``pkg.torch.onnx.name_scopes``, or the ``/layer1/layer1.0/conv1/Conv`` node names of the
TorchScript exporter), else from the node's own name."""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from simcoder.workloads.imports.ops import Op, Trace
from simcoder.workloads.imports.torch_frontend import ModelError, first_line

LAYOUT_OPS = frozenset(
    str.split(
        """Reshape Transpose Flatten Squeeze Unsqueeze Concat Split Slice Shape Size Constant
    ConstantOfShape Identity Cast CastLike Expand Gather GatherElements GatherND Range Tile Pad
    Where Equal Less LessOrEqual Greater GreaterOrEqual Not And Or Xor IsNaN IsInf Trilu
    ScatterND ScatterElements NonZero Unique OneHot Dropout"""
    )
)
# recurrent nodes, unrolled: gates per step, and which GEMM comes first (PyTorch's order)
RECURRENT = {"LSTM": (4, "hidden"), "GRU": (3, "input"), "RNN": (1, "hidden")}
UNSUPPORTED = {
    "Einsum": "an Einsum",
    "Attention": "a fused attention node",
    "ConvInteger": "an integer conv",
    "MatMulInteger": "an integer matmul",
    "QLinearConv": "a quantised conv",
    "QLinearMatMul": "a quantised matmul",
    "DeformConv": "a deformable conv",
    "Loop": "a loop (its body is not unrolled)",
    "Scan": "a scan (its body is not unrolled)",
}


def _attrs(node: Any) -> dict[str, Any]:
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _scope(node: Any, initializers: set[str]) -> str:
    """The module path a node came from: its weight's name (``layer1.0.conv1.weight``: the
    exporters keep parameter names, even where they fold a batch norm into the conv), else
    the exporter's scope metadata, else the node's name."""
    for name in node.input[1:2]:
        if name in initializers and name.endswith(".weight"):
            return str(name.removesuffix(".weight"))
    meta = {p.key: p.value for p in node.metadata_props}
    scopes = meta.get("pkg.torch.onnx.name_scopes")
    if scopes:
        try:
            parts = ast.literal_eval(scopes)
        except (ValueError, SyntaxError):
            parts = None
        if isinstance(parts, list) and parts:
            return str(parts[-2]) if len(parts) > 1 else ""
    name = node.name or (node.output[0] if node.output else node.op_type)
    if name.startswith("/"):  # the TorchScript exporter: /layer1/layer1.0/conv1/Conv
        path, prev = "", ""
        for comp in name.strip("/").split("/")[:-1]:
            if prev and comp.startswith(prev + "."):
                path += comp[len(prev) :]
            else:
                path = f"{path}.{comp}" if path else comp
            prev = comp
        return path
    return str(name)


def _parse_dims(text: str, where: str) -> tuple[int, ...]:
    try:
        dims = tuple(int(x) for x in text.replace("x", ",").split(","))
    except ValueError:
        dims = ()
    if not dims or any(d < 1 for d in dims):
        raise ModelError(where, f"--input {text!r}: write positive integers, e.g. 1,3,224,224")
    return dims


def _fix_inputs(model: Any, path: str, inputs: list[str], batch: int | None) -> int:
    """Give every graph input a static shape, or say which ``--input`` is missing. A ``--batch``
    for a model exported with a fixed batch B is not written into its input (Reshape shapes
    fixed at export would not follow): the return is B, and the caller scales the batch dim of
    every lowered op instead (1 when no scaling is needed)."""
    initializers = {x.name for x in model.graph.initializer}
    firsts = [
        i.type.tensor_type.shape.dim[0]
        for i in model.graph.input
        if i.name not in initializers and len(i.type.tensor_type.shape.dim) > 0
    ]
    exported = {d.dim_value for d in firsts if d.HasField("dim_value") and d.dim_value > 0}
    if batch is not None and len(exported) == 1 and all(d.HasField("dim_value") for d in firsts):
        (fixed,) = exported
        _set_inputs(model, path, inputs, fixed)  # --input's other dims, at the exported batch
        return int(fixed)
    _set_inputs(model, path, inputs, batch)
    return batch or 1


def _set_inputs(model: Any, path: str, inputs: list[str], batch: int | None) -> None:
    initializers = {i.name for i in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in initializers]
    given: dict[str, tuple[int, ...]] = {}
    for text in inputs:
        name, eq, dims = text.rpartition("=")
        if not eq:
            if len(graph_inputs) != 1:
                names = ", ".join(i.name for i in graph_inputs)
                raise ModelError(
                    path,
                    f"the model has {len(graph_inputs)} inputs ({names}); write "
                    "--input NAME=DIMS for each",
                )
            name = graph_inputs[0].name
        given[name] = _parse_dims(dims, path)
    known = {i.name for i in graph_inputs}
    for name in given:
        if name not in known:
            raise ModelError(path, f"--input {name}=...: no such input; inputs: {', '.join(known)}")
    for inp in graph_inputs:
        dims = inp.type.tensor_type.shape.dim
        if inp.name in given:
            shape = list(given[inp.name])
            if len(shape) != len(dims):
                raise ModelError(
                    path,
                    f"--input {inp.name}: {len(shape)} dims given, the model's input has "
                    f"{len(dims)}",
                )
        else:
            shape = [d.dim_value if d.HasField("dim_value") else 0 for d in dims]
            if batch is not None and shape:
                shape[0] = batch
            if any(s <= 0 for s in shape):
                shown = ",".join(
                    str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
                    for d in dims
                )
                raise ModelError(
                    path,
                    f"input {inp.name!r} has dynamic dims [{shown}]; give --input "
                    f"{inp.name}=DIMS with every dim a number, e.g. --input 1,3,224,224",
                )
        if batch is not None and shape:
            shape[0] = batch
        for d, v in zip(dims, shape, strict=True):
            d.ClearField("dim_param")
            d.dim_value = v


def _same_pads(size: int, kernel: int, stride: int, dilation: int, upper: bool) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    small = total // 2
    return (small, total - small) if upper else (total - small, small)


# ops whose value (not only shape) a later op's shape may need: Pad's pads, Reshape's shape
FOLDABLE = {
    "Constant", "ConstantOfShape", "Concat", "Reshape", "Slice", "Transpose", "Cast", "Squeeze",
    "Unsqueeze", "Gather", "Identity", "Add", "Sub", "Mul", "Div", "Neg", "Range", "Expand",
    "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Not",
    "Max", "Min", "Mod", "Abs", "Floor", "Ceil", "Sqrt", "Pow", "ReduceProd", "Tile",
}  # fmt: skip
SMALL = 4096  # elements: shape arithmetic, never weights


def _fold_constants(model: Any, known: dict[str, tuple[int, ...]] | None = None) -> Any:
    """The graph with every small constant computation (the TorchScript exporter's
    Constant -> ConstantOfShape -> Concat -> Reshape -> Slice -> Transpose -> Cast chain for a
    Pad's pads) evaluated and given as initializers, so shape inference sees the values. Only for
    shapes: the trace is read from the original graph. ``known`` (shapes from an earlier shape
    inference) lets a ``Shape`` node of a static tensor fold too (opset 11's Resize sizes)."""
    import onnx
    from onnx import helper, numpy_helper

    # a copy without the weights' data (shape inference needs their shapes only): large
    # initializers become typed graph inputs, so GPT-2's 500 MB are not copied or serialised
    folded = onnx.ModelProto()
    folded.ir_version = model.ir_version
    folded.opset_import.extend(model.opset_import)
    folded.functions.extend(model.functions)
    graph = folded.graph
    graph.name = model.graph.name
    graph.input.extend(model.graph.input)
    graph.output.extend(model.graph.output)
    graph.node.extend(model.graph.node)
    named = {i.name for i in model.graph.input}
    values = {}
    for init in model.graph.initializer:
        if _numel(tuple(init.dims)) <= SMALL:
            graph.initializer.append(init)
            values[init.name] = numpy_helper.to_array(init)
        elif init.name not in named:
            graph.input.append(
                helper.make_tensor_value_info(init.name, init.data_type, list(init.dims))
            )
    opset = {o.domain or "": o.version for o in model.opset_import}
    keep, made = [], []
    for node in folded.graph.node:
        ins = [n for n in node.input if n]
        if node.op_type == "Shape" and known and ins[0] in known and node.domain in ("", "ai.onnx"):
            attrs = _attrs(node)
            dims = known[ins[0]][attrs.get("start", 0) : attrs.get("end", None)]
            value = np.array(dims, dtype=np.int64)
            values[node.output[0]] = value
            made.append(numpy_helper.from_array(value, node.output[0]))
            continue
        if (
            node.op_type in FOLDABLE
            and node.domain in ("", "ai.onnx")
            and all(n in values for n in ins)
            and _small_result(node.op_type, [values[n] for n in ins])
        ):
            try:  # the model's opset: Squeeze's axes moved from attribute to input at 13
                outs = _evaluate(node, {n: values[n] for n in ins}, opset)
            except Exception:  # an op the evaluator does not know: leave it to shape inference
                outs = None
            if outs is not None and all(getattr(o, "size", SMALL + 1) <= SMALL for o in outs):
                for name, value in zip(node.output, outs, strict=True):
                    values[name] = value
                    made.append(numpy_helper.from_array(value, name))
                continue
        keep.append(node)
    if made:
        del folded.graph.node[:]
        folded.graph.node.extend(keep)
        folded.graph.initializer.extend(made)
    return folded


def _evaluate(node: Any, args: dict[str, Any], opset: dict[str, int]) -> list[Any]:
    """One node run by ONNX's reference evaluator at the model's opset (a bare node would run at
    the newest: Squeeze and Unsqueeze took their axes as an attribute before opset 13)."""
    from onnx import helper
    from onnx.helper import np_dtype_to_tensor_dtype
    from onnx.reference import ReferenceEvaluator

    graph = helper.make_graph(
        [node],
        "fold",
        [
            helper.make_tensor_value_info(n, np_dtype_to_tensor_dtype(v.dtype), v.shape)
            for n, v in args.items()
        ],
        [helper.make_tensor_value_info(n, 0, None) for n in node.output if n],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opset.items()]
    )
    return list(ReferenceEvaluator(model).run(None, args))


def _small_result(op: str, args: list[Any]) -> bool:
    """Whether an op that makes a tensor from a shape would make a small one (a large constant
    mask is not computed only to be thrown away)."""
    try:
        if op == "ConstantOfShape":
            return _numel(tuple(int(v) for v in np.ravel(args[0]))) <= SMALL
        if op == "Expand":
            shape = np.broadcast_shapes(args[0].shape, tuple(int(v) for v in np.ravel(args[1])))
            return _numel(tuple(shape)) <= SMALL
        if op == "Range":
            start, limit, delta = (float(np.ravel(a)[0]) for a in args[:3])
            return delta != 0 and (limit - start) / delta <= SMALL
    except (ValueError, TypeError, IndexError):
        return False
    return True


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def read_model(path: str, inputs: list[str], batch: int | None) -> tuple[Trace, tuple[int, ...]]:
    """The ONNX file -> (trace, first input's shape)."""
    try:
        import onnx
    except ImportError:
        raise ModelError(path, "reading ONNX needs onnx: pip install 'simcoder[import]'") from None
    if not Path(path).is_file():
        raise ModelError(path, "no such file")
    try:
        model = onnx.load(path)
    except Exception as exc:  # protobuf's DecodeError and friends: the file is not ONNX
        raise ModelError(
            path, f"does not parse as an ONNX model ({type(exc).__name__}); export it again"
        ) from None
    if not model.graph.node:
        raise ModelError(path, "the graph has no nodes; is this an ONNX model file?")
    exported_batch = _fix_inputs(model, path, inputs, batch)
    factor = Fraction(batch, exported_batch) if batch is not None else Fraction(1)
    del model.graph.value_info[:]  # shapes from before the inputs were fixed
    shapes = _infer(onnx, _fold_constants(model), path)
    if any(n.op_type == "Shape" for n in model.graph.node):  # fold Shape of static tensors
        shapes = _infer(onnx, _fold_constants(model, shapes), path)
    inits = {i.name for i in model.graph.initializer}
    graph_inputs = [i.name for i in model.graph.input if i.name not in inits]
    dynamic = set(graph_inputs)
    for node in model.graph.node:  # what the input flows into (a batch dim can be scaled)
        if node.op_type not in ("Shape", "Size") and any(n in dynamic for n in node.input):
            dynamic.update(node.output)
    scale = _scaler(factor, batch, exported_batch)
    trace = Trace()
    for node in model.graph.node:
        where = f"{path} node {node.name or node.output[0]!r} ({node.op_type})"
        op = node.op_type
        if op in ("Conv", "ConvTranspose", "Gemm", "MatMul"):
            needed = node.input[:2]
            a, b = _known(needed, shapes, where)
            attrs = _attrs(node)
            if op == "Gemm":
                a = a[::-1] if attrs.get("transA", 0) else a
                b = b[::-1] if attrs.get("transB", 0) else b
            if factor != 1:  # the leading dim of what the input flows into; weights as they are
                if needed[0] in dynamic and len(a) >= 2:
                    a = scale(a, where)
                if op in ("Gemm", "MatMul") and needed[1] in dynamic and len(b) >= 3:
                    b = scale(b, where)
            if op in ("Gemm", "MatMul"):
                trace.ops.append(Op("matmul", _scope(node, inits), where, {"a": a, "b": b}))
            else:
                trace.ops.append(
                    Op("conv", _scope(node, inits), where, _conv_args(op, a, b, attrs, where))
                )
        elif op == "Reshape" and node.input[0] in shapes and node.output[0] in shapes:
            n_in, n_out = _numel(shapes[node.input[0]]), _numel(shapes[node.output[0]])
            if n_in != n_out:  # shape inference does not check; a runtime would refuse it
                raise ModelError(
                    where,
                    f"reshapes {shapes[node.input[0]]} ({n_in} elements) to "
                    f"{shapes[node.output[0]]} ({n_out}): a shape fixed when the model was "
                    "exported; export it at this input size, or give the exported one",
                )
            trace.layout += 1
        elif op in RECURRENT:
            _unroll(trace, node, shapes, inits, where, scale if node.input[0] in dynamic else None)
        elif op in UNSUPPORTED:
            trace.unsupported.append((where, UNSUPPORTED[op]))
        elif op in LAYOUT_OPS:
            trace.layout += 1
        else:
            trace.skipped[op] += 1
    shape = shapes.get(graph_inputs[0], ())
    if factor != 1 and shape:
        shape = (batch or 1, *shape[1:])
        trace.notes[
            f"batch {batch}: shapes inferred at the exported batch {exported_batch}, the leading "
            "dim of what the input flows into scaled (a batch-first model assumed)"
        ] += 1
    return trace, shape


def _infer(onnx: Any, model: Any, path: str) -> dict[str, tuple[int, ...]]:
    """Every static shape ONNX's shape inference gives, initializers (folded ones too) included."""
    try:
        inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception as exc:
        raise ModelError(path, f"ONNX shape inference failed: {first_line(exc)}") from None
    shapes: dict[str, tuple[int, ...]] = {}
    for vi in [*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output]:
        if vi.type.HasField("tensor_type") and vi.type.tensor_type.HasField("shape"):
            dims = vi.type.tensor_type.shape.dim
            if all(d.HasField("dim_value") for d in dims):
                shapes[vi.name] = tuple(int(d.dim_value) for d in dims)
    for init in inferred.graph.initializer:
        shapes[init.name] = tuple(int(d) for d in init.dims)
    return shapes


def _known(names: Any, shapes: dict[str, tuple[int, ...]], where: str) -> list[tuple[int, ...]]:
    """The shapes of a node's inputs, or the error naming the first one inference left unknown."""
    for name in names:
        if name not in shapes:
            raise ModelError(
                where,
                f"the shape of {name!r} is unknown after shape inference; give --input with "
                "static dims, or export the model with static shapes",
            )
    return [shapes[n] for n in names]


def _scaler(factor: Fraction, batch: int | None, exported: int) -> Any:
    def scale(dims: tuple[int, ...], where: str) -> tuple[int, ...]:
        lead = dims[0] * factor
        if lead.denominator != 1:
            raise ModelError(
                where,
                f"--batch {batch}: the leading dim {dims[0]} of {dims} does not scale from the "
                f"exported batch {exported}; export the model at batch {batch}, or with a "
                "dynamic batch axis",
            )
        return (int(lead), *dims[1:])

    return scale


def _unroll(
    trace: Trace,
    node: Any,
    shapes: dict[str, tuple[int, ...]],
    inits: set[str],
    where: str,
    scale: Any,
) -> None:
    """An LSTM, GRU or RNN node -> per direction, per time step, the input GEMM ``x_t W`` and
    the recurrent GEMM ``h R`` (batch x input x gates*hidden, batch x hidden x gates*hidden),
    in the order PyTorch's own decomposition runs them."""
    gates, first = RECURRENT[node.op_type]
    x, w, _ = _known(node.input[:3], shapes, where)
    attrs = _attrs(node)
    seq, batch, size = (x[1], x[0], x[2]) if attrs.get("layout", 0) else (x[0], x[1], x[2])
    hidden = int(attrs.get("hidden_size", w[1] // gates))
    if scale is not None:
        batch = scale((batch, seq, size), where)[0]
    scope = _scope(node, inits)
    for _direction in range(w[0]):
        for _step in range(seq):
            xw = Op("matmul", scope, where, {"a": (batch, size), "b": (size, gates * hidden)})
            hr = Op("matmul", scope, where, {"a": (batch, hidden), "b": (hidden, gates * hidden)})
            trace.ops.extend([xw, hr] if first == "input" else [hr, xw])
    trace.notes[f"{node.op_type}: unrolled, two GEMMs per time step and direction"] += 1


def _conv_args(
    op: str, x: tuple[int, ...], w: tuple[int, ...], attrs: dict[str, Any], where: str
) -> dict[str, Any]:
    nd = len(x) - 2
    kernel = tuple(attrs.get("kernel_shape", w[2:]))
    strides = tuple(attrs.get("strides", (1,) * nd))
    dilations = tuple(attrs.get("dilations", (1,) * nd))
    pads = tuple(attrs.get("pads", (0,) * (2 * nd)))
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else str(auto)
    out_pad = tuple(int(v) for v in attrs.get("output_padding", (0,) * nd))
    if op == "ConvTranspose" and ("output_shape" in attrs or auto in ("SAME_UPPER", "SAME_LOWER")):
        # ONNX's rule: the output size given (or input x stride for SAME) sets the pads
        target = (
            [int(v) for v in attrs["output_shape"]][-nd:]
            if "output_shape" in attrs
            else [x[2 + i] * strides[i] for i in range(nd)]
        )
        begin, end, extra = [], [], []
        for i in range(nd):
            full = strides[i] * (x[2 + i] - 1) + out_pad[i] + (kernel[i] - 1) * dilations[i] + 1
            total = full - target[i]
            if total < 0:  # a larger output than the stride gives: extra rows at the end
                begin.append(0)
                end.append(0)
                extra.append(out_pad[i] - total)
                continue
            small = total // 2
            upper = auto == "SAME_UPPER"
            begin.append(small if upper else total - small)
            end.append(total - small if upper else small)
            extra.append(out_pad[i])
        pads, out_pad = (*begin, *end), tuple(extra)
    elif auto in ("SAME_UPPER", "SAME_LOWER"):
        pairs = [
            _same_pads(x[2 + i], kernel[i], strides[i], dilations[i], auto == "SAME_UPPER")
            for i in range(nd)
        ]
        pads = tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)
    elif auto == "VALID":
        pads = (0,) * (2 * nd)
    if nd == 1:
        return {
            "x_shape": x,
            "w_shape": w,
            "stride": (1, strides[0]),
            "pads": (0, pads[0], 0, pads[1]),
            "dilation": (1, dilations[0]),
            "groups": int(attrs.get("group", 1)),
            "transposed": op == "ConvTranspose",
            "output_padding": (0, out_pad[0]),
        }
    if nd != 2:
        return {"x_shape": x, "w_shape": w}  # lowering names the dimensionality it refuses
    return {
        "x_shape": x,
        "w_shape": w,
        "stride": (strides[0], strides[1]),
        "pads": (pads[0], pads[1], pads[2], pads[3]),
        "dilation": (dilations[0], dilations[1]),
        "groups": int(attrs.get("group", 1)),
        "transposed": op == "ConvTranspose",
        "output_padding": (out_pad[0], out_pad[1]),
    }
