"""`simcoder sweep`: every point equals a direct simulation, points SCALE-Sim cannot run are
reported not fatal, and the HTML page is one self-contained file of inline SVG plots."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simcoder.cli import main
from simcoder.simulator.engine import simulate_network
from simcoder.simulator.types import Layer
from simcoder.sweep import grid, run_sweep, write_csv, write_html

LAYERS = [
    Layer("conv", 14, 14, 3, 3, 8, 16, 1),
    Layer("strided", 15, 15, 3, 3, 4, 24, 2),
    Layer.from_gemm("fc", 20, 30, 40),
]


def _direct(point: object, layers: list[Layer]) -> object:
    return simulate_network(layers, point.config())  # type: ignore[attr-defined]


def test_array_and_dataflow_sweep_equals_direct_simulation() -> None:
    points = grid([(4, 4), (8, 16), (16, 8)], ["os", "ws", "is"], [(64, 64, 64)], "CALC", [10])
    rows = run_sweep(LAYERS, points, jobs=2)
    assert [(r["rows"], r["cols"], r["dataflow"]) for r in rows] == [
        (p.rows, p.cols, p.dataflow) for p in points
    ]
    for point, row in zip(points, rows, strict=True):
        report = _direct(point, LAYERS)
        assert row["total_cycles"] == report.total_cycles  # type: ignore[attr-defined]
        macs = sum(x.macs for x in LAYERS)
        assert row["utilization_pct"] == round(
            100 * macs / (report.total_cycles * point.rows * point.cols),  # type: ignore[attr-defined]
            4,
        )
        assert row["dram_read_words"] == ""  # cycles only: no DRAM walk


def test_sram_and_bandwidth_sweeps_walk_the_access_streams() -> None:
    srams = grid([(8, 8)], ["ws"], [(1, 1, 1), (4, 4, 4), (64, 64, 64)], "CALC", [10])
    user = grid([(8, 8)], ["os"], [(2, 2, 2)], "USER", [1, 4, 16])
    for points in (srams, user):
        rows = run_sweep(LAYERS, points, jobs=1)
        for point, row in zip(points, rows, strict=True):
            report = _direct(point, LAYERS)
            layers = report.layers  # type: ignore[attr-defined]
            assert row["dram_read_words"] == sum(
                x.ifmap_dram_reads + x.filter_dram_reads for x in layers
            )
            assert row["stall_cycles"] == sum(x.stall_cycles for x in layers)
    reads = [r["dram_read_words"] for r in run_sweep(LAYERS, srams, jobs=1)]
    assert reads[0] > reads[-1]  # a bigger SRAM reads less from DRAM
    stalls = [r["stall_cycles"] for r in run_sweep(LAYERS, user, jobs=1)]
    assert stalls[0] > stalls[-1] >= 0  # more bandwidth, fewer stalls


def test_a_point_scalesim_cannot_run_is_reported_and_the_rest_go_on() -> None:
    layers = [Layer.from_gemm("g", 64, 3000, 16)]
    points = grid([(4, 2048), (32, 32)], ["ws"], [(1, 1, 1)], "CALC", [10])
    rows = run_sweep(layers, points, jobs=1, access=True)
    assert "ScaleSimFailure" in rows[0]["error"] and rows[0]["total_cycles"] == ""
    assert rows[1]["error"] == "" and rows[1]["total_cycles"] > 0


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]


def test_html_page_is_self_contained_with_the_plots_each_parameter_earns(tmp_path: Path) -> None:
    points = grid([(8, 8), (16, 16)], ["os", "ws"], [(1, 1, 1), (64, 64, 64)], "CALC", [10])
    rows = run_sweep(LAYERS, points, jobs=1)
    write_csv(rows, tmp_path / "sweep.csv")
    write_html(rows, tmp_path / "sweep.html", "three-layers", 1.0, True)
    text = (tmp_path / "sweep.html").read_text()
    page = _Page()
    page.feed(text)
    assert page.tags.count("svg") == 3  # cycles and utilization vs array; DRAM vs SRAM
    assert page.urls == [] and "<script" not in text
    assert "CALC" in text and "SCALE-Sim 3.0.0" in text
    assert "Stalls vs bandwidth" not in text  # bandwidth was not swept
    with (tmp_path / "sweep.csv").open() as f:
        assert len(list(csv.DictReader(f))) == len(points)


def test_cli_sweep_writes_csv_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s"
    assert main(["sweep", "-t", "ncf", "--array", "16x16,32x8", "--dataflow", "os,is",
                 "-o", str(out)]) == 0  # fmt: skip
    assert "4 points in" in capsys.readouterr().out
    assert (out / "sweep.csv").is_file() and (out / "sweep.html").is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--array", "32by32"], "--array"),
        (["--dataflow", "os,xs"], "--dataflow"),
        (["--sram", "64/32"], "--sram"),
        (["--bandwidth", "0"], "--bandwidth"),
    ],
)
def test_bad_sweep_input_is_a_clear_error(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "-t", "ncf", "-o", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("simcoder: error:") and message in err and "Traceback" not in err


def test_both_compat_modes_side_by_side(tmp_path: Path) -> None:
    """--compat scalesim,corrected: a row per compat mode, each equal to a direct simulation
    with that mode; the page names both and plots a series per dataflow and mode."""
    topo = tmp_path / "two.csv"
    topo.write_text(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
        "Num Filter, Strides,\nconv, 14, 14, 3, 3, 8, 16, 1,\nstrided, 15, 15, 3, 3, 4, 24, 2,\n"
    )
    argv = ["sweep", "-t", str(topo), "--array", "8x8", "--dataflow", "os",
            "--mode", "user", "--sram", "2", "--bandwidth", "2,10",
            "--compat", "scalesim,corrected", "--jobs", "1", "-o", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    with (tmp_path / "sweep.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["bandwidth"], r["compat"]) for r in rows] == [
        ("2", "scalesim"), ("2", "corrected"), ("10", "scalesim"), ("10", "corrected"),
    ]  # fmt: skip
    from simcoder.api import resolve_layers
    from simcoder.sweep import Point

    layers = resolve_layers(topo, False)
    for r in rows:
        point = Point(8, 8, "os", (2, 2, 2), "USER", int(r["bandwidth"]), r["compat"])
        report = _direct(point, layers)
        assert int(r["total_cycles"]) == report.total_cycles  # type: ignore[attr-defined]
    assert int(rows[1]["stall_cycles"]) < int(rows[0]["stall_cycles"])
    page = (tmp_path / "sweep.html").read_text()
    assert "SCALE-Sim 3.0.0</strong>" not in page and "SCALE-Sim 3.0.0 and corrected" in page
    assert "os (corrected)" in page and "os (scalesim)" in page
    with pytest.raises(Exception, match="--compat"):
        grid([(8, 8)], ["os"], [(2, 2, 2)], "USER", [1], ["ideal"])


def test_energy_columns_equal_the_energy_model_and_the_front_is_non_dominated(
    tmp_path: Path,
) -> None:
    from simcoder.energy import area, load_table, network_energy
    from simcoder.explore.pareto import dominates

    table = load_table()
    points = grid([(4, 4), (8, 8), (16, 16)], ["os", "ws"], [(1, 1, 1), (8, 8, 8)], "CALC", [10])
    rows = run_sweep(LAYERS, points, jobs=2, energy_table=table)
    for point, row in zip(points, rows, strict=True):
        cost = network_energy(_direct(point, LAYERS), table)  # type: ignore[arg-type]
        assert row["energy_pj"] == round(cost.total_pj, 3)
        assert row["edp_pj_cycles"] == pytest.approx(cost.edp_pj_cycles, rel=1e-8)
        assert row["area_mm2"] == round(area(point.config(), table).total_mm2, 6)
    vec = [(r["total_cycles"], r["energy_pj"], r["area_mm2"]) for r in rows]
    front = [v for v, r in zip(vec, rows, strict=True) if r["pareto"] == "yes"]
    rest = [v for v, r in zip(vec, rows, strict=True) if r["pareto"] != "yes"]
    assert front and rest  # this space has a trade-off and dominated points
    assert not any(dominates(a, b) for a in vec for b in front)
    assert all(any(dominates(a, b) for a in front) for b in rest)
    write_html(rows, tmp_path / "sweep.html", "three-layers", 1.0, True, table.source)
    text = (tmp_path / "sweep.html").read_text()
    assert "Energy vs cycles" in text and "Energy vs SRAM size" in text
    assert text.count('class="front"') == len(front)


def test_cli_sweep_has_energy_by_default_and_not_with_no_energy(tmp_path: Path) -> None:
    argv = ["sweep", "-t", "ncf", "--array", "16x16,32x8", "--dataflow", "os"]
    assert main([*argv, "-o", str(tmp_path / "a")]) == 0
    assert main([*argv, "--no-energy", "-o", str(tmp_path / "b")]) == 0
    with (tmp_path / "a" / "sweep.csv").open() as f:
        assert all(float(r["energy_pj"]) > 0 for r in csv.DictReader(f))
    with (tmp_path / "b" / "sweep.csv").open() as f:
        assert all(r["energy_pj"] == "" and r["dram_read_words"] == "" for r in csv.DictReader(f))
