"""The lowering rules on hand-worked cases (no torch, no onnx): docs/workloads.md's examples."""

from __future__ import annotations

import pytest

from simcoder.simulator.engine import simulate_network
from simcoder.simulator.presets import PRESETS
from simcoder.simulator.types import Layer
from simcoder.workloads.imports import topology_text
from simcoder.workloads.imports.lowering import (
    Lowering,
    LoweringError,
    as_gemm_rows,
    conv_layers,
    matmul_layers,
    safe_name,
)


def _conv(convention: str = "padded", **kw: object) -> list[Layer]:
    low = Lowering(convention=convention)
    return conv_layers(low, "c", **kw)  # type: ignore[arg-type]


def test_padded_3x3_keeps_the_models_output() -> None:
    # a 3x3 conv, padding 1, on 56x56: 58x58 in, SCALE-Sim's output 56x56 as the model's
    (x,) = _conv(x_shape=(1, 64, 56, 56), w_shape=(64, 64, 3, 3), pads=(1, 1, 1, 1))
    assert (x.ifmap_h, x.ifmap_w, x.ofmap_h, x.macs) == (58, 58, 56, 56 * 56 * 9 * 64 * 64)


def test_scalesim_convention_writes_the_unpadded_input() -> None:
    (x,) = _conv("scalesim", x_shape=(1, 64, 56, 56), w_shape=(64, 64, 3, 3), pads=(1, 1, 1, 1))
    assert (x.ifmap_h, x.ofmap_h) == (56, 54)
    # ResNet's 7x7/2 stem: 224 as SCALE-Sim's Resnet50.csv writes it (SCALE-Sim: 110 out);
    # padded: the 229 rows the stride reaches of 230 (SCALE-Sim rounds up: 230 would give 113)
    (s,) = _conv(
        "scalesim",
        x_shape=(1, 3, 224, 224),
        w_shape=(64, 3, 7, 7),
        stride=(2, 2),
        pads=(3, 3, 3, 3),
    )
    (p,) = _conv(x_shape=(1, 3, 224, 224), w_shape=(64, 3, 7, 7), stride=(2, 2), pads=(3, 3, 3, 3))
    assert (s.ifmap_h, s.ofmap_h, p.ifmap_h, p.ofmap_h) == (224, 110, 229, 112)


def test_filter_larger_than_unpadded_input_gets_the_padded_size() -> None:
    low = Lowering(convention="scalesim")
    (x,) = conv_layers(low, "c", (1, 8, 2, 2), (8, 8, 3, 3), pads=(1, 1, 1, 1))
    assert (x.ifmap_h, x.ofmap_h) == (4, 2) and sum(low.notes.values()) == 1


def test_dilation_keeps_filter_and_output() -> None:
    # 3x3, dilation 2, padding 2 on 28x28: the model's output is 28x28; SCALE-Sim gets 30x30 in
    (x,) = _conv(
        x_shape=(1, 16, 28, 28), w_shape=(32, 16, 3, 3), pads=(2, 2, 2, 2), dilation=(2, 2)
    )
    assert (x.filter_h, x.ifmap_h, x.ofmap_h, x.ofmap_w) == (3, 30, 28, 28)


def test_per_axis_stride_becomes_stride_one_with_the_same_output() -> None:
    # 3x3, stride (2, 1), padding 1 on 32x32 -> 16x32
    (x,) = _conv(x_shape=(1, 4, 32, 32), w_shape=(8, 4, 3, 3), stride=(2, 1), pads=(1, 1, 1, 1))
    assert (x.stride, x.ofmap_h, x.ofmap_w) == (1, 16, 32)


def test_batch_is_folded_into_output_rows() -> None:
    (x,) = _conv(x_shape=(4, 3, 32, 32), w_shape=(8, 3, 3, 3), pads=(1, 1, 1, 1))
    assert (x.ofmap_h, x.ofmap_w, x.macs) == (4 * 32, 32, 4 * 32 * 32 * 27 * 8)


def test_depthwise_is_a_dp_layer_and_groups_split() -> None:
    (dw,) = _conv(x_shape=(1, 32, 112, 112), w_shape=(32, 1, 3, 3), pads=(1, 1, 1, 1), groups=32)
    assert dw.depthwise and "DP" in dw.name and (dw.channels, dw.num_filters) == (32, 1)
    # channel multiplier 2: every channel has two filters
    (m2,) = _conv(x_shape=(1, 8, 10, 10), w_shape=(16, 1, 3, 3), groups=8)
    assert (m2.channels, m2.num_filters, m2.macs) == (8, 2, 8 * 8 * 9 * 8 * 2)
    groups = _conv(x_shape=(1, 8, 10, 10), w_shape=(16, 4, 3, 3), groups=2)
    assert [(g.name, g.channels, g.num_filters) for g in groups] == [
        ("c.group0", 4, 8),
        ("c.group1", 4, 8),
    ]


def test_conv_transpose_is_the_direct_conv_on_the_zero_inserted_input() -> None:
    # 4x4, stride 2, padding 1 on 8x8 -> 16x16 (the model's): 15 + 2*2 = 19 rows in
    (x,) = _conv(
        x_shape=(1, 16, 8, 8),
        w_shape=(16, 8, 4, 4),
        stride=(2, 2),
        pads=(1, 1, 1, 1),
        transposed=True,
    )
    assert (x.ifmap_h, x.ofmap_h, x.channels, x.num_filters) == (19, 16, 16, 8)


def test_conv1d_is_a_one_row_map() -> None:
    (x,) = _conv(x_shape=(1, 80, 3000), w_shape=(384, 80, 3), pads=(0, 1, 0, 1))
    assert (x.ifmap_h, x.ifmap_w, x.filter_w, x.ofmap_w) == (1, 3002, 3, 3000)


def test_three_d_conv_is_refused() -> None:
    with pytest.raises(LoweringError, match="3-D"):
        _conv(x_shape=(1, 3, 8, 8, 8), w_shape=(4, 3, 3, 3, 3))


def test_matmul_folds_batch_into_m_with_a_shared_weight() -> None:
    low = Lowering()
    (x,) = matmul_layers(low, "fc", (8, 128, 768), (768, 3072))
    assert as_gemm_rows(x) == [("fc", 8 * 128, 3072, 768)]


def test_batched_matmul_is_one_gemm_per_head() -> None:
    low = Lowering()
    out = matmul_layers(low, "qk", (1, 12, 1024, 64), (1, 12, 64, 1024))
    assert len(out) == 12 and as_gemm_rows(out[3]) == [("qk[3]", 1024, 1024, 64)]
    with pytest.raises(LoweringError, match="inner"):
        matmul_layers(low, "bad", (4, 5), (6, 7))


def test_names_scalesim_would_misread_are_changed() -> None:
    assert safe_name("blocks.0.DPconv,x", depthwise=False) == "blocks.0.Dpconv;x"


def test_gemm_written_as_a_1x1_conv_simulates_identically() -> None:
    # the conv-file form of a GEMM (SCALE-Sim's own FC6 row) gives every report column equal
    gemm = Layer.from_gemm("fc", 96, 70, 200)
    conv = Layer("fc", 96, 1, 1, 1, 200, 70, 1)
    for preset in ("paper", "paper-ws", "paper-is"):
        a = simulate_network([gemm], PRESETS[preset]).layers[0]
        b = simulate_network([conv], PRESETS[preset]).layers[0]
        assert {k: v for k, v in vars(a).items() if k != "layer"} == {
            k: v for k, v in vars(b).items() if k != "layer"
        }


def test_topology_text_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from simcoder.simulator.compat.topology import read_topology

    layers = [Layer("a", 10, 10, 3, 3, 4, 8, 1), Layer.from_gemm("b", 5, 6, 7)]
    path = tmp_path / "t.csv"
    path.write_text(topology_text(layers, False, ["from a test"]))
    back = read_topology(path)
    assert back[0] == layers[0] and (back[1].ifmap_h, back[1].channels) == (5, 7)
    path.write_text(topology_text([layers[1]], True, ["gemm"]))
    assert read_topology(path) == [layers[1]]  # the GEMM header is recognised without --gemm


def test_blank_lines_around_the_comments_do_not_hide_the_header(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from simcoder.simulator.compat.topology import read_topology

    gemm = Layer.from_gemm("b", 5, 6, 7)
    text = topology_text([gemm], True, ["gemm"]).replace("\n", "\n\n", 1)  # blank after '#'
    assert text.splitlines()[1] == ""
    path = tmp_path / "t.csv"
    path.write_text("\n" + text)
    assert read_topology(path) == [gemm]
