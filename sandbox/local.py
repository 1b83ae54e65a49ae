"""The local backend: a plain subprocess with rlimits. NOT isolation: the job can read and
write what you can and reach the network. Only used when asked for by name."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from simcoder.sandbox.outcome import finish_process
from simcoder.sandbox.process import run_limited
from simcoder.sandbox.types import ExecResult, Job

WARNING = (
    "the local sandbox backend is not isolation: the code runs as you, with your files "
    "and network; use docker or bwrap for code you have not read"
)


class LocalSandbox:
    name = "local"

    def run(self, job: Job) -> ExecResult:
        directory = job.directory.resolve()
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(directory),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            **dict(job.env),
        }
        if "PYTHONPATH" in env:
            env["PYTHONPATH"] = os.pathsep.join(
                str(directory / p) for p in env["PYTHONPATH"].split(os.pathsep)
            )
        o = run_limited(job.command, directory, env, job.limits)
        return finish_process(self.name, job, directory, o, isolated=False)
