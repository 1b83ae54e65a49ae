"""The task suite: its coverage, its references against numbers worked out by hand, and that the
variants really differ from SCALE-Sim."""

from __future__ import annotations

import dataclasses
import itertools
import math
from math import comb
from typing import Any

import pytest

from simcoder.evals import sandbox_runner
from simcoder.evals import tasks as suite
from simcoder.evals.harness import bootstrap_ci, pass_at_k
from simcoder.evals.tasks import (
    BY_ID,
    TASKS,
    TIERS,
    Task,
    cases_json,
    expected,
    hand_expected,
    rule_twin,
    select,
)
from simcoder.simulator.engine import simulate_layer
from simcoder.simulator.errors import ScaleSimFailure
from simcoder.simulator.registry import KINDS


def _quick_storage(tasks: list[Task]) -> list[Any]:
    """Storage tasks run the reference storage on every case (seconds each): the quick loop
    keeps the first storage task, full runs take them all."""
    storage = [t for t in tasks if t.module == "storage"]
    return [pytest.param(t, marks=pytest.mark.slow) if t in storage[1:] else t for t in tasks]


def test_the_suite_covers_modules_dataflows_modes_and_layer_kinds() -> None:
    assert len(TASKS) >= 30 and len(BY_ID) == len(TASKS)
    scalesim = [t for t in TASKS if t.variant is None]
    for module, df in itertools.product(KINDS, ("os", "ws", "is")):
        assert any(t.module == module and t.dataflow == df for t in scalesim)
    for module, df, mode in itertools.product(
        ("interconnect", "storage"), ("os", "ws", "is"), ("CALC", "USER")
    ):
        assert any(t.module == module and t.dataflow == df and t.mode == mode for t in scalesim)
    for df, kind in itertools.product(("os", "ws", "is"), ("conv", "gemm")):
        assert any(
            t.module == "mapping" and t.dataflow == df and t.layers == kind for t in scalesim
        )
    variants = [t for t in TASKS if t.variant]
    assert {t.module for t in variants} == {"mapping", "interconnect", "storage"}
    assert len(variants) >= 10
    assert all(t.hand for t in variants)  # each with numbers worked out by hand
    for t in TASKS:
        assert t.description and t.cases() and t.reference and t.spec()["module"] == t.module
        assert (t.variant is None) == ("differs from SCALE-Sim" not in t.description)
        assert (t.variant is None) == (t.tier is None) == (t.component is None)
        assert t.tier_key in TIERS and (t.tier is None or t.tier in t.tags)
    # every variant comes in both tiers: told the rule, and told only the user's sentence
    rule = [t for t in TASKS if t.tier == "rule"]
    words = [t for t in TASKS if t.tier == "words"]
    assert len(rule) == len(words) == len(variants) // 2
    assert sorted(t.id + "-words" for t in rule) == sorted(t.id for t in words)


# a words task is graded as its rule twin (test_words_twins_are_graded_as_their_rule_twins), so the
# reference's own checks run on the rule tier only
@pytest.mark.parametrize(
    "task", _quick_storage([t for t in TASKS if t.hand and t.tier != "words"]), ids=lambda t: t.id
)
def test_the_reference_gives_the_numbers_worked_out_by_hand(task) -> None:  # type: ignore[no-untyped-def]
    want = expected(task.id)
    for case, fields in hand_expected(task).items():
        for field, value in fields.items():
            assert math.isclose(want[case][field], value, rel_tol=1e-12), (case, field)


@pytest.mark.parametrize(
    "task", _quick_storage([t for t in TASKS if t.tier == "rule"]), ids=lambda t: t.id
)
def test_every_variant_differs_from_scalesim(task) -> None:  # type: ignore[no-untyped-def]
    """SCALE-Sim's own module must fail a variant task on some case (or it is no variant)."""
    from simcoder.evals.tasks import compared

    differs = 0
    for case in task.cases():
        if case.name not in expected(task.id):
            continue
        try:
            scalesim = compared(simulate_layer(case.layer, case.config), task)
        except ScaleSimFailure:
            continue
        differs += scalesim != expected(task.id)[case.name]
    assert differs > 0


@pytest.mark.parametrize(
    "task_id", ["mapping-is-exact-ofmap", "interconnect-ws-hop2", "storage-os-single-buffer"]
)
def test_variant_references_keep_their_invariants(task_id: str) -> None:
    """The in-sandbox runner, in process, on the variant's own reference: no violation."""
    from simcoder.evals.harness import eval_spec

    task = BY_ID[task_id]
    spec = dataclasses.replace(eval_spec(task, task.reference), nonce="x")
    result = sandbox_runner.run(spec)
    rec = result["modules"][task.module]
    assert rec["failure"] is None and rec["error"] is None and rec["violations"] == []
    assert all(w["error"] is None for w in result["workloads"])


def test_select() -> None:
    assert len(select("all")) == len(TASKS)
    assert {t.module for t in select("storage")} == {"storage"}
    assert [t.id for t in select("storage-os-*")] == [
        "storage-os-calc",
        "storage-os-user",
        "storage-os-single-buffer",
        "storage-os-drain2",
        "storage-os-single-buffer-words",
        "storage-os-drain2-words",
    ]
    assert all(t.variant for t in select("variant")) and all(
        t.mode == "USER" for t in select("user")
    )
    # the tiers: variant is both, rule and words one each; the three split the suite
    assert [t.tier for t in select("scalesim")] == [None] * 18
    assert {t.tier for t in select("rule")} == {"rule"} and len(select("rule")) == 13
    assert {t.tier for t in select("words")} == {"words"} and len(select("words")) == 13
    assert select("variant") == select("rule,words")
    assert select("scalesim,rule,words") == select("all")
    assert next(t.id for t in select("storage,words") if t.tier == "words") == (
        "mapping-os-exact-ofmap-words"
    )
    assert len(select("mapping-os-conv,mapping-os-conv,mapping")) == len(select("mapping"))
    with pytest.raises(ValueError, match="matches no task"):
        select("storage,nonsense")
    with pytest.raises(ValueError, match="empty"):
        select(" , ")


def test_pass_at_k_is_the_unbiased_estimator() -> None:
    """Against its definition: the chance that k samples drawn without replacement from n, c of
    them right, include a right one."""
    for n in range(1, 8):
        for c in range(n + 1):
            for k in range(1, n + 1):
                draws = list(itertools.combinations([1] * c + [0] * (n - c), k))
                brute = sum(any(d) for d in draws) / len(draws)
                assert math.isclose(pass_at_k(n, c, k), brute, abs_tol=1e-12)
                assert math.isclose(
                    pass_at_k(n, c, k), 1 - comb(n - c, k) / comb(n, k), abs_tol=1e-12
                )
    with pytest.raises(ValueError, match="at least 5"):
        pass_at_k(3, 1, 5)


def test_bootstrap_interval() -> None:
    assert bootstrap_ci([0.5]) == (0.5, 0.5)
    assert bootstrap_ci([1.0] * 9) == (1.0, 1.0)
    lo, hi = bootstrap_ci([0.0, 1.0] * 10)
    assert 0.2 < lo < 0.5 < hi < 0.8
    assert bootstrap_ci([0.0, 1.0] * 10) == (lo, hi)  # seeded: the same every run


def test_cases_are_unique_per_task() -> None:
    for t in TASKS:
        names = [c.name for c in t.cases()]
        assert len(names) == len(set(names)), t.id
        assert all(dataclasses.is_dataclass(c) for c in t.cases())


# ---------------------------------------------------------------------------------------------
# the "from words" tier


RULES = {  # each rule text of the with-rule tier, and phrases of it no words prompt may contain
    "HOP": ("instead of 1", "X = R + C - 2", "X cycles later", "fold's first cycle", "grows by X"),
    "EXACT_WRITES": ("Schedule.ofmap_sram_writes", "drop the R + C per fold", "R + C per fold"),
    "EXACT_OFMAP": (
        "E = floor((H - R) / s) + 1",
        "F = floor((W - S) / s) + 1",
        "no window runs off the ifmap",
        "MAC count",
    ),
    "SINGLE_BUFFER": (  # (not drain_end, stream order, first drain's start: storage/SPEC.md's)
        "single-buffered. Its size",
        "one line per cycle",
        "ofmap_sram_kib * 1024 words",
        "partial line closes",
        "the buffer is empty again",
    ),
    "DRAIN_WIDTH": (  # (not lines_per_drain: storage/SPEC.md's)
        "ceil(drain / 2)",
        "W = 2 words",
        "instead of the array's column count",
        "its quirks included",
    ),
}
WORDS = [t for t in TASKS if t.tier == "words"]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _prompt(task: Task, strategy: str) -> str:
    from simcoder.agents.coders import LLMCoder

    return "\n".join(
        m
        for _, m in LLMCoder(model=None, strategy=strategy).prompt(
            task.module, task.description, ""
        )
    )


def _rule_texts() -> dict[str, str]:
    """The rules the words tier must not show: the task suite's and the known components'."""
    from simcoder.agents.change.components import COMPONENTS

    out = {name: getattr(suite, name) for name in RULES}
    for name, c in COMPONENTS.items():
        out[f"COMPONENTS[{name}].rule"] = c.rule.format(**{p.name: p.default for p in c.params})
    return out


def test_the_rule_phrases_are_the_rule_tiers() -> None:
    """The phrases really are the rules' and the rule tier's prompt shows them (so the words
    tier's test below cannot pass by checking phrases no prompt would ever contain)."""
    shown: dict[str, set[str]] = {name: set() for name in RULES}
    for t in TASKS:
        if t.tier != "rule":
            continue
        (name,) = [n for n in RULES if getattr(suite, n) == t.variant]
        prompt = _norm(_prompt(t, "zero-shot"))
        shown[name] |= {p for p in RULES[name] if _norm(p) in prompt}
    for name, phrases in RULES.items():
        assert all(p in getattr(suite, name) for p in phrases), name
        assert shown[name] == set(phrases), name


@pytest.mark.parametrize("strategy", ["zero-shot", "icl", "cot", "icl+cot"])
def test_a_words_prompt_has_the_sentence_and_no_rule(strategy: str) -> None:
    """What a words task's coder is told: the user's sentence from agents/change/components.py,
    and no phrase of any rule (the with-rule tier's constants, the known components' rules). Any
    run of five words of a rule that shows in the prompt must come from the sentence or from the
    text every task of the module shares (the system prompt, the contract, the module's SPEC.md)."""
    from simcoder.agents.change.components import COMPONENTS
    from simcoder.agents.prompts import contract, module_spec

    rules = _rule_texts()
    for t in WORDS:
        prompt = _norm(_prompt(t, strategy))
        c = COMPONENTS[t.component or ""]
        sentence = c.words.format(**{p.name: p.default for p in c.params})
        assert t.words == sentence and _norm(sentence) in prompt, t.id
        assert t.variant is not None and _norm(t.variant) not in prompt, t.id
        for name, phrases in RULES.items():
            leaked = [p for p in phrases if _norm(p) in prompt]
            assert not leaked, (t.id, strategy, name, leaked)
        shared = _norm(module_spec(t.module) + contract() + sentence)
        for name, rule in rules.items():
            words = _norm(rule).split()
            grams = {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}
            leaked = sorted(g for g in grams if g in prompt and g not in shared)
            assert not leaked, (t.id, strategy, name, leaked)
        assert t.spec()["variant"] == sentence and t.spec()["tier"] == "words"


def test_words_twins_are_graded_as_their_rule_twins() -> None:
    """Same reference, cases, hand-worked numbers, ignored columns and invariants: only the
    prompt differs. The sentence's parameters are the reference's."""
    from simcoder.agents.change.components import COMPONENTS

    storage = [w for w in WORDS if w.module == "storage"]
    for w in WORDS:
        twin = rule_twin(w)
        assert twin.id == w.id.removesuffix("-words") and twin.tier == "rule"
        assert dataclasses.replace(w, id=twin.id, tier="rule") == twin
        assert (w.reference, w.hand, w.ignore, w.checks) == (
            twin.reference,
            twin.hand,
            twin.ignore,
            twin.checks,
        )
        assert w.cases() == twin.cases() and hand_expected(w) == hand_expected(twin)
        if w not in storage[1:]:  # (a storage reference takes seconds to run on every case)
            assert expected(w.id) is expected(twin.id) and cases_json(w) == cases_json(twin)
        assert w.description != twin.description and w.variant == twin.variant
        assert set(w.tags) - set(twin.tags) == {"words"}
        assert set(twin.tags) - set(w.tags) == {"rule"}
        c = COMPONENTS[w.component or ""]
        assert c.module == w.module and w.reference.endswith(":" + c.cls)
        ref = c.instance(c.resolve({}))  # the component at its defaults is the reference
        target, attr = w.reference.split(":")
        import importlib

        cls = getattr(importlib.import_module(target), attr)
        assert type(ref) is cls
        assert all(getattr(ref, p.attr) == getattr(cls, p.attr) for p in c.params)
    assert rule_twin(BY_ID["mapping-os-conv"]) is BY_ID["mapping-os-conv"]
