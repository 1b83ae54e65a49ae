"""Built-in networks, written by us from the networks' structure.

Each has exactly the layer shapes of the SCALE-Sim topology file named in ``SCALESIM_FILES`` (a
test compares them), including that file's own inconsistencies, which are kept so that our
numbers stay comparable with SCALE-Sim's and noted where they occur.
"""

from __future__ import annotations

from collections.abc import Callable

from simcoder.simulator.errors import UserError
from simcoder.simulator.types import Layer


def conv(
    name: str, hw: int | tuple[int, int], k: int | tuple[int, int], c: int, m: int, stride: int = 1
) -> Layer:
    h, w = (hw, hw) if isinstance(hw, int) else hw
    r, s = (k, k) if isinstance(k, int) else k
    return Layer(name, h, w, r, s, c, m, stride)


def fc(name: str, inputs: int, outputs: int) -> Layer:
    """A fully connected layer as SCALE-Sim writes it: a 1x1 conv on a 1x1 map."""
    return conv(name, 1, 1, inputs, outputs)


def gemm(name: str, m: int, n: int, k: int) -> Layer:
    return Layer.from_gemm(name, m, n, k)


def _resnet_stages(layers: list[Layer], stages: list[tuple[int, int, int, int]]) -> None:
    """Bottleneck stages of ResNet-50: (stage, input size, width, blocks)."""
    in_ch = 64
    for stage, size, width, blocks in stages:
        out_ch = width * 4
        stride = 1 if stage == 2 else 2
        out = size // stride
        layers += [
            conv(f"CB{stage}a_1", size, 1, in_ch, width, stride),
            conv(f"CB{stage}a_2", out, 3, width, width),
            conv(f"CB{stage}a_3", out, 1, width, out_ch),
            conv(f"CB{stage}s", size, 1, in_ch, out_ch, stride),
        ]
        for b in "bcdef"[: blocks - 1]:
            layers += [
                conv(f"IB{stage}{b}_1", out, 1, out_ch, width),
                conv(f"IB{stage}{b}_2", out, 3, width, width),
                conv(f"IB{stage}{b}_3", out, 1, width, out_ch),
            ]
        in_ch = out_ch


def resnet50() -> list[Layer]:
    layers = [conv("Conv1", 224, 7, 3, 64, 2)]
    _resnet_stages(layers, [(2, 56, 64, 3), (3, 56, 128, 4), (4, 28, 256, 6), (5, 14, 512, 3)])
    return [*layers, fc("FC6", 2048, 1000)]


def fasterrcnn() -> list[Layer]:
    """ResNet-50's first four stages as backbone, then the region proposal network."""
    layers = [conv("Conv1", 224, 7, 3, 64, 2)]
    _resnet_stages(layers, [(2, 56, 64, 3), (3, 56, 128, 4), (4, 28, 256, 6)])
    return [
        *layers,
        conv("RPN_Conv1", 14, 3, 1024, 512),
        conv("RPN_Conv_bbox", 14, 1, 512, 36),
        conv("RPN_Conv3_cls", 14, 1, 512, 18),
    ]


def yolo_tiny() -> list[Layer]:
    # As in SCALE-Sim's yolo_tiny.csv: Conv1 has 4 filters yet Conv2 reads 16 channels, and the
    # last maps shrink by 2 per layer (no padding) rather than by pooling.
    sizes = [416, 208, 104, 52, 26, 13, 11, 9]
    chans = [3, 16, 32, 64, 128, 256, 512, 1024]
    filters = [4, 32, 64, 128, 256, 512, 1024, 1024]
    layers = [
        conv(f"Conv{i + 1}", s, 3, c, m)
        for i, (s, c, m) in enumerate(zip(sizes, chans, filters, strict=True))
    ]
    return [*layers, conv("Conv9", 7, 1, 1024, 125)]


def alphago_zero() -> list[Layer]:
    return [
        conv("Conv", 19, 3, 17, 256),
        conv("Res_conv1", 19, 3, 256, 256),
        conv("Res_conv2", 19, 3, 256, 256),
        conv("ValueHead_conv", 19, 1, 256, 1),
        fc("ValueHead_FC1", 361, 256),
        fc("ValueHead_FC2", 256, 1),
        conv("PolicyHead_Conv", 19, 1, 256, 2),
        fc("PolidyHead_FC", 722, 362),
    ]  # sic: SCALE-Sim's layer name


def ncf() -> list[Layer]:
    shapes = [
        (256, 128, 2048),
        (128, 64, 2048),
        (256, 256, 2048),
        (2048, 256, 256),
        (2048, 256, 256),
        (2048, 128, 256),
        (2048, 256, 128),
        (2048, 128, 64),
        (2048, 64, 128),
        (128, 1, 2048),
        (2048, 1, 128),
        (2048, 128, 1),
    ]
    return [gemm(str(i + 1), m, n, k) for i, (m, n, k) in enumerate(shapes)]


def transformer() -> list[Layer]:
    d, heads_dim, ffn = 512, 64, 2048
    return [
        conv("Embedding", (512, 1), 1, 1, 33708),
        fc("Attn_Xmap", d, heads_dim),
        fc("Attn_Kmap", d, heads_dim),
        fc("Attn_Qmap", d, heads_dim),
        conv("Attn_QxK'", (1, heads_dim), 1, 1, heads_dim),
        conv("Attn_SFMXxV", (1, heads_dim), 1, heads_dim, 1),
        fc("Attn_Concat_map", d, d),
        fc("FFN1", d, ffn),
        fc("FFN2", ffn, d),
    ]


def transformer_gemm() -> list[Layer]:
    return [
        gemm("MH_FC_DimReduce_VKQ_0", 128, 512, 1536),
        gemm("SD_MatMul_QK_00", 128, 64, 128),
        gemm("SD_MatMul_V_00", 128, 64, 128),
        gemm("MH_FC_DimRecast_0", 128, 512, 512),
        gemm("FF_A_0", 128, 512, 2048),
        gemm("FF_B_0", 128, 2048, 2048),
    ]


def gpt2() -> list[Layer]:
    seq, d, head = 1024, 1600, 64
    return [
        gemm("QKT", seq, seq, head),
        gemm("QKTV", seq, head, seq),
        gemm("Linear1", seq, 3 * d, d),
        gemm("Linear2", seq, d, d),
        gemm("PW-FF-L1", seq, 3072, d),
        gemm("PW-FF-L2", seq, d, 3072),
    ]


def mobilenet() -> list[Layer]:
    """Depthwise layers are written as SCALE-Sim's file does: C channels, one filter."""
    layers = [conv("Conv1", 224, 3, 3, 32, 2)]
    # (input size, channels in, pointwise filters, depthwise stride)
    blocks = [
        (112, 32, 64, 1),
        (112, 64, 128, 2),
        (56, 128, 128, 1),
        (56, 128, 256, 2),
        (28, 256, 256, 1),
        (28, 256, 512, 2),
        (14, 512, 512, 1),
        (14, 512, 512, 1),
        (14, 512, 512, 1),
        (14, 512, 512, 1),
        (14, 512, 512, 1),
        (14, 512, 1024, 2),
        (7, 1024, 1024, 2),
    ]
    for size, c, m, stride in blocks:
        n = len(layers) + 1
        # the pointwise layer reads the strided map, except in SCALE-Sim's last block, which
        # keeps 7x7 after a stride-2 depthwise layer on a 7x7 map
        pw_size = size if size == 7 else size // stride
        layers += [conv(f"Conv{n}", size, 3, c, 1, stride), conv(f"Conv{n + 1}", pw_size, 1, c, m)]
    return layers


def deepspeech2() -> list[Layer]:
    hidden = 2560
    return [
        conv("Conv1", (700, 161), (41, 11), 1, 32, 2),
        conv("Conv2", (341, 79), (21, 11), 32, 32, 2),
        conv("BatchRNN1", (672, hidden), (1, hidden), 1, 4),
        conv("BatchRNN2", (hidden, hidden), (1, hidden), 1, 4),
        conv("BatchRNN3", (hidden, hidden), (1, hidden), 1, 4),
        conv("FC", (1, hidden), (1, hidden), 1, 29),
    ]


def googlenet() -> list[Layer]:
    layers = [
        conv("Conv1", 224, 7, 3, 64, 2),
        conv("Conv2red", 56, 1, 64, 64),
        conv("Conv2", 56, 3, 64, 192),
    ]
    # (name, size, in, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj)
    modules = [
        ("3a", 28, 192, 64, 96, 128, 16, 32, 32),
        ("3b", 28, 256, 128, 128, 192, 32, 96, 64),
        ("4a", 14, 480, 192, 96, 208, 16, 48, 64),
        ("4b", 14, 512, 160, 112, 224, 24, 64, 64),
        ("4c", 14, 512, 128, 128, 256, 24, 64, 64),
        ("4d", 14, 512, 112, 144, 288, 32, 64, 64),
        ("4e", 14, 528, 256, 160, 320, 32, 128, 128),
        ("5a", 7, 832, 256, 160, 320, 32, 128, 128),
        ("5b", 7, 832, 384, 192, 384, 48, 128, 128),
    ]
    for name, size, cin, c1, r3, c3, r5, c5, pp in modules:
        # SCALE-Sim's Googlenet.csv has three typos we keep: Inc4c_5x5 is 1x1, Inc5a_3x3red reads
        # 532 channels, Inc5b_5x5 reads 32 channels (its reduce layer gives 48).
        k5 = 1 if name == "4c" else 5
        red3_in = 532 if name == "5a" else cin
        c5_in = 32 if name == "5b" else r5
        p = f"Inc{name}_"
        layers += [
            conv(p + "1x1", size, 1, cin, c1),
            conv(p + "3x3red", size, 1, red3_in, r3),
            conv(p + "3x3", size, 3, r3, c3),
            conv(p + "5x5red", size, 1, cin, r5),
            conv(p + "5x5", size, k5, c5_in, c5),
            conv(p + "pp", size, 1, cin, pp),
        ]
    return [*layers, fc("FC6", 1024, 1000)]


def alexnet() -> list[Layer]:
    return [
        conv("Conv1", 224, 11, 3, 96, 4),
        conv("Conv2", 27, 5, 96, 256),
        conv("Conv3", 13, 3, 256, 384),
        conv("Conv4", 13, 3, 384, 384),
        conv("Conv5", 13, 3, 384, 256),
    ]


def sentimental_seqcnn() -> list[Layer]:
    return [
        conv("Embedding Layer", (1024, 1), 1, 30000, 5),
        conv("Conv1", (5, 1024), 3, 1, 1024),
        conv("Conv2", (5, 1024), 3, 1, 1024),
        fc("FC", 2048, 2),
    ]


WORKLOADS: dict[str, Callable[[], list[Layer]]] = {
    "resnet50": resnet50,
    "yolo_tiny": yolo_tiny,
    "alphago_zero": alphago_zero,
    "ncf": ncf,
    "transformer": transformer,
    "transformer_gemm": transformer_gemm,
    "gpt2": gpt2,
    "mobilenet": mobilenet,
    "deepspeech2": deepspeech2,
    "fasterrcnn": fasterrcnn,
    "googlenet": googlenet,
    "alexnet": alexnet,
    "sentimental_seqcnn": sentimental_seqcnn,
}

SCALESIM_FILES = {
    "resnet50": "Resnet50",
    "yolo_tiny": "yolo_tiny",
    "alphago_zero": "AlphaGoZero",
    "ncf": "NCF",
    "transformer": "Transformer_short",
    "transformer_gemm": "transformer_partial",
    "gpt2": "gpt2",
    "mobilenet": "mobilenet",
    "deepspeech2": "DeepSpeech2",
    "fasterrcnn": "FasterRCNN",
    "googlenet": "Googlenet",
    "alexnet": "alexnet",
    "sentimental_seqcnn": "Sentimental_seqCNN",
}

GEMM_WORKLOADS = frozenset({"ncf", "transformer_gemm", "gpt2"})


class UnknownWorkload(UserError, KeyError):
    """A workload name that is not built in; the message lists the built-in ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


# workloads that are not built in, by the name the user gave: a model string
# (``torchvision:resnet18``) or a topology CSV. The host resolves them; a sandbox job carries
# their layers, and its runner registers them here (it has neither torch nor the user's files)
_REGISTERED: dict[str, tuple[Layer, ...]] = {}


def register_workload(name: str, layers: list[Layer]) -> None:
    _REGISTERED[name] = tuple(layers)


def is_workload(name: str) -> bool:
    """A built-in name, a model string, or an existing topology CSV (without resolving it)."""
    from pathlib import Path

    from simcoder.workloads.imports import is_model_ref

    return (
        name in WORKLOADS
        or name in _REGISTERED
        or is_model_ref(name)
        or (name.lower().endswith(".csv") and Path(name).is_file())
    )


def split_workloads(text: str) -> list[str]:
    """A comma-separated list of workloads, where a ``key=value`` piece belongs to the model
    before it: ``gpt2,transformers:gpt2,n_layer=2,n_embd=64`` is two workloads."""
    items: list[str] = []
    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        key, eq, _ = piece.partition("=")
        if eq and key.isidentifier() and items and items[-1].startswith("transformers:"):
            items[-1] += "," + piece
        else:
            items.append(piece)
    return items


def get_workload(name: str) -> list[Layer]:
    """A built-in network, a registered one, a model to import, or a topology CSV."""
    if name in WORKLOADS:
        return WORKLOADS[name]()
    if name in _REGISTERED:
        return list(_REGISTERED[name])
    from simcoder.workloads.imports import imported_layers, is_model_ref

    if is_model_ref(name):
        return list(imported_layers(name))
    if is_workload(name):
        from simcoder.simulator.compat.topology import read_topology

        return read_topology(name)
    raise UnknownWorkload(
        f"unknown workload {name!r}; choose one of {', '.join(sorted(WORKLOADS))}, a model "
        "(torchvision:NAME, transformers:NAME, model.onnx, file.py:factory) or a topology CSV"
    )
