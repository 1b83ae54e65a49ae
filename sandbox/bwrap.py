"""The bubblewrap backend: new network, pid, ipc, uts and user namespaces, a non-root uid with
rlimits, a cleared environment, and read-only binds of only what Python needs (/usr, the pinned
numpy) plus the job directory, which is staged in a private directory and copied back."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from simcoder.sandbox import runtime
from simcoder.sandbox.outcome import finish_process
from simcoder.sandbox.process import run_limited
from simcoder.sandbox.types import ExecResult, Job, SandboxUnavailable

SANDBOX_UID = 65534  # nobody
STAGING = runtime.STATE_DIR / "jobs"


def available() -> str | None:
    """None when bwrap can run here, else why not."""
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    if not Path(runtime.SANDBOX_PYTHON).exists():
        return f"{runtime.SANDBOX_PYTHON} is missing (apt-get install python3-minimal)"
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_staging() -> None:
    """Remove staging directories left by a host process that was killed mid-run."""
    if not STAGING.is_dir():
        return
    for entry in STAGING.iterdir():
        owner = entry.name.split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            _chown_tree(entry, os.getuid(), os.getgid())
            shutil.rmtree(entry, ignore_errors=True)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def _skip_out(top: Path):  # type: ignore[no-untyped-def]
    """Leave the outputs of an earlier run (``out/``) behind when staging a job."""
    return lambda d, names: ["out"] if Path(d) == top else []


class BwrapSandbox:
    name = "bwrap"

    def __init__(
        self,
        share_net: bool = False,
        extra_ro_binds: Sequence[str] = (),
        extra_rw_binds: Sequence[str] = (),
        uid: int | None = SANDBOX_UID,
    ) -> None:
        """``share_net``, the extra binds and ``uid=None`` (stay root) each lift one
        restriction: the containment tests use them as positive controls."""
        self.share_net = share_net
        self.extra_ro_binds = tuple(extra_ro_binds)
        self.extra_rw_binds = tuple(extra_rw_binds)
        self.uid = uid

    def command(self, job: Job, stage: Path, site: Path) -> list[str]:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/job",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            **dict(job.env),
        }
        paths = [f"/job/{p}" for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join([*paths, "/opt/simcoder-site"])
        cmd = [
            "bwrap",
            "--unshare-user",
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            "--clearenv",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--symlink",
            "usr/bin",
            "/bin",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
            "--ro-bind",
            str(site),
            "/opt/simcoder-site",
            "--bind",
            str(stage),
            "/job",
            "--chdir",
            "/job",
        ]
        if not self.share_net:
            cmd.insert(1, "--unshare-net")
        for path in self.extra_ro_binds:
            cmd += ["--ro-bind", path, path]
        for path in self.extra_rw_binds:
            cmd += ["--bind", path, path]
        for key, value in env.items():
            cmd += ["--setenv", key, value]
        return [*cmd, "--", *job.command]

    def run(self, job: Job) -> ExecResult:
        problem = available()
        if problem:
            raise SandboxUnavailable(problem)
        site = runtime.install_site()
        STAGING.mkdir(parents=True, exist_ok=True)
        os.chmod(STAGING, 0o711)
        sweep_stale_staging()
        with tempfile.TemporaryDirectory(dir=STAGING, prefix=f"{os.getpid()}-") as tmp:
            os.chmod(tmp, 0o711)
            stage = Path(tmp) / "job"
            shutil.copytree(job.directory, stage, symlinks=False, ignore=_skip_out(job.directory))
            if self.uid is not None:
                _chown_tree(stage, self.uid, self.uid)
            try:
                o = run_limited(self.command(job, stage, site), stage, {}, job.limits, self.uid)
                out = job.directory / "out"
                _chown_tree(stage, os.getuid(), os.getgid())
                if out.exists():
                    shutil.rmtree(out)
                shutil.copytree(
                    stage,
                    out,
                    symlinks=True,
                    ignore_dangling_symlinks=True,
                    ignore=shutil.ignore_patterns("pkg"),
                )
                return finish_process(self.name, job, out, o)
            finally:
                _chown_tree(Path(tmp), os.getuid(), os.getgid())
