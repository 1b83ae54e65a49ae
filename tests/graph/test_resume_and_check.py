"""Kill a run mid-way and resume it; check hand-written modules; show a trace."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import run_simcoder, simcoder_command

ROOT = Path(__file__).resolve().parents[2]
SPEC = str(ROOT / "examples" / "paper-os.yaml")


def simcoder(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_simcoder(*args, cwd=cwd, timeout=600)


@pytest.mark.slow
def test_killed_run_resumes_without_redoing_finished_modules(tmp_path: Path) -> None:
    run = tmp_path / "run"
    proc = subprocess.Popen(
        simcoder_command("generate", "--spec", SPEC, "--sandbox", "bwrap", "-o", str(run)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not (run / "executions" / "001" / "job").exists():  # the executor has started
        assert time.time() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (run / "report.md").exists()
    written = {p: p.stat().st_mtime_ns for p in run.glob("attempts/*/*/module.py")}
    assert len(written) == 3
    r = simcoder("resume", str(run), "--sandbox", "bwrap")
    assert r.returncode == 0, r.stderr
    assert "status: accepted" in r.stdout
    assert {p: p.stat().st_mtime_ns for p in run.glob("attempts/*/*/module.py")} == written
    from simcoder.sandbox.bwrap import STAGING  # the killed run's staging was swept

    assert not any(p.name.startswith(f"{proc.pid}-") for p in STAGING.iterdir())
    assert "Total cycle error: 0.00%" in (run / "report.md").read_text()
    tree = simcoder("trace", str(run))
    assert tree.returncode == 0 and "executor [chain]" in tree.stdout


@pytest.mark.slow  # the executor and critic in the sandbox
def test_check_blames_the_wrong_module(tmp_path: Path) -> None:
    good = tmp_path / "good_storage.py"
    good.write_text(
        "from simcoder.simulator.storage.reference import ReferenceStorage\n\n"
        "class MyStorage(ReferenceStorage):\n    pass\n"
    )
    bad = tmp_path / "bad_interconnect.py"
    bad.write_text(
        "import dataclasses\n"
        "from simcoder.simulator.interconnect.reference import ReferenceInterconnect\n\n"
        "class Late(ReferenceInterconnect):\n"
        "    def schedule(self, mapping):\n"
        "        s = super().schedule(mapping)\n"
        "        return dataclasses.replace(s, fold_cycles=tuple(c + 1 for c in s.fold_cycles))\n"
    )
    r = simcoder(
        "check",
        f"storage={good}:MyStorage",
        f"interconnect={bad}:Late",
        "--workload",
        "ncf",
        "--sandbox",
        "bwrap",
        "--json",
        "-o",
        str(tmp_path / "run"),
    )
    assert r.returncode == 1, r.stderr
    verdict = json.loads(r.stdout)
    assert verdict["accept"] is False and verdict["blame"] == "interconnect"
    assert verdict["passing"] == ["storage"]
    assert "column.total_cycles" in verdict["feedback"]
    assert "evidence" in verdict and "interconnect" in verdict["evidence"]


def test_generate_input_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\narray_rows: 0\n")
    r = simcoder("generate", "--spec", str(bad), "-o", str(tmp_path / "run"))
    assert r.returncode == 2 and "bad.yaml: field array_rows" in r.stderr
    assert "Traceback" not in r.stderr
    r = simcoder("generate", "a 16x16 weight stationary array", "-o", str(tmp_path / "r2"))
    assert r.returncode == 2 and "needs a model" in r.stderr


@pytest.mark.slow  # a whole workflow run in the sandbox
def test_user_reference_file_is_used_and_named(tmp_path: Path) -> None:
    ref = tmp_path / "expected.json"
    ref.write_text(
        json.dumps(
            {
                "ncf": [
                    67519,
                    16879,
                    135039,
                    162815,
                    162815,
                    81407,
                    97279,
                    32255,
                    24319,
                    8439,
                    12159,
                    16128,
                ]
            }
        )
    )  # last one is off
    run = tmp_path / "run"
    r = simcoder(
        "generate",
        "--spec",
        str(ROOT / "examples" / "paper-os.yaml"),
        "--workload",
        "ncf",
        "--sandbox",
        "bwrap",
        "--reference",
        str(ref),
        "--max-rounds",
        "1",
        "-o",
        str(run),
    )
    assert r.returncode == 1 and "status: budget" in r.stdout
    report = (run / "report.md").read_text()
    assert f"ncf: user file {ref}" in report and "| ncf | 12 | 16128 | 16127 |" in report
