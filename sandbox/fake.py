"""The fake backend, for tests of the workflow's routing: NOT a sandbox and NOT isolation.

It runs the job as a plain child process, like the local backend (the job's time limit,
rlimits and output caps; no namespaces, no other uid), as the user running the tests, with
their files and network. The
containment of candidate code is tested against the real backends (tests/sandbox/); the tests
that use this one test what the workflow does with a result: which module is blamed, which
coder runs next, what a timeout or a rejected run leads to.

Identical jobs (the same command, limits, job spec and files, whatever the nonce) are run once
per process and their result replayed under the new job's nonce, so the many workflow tests
that end with the same accepted modules do not each pay for the same checks. The replayed
document still goes through the host's parse (schema and nonce) like any other. Only jobs that
exited 0 with a result are replayed; anything else runs again.

The fake is selectable by name (``WorkflowConfig(sandbox="fake")``), never chosen by ``auto``,
and not offered on the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from simcoder.sandbox import runtime
from simcoder.sandbox.capture import CappedStream
from simcoder.sandbox.outcome import finish, finish_process
from simcoder.sandbox.process import run_limited
from simcoder.sandbox.types import RESULT_FILE, ExecResult, Job

WARNING = (
    "the fake sandbox backend is NOT isolation: a plain child process with your files and "
    "network, for tests of the workflow's routing only; use docker or bwrap for real code"
)


@dataclass(frozen=True)
class _Done:
    document: dict[str, object]  # the result document, as the runner wrote it
    stdout: CappedStream
    stderr: CappedStream


_DONE: dict[str, _Done] = {}
_LOCK = threading.Lock()


def _python() -> tuple[Path, list[str]]:
    """Where ``python3`` comes from, and what goes on its path: Debian's python3 with the
    pinned numpy when they are here (what the real backends run, and faster than most
    virtualenvs' builds), else the host's own interpreter."""
    site = runtime.site_dir()
    if Path(runtime.SANDBOX_PYTHON).exists() and (site / "numpy").is_dir():
        return Path(runtime.SANDBOX_PYTHON).parent, [str(site)]
    return Path(sys.executable).parent, []


def job_digest(job: Job) -> str:
    """What the job would compute: everything in it but the nonce and earlier outputs."""
    h = hashlib.sha256()
    h.update(json.dumps([job.command, job.env, repr(job.limits), job.expect_result]).encode())
    directory = job.directory.resolve()
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if not path.is_file() or rel.parts[0] in ("pkg", "out") or rel.name == RESULT_FILE:
            continue
        data = path.read_bytes()
        if rel.as_posix() == "job.json":
            spec = json.loads(data)
            spec.pop("nonce", None)
            data = json.dumps(spec, sort_keys=True).encode()
        h.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


class FakeSandbox:
    name = "fake"

    def run(self, job: Job) -> ExecResult:
        print(f"simcoder: warning: {WARNING}", file=sys.stderr)
        directory = job.directory.resolve()
        key = job_digest(job) if job.expect_result else None
        with _LOCK:
            done = _DONE.get(key) if key is not None else None
        if done is not None:
            (directory / RESULT_FILE).write_text(json.dumps({**done.document, "nonce": job.nonce}))
            return finish(
                self.name,
                job,
                directory,
                exit_code=0,
                timed_out=False,
                oom_killed=False,
                wall_s=0.0,
                peak_memory_mb=None,
                stdout=done.stdout,
                stderr=done.stderr,
                isolated=False,
            )
        bin_dir, site = _python()
        env = {
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(directory),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            **dict(job.env),
        }
        paths = [str(directory / p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join([*paths, *site])
        o = run_limited(job.command, directory, env, job.limits)
        result = finish_process(self.name, job, directory, o, isolated=False)
        if key is not None and result.result is not None and result.exit_code == 0:
            document = json.loads((directory / RESULT_FILE).read_text())
            with _LOCK:
                _DONE[key] = _Done(document, o.stdout, o.stderr)
        return result
