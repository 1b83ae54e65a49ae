"""Accelerators beyond SCALE-Sim 3.0.0 (issue 14): a change in the user's words becomes a rule
(changes/<n>.md), a module and a verdict that names its evidence. Models are scripted
(simcoder.agents.scripted) or talk real HTTP to a loopback OpenAI server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from simcoder.agents.change.rules import parse_rule, read_rules
from simcoder.agents.scripted import scripted
from simcoder.agents.spec import ChangeError, paper_spec, read_spec
from simcoder.graph.config import WorkflowConfig
from simcoder.graph.run import AWAITING, generate, resume
from tests.conftest import ROUTING_RANDOM_S
from tests.loopback import completion, openai_server

ROOT = Path(__file__).resolve().parents[2]


def code(body: str) -> str:
    return f"Here it is:\n```python\n{body}\n```"


def storage(base: str, body: str) -> str:
    return code(
        f"{base}\n\n\nclass Module({base.split()[-1]}):\n{body}"
        "    def simulate(self, schedule, memory):\n"
        "        return super().simulate(schedule, memory)"
    )


VARIANT = "from simcoder.simulator.components import DrainWidthStorage"
DRAIN2 = storage(VARIANT, "    width = 2\n\n")
DRAIN3 = storage(VARIANT, "    width = 3\n\n")
PLAIN = storage("from simcoder.simulator.storage.reference import ReferenceStorage", "")

# worked by hand in docs/eval.md: GEMM 4x4x4 on a 4x4 array, 64 kB SRAMs, the ofmap buffer
# draining 2 words per cycle: 16 words in 8 lines of 2, drained from the last row to ...
G4 = {"m": 4, "n": 4, "k": 4, "name": "gemm_4x4x4"}
SMALL = {"array_rows": 4, "array_cols": 4, "ifmap_sram_kib": 64, "filter_sram_kib": 64}
EXAMPLES = [
    {
        "name": "gemm os",
        "layer": G4,
        "config": {**SMALL, "dataflow": "os"},
        "expected": {
            "total_cycles": 9,
            "ofmap_dram_start_cycle": 9,
            "ofmap_dram_stop_cycle": 16,
            "total_cycles_incl_prefetch": 82,
        },
        "why": "16 ofmap words in 8 lines of 2, drained from row 9 to 16; 16 + 66",
    },
    {
        "name": "gemm ws",
        "layer": G4,
        "config": {**SMALL, "dataflow": "ws"},
        "expected": {
            "total_cycles": 13,
            "ofmap_dram_start_cycle": 13,
            "ofmap_dram_stop_cycle": 20,
            "total_cycles_incl_prefetch": 86,
        },
        "why": "L = 14: 8 lines of 2 drained from 13 to 20; 20 + 66",
    },
]
DRAIN_RULE = (
    "CALC mode. The ofmap write buffer's lines hold 2 words (not the array's column count): "
    "a drain of D words takes ceil(D / 2) cycles; all else is SCALE-Sim's write buffer."
)


def _change(**extra: Any) -> dict[str, Any]:
    return {
        "text": "The ofmap SRAM drains two words per cycle to DRAM.",
        "module": "storage",
        "rule": DRAIN_RULE,
        "columns": ["timing", "ofmap_dram_writes"],
        "examples": EXAMPLES,
        **extra,
    }


def _verdict(state: dict[str, Any]) -> dict[str, Any]:
    return state["verdict"]


@pytest.mark.slow
def test_a_coder_wrong_then_right_on_a_rule_example(tmp_path: Path) -> None:
    spec = paper_spec("t", workloads=["ncf"], changes=[_change()])
    model = scripted(PLAIN, DRAIN2)
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=spec,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        models={"storage": model},
        max_rounds=3,
    )
    state = generate(config)
    assert state["status"] == "accepted"
    assert state["executions"] == 2
    assert list(state["modules"]) == ["storage"]  # untouched modules stay the reference
    first = json.loads((tmp_path / "executions" / "001" / "summary.json").read_text())
    shown = " ".join(first["modules"]["storage"]["violations"])
    assert "example.ofmap_dram_stop_cycle" in shown and "16 (the rule's worked example)" in shown
    second = json.loads((tmp_path / "attempts" / "storage" / "02" / "attempt.json").read_text())
    prompt = " ".join(m[1] for m in second["prompt"])
    assert "rule example" in prompt and DRAIN_RULE[:40] in prompt  # the feedback and the rule
    v = _verdict(state)
    assert v["labels"]["storage"] == "verified against your rule's worked examples"
    assert "unchanged columns" in v["kinds"]["storage"]
    assert "invariants" in v["kinds"]["storage"]
    report = (tmp_path / "report.md").read_text()
    assert "changes/1.md" in report and "verified against your rule's worked examples" in report


@pytest.mark.slow
def test_a_model_module_that_ignores_a_known_change_is_not_accepted(tmp_path: Path) -> None:
    """A coder that writes SCALE-Sim's storage for examples/drain-width.yaml: the component's
    examples tell the change from SCALE-Sim, so it fails them (and is never labelled oracle)."""
    spec = read_spec(ROOT / "examples" / "drain-width.yaml")
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=spec,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        models={"storage": scripted(PLAIN, PLAIN)},
        max_rounds=2,
    )
    state = generate(config)
    assert state["status"] == "budget: storage used its 2 rounds"
    assert "example." in _verdict(state)["feedback"]


@pytest.mark.slow
def test_two_versions_that_disagree_then_agree(tmp_path: Path) -> None:
    spec = paper_spec(
        "t", workloads=["ncf"], changes=[{"text": "drains 2 words", "component": "drain_width"}]
    )
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=spec,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        versions=2,
        models={"storage": scripted(DRAIN2, DRAIN2)},
        alt_models={"storage": scripted(DRAIN3, DRAIN2)},
    )
    state = generate(config)
    assert state["status"] == "accepted" and state["executions"] == 2
    first = json.loads((tmp_path / "executions" / "001" / "summary.json").read_text())
    shown = " ".join(first["modules"]["storage"]["violations"])
    assert "version." in shown and "(version A)" in shown and "(version B)" in shown
    # both versions were rewritten with the differing case
    for folder in ("02", "02b"):
        record = json.loads(
            (tmp_path / "attempts" / "storage" / folder / "attempt.json").read_text()
        )
        assert "(version B)" in " ".join(m[1] for m in record["prompt"])
    assert "independent versions" in _verdict(state)["kinds"]["storage"]


@pytest.mark.slow
def test_a_change_that_moves_an_undeclared_column_is_blamed(tmp_path: Path) -> None:
    spec = paper_spec("t", workloads=["ncf"], changes=[_change(columns=["timing"])])
    config = WorkflowConfig(
        run_dir=tmp_path,
        spec=spec,
        sandbox="fake",
        random_budget_s=ROUTING_RANDOM_S,
        models={"storage": scripted(DRAIN2, DRAIN2)},
        max_rounds=2,
    )
    state = generate(config)
    assert state["status"] == "budget: storage used its 2 rounds"
    v = _verdict(state)
    assert not v["accept"] and v["blame"] == "storage"
    assert "unchanged.ofmap_dram_writes" in v["feedback"]
    assert "no rule declares this column" in v["feedback"]


@pytest.mark.slow
def test_wrong_expected_numbers_are_never_accepted(tmp_path: Path) -> None:
    wrong = {"workload": "ncf", "layer": "1", "total_cycles": 1}
    change = {"text": "two-cycle hops", "component": "hop_latency", "expected": [wrong]}
    spec = paper_spec("t", workloads=["ncf"], changes=[change])
    state = generate(
        WorkflowConfig(
            run_dir=tmp_path,
            spec=spec,
            sandbox="fake",
            random_budget_s=ROUTING_RANDOM_S,
            max_rounds=2,
        )
    )
    assert state["status"] == "budget: interconnect used its 2 rounds"
    assert state["executions"] == 2  # the budget holds
    v = _verdict(state)
    assert not v["accept"] and v["blame"] == "interconnect"  # the change's owner
    assert "the user's number 1" in v["feedback"]
    assert "user's numbers are not met" in v["feedback"]


def test_a_change_with_neither_component_nor_model_says_what_to_give(tmp_path: Path) -> None:
    spec = paper_spec("t", changes=[{"text": "PEs are twice as fast"}])
    with pytest.raises(ChangeError, match=r"Give component:.*--list-components.*--model"):
        generate(
            WorkflowConfig(
                run_dir=tmp_path, spec=spec, sandbox="fake", random_budget_s=ROUTING_RANDOM_S
            )
        )


@pytest.mark.slow
def test_approve_pauses_after_planning_and_resume_takes_the_edited_rule(tmp_path: Path) -> None:
    spec = paper_spec(
        "t", workloads=["ncf"], changes=[{"text": "wide", "component": "drain_width"}]
    )
    config = WorkflowConfig(
        run_dir=tmp_path, spec=spec, sandbox="fake", random_budget_s=ROUTING_RANDOM_S, approve=True
    )
    state = generate(config)
    assert state["status"] == AWAITING
    assert state["approval_request"]["stage"] == "plan"
    assert not (tmp_path / "attempts").exists()  # no code before the plan is approved
    path = tmp_path / "changes" / "1.md"
    rule = parse_rule(path)
    assert rule.component == {"name": "drain_width", "words": 2}
    # a person edits the rule: four words per cycle, and drops the examples worked for two
    text = path.read_text().replace("  words: 2", "  words: 4")
    head, body = text.split("\n---\n", 1)
    doc = yaml.safe_load(head.removeprefix("---\n"))
    doc["examples"], doc["examples_by"] = [], "none"
    path.write_text(f"---\n{yaml.safe_dump(doc, sort_keys=False)}---\n{body}")
    state = resume(config, decision={"approve": True}, approver=lambda r: {"approve": True})
    assert state["status"] == "accepted"
    module = (tmp_path / "attempts" / "storage" / "01" / "module.py").read_text()
    assert "width = 4" in module
    assert read_rules(tmp_path)[0].component == {"name": "drain_width", "words": 4}


PLAN = {
    "spec": {
        "name": "wide-drain",
        "array_rows": 32,
        "array_cols": 32,
        "dataflow": "os",
        "ifmap_sram_kib": 64,
        "filter_sram_kib": 64,
        "ofmap_sram_kib": 64,
        "workloads": ["ncf"],
    },
    # sentence 3 is placed nowhere: it must land in changes, never be dropped
    "placements": [
        {"sentence": 1, "fields": ["array_rows", "array_cols", "dataflow"]},
        {"sentence": 2, "fields": ["ifmap_sram_kib", "filter_sram_kib", "ofmap_sram_kib"]},
        {"sentence": 4, "fields": ["workloads"]},
    ],
}
DRAFT = {
    "parts": [
        {
            "module": "storage",
            "columns": ["timing", "ofmap_dram_writes"],
            "rule": DRAIN_RULE,
            "examples": EXAMPLES,
        }
    ]
}
DESCRIPTION = (
    "A 32x32 output-stationary systolic array. Its SRAMs hold 64 kB each. The ofmap SRAM "
    "drains two words per cycle to DRAM. We run the ncf recommendation network."
)


def _json(doc: Any) -> str:
    return f"```json\n{json.dumps(doc)}\n```"


@pytest.mark.slow
def test_words_to_rule_to_module_over_a_loopback_openai_server(tmp_path: Path) -> None:
    """The planner writes the spec, keeps the sentence it could not place as a change, writes
    its rule with worked examples; the coder writes the module; all over real HTTP."""
    from simcoder.agents.models import make_model

    replies = [_json(PLAN), _json(DRAFT), DRAIN2]
    requests: list[dict[str, Any]] = []

    def reply(body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
        requests.append(body)
        return 200, completion(replies.pop(0)), {}

    with openai_server(reply) as url:
        model = make_model("vllm:loopback", url, cache=False)
        config = WorkflowConfig(
            run_dir=tmp_path,
            description=DESCRIPTION,
            model=model,
            sandbox="fake",
            random_budget_s=ROUTING_RANDOM_S,
            endpoint=url,
        )
        state = generate(config)
    assert state["status"] == "accepted"
    assert len(requests) == 3 and not replies
    plan = json.loads((tmp_path / "plan.json").read_text())
    went = {s["sentence"]: s["went"] for s in plan["sentences"]}
    assert went == {1: "spec", 2: "spec", 3: "change 1", 4: "spec"}
    assert plan["changes"][0]["text"] == "The ofmap SRAM drains two words per cycle to DRAM."
    assert plan["changes"][0]["rules"] == ["changes/1.md"]
    rule = parse_rule(tmp_path / "changes" / "1.md")
    assert rule.module == "storage" and rule.examples_by == "planner" and len(rule.examples) == 2
    v = _verdict(state)
    assert v["labels"]["storage"].startswith("accepted on the planner's examples")
    assert "not verified" in v["labels"]["storage"]


def test_a_two_module_change_is_split_into_one_rule_per_module(tmp_path: Path) -> None:
    from simcoder.agents.change.planning import plan_rules

    hop = {
        "module": "interconnect",
        "columns": ["timing"],
        "rule": "hops take two cycles",
        "examples": EXAMPLES,
    }
    draft = {"parts": [DRAFT["parts"][0], hop]}
    spec = paper_spec("t", changes=[{"text": "a slower, wider design"}])
    model = scripted(_json(draft))
    rules, calls = plan_rules(spec, lambda m: model, model)
    assert calls == 1
    assert [(r.number, r.change, r.module) for r in rules] == [
        (1, 1, "storage"),
        (2, 1, "interconnect"),
    ]


def test_a_planner_answer_that_does_not_validate_is_asked_again() -> None:
    from simcoder.agents.change.planning import plan_rules

    bad = {"parts": [{**DRAFT["parts"][0], "examples": EXAMPLES[:1]}]}  # one example only
    model = scripted(_json(bad), _json(DRAFT))
    spec = paper_spec("t", changes=[{"text": "drains two words"}])
    rules, calls = plan_rules(spec, lambda m: model, model)
    assert calls == 2 and len(rules[0].examples) == 2
