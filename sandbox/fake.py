"""The fake backend, for tests of the workflow's routing: NOT a sandbox and NOT isolation.

``FakeSandbox(handler)`` answers every job with ``handler(job)``, the way httpx's
``MockTransport(handler)`` answers every request: no process is started and nothing is kept
between jobs. The tests that use it test what the workflow does with a result (which module is
blamed, which coder runs next, what a timeout or a rejected run leads to); the containment of
candidate code, and the time and memory limits, are tested against the real backends
(tests/sandbox/). Two handlers ship beside it:

- :func:`run_in_process` (the default) runs the in-sandbox runner (``sandbox.runner.main``) in
  the test's own process, in the job directory, and writes and parses its result document
  through the host's own path (``outcome.finish``: schema and nonce), so the workflow sees what
  a real backend returns for the same job. The candidate's code runs with the test's
  interpreter, files and network, and no limit holds: a candidate that loops forever hangs it.
- :func:`returning` scripts a result without running anything, e.g.
  ``FakeSandbox(returning(ExecStatus.TIMEOUT))``; :func:`exited` builds any other.

The fake is selectable by name (``WorkflowConfig(sandbox="fake")``: the default handler), or
handed to the workflow as an object (``WorkflowConfig(sandbox_backend=FakeSandbox(h))``); it is
never chosen by ``auto`` and not offered on the command line.
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from simcoder.sandbox import runner
from simcoder.sandbox.capture import CappedStream
from simcoder.sandbox.jobs import RUNNER
from simcoder.sandbox.outcome import finish
from simcoder.sandbox.types import ExecResult, ExecStatus, Job
from simcoder.simulator.registry import CANDIDATE_PREFIX

WARNING = (
    "the fake sandbox backend is NOT isolation: it answers with a test's handler or runs the "
    "job in this very process with your files and network, for tests of the workflow's "
    "routing only; use docker or bwrap for real code"
)
NAME = "fake"

Handler = Callable[[Job], ExecResult]

# one in-process job at a time: it changes the working directory while it runs
_IN_PROCESS = threading.Lock()


class FakeSandbox:
    """A Sandbox whose every run is ``handler(job)`` (default: :func:`run_in_process`)."""

    name = NAME

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler: Handler = handler if handler is not None else run_in_process

    def run(self, job: Job) -> ExecResult:
        print(f"simcoder: warning: {WARNING}", file=sys.stderr)
        return self.handler(job)


def exited(
    job: Job,
    exit_code: int | None,
    *,
    timed_out: bool = False,
    oom_killed: bool = False,
    stdout: str = "",
    stderr: str = "",
    wall_s: float = 0.0,
) -> ExecResult:
    """The ExecResult a backend returns for a job that ended so, through the host's own
    ``finish`` (status, and the result document in the job directory checked against the
    schema and the job's nonce when one is expected)."""
    return finish(
        NAME,
        job,
        job.directory,
        exit_code=exit_code,
        timed_out=timed_out,
        oom_killed=oom_killed,
        wall_s=wall_s,
        peak_memory_mb=None,
        stdout=_captured(stdout, job),
        stderr=_captured(stderr, job),
        isolated=False,
    )


@dataclass(frozen=True)
class _Ending:
    exit_code: int | None
    timed_out: bool = False
    oom_killed: bool = False


# what a backend saw, for each status a test can script without a result document
_ENDINGS = {
    ExecStatus.TIMEOUT: _Ending(None, timed_out=True),
    ExecStatus.OOM: _Ending(137, oom_killed=True),
    ExecStatus.FAILED: _Ending(1),
    ExecStatus.BAD_RESULT: _Ending(0),  # exited 0 and wrote no result.json
}


def returning(status: ExecStatus, *, stderr: str = "", wall_s: float = 0.0) -> Handler:
    """A handler that runs nothing and answers every job with ``status`` (timeout, oom,
    failed or bad_result), as a backend would report it."""
    if status not in _ENDINGS:
        raise ValueError(
            f"returning() scripts {', '.join(s.value for s in _ENDINGS)}; for {status.value} "
            "use run_in_process or a handler that writes the result document and calls exited()"
        )
    ending = _ENDINGS[status]

    def handler(job: Job) -> ExecResult:
        return exited(
            job,
            ending.exit_code,
            timed_out=ending.timed_out,
            oom_killed=ending.oom_killed,
            stderr=stderr,
            wall_s=wall_s,
        )

    return handler


def run_in_process(job: Job) -> ExecResult:
    """The in-sandbox runner's job run in this process: ``python3 -m simcoder.sandbox.runner
    job.json`` in the job directory (the host's simcoder, of which the job's package is a
    copy), its result document written there and checked by the host like any backend's. No
    limit holds and nothing is isolated; loaded candidate modules and registered workloads are
    dropped afterwards, so no job leaks into the next."""
    if job.command != RUNNER:
        raise ValueError(
            f"the fake's default handler runs only `{' '.join(RUNNER)}` jobs, not "
            f"`{' '.join(job.command)}`; give FakeSandbox a handler for this job"
        )
    started = time.perf_counter()
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        _IN_PROCESS,
        _job_scope(job.directory),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        exit_code = _run_runner(Path(RUNNER[-1]))
    return exited(
        job,
        exit_code,
        stdout=stdout.getvalue(),
        stderr=stderr.getvalue(),
        wall_s=time.perf_counter() - started,
    )


def _run_runner(spec_path: Path) -> int:
    """``runner.main`` in this process (its version check passes: this interpreter is the one
    the host pinned): the exit code the process would have had, a traceback on stderr when
    the runner raises."""
    try:
        return runner.main([str(spec_path)])
    except Exception:
        traceback.print_exc()
        return 1


@contextlib.contextmanager
def _job_scope(directory: Path) -> Iterator[None]:
    """In the job directory (candidate paths in job.json are relative to it, so load errors
    and tracebacks read as a backend's); afterwards, the candidate modules the job loaded and
    the workloads it registered are gone from this process."""
    from simcoder.workloads import builtin

    modules = set(sys.modules)
    workloads = dict(builtin._REGISTERED)
    try:
        with contextlib.chdir(directory):
            yield
    finally:
        for name in set(sys.modules) - modules:
            if name.startswith(CANDIDATE_PREFIX):
                del sys.modules[name]
        builtin._REGISTERED.clear()
        builtin._REGISTERED.update(workloads)


def _captured(text: str, job: Job) -> CappedStream:
    """``text`` as a backend would have captured it (head and tail kept)."""
    stream = CappedStream(job.limits.output_bytes)
    stream.feed(text.encode())
    return stream
