"""Turn what a backend observed into an ExecResult: status, and the checked result document."""

from __future__ import annotations

from pathlib import Path

from simcoder.sandbox.capture import CappedStream
from simcoder.sandbox.process import ProcessOutcome
from simcoder.sandbox.result import parse_result
from simcoder.sandbox.types import RESULT_FILE, ExecResult, ExecStatus, Job

OOM_MARKERS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc")


def finish(
    backend: str,
    job: Job,
    out_dir: Path,
    *,
    exit_code: int | None,
    timed_out: bool,
    oom_killed: bool,
    wall_s: float,
    peak_memory_mb: float | None,
    stdout: CappedStream,
    stderr: CappedStream,
    isolated: bool = True,
) -> ExecResult:
    err_text = stderr.text()
    oom = oom_killed or (
        exit_code not in (0, None) and any(m in err_text[-4000:] for m in OOM_MARKERS)
    )
    result, result_error = None, None
    if timed_out:
        status = ExecStatus.TIMEOUT
    elif oom:
        status = ExecStatus.OOM
    elif exit_code != 0:
        status = ExecStatus.FAILED
    else:
        status = ExecStatus.OK
    if job.expect_result and status is ExecStatus.OK:
        result, result_error = parse_result(out_dir / RESULT_FILE, job.nonce)
        if result_error is not None:
            status = ExecStatus.BAD_RESULT
    return ExecResult(
        backend=backend,
        status=status,
        exit_code=exit_code,
        timed_out=timed_out,
        oom_killed=oom,
        wall_s=wall_s,
        peak_memory_mb=peak_memory_mb,
        stdout=stdout.text(),
        stderr=err_text,
        stdout_bytes=stdout.total,
        stderr_bytes=stderr.total,
        result=result,
        result_error=result_error,
        isolated=isolated,
    )


def finish_process(
    backend: str, job: Job, out_dir: Path, o: ProcessOutcome, *, isolated: bool = True
) -> ExecResult:
    """:func:`finish` for a backend that ran the job as a local process (bwrap, local): no OOM
    killer reports to it, so only the stderr markers can say "out of memory"."""
    return finish(
        backend,
        job,
        out_dir,
        exit_code=o.exit_code,
        timed_out=o.timed_out,
        oom_killed=False,
        wall_s=o.wall_s,
        peak_memory_mb=o.peak_memory_mb,
        stdout=o.stdout,
        stderr=o.stderr,
        isolated=isolated,
    )
