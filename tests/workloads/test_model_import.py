"""Importing real models: SCALE-Sim's own topology files reproduced (references nobody here
wrote), MACs equal to the model's own (counted by hooks on a real CPU run), PyTorch and ONNX
giving the same topology, and one-line errors. Needs simcoder[import]; CI installs it."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from simcoder.simulator.compat.topology import TopologyWarning, read_topology
from simcoder.simulator.types import Layer
from simcoder.workloads.imports import ImportFailure, import_model
from simcoder.workloads.imports.lowering import as_conv_row, as_gemm_rows


def _need(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{module} is not installed (pip install 'simcoder[import]')")


@pytest.fixture(scope="module")
def torch() -> Any:
    _need("torchvision")
    _need("transformers")
    return _need("torch")


def _rows(layers: list[Layer]) -> list[tuple[int, ...]]:
    return [tuple(as_conv_row(x)) for x in layers]


# SCALE-Sim's Resnet50.csv is ResNet v1 (the stride in each stage's first 1x1 conv);
# torchvision's resnet50 is v1.5 (the stride in the 3x3): exactly these rows differ
V1_STRIDE_ROWS = {"CB3a_1", "CB3a_2", "CB4a_1", "CB4a_2", "CB5a_1", "CB5a_2"}


@pytest.mark.slow
def test_resnet50_reproduces_scalesims_file(torch: Any, scalesim_reference: Path) -> None:
    with pytest.warns(TopologyWarning):  # the file's own empty second row
        ref = read_topology(scalesim_reference / "topologies" / "Resnet50.csv")
    got = import_model("torchvision:resnet50", convention="scalesim").layers
    assert len(got) == len(ref) == 54
    differ = {
        r.name
        for r, g in zip(ref, got, strict=True)
        if tuple(as_conv_row(r)) != tuple(as_conv_row(g))
    }
    assert differ == V1_STRIDE_ROWS
    for r, g in zip(ref, got, strict=True):
        if r.name.endswith("_1") and r.name in V1_STRIDE_ROWS:  # 1x1 stride 2 in v1, 1 in v1.5
            assert (r.stride, g.stride, r.ifmap_h, g.ifmap_h) == (2, 1, g.ifmap_h, r.ifmap_h)
        if r.name.endswith("_2") and r.name in V1_STRIDE_ROWS:  # 3x3 on the full-size map
            assert (r.stride, g.stride, g.ifmap_h) == (1, 2, 2 * r.ifmap_h)
    assert [g.name for g in got][:3] == ["conv1", "layer1.0.conv1", "layer1.0.conv2"]


@pytest.mark.slow
def test_gpt2_reproduces_scalesims_gemms(torch: Any, scalesim_reference: Path) -> None:
    ref = read_topology(scalesim_reference / "topologies" / "gpt2.csv", gemm=True)
    want = [as_gemm_rows(x)[0][1:] for x in ref]  # QKT, QKTV, Linear1, Linear2, FF1, FF2
    # gpt2.csv: GPT-2 XL's width (1600, 25 heads of 64, sequence 1024) with a 3072-wide
    # feed-forward (GPT-2 small's; XL's own is 6400)
    got = import_model("transformers:gpt2-xl,n_inner=3072").layers
    block = [as_gemm_rows(x)[0] for x in got if x.name.startswith("h.0.")]
    by_name = {n: (m, nn, k) for n, m, nn, k in block}
    assert [
        by_name["h.0.attn.matmul1[0]"],
        by_name["h.0.attn.matmul2[0]"],
        by_name["h.0.attn.c_attn"],
        by_name["h.0.attn.c_proj"],
        by_name["h.0.mlp.c_fc"],
        by_name["h.0.mlp.c_proj"],
    ] == want
    assert sum(1 for n in by_name if n.startswith("h.0.attn.matmul1[")) == 25  # one per head
    assert len(got) == 48 * (4 + 2 * 25)
    xl = import_model("transformers:gpt2-xl").layers
    assert as_gemm_rows(next(x for x in xl if x.name == "h.0.mlp.c_fc"))[0][1:] == (
        1024,
        6400,
        1600,
    )


@pytest.mark.parametrize(
    ("source", "d", "heads", "ff", "enc", "dec"),
    [
        ("transformers:t5,num_layers=2,num_decoder_layers=1", 512, 8, 2048, 2, 1),  # t5-small
        ("transformers:bart,encoder_layers=1,decoder_layers=2", 1024, 16, 4096, 1, 2),
    ],
)
def test_encoder_decoder_models_run_both_stacks(
    torch: Any, source: str, d: int, heads: int, ff: int, enc: int, dec: int
) -> None:
    # counted by hand from the architecture: an encoder layer has q, k, v, o, two FFN GEMMs and
    # a Q.K^T and a .V per head; a decoder layer adds cross-attention (four more projections,
    # two more products per head); the decoder runs on a sequence as long as the encoder's
    seq = 32
    got = import_model(source, inputs=[f"1,{seq}"])
    rows = [as_gemm_rows(x)[0] for x in got.layers]
    assert len(rows) == enc * (6 + 2 * heads) + dec * (10 + 4 * heads)
    per_layer_proj = 4 * seq * d * d + 2 * seq * d * ff
    attention = 2 * heads * seq * seq * (d // heads)
    want = enc * (per_layer_proj + attention) + dec * (
        per_layer_proj + 4 * seq * d * d + 2 * attention
    )
    assert sum(m * n * k for _, m, n, k in rows) == want
    assert any(name.startswith("decoder.") and "matmul" in name for name, *_ in rows)


def _hook_macs(torch: Any, model: Any, x: Any) -> int:
    """The model's own MACs, from its modules on a real CPU run (no lowering involved)."""
    nn = torch.nn
    total = 0

    def hook(mod: Any, args: Any, out: Any) -> None:
        nonlocal total
        if isinstance(mod, nn.ConvTranspose2d):  # as the direct conv on the zero-inserted input
            total += (
                out.numel()
                * mod.in_channels
                // mod.groups
                * mod.kernel_size[0]
                * mod.kernel_size[1]
            )
        elif isinstance(mod, (nn.Conv1d, nn.Conv2d)):
            k = 1
            for v in mod.kernel_size:
                k *= v
            total += out.numel() * mod.in_channels // mod.groups * k
        elif isinstance(mod, nn.Linear):
            total += out.numel() * mod.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total


class Odd:  # a model of everything with no exact SCALE-Sim form, written for this test
    @staticmethod
    def build(torch: Any) -> Any:
        nn = torch.nn

        class Net(nn.Module):  # type: ignore[misc]
            def __init__(self) -> None:
                super().__init__()
                self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1)
                self.dilated = nn.Conv2d(16, 16, 3, padding=2, dilation=2)
                self.tall = nn.Conv2d(16, 24, (3, 5), stride=(2, 1), padding=(1, 2))
                self.grouped = nn.Conv2d(24, 48, 3, padding=1, groups=4)
                self.depthwise = nn.Conv2d(48, 96, 3, padding=1, groups=48)
                self.up = nn.ConvTranspose2d(96, 8, 4, stride=2, padding=1)
                self.head = nn.Linear(8, 10)

            def forward(self, x: Any) -> Any:
                x = self.up(self.depthwise(self.grouped(self.tall(self.dilated(self.stem(x))))))
                return self.head(x.mean((2, 3)))

        return Net()


@pytest.mark.parametrize("batch", [1, 3])
def test_padded_macs_are_the_models_own(torch: Any, tmp_path: Path, batch: int) -> None:
    factory = tmp_path / "odd.py"
    factory.write_text(
        "import torch\nimport tests.workloads.test_model_import as t\n"
        "def make():\n    return t.Odd.build(torch), torch.zeros(1, 3, 33, 31)\n"
    )
    model = Odd.build(torch).eval()
    want = _hook_macs(torch, model, torch.zeros(batch, 3, 33, 31))
    got = import_model(f"{factory}:make", batch=batch)
    assert sum(x.macs for x in got.layers) == want
    assert {
        "grouped conv: one layer per group",
        "ConvTranspose: the direct conv on the zero-inserted input",
    } <= set(got.lowering.notes)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["resnet50", "mobilenet_v2", "resnext50_32x4d", "vgg11"])
def test_torchvision_macs_are_the_models_own(torch: Any, name: str) -> None:
    import torchvision

    model = torchvision.models.get_model(name, weights=None).eval()
    want = _hook_macs(torch, model, torch.zeros(1, 3, 224, 224))
    assert sum(x.macs for x in import_model(f"torchvision:{name}").layers) == want


def _export(torch: Any, model: Any, args: tuple[Any, ...], path: Path, dynamo: bool) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, str(path), dynamo=dynamo, input_names=["x"], verbose=False)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "dynamo"), [("resnet18", True), ("resnet18", False), ("resnet50", True)]
)
def test_onnx_export_imports_to_the_same_topology(
    torch: Any, tmp_path: Path, name: str, dynamo: bool
) -> None:
    _need("onnx")
    import torchvision

    if dynamo:
        _need("onnxscript")
    model = torchvision.models.get_model(name, weights=None).eval()
    path = tmp_path / f"{name}.onnx"
    _export(torch, model, (torch.zeros(1, 3, 224, 224),), path, dynamo)
    for convention in ("padded", "scalesim"):
        via_torch = import_model(f"torchvision:{name}", convention=convention).layers
        via_onnx = import_model(str(path), convention=convention).layers
        assert via_onnx == via_torch
    # a batch the export did not have: the dynamo export's Reshape before the FC is fixed at
    # batch 1, so the importer scales the exported shapes instead of the input
    got = import_model(str(path), batch=3)
    assert got.layers == import_model(f"torchvision:{name}", batch=3).layers
    assert got.layers[-1].ifmap_h == 3  # the FC's M


@pytest.mark.slow
@pytest.mark.parametrize("dynamo", [True, False])
def test_onnx_gpt2_imports_to_the_same_topology(torch: Any, tmp_path: Path, dynamo: bool) -> None:
    # TorchScript's export builds the causal mask's shape through Where and Expand: folded
    _need("onnx")
    _need("onnxscript")
    import transformers

    from simcoder.workloads.imports.torch_frontend import transformers_config

    spec = "gpt2,n_layer=2,n_positions=128"
    config, _, _ = transformers_config(spec)
    gpt = transformers.AutoModel.from_config(config, attn_implementation="eager").eval()

    class Ids(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.m = gpt

        def forward(self, ids: Any) -> Any:
            return self.m(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state

    path = tmp_path / "gpt2.onnx"
    _export(torch, Ids().eval(), (torch.zeros(1, 128, dtype=torch.long),), path, dynamo)
    via_torch = import_model(f"transformers:{spec}").layers
    via_onnx = import_model(str(path)).layers
    assert len(via_torch) == 2 * (4 + 2 * 12)
    # the same layers, named the same (the export wrapper's attribute ``m`` aside)
    assert [dataclasses.replace(x, name=x.name.removeprefix("m.")) for x in via_onnx] == via_torch
    via_torch = import_model(f"transformers:{spec}", batch=2).layers
    via_onnx = import_model(str(path), batch=2).layers
    assert len(via_torch) == 2 * (4 + 2 * 2 * 12)  # a Q.K^T and a .V per head and sample
    assert [dataclasses.replace(x, name=x.name.removeprefix("m.")) for x in via_onnx] == via_torch


@pytest.mark.parametrize(
    "attrs",
    [
        {"output_shape": [15, 15]},  # the stride's own size
        {"output_shape": [14, 13]},  # smaller: pads made
        {"output_shape": [16, 16]},  # larger: extra rows at the end
        {"auto_pad": "SAME_UPPER"},
        {"auto_pad": "SAME_LOWER"},
    ],
)
def test_onnx_conv_transpose_output_size_is_onnxs(tmp_path: Path, attrs: dict[str, Any]) -> None:
    # the output size ONNX computes (its shape inference; its reference evaluator agrees where it
    # runs: it fails on an output_shape smaller than the stride's), not one worked out here
    onnx = _need("onnx")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    from onnx.reference import ReferenceEvaluator

    weight = numpy_helper.from_array(np.ones((4, 2, 3, 3), np.float32), "w")
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], **attrs)
    graph = helper.make_graph(
        [node],
        "up",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 7, 7])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "up.onnx"
    onnx.save(model, str(path))
    inferred = onnx.shape_inference.infer_shapes(model).graph.output[0].type.tensor_type.shape
    want = tuple(d.dim_value for d in inferred.dim)
    if attrs.get("output_shape", [15])[0] >= 15:
        (y,) = ReferenceEvaluator(model).run(None, {"x": np.ones((1, 4, 7, 7), np.float32)})
        assert y.shape == want
    (layer,) = import_model(str(path)).layers
    assert (1, layer.num_filters, layer.ofmap_h, layer.ofmap_w) == want


REVIEW_MODELS = """
import torch
from torch import nn
from torch.nn import functional as F

class PosMLP(nn.Module):  # a Linear on a parameter: no batch in it
    def __init__(self):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(8, 4))
        self.fc = nn.Linear(4, 16)
        self.head = nn.Linear(16, 16)
    def forward(self, x):
        return self.head(x) + self.fc(self.pos)

class WNConv(nn.Module):  # the conv's weight computed from parameters
    def __init__(self):
        super().__init__()
        self.conv = nn.utils.parametrizations.weight_norm(nn.Conv2d(3, 8, 3))
    def forward(self, x):
        return self.conv(x)

class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.fc = nn.Linear(32 * 8 * 8, 10)
    def forward(self, x):
        y = self.c2(self.c1(x))
        return self.fc(y.view(y.shape[0], -1))

class PadUp(nn.Module):  # pads and a Resize whose sizes come from the input's shape
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3)
        self.c2 = nn.Conv2d(8, 4, 3, padding=1)
    def forward(self, x):
        y = self.c1(F.pad(x, (1, 2, 1, 2)))
        y = F.interpolate(y, size=(2 * y.shape[2], 2 * y.shape[3]))
        return self.c2(y)

def posmlp():
    return PosMLP(), torch.zeros(2, 8, 16)
def wnconv():
    return WNConv(), torch.zeros(1, 3, 16, 16)
def cnn():
    return CNN(), torch.zeros(2, 3, 16, 16)
def padup():
    return PadUp(), torch.zeros(1, 3, 12, 12)
"""


@pytest.mark.parametrize(
    ("factory", "options", "batches"),
    [
        ("posmlp", {"dynamo": False}, [None, 4]),
        ("wnconv", {"dynamo": False}, [None, 4]),
        ("cnn", {"dynamo": True}, [None, 1, 3, 4]),  # exported at batch 2: 1 and 3 scale too
        ("padup", {"dynamo": False, "opset_version": 11}, [None, 2]),
        ("cnn", {"dynamo": False, "do_constant_folding": False}, [None, 4]),
    ],
)
def test_onnx_exports_with_a_fixed_batch_import_as_pytorch_does(
    torch: Any, tmp_path: Path, factory: str, options: dict[str, Any], batches: list[Any]
) -> None:
    # the review's out-of-sample cases (weights that are computed, batch-free GEMMs, an exported
    # batch that does not divide --batch, shapes from Shape nodes): the PyTorch import of the
    # same model at the same batch is the reference
    _need("onnx")
    if options["dynamo"]:
        _need("onnxscript")
    import warnings

    source = tmp_path / "models.py"
    source.write_text(REVIEW_MODELS)
    namespace: dict[str, Any] = {}
    exec(REVIEW_MODELS, namespace)
    net, x = namespace[factory]()
    path = tmp_path / f"{factory}.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net.eval(), (x,), str(path), input_names=["x"], **options)
    for batch in batches:
        via_torch = import_model(f"{source}:{factory}", batch=batch).layers
        via_onnx = import_model(str(path), batch=batch).layers
        assert _rows(via_onnx) == _rows(via_torch), (factory, batch)
    got = import_model(str(path), batch=4, inputs=[",".join(map(str, x.shape))]).layers
    assert _rows(got) == _rows(import_model(f"{source}:{factory}", batch=4).layers)


def test_torchscript_pads_are_folded_for_shape_inference(torch: Any, tmp_path: Path) -> None:
    # the TorchScript exporter computes a Pad's pads from constants; shape inference alone
    # cannot see through them
    _need("onnx")
    net = torch.nn.Sequential(
        torch.nn.ZeroPad2d((1, 2, 1, 2)),
        torch.nn.Conv2d(3, 8, 3),
        torch.nn.Flatten(),
        torch.nn.Linear(8 * 33 * 33, 10),
    ).eval()
    path = tmp_path / "pad.onnx"
    _export(torch, net, (torch.zeros(1, 3, 32, 32),), path, False)
    (tmp_path / "pad.py").write_text(
        "import torch\ndef make():\n    return torch.nn.Sequential("
        "torch.nn.ZeroPad2d((1, 2, 1, 2)), torch.nn.Conv2d(3, 8, 3), torch.nn.Flatten(),"
        " torch.nn.Linear(8 * 33 * 33, 10)), torch.zeros(1, 3, 32, 32)\n"
    )
    for batch in (None, 2):
        via_onnx = import_model(str(path), batch=batch)
        via_torch = import_model(f"{tmp_path / 'pad.py'}:make", batch=batch)
        assert _rows(via_onnx.layers) == _rows(via_torch.layers)
    assert via_onnx.layers[0].ifmap_h == 2 * 33 + 2  # padded to 35, the batch in the rows
    assert via_onnx.lowering.layout > 0  # the folded constants are still counted as layout ops


# errors: one line, naming the file or node, saying what to give


def test_a_file_that_is_not_onnx(tmp_path: Path) -> None:
    _need("onnx")
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"\x08\x07garbage that is no protobuf \xff\xfe")
    with pytest.raises(ImportFailure, match=r"model\.onnx: does not parse as an ONNX model") as e:
        import_model(str(bad))
    assert "\n" not in str(e.value)


def test_dynamic_shapes_need_input(torch: Any, tmp_path: Path) -> None:
    _need("onnx")
    path = tmp_path / "dyn.onnx"
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net,
            (torch.zeros(1, 3, 32, 32),),
            str(path),
            dynamo=False,
            input_names=["image"],
            dynamic_axes={"image": {0: "n", 2: "h", 3: "w"}},
        )
    with pytest.raises(
        ImportFailure, match=r"dyn\.onnx: input 'image' has dynamic dims \[n,3,h,w\]; give --input"
    ):
        import_model(str(path))
    layers = import_model(str(path), inputs=["image=2,3,40,40"]).layers
    assert [(x.ifmap_h, x.ofmap_h, x.ofmap_w) for x in layers] == [(2 * 38 + 2, 76, 38)]


def test_an_lstm_on_the_meta_device_is_unrolled(torch: Any, tmp_path: Path) -> None:
    # PyTorch decomposes an LSTM on the meta device: two GEMMs per time step, then the head
    factory = tmp_path / "rnn.py"
    factory.write_text(
        "import torch\nclass Net(torch.nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.rnn = torch.nn.LSTM(16, 32, batch_first=True)\n"
        "        self.out = torch.nn.Linear(32, 4)\n"
        "    def forward(self, x):\n        return self.out(self.rnn(x)[0])\n"
        "def make():\n    return Net(), torch.zeros(1, 10, 16)\n"
    )
    got = [as_gemm_rows(x)[0][1:] for x in import_model(f"{factory}:make").layers]
    assert sorted(set(got[:-1])) == [(1, 128, 16), (1, 128, 32)] and len(got) == 21
    assert got[-1] == (10, 4, 32)


@pytest.mark.parametrize(
    ("kind", "layers", "bidirectional"),
    [("LSTM", 1, False), ("LSTM", 2, False), ("GRU", 2, True), ("RNN", 1, True)],
)
def test_onnx_recurrent_nodes_unroll_as_pytorch_does(
    torch: Any, tmp_path: Path, kind: str, layers: int, bidirectional: bool
) -> None:
    # the TorchScript exporter keeps LSTM/GRU/RNN as one node per layer; unrolled, it must give
    # the GEMMs PyTorch's own decomposition runs on the meta device, in order, named alike
    _need("onnx")
    factory = tmp_path / "rnn.py"
    factory.write_text(
        "import torch\nclass Net(torch.nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        f"        self.rnn = torch.nn.{kind}(16, 32, num_layers={layers}, "
        f"bidirectional={bidirectional}, batch_first=True)\n"
        "    def forward(self, x):\n        return self.rnn(x)[0]\n"
        "def make():\n    return Net(), torch.zeros(2, 5, 16)\n"
    )
    via_torch = import_model(f"{factory}:make").layers
    namespace: dict[str, Any] = {}
    exec(factory.read_text(), namespace)
    net, x = namespace["make"]()
    _export(torch, net.eval(), (x,), tmp_path / "rnn.onnx", False)
    via_onnx = import_model(str(tmp_path / "rnn.onnx")).layers
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    assert len(via_onnx) == 2 * 5 * layers * (2 if bidirectional else 1)
    assert {as_gemm_rows(g)[0][2] for g in via_onnx} == {gates * 32}
    assert via_onnx == via_torch


def test_ops_that_cannot_be_lowered_are_named(torch: Any, tmp_path: Path) -> None:
    _need("onnx")
    import warnings

    class Outer(torch.nn.Module):  # type: ignore[misc]
        def forward(self, a: Any, b: Any) -> Any:
            return torch.einsum("bi,bj->bij", a, b)

    path = tmp_path / "outer.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Outer(), (torch.zeros(2, 3), torch.zeros(2, 4)), str(path), dynamo=False)
    with pytest.raises(
        ImportFailure,
        match=r"outer\.onnx node '.*' \(Einsum\): an Einsum cannot be lowered.*--skip-unsupported",
    ) as e:
        import_model(str(path))
    assert "\n" not in str(e.value)
    (tmp_path / "vol.py").write_text(
        "import torch\ndef make():\n"
        "    return torch.nn.Sequential(torch.nn.Conv3d(1, 4, 3)), torch.zeros(1, 1, 8, 8, 8)\n"
    )
    with pytest.raises(ImportFailure, match=r"module 0 op aten\.convolution: a 3-D convolution"):
        import_model(f"{tmp_path / 'vol.py'}:make")


def test_bad_model_names(torch: Any, tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="torchvision has no model 'resnet51'"):
        import_model("torchvision:resnet51")
    with pytest.raises(ImportFailure, match="'gpt5' is neither a model type"):
        import_model("transformers:gpt5")
    (tmp_path / "m.py").write_text("def other():\n    return 1\n")
    with pytest.raises(ImportFailure, match="defines no function 'make'"):
        import_model(f"{tmp_path / 'm.py'}:make")
    (tmp_path / "n.py").write_text("import torch\ndef make():\n    return torch.nn.Linear(3, 4)\n")
    with pytest.raises(ImportFailure, match="give --input"):
        import_model(f"{tmp_path / 'n.py'}:make")
    got = import_model(f"{tmp_path / 'n.py'}:make", inputs=["5,3"]).layers
    assert [as_gemm_rows(x) for x in got] == [[("matmul", 5, 4, 3)]]


def test_bad_overrides_and_forward_errors_are_one_line(torch: Any, tmp_path: Path) -> None:
    cases = {
        "transformers:gpt2,n_layr=2": r"n_layr: GPT2Config has no such field; did you mean n_layer",
        "transformers:bert-base-uncased,hiden_size=64": r"did you mean hidden_size\?",
        "transformers:gpt2,n_layer=abc": r"n_layer.*expected int.*check the key=value overrides",
    }
    for source, message in cases.items():
        with pytest.raises(ImportFailure, match=message) as e:
            import_model(source)
        assert "\n" not in str(e.value) and source in str(e.value)
    # a key=value naming a real field by its alias works (num_hidden_layers is n_layer)
    assert len(import_model("transformers:gpt2,num_hidden_layers=1,n_positions=8").layers) == 28
    for kind in ("ValueError", "TypeError", "KeyError"):
        (tmp_path / "f.py").write_text(
            "import torch\nclass Net(torch.nn.Module):\n"
            f"    def forward(self, x):\n        raise {kind}('no good')\n"
            "def make():\n    return Net(), torch.zeros(2, 3)\n"
        )
        with pytest.raises(ImportFailure, match=rf"running the model .* failed: {kind}:") as e:
            import_model(f"{tmp_path / 'f.py'}:make")
        assert "\n" not in str(e.value)


def test_a_missing_extra_says_which_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    with pytest.raises(
        ImportFailure,
        match=r"needs torch, which is not installed: pip install 'simcoder\[import\]'",
    ):
        import_model("torchvision:resnet18")
