"""Where a test run's seconds go: every test's setup, call and teardown summed by group (its
marker kind, quick/slow/docker, and its folder under tests/; the critic study on its own).

conftest.py imports the two hooks, so any run of more than a minute ends with the table, and
``SIMCODER_TEST_TIMINGS=FILE`` also writes it as tab-separated lines (``.ci/run`` prints it
in its timing table). Tests run one at a time, so the groups add up to the run's wall time
less collection. Unmarked tests that took more than QUICK_S are listed under the table: they
slow the quick loop (``-m "not slow and not docker"``) and want the ``slow`` marker or a
cheaper case."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest

_SECONDS: Counter[str] = Counter()
_TESTS: Counter[str] = Counter()
_LONG_QUICK: dict[str, float] = {}  # unmarked tests over QUICK_S: candidates for @slow
SHOWN_AFTER_S = 60.0  # a run shorter than this ends without the table
QUICK_S = 4.0  # "slow: takes more than a few seconds" (pyproject's marker)


def group(nodeid: str, keywords: Mapping[str, object]) -> str:
    """``"slow  graph"``: the marker kind (docker before slow) and the first folder below
    tests/ (``top`` for the files directly in it); the critic study is a group of its own."""
    kind = "docker" if "docker" in keywords else "slow" if "slow" in keywords else "quick"
    parts = Path(nodeid.split("::", 1)[0]).parts
    where = parts[1] if len(parts) > 2 else "top"
    if "test_critic_study" in nodeid:
        where = "critic study"
    return f"{kind}\t{where}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    key = group(report.nodeid, report.keywords)
    _SECONDS[key] += report.duration
    if report.when == "call" or (report.when == "setup" and report.skipped):
        _TESTS[key] += 1
    if key.startswith("quick") and report.duration > QUICK_S:
        _LONG_QUICK[f"{report.nodeid} ({report.when})"] = report.duration


def rows() -> list[tuple[str, int, float]]:
    """(group, tests, seconds), slowest first."""
    return sorted(((k, _TESTS[k], s) for k, s in _SECONDS.items()), key=lambda r: -r[2])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    table = rows()
    total = sum(s for _, _, s in table)
    path = os.environ.get("SIMCODER_TEST_TIMINGS")
    if path:
        Path(path).write_text("".join(f"{k}\t{n}\t{s:.0f}\n" for k, n, s in table))
    if total < SHOWN_AFTER_S:
        return
    terminalreporter.section("seconds by group")
    for key, n, seconds in table:
        kind, where = key.split("\t")
        terminalreporter.write_line(f"{seconds:8.1f} s {n:6d} tests  {kind:6} {where}")
    terminalreporter.write_line(f"{total:8.1f} s {sum(n for _, n, _ in table):6d} tests  in all")
    for name, seconds in sorted(_LONG_QUICK.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"unmarked but over {QUICK_S:.0f} s: {seconds:.1f} s {name}")
