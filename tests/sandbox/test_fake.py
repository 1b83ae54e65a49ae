"""The fake backend (sandbox/fake.py) the workflow's routing tests use: ``FakeSandbox(handler)``
answers with the handler and starts no process; its default handler runs the runner in this
process and returns exactly what the host's own path (schema, nonce) makes of it; a scripted
result is one line; nothing is kept from one job to the next; and it says it is not isolation."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simcoder.sandbox.fake import WARNING, FakeSandbox, exited, returning, run_in_process
from simcoder.sandbox.jobs import prepare_job
from simcoder.sandbox.registry import CHOICES, get_sandbox
from simcoder.sandbox.result import ResultDoc
from simcoder.sandbox.types import RESULT_FILE, ExecResult, ExecStatus, Job, Limits

GOOD = "from simcoder.simulator.mapping.reference import ReferenceMapping as Module\n"
# what a process start looks like to Python's audit hooks
STARTS = ("subprocess.Popen", "os.posix_spawn", "os.fork", "os.forkpty", "os.exec", "os.system")
_STARTED: list[str] | None = None  # recording while a test watches


def _audit(event: str, args: object) -> None:
    if _STARTED is not None and event in STARTS:
        _STARTED.append(event)


sys.addaudithook(_audit)  # hooks cannot be removed; this one records only while watched


@pytest.fixture
def started() -> Iterator[list[str]]:
    """The processes started while the test runs."""
    global _STARTED
    _STARTED = []
    try:
        yield _STARTED
    finally:
        _STARTED = None


def _job(directory: Path, source: str, attr: str = "Module") -> Job:
    candidate = directory.parent / f"{directory.name}-candidate.py"
    candidate.write_text(source)
    return prepare_job(
        directory,
        {"mapping": f"{candidate}:{attr}"},
        checks=False,  # no checks, no workloads: only the candidate's import runs
        limits=Limits(timeout_s=120),
    )


def test_the_fake_is_chosen_by_name_only_and_says_it_is_not_isolation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "fake" not in CHOICES  # never offered, never chosen by auto
    box = get_sandbox("fake")
    assert isinstance(box, FakeSandbox) and box.handler is run_in_process
    result = box.run(_job(tmp_path / "a", GOOD))
    assert result.backend == "fake" and result.isolated is False
    assert f"warning: {WARNING}" in capsys.readouterr().err
    assert "NOT isolation" in WARNING


def test_a_fake_answers_with_its_handler_and_starts_nothing(
    tmp_path: Path, started: list[str]
) -> None:
    seen: list[Job] = []
    answer = exited(_job(tmp_path / "a", GOOD), 1, stderr="boom")

    def handler(job: Job) -> ExecResult:
        seen.append(job)
        return answer

    job = _job(tmp_path / "b", GOOD)
    assert FakeSandbox(handler).run(job) is answer and seen == [job]
    assert FakeSandbox().run(job).status is ExecStatus.OK  # the default handler: in process
    assert started == []


def test_the_default_handler_returns_what_the_host_makes_of_the_runners_document(
    tmp_path: Path,
) -> None:
    job = _job(tmp_path / "a", GOOD)
    result = run_in_process(job)
    assert result.status is ExecStatus.OK and result.result is not None
    assert result.result.nonce == job.nonce  # the host's nonce check passed
    assert result.result.modules["mapping"].spec == "candidate/mapping.py:Module"
    text = (job.directory / RESULT_FILE).read_text()  # the runner's own document
    assert result.result == ResultDoc.model_validate_json(text)
    written = json.loads(text)
    # a document the job did not write for this nonce is refused by the same path
    (job.directory / RESULT_FILE).write_text(json.dumps({**written, "nonce": "forged"}))
    forged = exited(job, 0)
    assert forged.status is ExecStatus.BAD_RESULT and "wrong nonce" in str(forged.result_error)


def test_import_and_interface_failures_read_as_the_runners(tmp_path: Path) -> None:
    raises = run_in_process(_job(tmp_path / "a", "raise ValueError('at import')\n"))
    missing = run_in_process(_job(tmp_path / "b", GOOD, attr="Nope"))
    assert raises.result is not None and missing.result is not None
    imported = raises.result.modules["mapping"]
    assert imported.failure == "import" and imported.error == "ValueError: at import"
    assert imported.traceback is not None and "candidate/mapping.py" in imported.traceback
    interface = missing.result.modules["mapping"]
    assert interface.failure == "interface"
    assert interface.error == "ModuleLoadError: candidate/mapping.py has no attribute 'Nope'"


def test_nothing_is_kept_from_one_job_to_the_next(tmp_path: Path) -> None:
    from simcoder.workloads import builtin

    modules, cwd, workloads = set(sys.modules), Path.cwd(), dict(builtin._REGISTERED)
    job = _job(tmp_path / "a", GOOD)
    spec = json.loads((job.directory / "job.json").read_text())
    layer = {"ifmap_h": 4, "ifmap_w": 4, "filter_h": 1, "filter_w": 1, "channels": 4}
    layers = [{"name": "1", **layer, "num_filters": 4}]
    (job.directory / "job.json").write_text(json.dumps({**spec, "layers": {"mine": layers}}))
    first, again = run_in_process(job), run_in_process(job)
    assert first.status is again.status is ExecStatus.OK and again.wall_s > 0  # ran twice
    assert Path.cwd() == cwd and os.getcwd() == str(cwd)
    assert not {m for m in set(sys.modules) - modules if m.startswith("_simcoder_candidate_")}
    assert workloads == builtin._REGISTERED


def test_a_runner_that_raises_is_a_failed_run_with_its_traceback(tmp_path: Path) -> None:
    job = _job(tmp_path / "a", GOOD)
    (job.directory / "job.json").write_text("{}")  # no nonce: the runner's reader raises
    result = run_in_process(job)
    assert result.status is ExecStatus.FAILED and result.exit_code == 1
    assert "JobSpecError: job.json: 'nonce' must be a string" in result.stderr
    assert result.result is None


@pytest.mark.parametrize(
    ("status", "exit_code", "why"),
    [
        (ExecStatus.TIMEOUT, None, None),
        (ExecStatus.OOM, 137, None),
        (ExecStatus.FAILED, 1, None),
        (ExecStatus.BAD_RESULT, 0, "no result.json was written"),
    ],
)
def test_a_scripted_result_is_one_line_and_runs_nothing(
    tmp_path: Path, started: list[str], status: ExecStatus, exit_code: int | None, why: str | None
) -> None:
    result = FakeSandbox(returning(status, stderr="said")).run(_job(tmp_path / "a", GOOD))
    assert (result.status, result.exit_code, result.result_error) == (status, exit_code, why)
    assert result.stderr == "said" and result.result is None and result.isolated is False
    assert result.timed_out is (status is ExecStatus.TIMEOUT)
    assert result.oom_killed is (status is ExecStatus.OOM)
    assert started == []


def test_what_cannot_be_scripted_or_run_in_process_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use run_in_process or a handler"):
        returning(ExecStatus.OK)
    job = Job(tmp_path, ("python3", "-c", "print(1)"))
    with pytest.raises(ValueError, match="give FakeSandbox a handler for this job"):
        run_in_process(job)
