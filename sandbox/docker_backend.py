"""The docker backend (docker SDK): no network, read-only root, a small writable tmpfs, the job
copied in and out through the API into a volume, a non-root user, all capabilities dropped,
no-new-privileges, memory/CPU/pids limits, a timeout that kills, logs read before removal, and
no container or volume left behind after any outcome."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import tarfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from simcoder.sandbox import image
from simcoder.sandbox.capture import CappedStream
from simcoder.sandbox.outcome import finish
from simcoder.sandbox.types import ExecResult, Job, SandboxUnavailable

JOB_UID = 1000
LABEL = "simcoder.sandbox"
OWNER = "simcoder.owner"  # host:pid of the process that made it


def sweep_stale(client: Any) -> None:
    """Remove containers and volumes left by a host process that was killed mid-run."""
    here = socket.gethostname()

    def stale(labels: dict[str, str]) -> bool:
        host, _, pid = labels.get(OWNER, "").rpartition(":")
        if host != here or not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    # sparse: no per-container inspect, which races with other runs removing their containers
    for c in client.containers.list(all=True, filters={"label": LABEL}, sparse=True):
        if stale(c.attrs.get("Labels") or {}):
            with contextlib.suppress(Exception):
                c.remove(force=True)
    for v in client.volumes.list(filters={"label": LABEL}):
        if stale(v.attrs.get("Labels") or {}):
            with contextlib.suppress(Exception):
                v.remove(force=True)


def _client() -> Any:
    import docker

    return docker.from_env(timeout=30)


def available() -> str | None:
    """None when the engine answers and the image exists, else why not and what to do."""
    try:
        client = _client()
        client.ping()
    except Exception as exc:
        return f"the Docker engine does not answer ({type(exc).__name__}); start it"
    if not image.exists(client):
        return f"image {image.tag()} is missing; run `simcoder sandbox build`"
    return None


def _tar_dir(directory: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in sorted(directory.rglob("*")):
            if path.relative_to(directory).parts[0] == "out":  # outputs of an earlier run
                continue
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(directory)))
            info.uid = info.gid = JOB_UID
            info.uname = info.gname = ""
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def _extract(stream: Any, dest: Path, max_bytes: int) -> None:
    """Untar the job directory copied out of the container, refusing anything outside dest."""
    data = io.BytesIO()
    for chunk in stream:
        data.write(chunk)
        if data.tell() > max_bytes:
            raise SandboxUnavailable("the job's output is larger than its file limit")
    data.seek(0)
    with tarfile.open(fileobj=data) as tar:
        tar.extractall(dest, filter="data")


class DockerSandbox:
    name = "docker"

    def __init__(
        self,
        network: str = "none",
        extra_volumes: dict[str, dict[str, str]] | None = None,
        read_only: bool = True,
    ) -> None:
        """``network``, ``extra_volumes`` and ``read_only=False`` each lift one restriction:
        the containment tests use them as positive controls."""
        self.network = network
        self.extra_volumes = extra_volumes or {}
        self.read_only = read_only

    def run(self, job: Job) -> ExecResult:
        client = _client()
        limits = job.limits
        sweep_stale(client)
        name = f"simcoder-job-{uuid.uuid4().hex[:12]}"
        labels = {LABEL: "1", OWNER: f"{socket.gethostname()}:{os.getpid()}"}
        volume = client.volumes.create(name=name, labels=labels)
        container = None
        start = time.perf_counter()
        try:
            env = {
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": "/job",
                "LANG": "C.UTF-8",
                "PYTHONDONTWRITEBYTECODE": "1",
                **dict(job.env),
            }
            paths = [f"/job/{p}" for p in env.get("PYTHONPATH", "").split(":") if p]
            env["PYTHONPATH"] = ":".join([*paths, image.SITE_IN_IMAGE])
            container = client.containers.create(
                image.tag(),
                list(job.command),
                name=name,
                labels=labels,
                working_dir="/job",
                user=f"{JOB_UID}:{JOB_UID}",
                environment=env,
                network_mode=self.network,
                read_only=self.read_only,
                tmpfs={"/tmp": "size=64m,mode=1777"},
                volumes={name: {"bind": "/job", "mode": "rw"}, **self.extra_volumes},
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                mem_limit=f"{limits.memory_mb}m",
                memswap_limit=f"{limits.memory_mb}m",
                nano_cpus=int(limits.cpus * 1e9),
                pids_limit=limits.pids,
                ulimits=[_ulimit("fsize", limits.file_bytes), _ulimit("core", 0)],
                log_config={
                    "type": "json-file",
                    "config": {"max-size": str(limits.output_bytes * 4)},
                },
            )
            container.put_archive("/job", _tar_dir(job.directory))
            peak = _PeakMemory(container)
            container.start()
            timed_out = False
            try:
                state = container.wait(timeout=limits.timeout_s)
                code = int(state.get("StatusCode", -1))
            except Exception:  # requests' ReadTimeout: the time limit passed
                timed_out = True
                with contextlib.suppress(Exception):
                    container.kill()
                container.wait(timeout=30)
                code = None
            peak.stop()
            wall = time.perf_counter() - start
            container.reload()
            oom = bool(container.attrs["State"].get("OOMKilled"))
            out, err = CappedStream(limits.output_bytes), CappedStream(limits.output_bytes)
            out.feed(container.logs(stdout=True, stderr=False))
            err.feed(container.logs(stdout=False, stderr=True))
            dest = job.directory / "out"
            if dest.exists():
                import shutil

                shutil.rmtree(dest)
            dest.mkdir()
            stream, _ = container.get_archive("/job/.")
            _extract(stream, dest, limits.file_bytes * 4)
            return finish(
                self.name,
                job,
                dest,
                exit_code=code,
                timed_out=timed_out,
                oom_killed=oom or (code == 137 and not timed_out),
                wall_s=wall,
                peak_memory_mb=peak.mb,
                stdout=out,
                stderr=err,
            )
        finally:
            if container is not None:
                with contextlib.suppress(Exception):
                    container.remove(force=True)
            with contextlib.suppress(Exception):
                volume.remove(force=True)


def _ulimit(name: str, value: int) -> Any:
    import docker

    return docker.types.Ulimit(name=name, soft=value, hard=value)


class _PeakMemory:
    """Polls the container's memory use while it runs (the cgroup is gone once it exits)."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                stats = self.container.stats(stream=False)
                mem = stats.get("memory_stats", {})
                self.bytes = max(self.bytes, int(mem.get("max_usage", 0) or mem.get("usage", 0)))
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def mb(self) -> float | None:
        return self.bytes / 2**20 if self.bytes else None
