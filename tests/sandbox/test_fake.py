"""The fake backend (sandbox/fake.py) the workflow's routing tests use: not isolation, and says
so; it runs the job for real, replays an identical job's result under the new nonce, and runs
anything else (a changed file, a failure, a timeout) again."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcoder.sandbox.fake import WARNING, FakeSandbox
from simcoder.sandbox.jobs import prepare_job
from simcoder.sandbox.registry import get_sandbox
from simcoder.sandbox.types import ExecStatus, Job, Limits

GOOD = "from simcoder.simulator.mapping.reference import ReferenceMapping as Module\n"


def _job(directory: Path, source: str, tmp_path: Path, timeout_s: float = 120) -> Job:
    candidate = tmp_path / f"cand-{abs(hash(source))}.py"
    candidate.write_text(source)
    return prepare_job(
        directory,
        {"mapping": f"{candidate}:Module"},
        checks=False,  # no checks, no workloads: only the candidate's import runs
        limits=Limits(timeout_s=timeout_s),
    )


def test_the_fake_is_chosen_by_name_only_and_says_it_is_not_isolation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = get_sandbox("fake")
    assert isinstance(box, FakeSandbox)
    result = box.run(_job(tmp_path / "a", GOOD, tmp_path))
    assert result.backend == "fake" and result.isolated is False
    assert f"warning: {WARNING}" in capsys.readouterr().err
    assert "NOT isolation" in WARNING


def test_an_identical_job_is_replayed_under_its_own_nonce_and_a_changed_one_runs(
    tmp_path: Path,
) -> None:
    box = FakeSandbox()
    source = GOOD + "# replay test\n"  # results are kept per process: a job no other test ran
    first_job = _job(tmp_path / "a", source, tmp_path)
    first = box.run(first_job)
    assert first.status is ExecStatus.OK and first.result is not None
    assert first.result.nonce == first_job.nonce and first.wall_s > 0

    again_job = _job(tmp_path / "b", source, tmp_path)
    assert again_job.nonce != first_job.nonce
    again = box.run(again_job)
    assert again.status is ExecStatus.OK and again.result is not None
    assert again.wall_s == 0.0  # replayed, not run
    assert again.result.nonce == again_job.nonce  # the host's nonce check passed
    assert again.result.model_copy(update={"nonce": first.result.nonce}) == first.result

    changed = box.run(_job(tmp_path / "c", source + "# another file\n", tmp_path))
    assert changed.status is ExecStatus.OK and changed.wall_s > 0  # ran


def test_a_failure_or_timeout_is_reported_and_never_replayed(tmp_path: Path) -> None:
    box = FakeSandbox()
    loops = GOOD + "while True:\n    pass\n"
    for name in ("a", "b"):
        result = box.run(_job(tmp_path / name, loops, tmp_path, timeout_s=2))
        assert result.status is ExecStatus.TIMEOUT and result.wall_s >= 2, name
