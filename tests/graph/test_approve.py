"""``--approve``: the workflow pauses (a LangGraph interrupt) before every sandbox run; a person
approves or rejects, at once or later through ``resume``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simcoder.agents.spec import paper_spec
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.run import AWAITING, generate, load_config, resume
from simcoder.simulator.registry import KINDS
from tests.conftest import ROUTING_RANDOM_S

SPEC = paper_spec("t", workloads=["ncf"])
ROOT = Path(__file__).resolve().parents[2]


def _config(run_dir: Path) -> WorkflowConfig:
    return WorkflowConfig(
        run_dir=run_dir, spec=SPEC, sandbox="fake", random_budget_s=ROUTING_RANDOM_S, approve=True
    )


@pytest.mark.slow  # a whole workflow run
def test_approved_runs_go_ahead_and_the_reviewer_sees_the_code(tmp_path: Path) -> None:
    asked: list[dict[str, Any]] = []

    def reviewer(request: dict[str, Any]) -> dict[str, Any]:
        asked.append(request)
        assert not (tmp_path / "executions" / f"{request['execution']:03d}").exists()
        return {"approve": True}

    state = generate(_config(tmp_path), approver=reviewer)
    assert state["status"] == "accepted"
    assert len(asked) == state["executions"] == 1
    assert set(asked[0]["candidates"]) == {"mapping", "interconnect", "storage"}
    assert all(Path(p).is_file() for p in asked[0]["candidates"].values())


def test_a_rejected_run_stops_before_the_sandbox(tmp_path: Path) -> None:
    state = generate(
        _config(tmp_path), approver=lambda r: {"approve": False, "reason": "reads /etc"}
    )
    assert state["status"] == "stopped: the reviewer rejected sandbox run 1 (reads /etc)"
    assert not (tmp_path / "executions").exists()
    assert "verdict" not in state  # the critic never ran
    assert sorted(p.name for p in (tmp_path / "attempts").iterdir()) == [
        "interconnect",
        "mapping",
        "storage",
    ]  # the code is kept for the reviewer


@pytest.mark.slow  # a whole workflow run
def test_without_a_reviewer_the_run_waits_and_resume_answers(tmp_path: Path) -> None:
    state = generate(_config(tmp_path))
    assert state["status"] == AWAITING
    assert state["approval_request"]["execution"] == 1
    assert not (tmp_path / "executions").exists()
    again = resume(load_config(tmp_path))  # no answer yet: still waiting, nothing redone
    assert again["status"] == AWAITING
    done = resume(load_config(tmp_path), decision={"approve": True})
    assert done["status"] == "accepted"
    for module in KINDS:  # the coders did not run again
        assert [p.name for p in (tmp_path / "attempts" / module).iterdir()] == ["01"]


@pytest.mark.slow
def test_cli_pauses_then_resume_approves(tmp_path: Path) -> None:
    run = tmp_path / "run"
    cli = [sys.executable, "-m", "simcoder"]
    first = subprocess.run(
        [*cli, "generate", "--spec", str(ROOT / "examples" / "paper-os.yaml"), "--workload",
         "ncf", "--sandbox", "bwrap", "--approve", "-o", str(run)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
    )  # fmt: skip
    assert first.returncode == 1, first.stderr
    assert f"simcoder resume {run} --approve" in first.stdout
    second = subprocess.run(
        [*cli, "resume", str(run), "--approve"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "status: accepted" in second.stdout
