"""The sandbox seam: one method, ``Sandbox.run(job) -> ExecResult``."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from simcoder.simulator.errors import SimcoderError

if TYPE_CHECKING:  # pydantic is host-only: this module is imported inside the sandbox too
    from simcoder.sandbox.result import ResultDoc

RESULT_FILE = "result.json"  # what the in-sandbox runner writes, relative to the job directory


class ExecStatus(enum.Enum):
    OK = "ok"  # exited 0 and, if a result was expected, it validated
    FAILED = "failed"  # non-zero exit
    TIMEOUT = "timeout"  # killed at the time limit
    OOM = "oom"  # ran out of its memory limit
    BAD_RESULT = "bad_result"  # exited, but the result document is missing, malformed or forged
    ERROR = "error"  # the sandbox itself could not run the job


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 60.0
    memory_mb: int = 1024
    cpus: float = 1.0
    pids: int = 64
    output_bytes: int = 64 * 1024  # per stream: head and tail kept
    file_bytes: int = 256 * 1024 * 1024  # largest file the job may write


@dataclass(frozen=True)
class Job:
    """A directory (copied into the sandbox as its working directory) and a command to run in
    it. With ``expect_result`` the command must write ``result.json`` there, which is validated
    on the host against the runner's schema."""

    directory: Path
    command: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    expect_result: bool = False
    env: tuple[tuple[str, str], ...] = ()
    nonce: str | None = None  # the result document must carry it (kept out of the sandbox env)


@dataclass(frozen=True)
class ExecResult:
    backend: str
    status: ExecStatus
    exit_code: int | None
    timed_out: bool
    oom_killed: bool
    wall_s: float
    peak_memory_mb: float | None
    stdout: str
    stderr: str
    stdout_bytes: int  # before capping
    stderr_bytes: int
    result: ResultDoc | None = None  # validated on the host (schema and nonce)
    result_error: str | None = None
    isolated: bool = True  # False only for the local backend

    def to_json(self) -> dict[str, Any]:  # JSON at the boundary: exec_result.json
        """The document written as ``executions/<n>/exec_result.json`` and printed by
        ``simcoder sandbox exec``."""
        out = {k: v for k, v in self.__dict__.items()}
        out["status"] = self.status.value
        out["result"] = (
            None if self.result is None else self.result.model_dump(mode="json", by_alias=True)
        )
        return out


@runtime_checkable  # so a config can take a Sandbox object (a test's FakeSandbox) and check it
class Sandbox(Protocol):
    name: str

    def run(self, job: Job) -> ExecResult: ...


class SandboxUnavailable(SimcoderError, RuntimeError):
    """The backend cannot run here; the message says how to get it (or how to choose another)."""
