"""``simcoder explore``: every number equals a direct evaluation, the Pareto set is the simulated
designs' front, constraints hold, a study resumes after an interruption and is shared by
processes, and bad input is one line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from simcoder.cli import main
from simcoder.energy import load_table
from simcoder.explore.evaluate import Network, evaluate
from simcoder.explore.output import pareto_set
from simcoder.explore.pareto import dominates
from simcoder.explore.space import Constraints, Design, Space
from simcoder.explore.study import Problem, records, search
from simcoder.simulator.types import Layer

LAYERS = (Layer("conv", 14, 14, 3, 3, 8, 16, 1), Layer.from_gemm("fc", 20, 30, 40))
NETS = (Network("tiny", LAYERS, 1.0), Network("fc", LAYERS[1:], 2.0))
SPACE = Space((4, 8, 16), (4, 8, 16), ("os", "ws"), (1, 8), (1, 8), (4,), (10,))
TABLE = load_table()
OBJ = ("cycles", "energy", "area")


def _problem(constraints: Constraints | None = None) -> Problem:
    return Problem(NETS, SPACE, constraints or Constraints(), OBJ, TABLE)


@pytest.mark.slow  # a few seconds: SQLite commits per trial
def test_numbers_equal_direct_evaluation_and_the_front_is_right(tmp_path: Path) -> None:
    recs = search(_problem(), tmp_path, 12, "tpe", seed=0)
    assert len(recs) == 12 and len({r.design for r in recs}) == 12
    for r in recs:
        assert r.evaluation == evaluate(r.design, NETS, "CALC", TABLE)
    front = pareto_set(recs, OBJ)
    vec = {r.design: tuple(r.evaluation.objective(o) for o in OBJ) for r in recs}  # type: ignore[union-attr]
    assert front
    for r in recs:
        beaten = any(dominates(vec[f.design], vec[r.design]) for f in front)
        assert (r in front) != beaten


def test_weights_multiply_each_networks_numbers() -> None:
    d = Design(8, 8, "os", 8, 8, 4, 10)
    once = evaluate(d, (Network("fc", LAYERS[1:], 1.0),), "CALC", TABLE)
    twice = evaluate(d, (Network("fc", LAYERS[1:], 2.0),), "CALC", TABLE)
    assert twice.cycles == 2 * once.cycles and twice.energy_pj == pytest.approx(2 * once.energy_pj)
    assert twice.area_mm2 == once.area_mm2


@pytest.mark.slow  # a few seconds: SQLite commits per trial
def test_constraints_hold_for_every_simulated_design(tmp_path: Path) -> None:
    limits = Constraints(max_area_mm2=0.2, max_sram_kib=14, max_pes=64)
    recs = search(_problem(limits), tmp_path, 6, "nsga2", seed=1)
    assert recs
    for r in recs:
        assert limits.violation(r.design, TABLE, "CALC") is None
        assert r.design.pes <= 64 and r.design.sram_kib <= 14


@pytest.mark.slow  # a few seconds: SQLite commits per trial
def test_an_interrupted_study_resumes_without_simulating_a_design_twice(tmp_path: Path) -> None:
    calls: list[Design] = []

    def interrupted(d: Design) -> object:
        if len(calls) == 3:
            raise KeyboardInterrupt  # as if killed during the fourth simulation
        calls.append(d)
        return evaluate(d, NETS, "CALC", TABLE)

    with pytest.raises(KeyboardInterrupt):
        search(_problem(), tmp_path, 8, "tpe", seed=2, evaluator=interrupted)  # type: ignore[arg-type]
    first = search(_problem(), tmp_path, 3, "tpe", seed=2)  # already there: nothing simulated
    assert [r.design for r in first] == calls
    resumed: list[Design] = []

    def counting(d: Design) -> object:
        resumed.append(d)
        return evaluate(d, NETS, "CALC", TABLE)

    recs = search(_problem(), tmp_path, 8, "tpe", seed=3, evaluator=counting)  # type: ignore[arg-type]
    assert len(recs) == 8 and len(resumed) == 5 and not set(resumed) & set(calls)


@pytest.mark.slow  # a few seconds: SQLite commits per trial
def test_two_processes_share_one_study(tmp_path: Path) -> None:
    recs = search(_problem(), tmp_path, 10, "random", seed=4, jobs=2)
    import optuna

    study = optuna.load_study(study_name=_problem().key(), storage=f"sqlite:///{tmp_path}/study.db")
    assert len(records(study, SPACE)) == len(recs) >= 10
    assert len({r.design for r in recs}) == len(recs)


TOPOLOGY = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nconv, 14, 14, 3, 3, 8, 16, 1,\n"  # noqa: E501


@pytest.mark.slow  # a few seconds: SQLite commits per trial
def test_cli_explore_writes_pareto_csv_and_a_self_contained_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topo = tmp_path / "t.csv"
    topo.write_text(TOPOLOGY)
    out = tmp_path / "ex"
    argv = ["explore", "-t", f"{topo}:1,{topo}:3", "--objectives", "cycles,energy,area",
            "--trials", "6", "--rows", "4,8", "--cols", "4,8", "--sram", "2,8", "--seed", "0",
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert "6 designs simulated" in capsys.readouterr().out
    with (out / "pareto.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert rows and {"rows", "dataflow", "energy_pj", "area_mm2"} <= set(rows[0])
    page = (out / "explore.html").read_text()
    assert "<script" not in page and "Per-layer breakdown" in page and "<svg" in page
    assert page.count("Pareto point ") == len(rows)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--objectives", "cycles,power"], "--objectives: 'power' is not one"),
        (["--objectives", "cycles"], "--objectives: name two"),
        (["--max-area", "0.0001"], "no design in the search space"),
        (["--max-pes", "2"], "--max-pes 2 PEs (smallest: 16)"),
        (["--rows", "4,x"], "--rows"),
        (["--dataflow", "os,zz"], "--dataflow"),
        (["--bandwidth", "1,2"], "--bandwidth: CALC mode does not use it"),
        (["--sampler", "grid"], "--sampler: 'grid' is not one"),
        (["--trials", "0"], "--trials"),
    ],
)
def test_bad_explore_input_is_one_line(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["explore", "-t", "ncf", "--rows", "4,8", "--cols", "4", "-o", str(tmp_path), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("simcoder: error:") and message in err, err
    assert err.count("\n") == 1
