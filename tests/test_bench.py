"""`simcoder bench accuracy`: a generated simulator's cycles per network against SCALE-Sim's
golden numbers, the generated code run in the sandbox."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simcoder.bench import accuracy
from simcoder.cli import main
from tests.conftest import need_scalesim

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "critic_suite"


def _run_dir(tmp_path: Path, module: Path, kind: str = "mapping") -> Path:
    run = tmp_path / "run"
    (run / "simulator").mkdir(parents=True)
    shutil.copyfile(module, run / "simulator" / f"{kind}.py")
    return run


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)


@pytest.mark.slow  # the sandbox on whole networks
def test_a_correct_generated_mapping_has_zero_error_against_golden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _run_dir(tmp_path, SUITE / "correct" / "mapping_vectorized.py")
    assert main(["bench", "accuracy", str(run), "--networks", "ncf", "--sandbox", "bwrap"]) == 0
    out = capsys.readouterr().out
    assert "| ncf | golden (SCALE-Sim 3.0.0's own numbers) | 12/12 |" in out and "0.00%" in out
    data = json.loads((run / "bench" / "accuracy.json").read_text())
    assert data["networks"][0]["cycle_error_pct"] == 0 and data["sandbox"] == "bwrap"
    page = _Tags()
    page.feed((run / "bench" / "accuracy.html").read_text())
    assert "svg" in page.tags and "table" in page.tags and "script" not in page.tags


@pytest.mark.slow
def test_a_wrong_module_shows_its_error_per_network(tmp_path: Path) -> None:
    run = _run_dir(tmp_path, SUITE / "interconnect" / "os_fold_one_longer.py", "interconnect")
    result = accuracy(run, ["alphago_zero"], "bwrap")
    row = result["networks"][0]
    assert row["cycle_error_pct"] > 0 and row["max_layer_error_pct"] >= row["cycle_error_pct"]
    assert row["generated_cycles"] != row["reference_cycles"]


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "accuracy", str(tmp_path)]) == 2
    assert "no generated simulator here" in capsys.readouterr().err
    run = _run_dir(tmp_path, SUITE / "correct" / "mapping_loops.py")
    assert main(["bench", "accuracy", str(run), "--networks", "alexnett"]) == 2
    assert "unknown workload" in capsys.readouterr().err


@pytest.mark.slow
def test_runtime_quick_times_both_and_caches_scalesim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simcoder.bench import QUICK_NETWORK, runtime, write_runtime

    need_scalesim()
    monkeypatch.setenv("SIMCODER_CACHE_DIR", str(tmp_path / "cache"))
    run = _run_dir(tmp_path, SUITE / "correct" / "mapping_vectorized.py")
    result = runtime(run, [QUICK_NETWORK], repeats=2, scalesim_repeats=1, sandbox="bwrap")
    row = result["networks"][0]
    assert row["generated"]["runs"] == 2 and row["scalesim"]["runs"] == 1
    assert row["generated"]["min_s"] <= row["generated"]["median_s"] <= row["generated"]["max_s"]
    assert row["ratio"] == round(row["scalesim"]["median_s"] / row["generated"]["median_s"], 1)
    assert row["ratio"] > 1  # SCALE-Sim is slower even than the reference pipeline
    monkeypatch.setenv("SIMCODER_SCALESIM_PYTHON", "/nonexistent/python")
    again = runtime(run, [QUICK_NETWORK], repeats=1, scalesim_repeats=1, sandbox="bwrap")
    assert again["networks"][0]["scalesim"]["samples_s"] == row["scalesim"]["samples_s"]
    paths = write_runtime(again, run / "bench")
    assert all(p.is_file() for p in paths) and "<svg" in paths[2].read_text()
