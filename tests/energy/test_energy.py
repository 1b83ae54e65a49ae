"""The energy and area model: one layer worked out by hand (a round-number table, then the
default table), the network sums, the report file, the API and the CLI."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from simcoder.api import area, energy, simulate
from simcoder.cli import main
from simcoder.energy import COMPONENTS, load_table, network_energy, parse_table, sram_cost
from simcoder.simulator.compat.config_json import spec_config
from simcoder.simulator.types import Layer

# 6x6x2 ifmap, four 3x3x2 filters: a 4x4 ofmap, 16 x 18 x 4 = 1,152 MACs
LAYER = Layer("conv", 6, 6, 3, 3, 2, 4, 1)
CONFIG = spec_config(4, 4, "os", (1, 4, 16))  # 16 PEs; ifmap 1 kB, filter 4 kB, ofmap 16 kB

ROUND = """
node: test-node
word_bits: 16
mac: {energy: 1 pJ, idle_energy: 500 fJ, area: 100 um2}
register: {width_bits: 16, words: 4, read_energy: 0.25 pJ, write_energy: 0.5 pJ, area: 40 um2,
           words_per_pe: 3, reads_per_mac: 3, writes_per_mac: 1}
sram:
  - {capacity: 4 kB, width_bits: 32, read_energy: 8 pJ, write_energy: 16 pJ, area: 3000 um2}
  - {capacity: 1 kB, width_bits: 16, read_energy: 2 pJ, write_energy: 4 pJ, area: 1000 um2}
dram: {width_bits: 64, read_energy: 64 pJ, write_energy: 0.128 nJ}
"""


def _report() -> object:
    return simulate(CONFIG, [LAYER])


def test_the_counts_the_hand_working_uses() -> None:
    (r,) = _report().layers  # type: ignore[attr-defined]
    assert LAYER.macs == 1152
    assert r.total_cycles == 95  # idle PE-cycles: 95 x 16 - 1152 = 368
    # the array reads 4 rows (cols) x 18 words per fold, 4 folds; the whole ifmap (6x6x2) and
    # filters (3x3x2x4) come from DRAM once; 4x4x4 outputs go to DRAM; SCALE-Sim counts 96
    # ofmap SRAM writes (a fold's partial rows)
    assert (r.ifmap_sram_reads, r.filter_sram_reads, r.ofmap_sram_writes) == (288, 288, 96)
    assert (r.ifmap_dram_reads, r.filter_dram_reads, r.ofmap_dram_writes) == (72, 72, 64)


def test_one_layer_by_hand_with_a_round_number_table() -> None:
    table = parse_table(ROUND, "round.yaml")
    # SRAM per bit: 1 kB 2/16 = 0.125 pJ, 4 kB 8/32 = 0.25 pJ: slope 0.5 in capacity, so a
    # 16-bit word costs 2 pJ (1 kB), 4 pJ (4 kB), 0.25 x 4^0.5 x 16 = 8 pJ (16 kB, beyond the
    # points); writes twice that. Area: 1000, 3000, 3000 x 4^(log 3 / log 4) = 9000 um2.
    assert [sram_cost(table, k).read_pj for k in (1, 4, 16)] == pytest.approx([2, 4, 8])
    assert [sram_cost(table, k).write_pj for k in (1, 4, 16)] == pytest.approx([4, 8, 16])
    (x,) = network_energy(_report(), table).layers  # type: ignore[arg-type]
    assert x.mac_pj == pytest.approx(1152 * 1)
    assert x.pe_register_pj == pytest.approx(1152 * (3 * 0.25 + 1 * 0.5))  # 1440
    assert x.pe_idle_pj == pytest.approx(368 * 0.5)  # 184
    assert x.ifmap_sram_pj == pytest.approx(288 * 2 + 72 * 4)  # reads + DRAM fills: 864
    assert x.filter_sram_pj == pytest.approx(288 * 4 + 72 * 8)  # 1728
    assert x.ofmap_sram_pj == pytest.approx(96 * 16 + 64 * 8)  # writes + DRAM drain: 2048
    assert x.dram_read_pj == pytest.approx(144 * 64 / 4)  # 16 pJ per 16-bit word: 2304
    assert x.dram_write_pj == pytest.approx(64 * 128 / 4)  # 2048
    assert x.total_pj == pytest.approx(11768)
    assert x.edp_pj_cycles == pytest.approx(11768 * 95)
    a = area(CONFIG, table)
    assert a.pe_array_um2 == pytest.approx(16 * (100 + 3 * 40 / 4))  # 2080
    assert (a.ifmap_sram_um2, a.filter_sram_um2, a.ofmap_sram_um2) == pytest.approx(
        (1000, 3000, 9000)
    )
    assert a.total_mm2 == pytest.approx(0.01508) and a.node == "test-node"


def test_one_layer_by_hand_with_the_default_table() -> None:
    """Accelergy's 40 nm numbers (simcoder/energy/default_table.yaml), 16-bit words."""
    # SRAM per bit read: 8 kB 8.422/64, 100 kB 56.092/64; slope s = ln(56.092/8.422)/ln(12.5)
    s = math.log(56.092 / 8.422) / math.log(12.5)
    read = [8.422 / 64 * (k / 8) ** s * 16 for k in (1, 4, 16)]
    sw = math.log(56.716 / 9.244) / math.log(12.5)
    write = [9.244 / 64 * (k / 8) ** sw * 16 for k in (1, 4, 16)]
    (x,) = energy(_report()).layers  # type: ignore[arg-type]
    assert x.mac_pj == pytest.approx(1152 * 2.2)
    assert x.pe_register_pj == pytest.approx(1152 * 4 * 0.237)
    assert x.pe_idle_pj == pytest.approx(368 * 0.066)
    assert x.ifmap_sram_pj == pytest.approx(288 * read[0] + 72 * write[0])
    assert x.filter_sram_pj == pytest.approx(288 * read[1] + 72 * write[1])
    assert x.ofmap_sram_pj == pytest.approx(96 * write[2] + 64 * read[2])
    assert x.dram_read_pj == pytest.approx(144 * 512 / 4)
    assert x.dram_write_pj == pytest.approx(64 * 512 / 4)
    sa = math.log(774388.0 / 60965.6) / math.log(12.5)
    srams = sum(60965.6 * (k / 8) ** sa for k in (1, 4, 16))
    a = area(CONFIG)
    assert a.total_um2 == pytest.approx(16 * (1239.5 + 3 * 379.68 / 12) + srams)
    assert a.node == "40nm"


def test_network_totals_are_the_layer_sums_and_edp_uses_total_cycles() -> None:
    layers = [LAYER, Layer.from_gemm("fc", 20, 30, 40)]
    e = energy(simulate(CONFIG, layers))
    assert e.total_pj == pytest.approx(sum(x.total_pj for x in e.layers))
    assert e.total_pj == pytest.approx(sum(e.component_pj(c) for c in COMPONENTS))
    assert e.edp_pj_cycles == pytest.approx(e.total_pj * sum(x.cycles for x in e.layers))


def test_bigger_srams_cost_more_per_access_and_less_dram() -> None:
    t = load_table()
    assert sram_cost(t, 8).read_pj < sram_cost(t, 64).read_pj < sram_cost(t, 512).read_pj
    small = energy(simulate(spec_config(8, 8, "ws", (1, 1, 1)), [LAYER, LAYER]))
    big = energy(simulate(spec_config(8, 8, "ws", (64, 64, 64)), [LAYER, LAYER]))
    assert big.area.total_um2 > small.area.total_um2
    assert big.component_pj("dram_read") <= small.component_pj("dram_read")


def test_cli_writes_energy_report_and_prints_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "-c", "paper", "-t", "ncf", "--energy", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "energy " in out and "mm2 at 40nm" in out and "ENERGY_REPORT.csv" in out
    with (tmp_path / "ENERGY_REPORT.csv").open() as f:
        rows = [[c.strip() for c in row] for row in csv.reader(f)]
    head, body = rows[0], rows[1:]
    assert head[-2:] == ["EDP (pJ x cycles)", ""]
    e = energy(simulate("paper", "ncf"))
    assert len(body) == len(e.layers) + 1 and body[-1][0] == "total"
    total = head.index("Total Energy (pJ)")
    assert float(body[-1][total]) == pytest.approx(e.total_pj, rel=1e-9)
    assert main(["simulate", "-c", "paper", "-t", "ncf", "--energy", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["energy"]["total_pj"] == pytest.approx(e.total_pj)


def _table_with(tmp_path: Path, old: str, new: str) -> str:
    text = ROUND.replace(old, new)
    assert text != ROUND
    (tmp_path / "t.yaml").write_text(text)
    return str(tmp_path / "t.yaml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("mac: {energy: 1 pJ, ", "mac: {", "mac.energy: missing"),
        ("read_energy: 64 pJ", "read_energy: -64 pJ", "dram.read_energy: '-64 pJ' must be"),
        ("area: 100 um2", "area: 100 in2", "mac.area: unit 'in2' is not one we know"),
        ("idle_energy: 500 fJ", "idle_energy: 0.5", "mac.idle_energy: write a number and a unit"),
        ("node: test-node", "node: test-node\nleakage: 1 pJ", "leakage: not a key"),
        ("capacity: 4 kB", "capacity: 1 kB", "sram: two points have the same capacity"),
    ],
)
def test_a_bad_energy_table_is_one_line_naming_the_key(
    old: str, new: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _table_with(tmp_path, old, new)
    argv = ["simulate", "-c", "paper", "-t", "ncf", "--energy-table", path]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"simcoder: error: {path}: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_energy_with_compute_only_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "-c", "paper", "-t", "ncf", "--energy", "--compute-only"]) == 2
    assert "--compute-only" in capsys.readouterr().err
