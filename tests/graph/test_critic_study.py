"""The critic measured on its frozen suites of seeded bugs, through the real executor and sandbox:
the in-sample suite of issue 5 (tests/critic_suite/), the out-of-sample suite of issue 13
(tests/critic_suite_oos/) and the configuration-specific one (tests/critic_suite_cfg/), both
written after the checks were frozen by someone who had not seen them. Each study runs once
(slow; CI runs them); every number it is held to comes from that one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simcoder.agents.spec import MODULES, read_spec
from simcoder.evals.critic_study import load_suite, make_cases, render_markdown, run_study

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "critic.md"

# suite folder -> (published run, three-module cases, least bugs per module, targets held,
# three-module cases re-run in CI): CI re-runs 151 of the 181 published cases (~50 min on two
# cores); the in-sample suite's 30 combinations stay as published, their verdicts unchanged
# since issue 5
SUITES = {
    "critic_suite": ("critic_study.json", 30, 10, True, False),
    "critic_suite_oos": ("critic_study_oos.json", 30, 10, True, True),
    "critic_suite_cfg": ("critic_study_cfg.json", 15, 6, False, True),
}
# the first runs on the out-of-sample suites, kept as published (issue 13, point 5)
FIRST_RUNS = ("critic_study_oos_first.json", "critic_study_oos_untuned.json")


def _published(name: str) -> dict[str, Any]:
    return dict(json.loads((RESULTS / name).read_text()))


@pytest.mark.parametrize("suite", SUITES)
def test_each_suite_has_bugs_and_a_correct_variant_per_module(suite: str) -> None:
    entries = load_suite(ROOT / "tests" / suite)
    least = SUITES[suite][2]
    for m in MODULES:
        assert sum(e.buggy for e in entries if e.module == m) >= least, m
        assert any(not e.buggy for e in entries if e.module == m), m
    assert all(e.summary and not e.summary.startswith('"') for e in entries)


def test_cases_are_frozen_by_the_seed_and_mix_buggy_and_clean_modules() -> None:
    suite = load_suite(ROOT / "tests" / "critic_suite_oos")
    a, b = make_cases(suite, 30, 5), make_cases(suite, 30, 5)
    assert [c.name for c in a] == [c.name for c in b]
    combos = [c for c in a if len(c.entries) == 3]
    assert len(combos) == 30
    assert any(len(c.bugged) == 0 for c in combos)  # false-alarm controls
    assert any(len(c.bugged) >= 2 for c in combos)
    assert any(0 < len(c.bugged) < 3 for c in combos)


@pytest.mark.parametrize("name", [v[0] for v in SUITES.values()] + list(FIRST_RUNS))
def test_the_page_quotes_every_published_run(name: str) -> None:
    """docs/critic.md's tables are the committed results rendered (one source for the numbers
    the slow tests below re-measure)."""
    published = _published(name)
    assert (published["sandbox"], published["seed"]) == ("bwrap", 5)
    assert render_markdown(published) in DOC.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("suite", SUITES)
def test_one_run_of_each_study_gives_the_documented_numbers(suite: str) -> None:
    """The study, once per suite: the same verdict and blame on every case as the published
    run, hence docs/critic.md's tables exactly; the targets of issue 13 on the suites that
    carry them (95% caught, 95% blamed right, no false alarms)."""
    name, combos, _, targets, with_combos = SUITES[suite]
    spec = read_spec(ROOT / "examples" / "paper-os.yaml")
    result = run_study(
        ROOT / "tests" / suite,
        spec,
        "bwrap",
        combos=combos,
        seed=5,
        jobs=2,
        only=None if with_combos else lambda case: len(case.entries) == 1,
    )
    print(render_markdown(result))
    published = _published(name)
    if not with_combos:
        published["outcomes"] = [o for o in published["outcomes"] if len(o["replaced"]) == 1]
        result["scores"]["overall"] = result["scores"]["single"]  # the targets on what ran
    if targets:
        for part in ("single", "all_three", "overall") if with_combos else ("single",):
            scores = result["scores"][part]
            assert scores["detection_rate"] >= 0.95, (part, scores["missed"])
            assert scores["blame_accuracy"] >= 0.95, (part, scores["misblamed"])
            assert scores["false_alarms"] == 0, (part, scores["false_alarm_cases"])

    def verdicts(r: dict[str, Any]) -> list[tuple[str, bool, str | None, list[str]]]:
        return [(o["case"], o["accepted"], o["blame"], list(o["flagged"])) for o in r["outcomes"]]

    assert verdicts(result) == verdicts(published)
    if with_combos:
        assert render_markdown(result) in DOC.read_text()
