"""Resume that survives kill -9: a run killed at each node boundary finishes accepted on
``resume`` and no finished node runs again; the budgets are saved and kept; time paused for
``--approve`` does not count against the wall-time budget.

The kills use the test hook ``SIMCODER_TEST_KILL_AT`` (graph/build.py: the process SIGKILLs
itself at a named point) and, for "during the executor", a SIGKILL from outside once the
sandbox job exists. Each boundary runs ``SIMCODER_KILL_REPEATS`` times (default 2; the
ten-times-each figures in docs/workflow.md were taken with 10)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from simcoder.agents.scripted import scripted
from simcoder.agents.spec import AcceleratorSpec
from simcoder.graph.build import KILL_AT
from simcoder.graph.config import RunRecord, WorkflowConfig, WorkflowSettings
from simcoder.graph.run import (
    AWAITING,
    CONFIG_FILE,
    RunConfigError,
    generate,
    load_config,
    read_run_config,
    resume,
)
from simcoder.graph.state import running_seconds
from simcoder.graph.tracing import read_trace
from tests.conftest import ROUTING_RANDOM_S

ROOT = Path(__file__).resolve().parents[2]
NODES = ("planner", "coder_mapping", "coder_interconnect", "coder_storage", "executor", "critic")
REPEATS = int(os.environ.get("SIMCODER_KILL_REPEATS", "2"))
# boundary -> the kill point (None: killed from outside while the sandbox runs)
BOUNDARIES: dict[str, str | None] = {
    "after_planner": "start:coder_*",
    "after_coders": "start:executor",
    "during_executor": None,
    "after_critic": "end",
}
# the nodes whose work is on disk when the process dies at each boundary
FINISHED = {
    "after_planner": {"planner"},
    "after_coders": {"planner", "coder_mapping", "coder_interconnect", "coder_storage"},
    "during_executor": {"planner", "coder_mapping", "coder_interconnect", "coder_storage"},
    "after_critic": set(NODES),
}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "simcoder", *args]


def _node_runs(run: Path) -> Counter[str]:
    """Finished runs per node and tool, from trace.jsonl (a run is written when it ends)."""
    path = run / "trace.jsonl"
    return Counter(r["name"] for r in read_trace(path)) if path.exists() else Counter()


def _outputs(run: Path) -> dict[Path, int]:
    """What finished nodes wrote, with its mtime: none of it may be written again."""
    files = [run / "spec.yaml", run / "plan.json", run / "report.md"]
    files += [*run.glob("attempts/*/*/module.py"), *run.glob("executions/*/exec_result.json")]
    return {p: p.stat().st_mtime_ns for p in files if p.exists()}


def kill_then_resume(run: Path, boundary: str) -> None:
    """generate on examples/paper-os.yaml checked on AlphaGo Zero alone, with ROUTING_RANDOM_S
    of random cases (library coder, bwrap), killed with SIGKILL at ``boundary``; then
    ``resume``, which must finish accepted without redoing a finished node."""
    point = BOUNDARIES[boundary]
    env = {k: v for k, v in os.environ.items() if k != KILL_AT}
    if point is not None:
        env[KILL_AT] = point
    spec = run.parent / "paper-os-alphago.yaml"  # what is killed is the run, not the workload
    example = yaml.safe_load((ROOT / "examples" / "paper-os.yaml").read_text())
    spec.write_text(yaml.safe_dump({**example, "workloads": ["alphago_zero"]}))
    budget = str(ROUTING_RANDOM_S)
    proc = subprocess.Popen(
        _cli(
            "generate",
            "--spec",
            str(spec),
            "--sandbox",
            "bwrap",
            "--random-budget",
            budget,
            "-o",
            str(run),
        ),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if point is None:
        deadline = time.time() + 300
        while not (run / "executions" / "001" / "job").exists():  # the executor has started
            assert time.time() < deadline and proc.poll() is None, proc.stderr
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL, err
    before = _node_runs(run)
    assert {n for n in NODES if before[n]} == FINISHED[boundary], before
    assert (run / "report.md").exists() == (boundary == "after_critic")
    written = _outputs(run)

    r = subprocess.run(
        _cli("resume", str(run)),  # no flags: the saved sandbox, budgets and spec
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != KILL_AT},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "status: accepted after 1 sandbox run(s)" in r.stdout, r.stdout
    after = _node_runs(run)
    assert {n: after[n] for n in NODES} == dict.fromkeys(NODES, 1), after  # none ran twice
    assert after["run_candidates"] == after["judge_candidates"] == 1  # one finished sandbox run
    for module in ("mapping", "interconnect", "storage"):
        assert [p.name for p in (run / "attempts" / module).iterdir()] == ["01"]
    assert [p.name for p in (run / "executions").iterdir()] == ["001"]
    assert {p: _outputs(run)[p] for p in written} == written  # nothing finished was redone
    assert "Total cycle error: 0.00%" in (run / "report.md").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("repeat", range(REPEATS))
@pytest.mark.parametrize("boundary", list(BOUNDARIES))
def test_killed_at_a_boundary_resume_finishes_without_redoing(
    tmp_path: Path, boundary: str, repeat: int
) -> None:
    kill_then_resume(tmp_path / "run", boundary)


SPEC = AcceleratorSpec(
    name="t",
    array_rows=32,
    array_cols=32,
    dataflow="os",
    ifmap_sram_kib=64,
    filter_sram_kib=64,
    ofmap_sram_kib=64,
    workloads=["ncf"],
)
NOT_SAVED = {
    "run_dir",
    "model",
    "models",
    "alt_models",
    "planner_model",
    "sandbox_backend",
}  # the directory; chat models; a Sandbox object (saved by its name, as `sandbox`)


def test_every_setting_but_the_chat_models_is_saved() -> None:
    assert set(WorkflowConfig.model_fields) - set(WorkflowSettings.model_fields) == NOT_SAVED
    assert set(RunRecord.model_fields) - set(WorkflowSettings.model_fields) == {
        "thread_id",
        "created",
    }


def test_resume_keeps_the_saved_budgets_unless_overridden(tmp_path: Path) -> None:
    from simcoder.agents.references import reference_for

    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps({"ncf": [c for _, c in reference_for(SPEC, "ncf").layers]}))
    chosen: dict[str, Any] = {
        "spec": SPEC,
        "description": "the paper's array",
        "endpoint": "http://127.0.0.1:9/v1",
        "strategy": "icl+cot",
        "sandbox": "bwrap",
        "reference_file": expected,
        "reference": "golden",
        "max_rounds": 5,
        "max_model_calls": 7,
        "wall_time_s": 123.5,
        "sandbox_timeout_s": 42.0,
        "sandbox_memory_mb": 1234,
        "approve": True,
        "random_budget_s": 1.5,
        "random_seed": 7,
        "versions": 2,
    }
    assert set(chosen) == set(WorkflowSettings.model_fields)  # every one, not the defaults
    assert all(chosen[k] != f.default for k, f in WorkflowSettings.model_fields.items())
    state = generate(WorkflowConfig(run_dir=tmp_path, **chosen))  # pauses before the sandbox
    assert state["status"] == AWAITING
    assert dict(load_config(tmp_path).settings()) == chosen
    again = resume(load_config(tmp_path, sandbox_memory_mb=2048, sandbox=None))
    assert again["status"] == AWAITING  # no answer given: still waiting
    kept = dict(load_config(tmp_path).settings())  # an override is saved in turn
    assert kept == {**chosen, "sandbox_memory_mb": 2048}
    assert (
        read_run_config(tmp_path).thread_id
        == json.loads((tmp_path / CONFIG_FILE).read_text())["thread_id"]
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"max_rounds": 0}, "run_config.json: field max_rounds: Input should be greater than 0"),
        ({"wall_time_s": "long"}, "run_config.json: field wall_time_s: Input should be a valid"),
        ({"budget": 3}, "run_config.json: field budget: Extra inputs are not permitted"),
        ({"spec": None}, "run_config.json: give a spec file or a description"),
        ({"thread_id": ""}, "run_config.json: field thread_id: String should have at least"),
    ],
)
def test_an_edited_run_config_is_one_line_naming_file_and_field(
    tmp_path: Path, edit: dict[str, Any], message: str
) -> None:
    generate(WorkflowConfig(run_dir=tmp_path, spec=SPEC, approve=True))
    path = tmp_path / CONFIG_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), **edit}))
    with pytest.raises(RunConfigError) as err:
        load_config(tmp_path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_corrupt_run_config_is_one_line_at_the_command_line(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_text('{"thread_id": "x", "max_rounds": ')
    r = subprocess.run(
        _cli("resume", str(tmp_path)), cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"simcoder: error: {tmp_path / CONFIG_FILE}: cannot be read as")


def test_running_time_is_the_union_of_node_intervals() -> None:
    assert running_seconds([]) == 0
    assert running_seconds([[0, 2], [10, 11]]) == 3  # the gap between them is not counted
    assert running_seconds([[0, 5], [1, 6], [2, 3]]) == 6  # parallel coders count once
    assert running_seconds([[1, 6], [0, 5]]) == 6


WRONG = """```python
import dataclasses
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):
        m = super().map(layer, array)
        return dataclasses.replace(m, mapping_efficiency=m.mapping_efficiency * 0.5)
```"""
RIGHT = """```python
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):
        return super().map(layer, array)
```"""


@pytest.mark.slow
def test_time_waiting_for_approval_is_not_counted_against_the_wall_time_budget(
    tmp_path: Path,
) -> None:
    """The reviewer takes longer than the whole budget before the first sandbox run; the
    critic then rejects the wrong mapping and, since the run itself has used far less than its
    wall time, the run goes on to a second round and is accepted."""
    pause = budget = 60.0  # far more than round 1 runs for, even on a loaded machine
    asked: list[float] = []

    def slow_reviewer(request: dict[str, Any]) -> dict[str, Any]:
        if not asked:
            time.sleep(pause)
        asked.append(time.time())
        return {"approve": True}

    mapping = scripted(WRONG, RIGHT)
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=SPEC,
        sandbox="bwrap",
        random_budget_s=ROUTING_RANDOM_S,
        approve=True,
        wall_time_s=budget,
        models={"mapping": mapping},
    )
    start = time.time()
    state = generate(config, approver=slow_reviewer)
    ran = running_seconds(state["ran"])
    if state["status"].startswith("budget: wall time") and ran >= budget:
        pytest.skip(f"the run itself took {ran:.0f} s on this machine, over the budget")
    assert state["status"] == "accepted", state["status"]
    assert state["executions"] == 2 and len(asked) == 2
    assert 0 < ran <= time.time() - start - pause  # the pause is not in the clock


if __name__ == "__main__":  # the by-hand loop: python -m tests.graph.test_kill_resume [N]
    import tempfile
    import traceback

    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    tally: Counter[str] = Counter()
    for i in range(repeats):  # each round visits every boundary, so a cut-short loop is even
        for boundary in BOUNDARIES:
            with tempfile.TemporaryDirectory() as tmp:
                began = time.time()
                try:
                    kill_then_resume(Path(tmp) / "run", boundary)
                    outcome = "pass"
                    tally[boundary] += 1
                except AssertionError:
                    outcome = "FAIL " + traceback.format_exc().splitlines()[-1][:300]
                load = os.getloadavg()[0]
                print(
                    f"{i + 1:2d} {boundary:16s} {outcome} {time.time() - began:5.1f} s "
                    f"load {load:.1f}",
                    flush=True,
                )
    for boundary in BOUNDARIES:
        print(f"{boundary}: {tally[boundary]}/{repeats} passed")
