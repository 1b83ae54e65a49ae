"""The workflow end to end: offline with the library coder, and with scripted chat models
(simcoder.agents.scripted) and the fake sandbox (a handler; no process, no network, no mocks
of our code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langsmith.schemas import Run

from simcoder.agents.scripted import scripted
from simcoder.agents.spec import paper_spec
from simcoder.graph.build import build_workflow
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.run import generate
from simcoder.graph.tracing import read_trace
from simcoder.sandbox.fake import FakeSandbox, returning
from simcoder.sandbox.types import ExecResult, ExecStatus, Job
from tests.conftest import ROUTING_RANDOM_S

SPEC = paper_spec("t", workloads=["alphago_zero"])

WRONG = """Here you go:
```python
import dataclasses
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):
        m = super().map(layer, array)
        return dataclasses.replace(m, mapping_efficiency=m.mapping_efficiency * 0.5)
```"""
RIGHT = """Fixed:
```python
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):
        return super().map(layer, array)
```"""


def test_graph_has_the_design_card_nodes(tmp_path: Path) -> None:
    graph = build_workflow(WorkflowConfig(run_dir=tmp_path, spec=SPEC))
    assert set(graph.nodes) == {
        "planner",
        "review",
        "coder_mapping",
        "coder_interconnect",
        "coder_storage",
        "executor",
        "critic",
    }


def test_offline_library_run_matches_scalesim(tmp_path: Path) -> None:
    config = WorkflowConfig(
        run_dir=tmp_path, spec=SPEC, sandbox="fake", random_budget_s=ROUTING_RANDOM_S
    )
    state = generate(config)
    assert state["status"] == "accepted"
    report = (tmp_path / "report.md").read_text()
    assert "Total cycle error: 0.00%" in report
    assert "golden (SCALE-Sim 3.0.0's own numbers)" in report
    assert "oracle" in report  # the library coder is labelled
    for name in (
        "spec.yaml",
        "plan.json",
        "report.html",
        "checkpoints.sqlite",
        "simulator/__main__.py",
        "simulator/mapping.py",
    ):
        assert (tmp_path / name).exists(), name
    runs = [Run.model_validate(r) for r in read_trace(tmp_path / "trace.jsonl")]
    root = [r for r in runs if r.parent_run_id is None]
    assert len(root) == 1 and root[0].name == "simcoder"
    children = {r.name for r in runs if r.parent_run_id == root[0].id}
    assert {"planner", "executor", "critic", "coder_mapping"} <= children
    assert all(r.trace_id == root[0].id and r.dotted_order for r in runs)
    by_id = {r.id: r for r in runs}
    tools = {r.name: by_id[r.parent_run_id].name for r in runs if r.run_type == "tool"}
    assert tools == {"run_candidates": "executor", "judge_candidates": "critic"}
    judged = next(r for r in runs if r.name == "judge_candidates")
    assert judged.outputs and "every check passes" in str(judged.outputs)


@pytest.mark.slow  # a whole workflow run; test_offline_library_run_matches_scalesim stays quick
def test_wrong_mapping_is_blamed_fixed_and_nothing_else_regenerated(tmp_path: Path) -> None:
    mapping_model = scripted("I think the answer is obvious.", WRONG, RIGHT)
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=SPEC,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        models={"mapping": mapping_model},
    )
    state = generate(config)
    assert state["status"] == "accepted"
    assert state["modules"]["mapping"]["round"] == 2
    assert state["modules"]["interconnect"]["round"] == 1  # never re-generated
    assert state["modules"]["storage"]["round"] == 1
    assert state["executions"] == 2
    history = state["modules"]["mapping"]["history"]
    assert history[0].startswith("attempt 1 (llm): written")
    first = json.loads((tmp_path / "attempts" / "mapping" / "01" / "attempt.json").read_text())
    assert first["status"] == "written" and len(first["replies"]) == 2  # re-asked, not run
    summary = json.loads((tmp_path / "executions" / "001" / "summary.json").read_text())
    assert summary["modules"]["mapping"]["violation_count"] > 0
    assert "Total cycle error: 0.00%" in (tmp_path / "report.md").read_text()


@pytest.mark.slow
def test_a_module_that_never_gets_right_stops_on_budget_keeping_nothing_wrong(
    tmp_path: Path,
) -> None:
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=SPEC,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        max_rounds=2,
        models={
            "storage": scripted("no code here", "still none", "nope", "nothing", "never", "no")
        },
    )
    state = generate(config)
    assert state["status"].startswith("budget")
    rec = state["modules"]["storage"]
    assert rec["current"] is None and not rec["passing"]
    assert all("no_code" in line for line in rec["history"])


LOOPS = """```python
from simcoder.simulator.mapping.reference import ReferenceMapping


class Module(ReferenceMapping):
    def map(self, layer, array):
        while True:
            pass
```"""


def test_code_that_loops_forever_ends_within_budget(tmp_path: Path) -> None:
    """The sandbox kills the loop at its time limit (against the real backends:
    tests/sandbox/test_containment.py::test_runaway_loop_is_killed); here the fake reports
    that timeout, and the run blames the module and ends within its budget."""
    jobs: list[Job] = []
    timeout = returning(ExecStatus.TIMEOUT, wall_s=5)

    def handler(job: Job) -> ExecResult:
        jobs.append(job)
        return timeout(job)

    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=SPEC,
        sandbox_backend=FakeSandbox(handler),
        max_rounds=1,
        sandbox_timeout_s=5,
        models={"mapping": scripted(LOOPS)},
    )
    assert config.sandbox == "fake" and config.settings().sandbox == "fake"
    state = generate(config)
    assert len(jobs) == 1
    assert "while True" in (tmp_path / "executions/001/job/candidate/mapping.py").read_text()
    assert state["status"] == "budget: mapping used its 1 rounds"
    assert state["last_execution"]["status"] == "timeout"
    assert state["verdict"]["blame"] == "mapping"
    assert "status timeout" in state["verdict"]["feedback"]
    assert (tmp_path / "report.md").exists()


PHONES_HOME = """```python
import socket

socket.create_connection(("127.0.0.1", 9), timeout=2)  # exfiltrate, at import time

from simcoder.simulator.storage.reference import ReferenceStorage


class Module(ReferenceStorage):
    def simulate(self, schedule, memory):
        return super().simulate(schedule, memory)
```"""


@pytest.mark.slow  # a whole workflow run; test_offline_library_run_matches_scalesim stays quick
def test_code_that_reaches_for_the_network_is_contained_and_blamed(tmp_path: Path) -> None:
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=SPEC,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        max_rounds=1,
        models={"storage": scripted(PHONES_HOME)},
    )
    state = generate(config)
    assert state["status"] == "budget: storage used its 1 rounds"
    assert state["last_execution"]["status"] == "ok"  # the sandbox itself ran fine
    storage = state["last_execution"]["modules"]["storage"]
    # the import fails and the module is blamed (containment itself: tests/sandbox/)
    assert storage["error"] and (
        "ConnectionRefusedError" in storage["error"] or "Network is unreachable" in storage["error"]
    )
    assert state["verdict"]["blame"] == "storage"
    assert state["modules"]["mapping"]["passing"] and state["modules"]["interconnect"]["passing"]


@pytest.mark.slow
def test_a_rewrite_that_breaks_a_passing_module_is_reverted_to_its_best_version(
    tmp_path: Path,
) -> None:
    """A reference file that disagrees with every correct module makes the critic blame the
    (passing) mapping and ask for a rewrite; the rewrite fails its checks, so the critic goes
    back to the first version, and the generated simulator is built from that one."""
    from simcoder.agents.references import reference_for

    spec = SPEC.model_copy(update={"workloads": ["ncf"]})
    truth = [c for _, c in reference_for(spec, "ncf").layers]
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps({"ncf": [c + 1 for c in truth]}))
    run_dir = tmp_path / "run"
    config = WorkflowConfig(
        run_dir=run_dir,
        spec=spec,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        max_rounds=2,
        reference_file=expected,
        models={"mapping": scripted(RIGHT, WRONG)},
    )
    state = generate(config)
    assert state["status"] == "budget: mapping used its 2 rounds"
    first = run_dir / "attempts" / "mapping" / "01" / "module.py"
    rec = state["modules"]["mapping"]
    assert rec["round"] == 2 and rec["best"] == str(first)
    assert rec["current"] == str(first)  # reverted after the second attempt broke the checks
    assert "reverted to the last passing version" in rec["feedback"]
    second = json.loads((run_dir / "executions" / "002" / "summary.json").read_text())
    assert second["modules"]["mapping"]["violation_count"] > 0
    assert (run_dir / "simulator" / "mapping.py").read_text() == first.read_text()
    for module in ("interconnect", "storage"):
        assert state["modules"][module]["round"] == 1
