"""Run one command as a child process: rlimits, a time limit that kills the whole process
group, capped output, and the child's peak memory from wait4. Shared by bwrap and local."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simcoder.sandbox.capture import CappedStream, pump
from simcoder.sandbox.types import Limits


@dataclass(frozen=True)
class ProcessOutcome:
    exit_code: int | None
    timed_out: bool
    wall_s: float
    peak_memory_mb: float
    stdout: CappedStream
    stderr: CappedStream


def rlimit_setter(limits: Limits, uid: int | None) -> Callable[[], None]:
    def apply() -> None:
        mem = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(limits.timeout_s) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        if uid is not None:  # process limits count per real uid and are ignored for root
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.pids, limits.pids))
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)

    return apply


START_RETRIES = 5  # EAGAIN at start: other sandboxes hold the uid's process limit for now


def _popen(cmd: Sequence[str], **kw: Any) -> subprocess.Popen[bytes]:
    """Start the process; when the kernel refuses for now (EAGAIN: the sandbox uid's process
    limit is held by other sandboxes running at the same time), wait and try again."""
    for attempt in range(START_RETRIES):
        try:
            return subprocess.Popen(list(cmd), **kw)
        except BlockingIOError:
            if attempt == START_RETRIES - 1:
                raise
            time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


def run_limited(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], limits: Limits, uid: int | None = None
) -> ProcessOutcome:
    out, err = CappedStream(limits.output_bytes), CappedStream(limits.output_bytes)
    start = time.perf_counter()
    proc = _popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=rlimit_setter(limits, uid),
    )
    assert proc.stdout is not None and proc.stderr is not None
    threads = [pump(proc.stdout, out), pump(proc.stderr, err)]
    timed_out = False
    deadline = start + limits.timeout_s
    status = 0
    usage = None
    polled_kb = 0
    polls = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        polls += 1
        if polls % 5 == 1:  # the process tree's RSS
            polled_kb = max(polled_kb, tree_rss_kb(proc.pid))
        if time.perf_counter() > deadline:
            timed_out = True
            _kill_group(proc.pid)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    _kill_group(proc.pid)  # nothing the job started outlives it
    proc.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
    for t in threads:
        t.join(timeout=5)
    proc.stdout.close()
    proc.stderr.close()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    peak = max(usage.ru_maxrss if usage is not None else 0, polled_kb) / 1024
    return ProcessOutcome(None if timed_out else code, timed_out, wall, peak, out, err)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in kB (unreadable ones count 0).
    wait4 alone misses processes that bwrap starts in their own pid namespace and session."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            pid = int(entry.name)
            parent[pid] = int(stat[stat.rindex(")") + 2 :].split()[1])
            rss[pid] = int(stat[stat.rindex(")") + 2 :].split()[21]) * (
                os.sysconf("SC_PAGE_SIZE") // 1024
            )
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total
