"""PyTorch models -> a trace: the model is built on the meta device (no weights, no memory:
GPT-2 XL's 1.5 billion parameters cost nothing) and run once on a meta input under a
``TorchDispatchMode``, which sees every aten op after PyTorch's own decompositions (``linear``
arrives as ``addmm``, attention as two ``bmm``), and global module hooks, which say which
module each op ran in. Sources: ``torchvision:NAME``, ``transformers:NAME[,key=value...]``,
``path/file.py:factory``. If a model cannot run on the meta device (data-dependent control
flow), it is built and run on the CPU instead, and the topology's header says so."""

from __future__ import annotations

import contextlib
import difflib
import importlib.util
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from simcoder.workloads.imports.ops import Op, Trace

# aten ops that only move, view or create data (no arithmetic): counted, not listed
LAYOUT_OPS = frozenset(
    str.split(
        """view _unsafe_view reshape transpose t permute expand unsqueeze squeeze slice select split
    split_with_sizes alias detach clone contiguous empty empty_like empty_strided zeros zeros_like
    ones ones_like full full_like arange scalar_tensor lift_fresh lift_fresh_copy _to_copy copy_
    copy cat stack unbind chunk narrow as_strided flatten unflatten fill_ new_empty new_zeros
    new_ones _local_scalar_dense all any index index_select gather embedding diff tril triu
    eq ne lt le gt ge where masked_fill logical_not logical_and bitwise_not bitwise_and
    sym_size sym_stride repeat unsqueeze_ resolve_conj resolve_neg"""
    )
)
# aten ops with arithmetic that matters and that no rule lowers
UNSUPPORTED = {
    "lstm": "an LSTM",
    "gru": "a GRU",
    "rnn_tanh": "an RNN",
    "rnn_relu": "an RNN",
    "_thnn_fused_lstm_cell": "an LSTM cell",
    "_thnn_fused_gru_cell": "a GRU cell",
    "mkldnn_rnn_layer": "an RNN layer",
    "_fft_r2c": "an FFT",
    "_fft_c2c": "an FFT",
    "_native_multi_head_attention": "a fused attention (CPU fast path)",
    "_transformer_encoder_layer_fwd": "a fused encoder layer (CPU fast path)",
}

SDPA = frozenset(
    {
        "scaled_dot_product_attention",
        "_scaled_dot_product_flash_attention",
        "_scaled_dot_product_flash_attention_for_cpu",
        "_scaled_dot_product_efficient_attention",
        "_scaled_dot_product_cudnn_attention",
        "_scaled_dot_product_attention_math",
    }
)

GPT2_SIZES = {
    "gpt2": {},
    "gpt2-medium": {"n_embd": 1024, "n_layer": 24, "n_head": 16},
    "gpt2-large": {"n_embd": 1280, "n_layer": 36, "n_head": 20},
    "gpt2-xl": {"n_embd": 1600, "n_layer": 48, "n_head": 25},
}
BERT_SIZES = {
    "bert-base-uncased": {},
    "bert-base-cased": {"vocab_size": 28996},
    "bert-large-uncased": {
        "hidden_size": 1024,
        "num_hidden_layers": 24,
        "num_attention_heads": 16,
        "intermediate_size": 4096,
    },
}


class ModelError(ValueError):
    """A model the front-end cannot build or run; ``where`` names the source or node."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


def _parse_value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False, "none": None}.get(text.lower(), text)


def transformers_config(spec: str) -> tuple[Any, str, str]:
    """``NAME[,key=value...]`` -> (config, head, description). NAME: a size we know (gpt2,
    gpt2-medium, gpt2-large, gpt2-xl, bert-base-uncased, bert-base-cased, bert-large-uncased),
    any model type transformers knows (its default config), or a local directory holding a
    config.json. ``head=causal-lm`` adds the language-model head to the bare model."""
    import transformers

    name, *pairs = [p.strip() for p in spec.split(",")]
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise ModelError(
                f"transformers:{spec}", f"{pair!r} is not key=value; write e.g. n_layer=12"
            )
        overrides[key.strip()] = _parse_value(value.strip())
    head = str(overrides.pop("head", "none"))
    if head not in ("none", "causal-lm"):
        raise ModelError(f"transformers:{spec}", f"head={head}: use head=causal-lm or leave it out")
    try:
        config = _config(transformers, spec, name, overrides)
    except ModelError:
        raise
    except Exception as exc:  # transformers 5 validates field types as the config is made
        message = " ".join(line.strip() for line in str(exc).splitlines())
        raise ModelError(
            f"transformers:{spec}",
            f"{message or type(exc).__name__}; check the key=value overrides",
        ) from None
    _check_keys(spec, config, overrides)
    # the model's own attention, decomposed; no cache (a single forward pass)
    with contextlib.suppress(AttributeError, TypeError):
        config.use_cache = False
    return config, head, name


def _config(transformers: Any, spec: str, name: str, overrides: dict[str, Any]) -> Any:
    config: Any
    if name in GPT2_SIZES:
        config = transformers.GPT2Config(**{**GPT2_SIZES[name], **overrides})
    elif name in BERT_SIZES:
        config = transformers.BertConfig(**{**BERT_SIZES[name], **overrides})
    elif Path(name).is_dir():
        try:
            config = transformers.AutoConfig.from_pretrained(
                name, local_files_only=True, **overrides
            )
        except (OSError, ValueError) as exc:
            raise ModelError(name, f"no readable config.json: {exc}") from None
    else:
        try:
            config = transformers.AutoConfig.for_model(name, **overrides)
        except ValueError:
            known = ", ".join([*GPT2_SIZES, *BERT_SIZES])
            raise ModelError(
                f"transformers:{spec}",
                f"{name!r} is neither a model type transformers knows nor a directory with a "
                f"config.json; sizes built in: {known}",
            ) from None
    return config


def _check_keys(spec: str, config: Any, overrides: dict[str, Any]) -> None:
    """A key=value override must name a field of the config (transformers keeps any keyword,
    so a typo would silently change nothing)."""
    cls = type(config)
    known = set(cls().to_dict()) | set(getattr(cls, "attribute_map", {}))
    for key in overrides:
        if key not in known:
            lower = {k.lower(): k for k in known}
            close = [lower[c] for c in difflib.get_close_matches(key.lower(), sorted(lower), n=1)]
            hint = f"did you mean {close[0]}?" if close else f"see {cls.__name__}'s fields"
            raise ModelError(
                f"transformers:{spec}", f"{key}: {cls.__name__} has no such field; {hint}"
            )


def _transformers_model(spec: str) -> tuple[Any, Any, str]:
    import transformers

    config, head, name = transformers_config(spec)
    auto = transformers.AutoModelForCausalLM if head == "causal-lm" else transformers.AutoModel
    try:
        # eager attention: its mask needs no value read (sdpa's asks whether it can skip the
        # mask); the same two matmuls per head either way
        model = auto.from_config(config, attn_implementation="eager")  # type: ignore[no-untyped-call,unused-ignore]
    except ValueError as exc:
        raise ModelError(f"transformers:{spec}", first_line(exc)) from None
    except Exception as exc:  # a value of the wrong kind (n_layer=abc) fails deep in transformers
        raise ModelError(
            f"transformers:{spec}",
            f"building the model failed: {type(exc).__name__}: {first_line(exc)}; "
            "check the key=value overrides",
        ) from None
    seq = next(
        (
            v
            for v in (
                getattr(config, "n_positions", None),
                getattr(config, "max_position_embeddings", None),
            )
            if v is not None
        ),
        512,
    )
    if int(seq) < 1:
        raise ModelError(
            f"transformers:{spec}", f"a maximum sequence length of {seq}; give a positive one"
        )
    return model, (1, int(seq)), f"transformers {name} ({type(model).__name__})"


def _torchvision_model(name: str) -> tuple[Any, Any, str]:
    import torchvision

    try:
        try:  # detection/segmentation models: no backbone weights either (no download)
            model = torchvision.models.get_model(name, weights=None, weights_backbone=None)
        except TypeError:  # a model without a backbone argument
            model = torchvision.models.get_model(name, weights=None)
    except (ValueError, KeyError):
        known = ", ".join(sorted(torchvision.models.list_models())[:12])
        raise ModelError(
            f"torchvision:{name}",
            f"torchvision has no model {name!r}; e.g. {known}, ... (torchvision.models)",
        ) from None
    size = 224
    with contextlib.suppress(ValueError, KeyError, AttributeError, TypeError):
        weights = torchvision.models.get_model_weights(name).DEFAULT
        crop = weights.transforms().crop_size
        size = int(crop[0] if isinstance(crop, (list, tuple)) else crop)
    return model, (1, 3, size, size), f"torchvision {name} (weights=None)"


def _factory_model(ref: str) -> tuple[Any, Any, str]:
    import torch

    path, _, attr = ref.rpartition(":")
    file = Path(path)
    if not file.is_file():
        raise ModelError(path, "no such file; write path/to/file.py:factory")
    spec = importlib.util.spec_from_file_location(f"_simcoder_model_{file.stem}", file)
    if spec is None or spec.loader is None:
        raise ModelError(path, "not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the user's own file: say where it failed, in one line
        raise ModelError(path, f"importing it failed: {type(exc).__name__}: {exc}") from None
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise ModelError(ref, f"{path} defines no function {attr!r}")
    try:
        made = factory()
    except Exception as exc:
        raise ModelError(ref, f"{attr}() failed: {type(exc).__name__}: {exc}") from None
    example = None
    if isinstance(made, tuple) and len(made) == 2:
        made, example = made
    if not isinstance(made, torch.nn.Module):
        raise ModelError(
            ref,
            f"{attr}() returned {type(made).__name__}; return an nn.Module (or one and "
            "an example input tensor)",
        )
    shape = tuple(example.shape) if isinstance(example, torch.Tensor) else None
    return made, shape, f"{file.name}:{attr} ({type(made).__name__})"


def build(source: str) -> tuple[Any, Any, str]:
    """(model, default input shape or None, description). Built on the meta device."""
    import torch

    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _build(source)


def _build(source: str) -> tuple[Any, Any, str]:
    if source.startswith("torchvision:"):
        return _torchvision_model(source.split(":", 1)[1])
    if source.startswith("transformers:"):
        return _transformers_model(source.split(":", 1)[1])
    return _factory_model(source)


@contextlib.contextmanager
def _module_scopes(model: Any, stack: list[str]) -> Iterator[None]:
    import torch

    names = {id(m): n for n, m in model.named_modules()}

    def pre(module: Any, args: Any) -> None:
        stack.append(names.get(id(module), stack[-1] if stack else ""))

    def post(module: Any, args: Any, output: Any) -> None:
        if stack:
            stack.pop()

    handles = [
        torch.nn.modules.module.register_module_forward_pre_hook(pre),
        torch.nn.modules.module.register_module_forward_hook(post),
    ]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def _ints(value: Any, n: int = 2) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    out = tuple(int(v) for v in value)
    return out * n if len(out) == 1 else out


def trace(model: Any, inputs: tuple[Any, ...], source: str) -> Trace:
    """Run ``model(*inputs)`` once, recording the ops."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    result = Trace()
    stack: list[str] = []

    def record(func: Any, args: tuple[Any, ...]) -> None:
        base = func.__name__.split(".")[0]
        scope = stack[-1] if stack else ""
        where = f"{source} module {scope or '(top)'} op aten.{base}"
        shape = [tuple(a.shape) if isinstance(a, torch.Tensor) else a for a in args]
        if base == "convolution":
            x, w = shape[0], shape[1]
            stride, padding, dilation, transposed, output_padding, groups = args[3:9]
            if len(x) == 3:  # 1-D: one row; lowering widens the shapes

                def two(v: Any) -> tuple[int, int]:
                    return (1, _ints(v, 1)[0])

                def pad4(v: Any) -> tuple[int, int, int, int]:
                    return (0, _ints(v, 1)[0], 0, _ints(v, 1)[0])
            else:

                def two(v: Any) -> tuple[int, int]:
                    a, b = _ints(v, 2)[-2:]
                    return (a, b)

                def pad4(v: Any) -> tuple[int, int, int, int]:
                    a, b = _ints(v, 2)[-2:]
                    return (a, b, a, b)

            result.ops.append(
                Op(
                    "conv",
                    scope,
                    where,
                    {
                        "x_shape": x,
                        "w_shape": w,
                        "stride": two(stride),
                        "pads": pad4(padding),
                        "dilation": two(dilation),
                        "groups": int(groups),
                        "transposed": bool(transposed),
                        "output_padding": two(output_padding),
                    },
                )
            )
        elif base in ("mm", "bmm"):
            result.ops.append(Op("matmul", scope, where, {"a": shape[0], "b": shape[1]}))
        elif base in ("addmm", "baddbmm", "addbmm"):
            a, b = shape[1], shape[2]  # addbmm sums its batch products: as many GEMMs
            result.ops.append(Op("matmul", scope, where, {"a": a, "b": b}))
        elif base in SDPA:  # the fused kernels: Q.K^T and softmax(.).V, per head
            q, k, v = shape[0], shape[1], shape[2]
            heads = q[:-2]
            k = (*heads, *k[-2:])  # grouped-query attention: each query head reads its group
            v = (*heads, *v[-2:])
            qk = (*k[:-2], k[-1], k[-2])
            scores = (*q[:-1], k[-2])
            result.ops.append(Op("matmul", scope, where, {"a": q, "b": qk}))
            result.ops.append(Op("matmul", scope, where, {"a": scores, "b": v}))
        elif base in ("mv", "addmv"):
            a, v = (shape[0], shape[1]) if base == "mv" else (shape[1], shape[2])
            result.ops.append(Op("matmul", scope, where, {"a": a, "b": v}))
        elif base in UNSUPPORTED:
            result.unsupported.append((where, UNSUPPORTED[base]))
        elif base.rstrip("_") in LAYOUT_OPS or base in LAYOUT_OPS:
            result.layout += 1
        else:
            result.skipped[base.rstrip("_")] += 1

    # a truth test on a meta tensor has no value to read: ``x.all()`` is answered True and
    # ``x.any()`` False, as for the all-ones attention mask the front-end passes (transformers
    # asks exactly this, to skip the mask); any other value read falls back to the CPU
    answers: dict[int, bool] = {}

    class Recorder(TorchDispatchMode):  # type: ignore[no-untyped-call,misc,unused-ignore]
        def __torch_dispatch__(
            self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
        ) -> Any:
            name = func.__name__.split(".")[0]
            if name == "_local_scalar_dense" and args and id(args[0]) in answers:
                return answers[id(args[0])]
            record(func, args)
            out = func(*args, **(kwargs or {}))
            if name in ("all", "any") and isinstance(out, torch.Tensor) and out.is_meta:
                answers[id(out)] = name == "all"
            return out

    with (
        _module_scopes(model, stack),
        torch.no_grad(),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        with Recorder():  # type: ignore[no-untyped-call,unused-ignore]
            if source.startswith("transformers:"):  # an explicit mask: no packed-sequence
                ids = inputs[0]  # detection, which reads values the meta device has not got
                mask = torch.ones_like(ids)
                if getattr(model.config, "is_encoder_decoder", False):  # T5, BART: the decoder
                    model(input_ids=ids, attention_mask=mask, decoder_input_ids=ids)  # as long
                else:
                    model(input_ids=ids, attention_mask=mask)
            else:
                model(*inputs)
    return result


def trace_model(
    source: str, input_shape: tuple[int, ...] | None, batch: int | None
) -> tuple[Trace, str, tuple[int, ...], str]:
    """(trace, description, input shape, device). Meta device first; the CPU if the model
    needs real values."""
    import torch

    model, default_shape, description = build(source)
    shape = input_shape or default_shape
    if shape is None:
        raise ModelError(
            source,
            "the factory gives no example input; give --input, e.g. --input 1,3,224,224, or "
            "return (model, example_tensor) from the factory",
        )
    if batch is not None:
        shape = (batch, *shape[1:])
    model.eval()

    def make_input(device: str) -> Any:
        if source.startswith("transformers:"):
            if len(shape) != 2:
                raise ModelError(source, f"--input {shape}: a language model takes BATCH,SEQUENCE")
            return torch.zeros(shape, dtype=torch.long, device=device)
        return torch.zeros(shape, device=device)

    try:
        return trace(model, (make_input("meta"),), source), description, shape, "meta"
    except ModelError:
        raise
    except Exception as meta_error:  # the model's forward() may raise anything
        try:
            cpu_model = _build(source)[0].eval()
            return trace(cpu_model, (make_input("cpu"),), source), description, shape, "cpu"
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(
                source,
                f"running the model on a {tuple(shape)} input failed: "
                f"{type(exc).__name__}: {first_line(exc)} (on the meta device: "
                f"{type(meta_error).__name__}: {first_line(meta_error)}); check --input",
            ) from None


def first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else ""
