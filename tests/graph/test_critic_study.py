"""The critic measured on the frozen suite of seeded bugs (tests/critic_suite/), through the
real executor and sandbox: the targets of issue 5 item 7, and the suite's own shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcoder.agents.critic_study import load_suite, make_cases, render_markdown, run_study
from simcoder.agents.spec import MODULES, read_spec

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "critic_suite"


def test_suite_has_ten_bugs_and_a_correct_variant_per_module() -> None:
    suite = load_suite(SUITE)
    for m in MODULES:
        assert sum(e.buggy for e in suite if e.module == m) >= 10, m
        assert any(not e.buggy for e in suite if e.module == m), m
    assert all(e.summary and not e.summary.startswith('"') for e in suite)


def test_cases_are_frozen_by_the_seed_and_mix_buggy_and_clean_modules() -> None:
    suite = load_suite(SUITE)
    a, b = make_cases(suite, 30, 5), make_cases(suite, 30, 5)
    assert [c.name for c in a] == [c.name for c in b]
    combos = [c for c in a if len(c.entries) == 3]
    assert len(combos) == 30
    assert any(len(c.bugged) == 0 for c in combos)  # false-alarm controls
    assert any(len(c.bugged) >= 2 for c in combos)
    assert any(0 < len(c.bugged) < 3 for c in combos)


@pytest.mark.slow
def test_critic_meets_its_targets_on_the_frozen_suite() -> None:
    spec = read_spec(ROOT / "examples" / "paper-os.yaml")
    result = run_study(SUITE, spec, "bwrap", combos=30, jobs=2)
    scores = result["scores"]["overall"]
    print(render_markdown(result))
    assert scores["detection_rate"] >= 0.95, scores["missed"]
    assert scores["blame_accuracy"] >= 0.95, scores["misblamed"]
    assert scores["false_alarms"] == 0, scores["false_alarm_cases"]
    assert result["scores"]["all_three"]["bug_cases"] >= 20
