"""The simcoder command line, run as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simcoder.simulator.compat.reports import FILES
from tests.conftest import run_simcoder as simcoder


def test_simulate_preset_and_workload_writes_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = simcoder("simulate", "-c", "paper", "-t", "alexnet", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Conv1" in r.stdout and "5 layers" in r.stdout
    for name in FILES:
        lines = (out / name).read_text().splitlines()
        assert len(lines) == 6  # header + 5 layers, directly in OUTDIR


def test_simulate_json(tmp_path: Path) -> None:
    r = simcoder("simulate", "-c", "paper", "-t", "ncf", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["layers"]) == 12
    assert data["total_cycles"] == sum(x["compute"][1] for x in data["layers"])


def test_simulate_scalesim_files(tmp_path: Path, scalesim_reference: Path) -> None:
    r = simcoder(
        "simulate",
        "-c",
        str(scalesim_reference / "configs" / "v3" / "scale.cfg"),
        "-t",
        str(scalesim_reference / "topologies" / "Sentimental_seqCNN.csv"),
        "-o",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "empty row skipped" in r.stderr
    assert (tmp_path / "COMPUTE_REPORT.csv").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-c", "nope.cfg", "-t", "alexnet"], "nope.cfg: no such config file or preset"),
        (["-c", "paper", "-t", "lenet"], "lenet: no such topology file or built-in workload"),
    ],
)
def test_bad_input_is_one_line_without_traceback(args: list[str], needle: str) -> None:
    r = simcoder("simulate", *args)
    assert r.returncode == 2
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_bad_config_line(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.cfg"
    cfg.write_text(
        "[general]\nrun_name = x\n[architecture_presets]\nArrayHeight: 4\n"
        "ArrayWidth: 4\nIfmapSramSzkB: 0\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\n"
        "Dataflow: os\n[run_presets]\nInterfaceBandwidth: CALC\n"
    )
    r = simcoder("simulate", "-c", str(cfg), "-t", "alexnet")
    assert r.returncode == 2
    assert "bad.cfg:6: [architecture_presets] IfmapSramSzkB: must be a positive integer" in r.stderr
    assert "Traceback" not in r.stderr


def test_workloads_lists_layers_and_macs() -> None:
    r = simcoder("workloads")
    assert r.returncode == 0
    assert "resnet50" in r.stdout and "54" in r.stdout and "3,479,536,384" in r.stdout


def test_simulate_imports_no_agent_stack() -> None:
    """`python -m simcoder simulate` (the command line, whatever module holds it) stays fast to
    start: it loads none of the agent stack."""
    code = (
        "import runpy, sys\n"
        "sys.argv = ['simcoder', 'simulate', '-c', 'paper', '-t', 'alphago_zero', '--json']\n"
        "try:\n"
        "    runpy.run_module('simcoder', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('langgraph', 'langchain',"
        " 'langchain_core', 'docker', 'pydantic'))\n"
        "print('EXIT', code, 'AGENT', bad, file=sys.stderr)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert json.loads(r.stdout)["total_cycles"] > 0, r.stderr  # it did simulate
    assert "EXIT 0 AGENT []" in r.stderr


def test_simulate_corrected_compat(tmp_path: Path) -> None:
    """--compat corrected: SCALE-Sim's USER-mode stall quirks fixed, said in the summary; the
    numbers equal the library with MemoryConfig(corrected=True)."""

    from simcoder.simulator.compat.config_json import spec_config
    from simcoder.simulator.compat.scalesim_cfg import cfg_for
    from simcoder.simulator.engine import simulate_network
    from simcoder.simulator.types import Layer

    config = spec_config(16, 16, "os", (1, 1, 1), "USER", 2)
    (tmp_path / "user.cfg").write_text(cfg_for(config))
    (tmp_path / "t.csv").write_text(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
        "Num Filter, Strides,\nconv, 14, 14, 3, 3, 8, 16, 1,\n"
    )
    runs = {}
    for compat in ("scalesim", "corrected"):
        done = simcoder("simulate", "-c", str(tmp_path / "user.cfg"), "-t",
                        str(tmp_path / "t.csv"), "--compat", compat, "--json")  # fmt: skip
        assert done.returncode == 0, done.stderr
        runs[compat] = json.loads(done.stdout)["total_cycles"]
    layers = [Layer("conv", 14, 14, 3, 3, 8, 16, 1)]
    fixed = spec_config(16, 16, "os", (1, 1, 1), "USER", 2, corrected=True)
    assert runs["scalesim"] == simulate_network(layers, config).total_cycles
    assert runs["corrected"] == simulate_network(layers, fixed).total_cycles < runs["scalesim"]
    text = simcoder("simulate", "-c", str(tmp_path / "user.cfg"), "-t", str(tmp_path / "t.csv"),
                    "--compat", "corrected").stdout  # fmt: skip
    assert "corrected (not SCALE-Sim)" in text
