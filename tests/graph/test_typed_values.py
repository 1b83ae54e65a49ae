"""The typed values after the sandbox: the host's strict result schema (with the runner's
failure kind), the execution summary and the verdict, each converted to and from the workflow
state in one place, and the eval classifying on the failure kind rather than on a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simcoder.agents.critic import Verdict, judge
from simcoder.agents.executor import ExecutionSummary
from simcoder.agents.references import Reference
from simcoder.evals.harness import classify
from simcoder.evals.tasks import TASKS
from simcoder.sandbox.result import ResultDoc, parse_result
from simcoder.sandbox.runner import SCHEMA
from simcoder.sandbox.types import ExecResult, ExecStatus
from simcoder.tools import judge_candidates

NONCE = "ab" * 16


def _doc(**module: Any) -> dict[str, Any]:
    record = {"spec": "candidate/mapping.py:Module", "failure": None, "error": None}
    record |= {"traceback": None, "violations": [], **module}
    layer = {"name": "conv1", "fields": {"total_cycles": 120, "mapping_efficiency_pct": 87.5}}
    return {
        "schema": SCHEMA,
        "nonce": NONCE,
        "python": "3.11.2",
        "numpy": "2.3.5",
        "modules": {"mapping": record},
        "workloads": [{"name": "w", "error": None, "traceback": None, "layers": [layer]}],
        "runtime_s": 0.5,
    }


def _parse(tmp_path: Path, doc: dict[str, Any]) -> tuple[ResultDoc | None, str | None]:
    (tmp_path / "result.json").write_text(json.dumps(doc))
    return parse_result(tmp_path / "result.json", NONCE)


def _exec(doc: ResultDoc | None, status: ExecStatus = ExecStatus.OK) -> ExecResult:
    return ExecResult("fake", status, 0, False, False, 1.25, None, "", "err", 0, 3, doc)


def test_a_valid_document_comes_back_typed(tmp_path: Path) -> None:
    doc, why = _parse(tmp_path, _doc())
    assert why is None and doc is not None
    assert doc.workloads[0].layers[0].total_cycles == 120
    assert doc.modules["mapping"].failure is None
    # what exec_result.json holds is the document as the runner wrote it
    written = json.loads((tmp_path / "result.json").read_text())
    written["modules"]["mapping"]["evidence"] = None  # the defaults a document may leave out
    assert _exec(doc).to_json()["result"] == {
        **written,
        "blame": [],
        "workload_seconds": None,
        "reference_outputs_computed": None,
    }


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"error": "ImportError: x"}, "failure and error must be given together"),
        ({"failure": "interface"}, "failure and error must be given together"),
        ({"failure": "network", "error": "x"}, "modules.mapping.failure"),
    ],
)
def test_the_failure_kind_is_rechecked_on_the_host(
    tmp_path: Path, change: dict[str, Any], says: str
) -> None:
    doc, why = _parse(tmp_path, _doc(**change))
    assert doc is None and why is not None and says in why


def test_an_older_schema_is_named(tmp_path: Path) -> None:
    doc, why = _parse(tmp_path, {**_doc(), "schema": "simcoder.sandbox.result/1"})
    assert doc is None and why is not None and "'simcoder.sandbox.result/1'" in why


@pytest.mark.parametrize(
    ("failure", "category"), [("interface", "signature"), ("import", "crash"), ("checks", "crash")]
)
def test_eval_classifies_on_the_failure_kind(failure: str, category: str) -> None:
    # the same message for every kind: the category follows the kind, not the text
    raw = _doc(failure=failure, error="ModuleLoadError: a mapping module needs a method map()")
    doc = ResultDoc.model_validate_json(json.dumps(raw))
    task = next(t for t in TASKS if t.module == "mapping")
    got, detail = classify(_exec(doc), task)
    assert got == category and detail.startswith(f"{failure}: ")


def test_the_summary_keeps_summary_json_and_round_trips_through_the_state() -> None:
    raw = _doc()
    raw["modules"]["mapping"]["violations"] = [
        {"check": "c", "module": "mapping", "case": "k", "expected": "1", "got": "2"}
    ]
    summary = ExecutionSummary.of(3, _exec(ResultDoc.model_validate_json(json.dumps(raw))))
    state = summary.to_state()
    assert list(state) == [
        "number",
        "backend",
        "status",
        "wall_s",
        "stderr_tail",
        "result_error",
        "modules",
        "workloads",
        "blame",
        "workload_seconds",
    ]
    assert state["status"] == "ok"
    assert state["modules"]["mapping"] == {
        "error": None,
        "traceback": "",
        "violations": ["c on k: expected 1, got 2"],
        "violation_count": 1,
        "evidence": None,
    }
    assert state["workloads"]["w"]["layers"] == [["conv1", 120]]
    assert json.loads(json.dumps(state)) == state  # plain JSON, as the checkpointer stores it
    assert ExecutionSummary.from_state(state) == summary


def test_a_failed_run_has_an_empty_summary() -> None:
    summary = ExecutionSummary.of(1, _exec(None, ExecStatus.TIMEOUT))
    assert summary.modules == {} and summary.workloads == {} and summary.blame == ()
    verdict = judge(summary, ["mapping"], {})
    assert not verdict.accept and verdict.blame == "mapping"
    assert "status timeout" in verdict.feedback


def test_the_critic_is_typed_end_to_end() -> None:
    summary = ExecutionSummary.of(1, _exec(ResultDoc.model_validate_json(json.dumps(_doc()))))
    refs = {"w": Reference("test", (("conv1", 121),))}
    verdict = judge_candidates.invoke(
        {"summary": summary, "generated": ["mapping"], "references": refs}
    )
    assert isinstance(verdict, Verdict)
    assert verdict == judge(summary, ["mapping"], refs)
    assert not verdict.accept and verdict.blame == "mapping" and verdict.passing == ("mapping",)
    assert "layer conv1: total_cycles 120, reference 121" in verdict.feedback
    assert Verdict.from_state(verdict.to_state()) == verdict
    same = {"w": Reference("test", (("conv1", 120),))}
    assert judge(summary, ["mapping"], same).accept


def test_a_sample_keeps_the_outcome_json_layout() -> None:
    from simcoder.evals.harness import Sample

    base = {"model": "m", "kind": "llm", "strategy": "zero-shot", "task": "t", "module": "mapping"}
    base |= {"sample": 1, "model_calls": 1, "tokens_in": 5, "tokens_out": 7}
    unrun = Sample(**base, category="syntax", detail="no parse", seconds=0.1)
    assert list(json.loads(unrun.to_json())) == [*base, "category", "detail", "seconds"]
    ran = Sample(**base, category="pass", detail="", sandbox="bwrap", sandbox_s=0.5, seconds=1.0)
    text = ran.to_json()
    assert list(json.loads(text))[-3:] == ["sandbox", "sandbox_s", "seconds"]
    assert Sample.model_validate_json(text) == ran
