"""SCALE-Sim config and topology readers: good files read, bad ones refused with a clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcoder.simulator.compat import InputError
from simcoder.simulator.compat.config import read_config
from simcoder.simulator.compat.topology import TopologyWarning, read_topology
from simcoder.simulator.types import BandwidthMode, Dataflow

GOOD_V3 = """[general]
run_name = t

[architecture_presets]
ArrayHeight:    8
ArrayWidth:     16
IfmapSramSzkB:   4
FilterSramSzkB:  2
OfmapSramSzkB:   1
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : ws
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: CALC
UseRamulatorTrace: False
"""


def write(tmp_path: Path, text: str, name: str = "c.cfg") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_reads_v3(tmp_path: Path) -> None:
    cfg = read_config(write(tmp_path, GOOD_V3))
    assert (cfg.array.rows, cfg.array.cols, cfg.array.dataflow) == (
        8,
        16,
        Dataflow.WEIGHT_STATIONARY,
    )
    assert (cfg.memory.ifmap_sram_kib, cfg.memory.filter_sram_kib, cfg.memory.ofmap_sram_kib) == (
        4,
        2,
        1,
    )
    assert cfg.memory.bandwidth_mode is BandwidthMode.CALC


def test_reads_scalesim_shipped_configs(scalesim_reference: Path) -> None:
    v3 = read_config(scalesim_reference / "configs" / "v3" / "scale.cfg")
    assert v3.array.dataflow is Dataflow.WEIGHT_STATIONARY
    google = read_config(scalesim_reference / "configs" / "v3" / "google.cfg")
    assert google.memory.bandwidth_mode is BandwidthMode.USER
    assert google.array.rows == 256
    v2 = read_config(scalesim_reference / "configs" / "v2" / "scale.cfg")
    assert (v2.array.rows, v2.array.dataflow) == (32, Dataflow.OUTPUT_STATIONARY)
    assert v2.memory.bandwidth_mode is BandwidthMode.CALC


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        (
            "Dataflow : ws",
            "Dataflow : xs",
            r"c\.cfg:\d+: \[architecture_presets\] Dataflow: unknown",
        ),
        (
            "ArrayHeight:    8",
            "ArrayHeight:    eight",
            r":\d+: .*ArrayHeight: 'eight' is not an int",
        ),
        ("ArrayHeight:    8", "ArrayHeight:    0", r":\d+: .*ArrayHeight: must be a positive"),
        ("ArrayWidth:     16", "ArrayWidth:     -4", r"ArrayWidth: must be a positive"),
        ("OfmapSramSzkB:   1", "OfmapSramSzkB:   0", r":\d+: .*OfmapSramSzkB: must be a positive"),
        ("IfmapSramSzkB:   4\n", "", r"IfmapSramSzkB is missing; add"),
        ("SparsitySupport : false", "SparsitySupport : true", r"SparsitySupport: sparsity"),
        ("IfmapCustomLayout: False", "IfmapCustomLayout: True", r"IfmapCustomLayout: custom"),
        ("UseRamulatorTrace: False", "UseRamulatorTrace: True", r"UseRamulatorTrace: Ramulator"),
        ("InterfaceBandwidth: CALC", "InterfaceBandwidth: FAST", r"InterfaceBandwidth: 'FAST'"),
    ],
)
def test_bad_config_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, needle: str
) -> None:
    assert old in GOOD_V3
    with pytest.raises(InputError, match=needle):
        read_config(write(tmp_path, GOOD_V3.replace(old, new)))


HEADER = (
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
    "Num Filter, Strides,\n"
)


def test_reads_conv_and_gemm(tmp_path: Path) -> None:
    layers = read_topology(
        write(tmp_path, HEADER + "a, 8, 8, 3, 3, 2, 4, 1,\nDP1, 5,5,1,1,3,2,1,\n")
    )
    assert [x.name for x in layers] == ["a", "DP1"]
    assert layers[1].depthwise
    g = read_topology(write(tmp_path, "Layer, M, N, K,\nq, 10, 20, 30,\n"), gemm=True)
    assert (g[0].ifmap_h, g[0].ifmap_w, g[0].filter_w, g[0].num_filters) == (10, 30, 30, 20)


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("a, 8, 8, 3, 3, 2, 4, 0,", r"t\.csv:2: Strides: stride 0"),
        ("a, 8, 8, 9, 3, 2, 4, 1,", r"t\.csv:2: Filter Height: filter height 9 is larger"),
        ("a, 8, -8, 3, 3, 2, 4, 1,", r"t\.csv:2: IFMAP Width: must be a positive"),
        ("a, 8, 8, 3, 3, 0, 4, 1,", r"t\.csv:2: Channels: must be a positive"),
        ("a, 8, x, 3, 3, 2, 4, 1,", r"t\.csv:2: IFMAP Width: 'x' is not an integer"),
        ("a, 8, 8, 3,", r"t\.csv:2: Filter Width: row has 4 fields"),
        ("a, 8, 8, 3, 3, 2, 4, 1, 2:4,", r"t\.csv:2: Sparsity: sparsity ratio '2:4'"),
    ],
)
def test_bad_topology_row(tmp_path: Path, row: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        read_topology(write(tmp_path, HEADER + row + "\n", "t.csv"))


def test_extra_fields_and_empty_rows_are_skipped_with_a_warning(tmp_path: Path) -> None:
    text = HEADER + ",,,,,,,,\na, 8, 8, 3, 3, 2, 4, 1,,,110,110,12100\n"
    with pytest.warns(TopologyWarning) as record:
        layers = read_topology(write(tmp_path, text, "t.csv"))
    assert [x.name for x in layers] == ["a"]
    messages = [str(w.message) for w in record]
    assert any("t.csv:2: empty row skipped" in m for m in messages)
    assert any("t.csv:3: 5 field(s) after" in m and "ignored" in m for m in messages)


def test_missing_files_are_clear(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the config file"):
        read_config(tmp_path / "nope.cfg")
    with pytest.raises(InputError, match="cannot read the topology file"):
        read_topology(tmp_path / "nope.csv")


def test_a_file_that_is_not_utf8_is_one_line_naming_file_line_and_byte(tmp_path: Path) -> None:
    bad_csv = tmp_path / "t.csv"
    bad_csv.write_bytes(HEADER.encode() + b"garbage\xff, 8, 8, 3, 3, 2, 4, 1,\n")
    with pytest.raises(InputError) as topology:
        read_topology(bad_csv)
    offset = len(HEADER) + 7
    assert str(topology.value) == (
        f"{bad_csv}:2: byte offset {offset} (0xff) is not UTF-8 text; "
        "save the topology file as UTF-8 (or plain ASCII)"
    )
    bad_cfg = tmp_path / "c.cfg"
    bad_cfg.write_bytes(GOOD_V3.replace("run_name = t", "run_name = caf\xe9").encode("latin-1"))
    with pytest.raises(InputError, match=r"c\.cfg:2: byte offset 24 \(0xe9\) is not UTF-8 text"):
        read_config(bad_cfg)


def test_utf8_with_a_byte_order_mark_and_crlf_lines_reads(tmp_path: Path) -> None:
    cfg = tmp_path / "c.cfg"
    cfg.write_bytes(
        b"\xef\xbb\xbf"
        + GOOD_V3.replace("run_name = t", "run_name = caf\u00e9").replace("\n", "\r\n").encode()
    )
    assert read_config(cfg).run_name == "caf\u00e9"
    topo = tmp_path / "t.csv"
    topo.write_bytes(
        b"\xef\xbb\xbf"
        + (HEADER + "\u00e9t\u00e9, 8, 8, 3, 3, 2, 4, 1,\n").replace("\n", "\r\n").encode()
    )
    assert [x.name for x in read_topology(topo)] == ["\u00e9t\u00e9"]


def test_address_offsets_are_accepted_and_ignored(tmp_path: Path) -> None:
    default = read_config(write(tmp_path, GOOD_V3))
    moved = GOOD_V3.replace("IfmapOffset:    0", "IfmapOffset: 12345")
    moved = moved.replace("FilterOffset:   10000000", "FilterOffset: 777")
    assert moved.count("12345") == 1 and moved.count("777") == 1
    assert read_config(write(tmp_path, moved)) == default
    without = "".join(line for line in GOOD_V3.splitlines(keepends=True) if "Offset" not in line)
    assert read_config(write(tmp_path, without)) == default
