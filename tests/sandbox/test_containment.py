"""Containment, for real, on bwrap and docker. Every probe has a positive control: the same
probe with that one restriction lifted succeeds, so no test passes because its probe could
never have worked."""

from __future__ import annotations

import os
import socketserver
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simcoder.sandbox.types import ExecStatus, Job, Limits
from tests.sandbox.conftest import make_sandbox

PROBES = {
    "connect": """
        import socket, sys
        try:
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
            print("CONNECTED", s.recv(16).decode())
        except OSError as exc:
            print("BLOCKED", exc); sys.exit(7)
    """,
    "write": """
        import sys
        try:
            open(sys.argv[1], "w").write("pwned")
            print("WROTE")
        except OSError as exc:
            print("BLOCKED", exc); sys.exit(7)
    """,
    "env": """
        import os, sys
        key = os.environ.get("SIMCODER_TEST_API_KEY")
        print("LEAK" if key else "NOTHING"); sys.exit(0 if key else 7)
    """,
    "read": """
        import sys
        try:
            print("LEAK", open(sys.argv[1]).read()); sys.exit(0)
        except OSError as exc:
            print("BLOCKED", exc); sys.exit(7)
    """,
    "alloc": """
        import numpy as np
        a = np.ones(10 * 2**30, dtype=np.uint8)
        print("ALLOCATED", int(a[-1]))
    """,
    "spin": """
        import sys, time
        t = time.time()
        while time.time() - t < float(sys.argv[1]):
            pass
        print("DONE")
    """,
    "fork": """
        import os, sys, time
        n = 0
        kids = []
        for _ in range(100):
            try:
                pid = os.fork()
            except OSError as exc:
                print("REFUSED", exc); break
            if pid == 0:
                time.sleep(3); os._exit(0)
            kids.append(pid); n += 1
        for k in kids:
            os.waitpid(k, 0)
        print("FORKED", n); sys.exit(0 if n == 100 else 7)
    """,
    "print": """
        import sys
        chunk = b"x" * 2**20
        for _ in range(int(sys.argv[1])):
            sys.stdout.buffer.write(chunk)
    """,
}


def probe_job(
    tmp_path: Path, probe: str, *args: str, env: tuple[tuple[str, str], ...] = (), **limits: Any
) -> Job:
    job_dir = tmp_path / "job"
    job_dir.mkdir(exist_ok=True)
    (job_dir / "probe.py").write_text(textwrap.dedent(PROBES[probe]))
    return Job(job_dir, ("python3", "probe.py", *args), Limits(**limits), env=env)


class _Pong(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(b"pong")


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Pong)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def docker_server(docker_client: Any, unique: str) -> Iterator[tuple[str, str]]:
    """A server in another container, on a network of the test's own."""
    from simcoder.sandbox import image

    net = docker_client.networks.create(f"simcoder-test-{unique}", driver="bridge")
    code = (
        "import socketserver\nclass H(socketserver.BaseRequestHandler):\n"
        " def handle(self): self.request.sendall(b'pong')\n"
        "socketserver.TCPServer(('0.0.0.0', 8080), H).serve_forever()\n"
    )
    srv = docker_client.containers.run(
        image.tag(), ["python3", "-c", code], detach=True, name=f"srv-{unique}", network=net.name
    )
    try:
        yield net.name, f"srv-{unique}"
    finally:
        srv.remove(force=True)
        net.remove()


def test_network_is_cut(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "bwrap":
        host, port = request.getfixturevalue("loopback_server")
        lifted = {"share_net": True}
        args = (host, str(port))
    else:
        net, name = request.getfixturevalue("docker_server")
        lifted = {"network": net}
        args = (name, "8080")
    blocked = make_sandbox(backend).run(probe_job(tmp_path, "connect", *args))
    assert blocked.status is ExecStatus.FAILED and "BLOCKED" in blocked.stdout
    control = make_sandbox(backend, **lifted).run(probe_job(tmp_path, "connect", *args))
    assert control.status is ExecStatus.OK and "CONNECTED pong" in control.stdout


def test_cannot_write_outside_the_job(backend: str, tmp_path: Path, unique: str) -> None:
    if backend == "bwrap":
        outside = Path(f"/var/tmp/simcoder-test-{unique}")
        outside.mkdir(mode=0o777)
        os.chmod(outside, 0o777)
        target = str(outside / "pwned.txt")
        lifted: dict[str, Any] = {"extra_rw_binds": [str(outside)]}
    else:
        outside, target = None, "/var/tmp/pwned.txt"  # world-writable on the image
        lifted = {"read_only": False}
    try:
        blocked = make_sandbox(backend).run(probe_job(tmp_path, "write", target))
        assert blocked.status is ExecStatus.FAILED and "BLOCKED" in blocked.stdout
        assert not Path(target).exists()  # the host is unchanged
        control = make_sandbox(backend, **lifted).run(probe_job(tmp_path, "write", target))
        assert control.status is ExecStatus.OK and "WROTE" in control.stdout
    finally:
        if outside is not None:
            for f in outside.iterdir():
                f.unlink()
            outside.rmdir()


def test_host_environment_does_not_leak(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIMCODER_TEST_API_KEY", "sk-test-secret")
    blocked = make_sandbox(backend).run(probe_job(tmp_path, "env"))
    assert blocked.status is ExecStatus.FAILED and "NOTHING" in blocked.stdout
    passed = (("SIMCODER_TEST_API_KEY", os.environ["SIMCODER_TEST_API_KEY"]),)
    control = make_sandbox(backend).run(probe_job(tmp_path, "env", env=passed))
    assert control.status is ExecStatus.OK and "LEAK" in control.stdout


def test_home_directory_is_not_readable(
    backend: str, tmp_path: Path, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a home directory the sandbox uid could read if it were bound: only the binds keep it out
    home = Path(f"/var/tmp/simcoder-test-home-{unique}")
    home.mkdir(mode=0o755)
    monkeypatch.setenv("HOME", str(home))
    secret = Path.home() / ".api-key"
    secret.write_text("api-key-in-home")
    secret.chmod(0o644)
    try:
        blocked = make_sandbox(backend).run(probe_job(tmp_path, "read", str(secret)))
        assert blocked.status is ExecStatus.FAILED and "BLOCKED" in blocked.stdout
        lifted: dict[str, Any] = (
            {"extra_ro_binds": [str(home)]}
            if backend == "bwrap"
            else {"extra_volumes": {str(home): {"bind": str(home), "mode": "ro"}}}
        )
        control = make_sandbox(backend, **lifted).run(probe_job(tmp_path, "read", str(secret)))
        assert control.status is ExecStatus.OK and "api-key-in-home" in control.stdout
    finally:
        secret.unlink()
        home.rmdir()


@pytest.mark.slow
def test_ten_gigabytes_are_refused(backend: str, tmp_path: Path) -> None:
    blocked = make_sandbox(backend).run(probe_job(tmp_path, "alloc", memory_mb=256))
    assert blocked.status is ExecStatus.OOM and blocked.oom_killed
    assert "ALLOCATED" not in blocked.stdout
    control = make_sandbox(backend).run(
        probe_job(tmp_path, "alloc", memory_mb=12_000, timeout_s=120)
    )
    assert control.status is ExecStatus.OK and "ALLOCATED 1" in control.stdout


@pytest.mark.slow  # waits out a time limit (~6 s)
def test_runaway_loop_is_killed(backend: str, tmp_path: Path) -> None:
    blocked = make_sandbox(backend).run(probe_job(tmp_path, "spin", "4", timeout_s=1.5))
    assert blocked.status is ExecStatus.TIMEOUT and blocked.timed_out
    assert blocked.wall_s < 15 and "DONE" not in blocked.stdout
    control = make_sandbox(backend).run(probe_job(tmp_path, "spin", "4", timeout_s=60))
    assert control.status is ExecStatus.OK and "DONE" in control.stdout


@pytest.mark.slow  # a fork storm against the pid limit (~6 s)
def test_process_storm_is_bounded(backend: str, tmp_path: Path) -> None:
    blocked = make_sandbox(backend).run(probe_job(tmp_path, "fork", pids=32))
    assert blocked.status is ExecStatus.FAILED and "REFUSED" in blocked.stdout
    control = make_sandbox(backend).run(probe_job(tmp_path, "fork", pids=512))
    assert control.status is ExecStatus.OK and "FORKED 100" in control.stdout


@pytest.mark.slow
def test_a_gigabyte_of_output_is_capped(backend: str, tmp_path: Path) -> None:
    cap = 64 * 1024
    big = make_sandbox(backend).run(
        probe_job(tmp_path, "print", "1024", output_bytes=cap, timeout_s=300)
    )
    assert big.status is ExecStatus.OK
    assert len(big.stdout) <= cap + 100 and big.stdout.startswith("x")
    if backend == "bwrap":  # every byte was read and counted, few were kept
        assert big.stdout_bytes == 2**30 and "bytes skipped" in big.stdout
    # control: the same probe, 1 MB of it, with the cap above its size, comes back whole
    small = make_sandbox(backend).run(probe_job(tmp_path, "print", "1", output_bytes=4 * 2**20))
    assert small.status is ExecStatus.OK and small.stdout == "x" * 2**20


@pytest.mark.parametrize("forgery", ["not json {", "wrong nonce"])
def test_forged_or_malformed_results_fail_clearly(
    backend: str, tmp_path: Path, forgery: str
) -> None:
    from simcoder.sandbox.jobs import prepare_job

    job = prepare_job(tmp_path / "job", {}, checks=False)
    doc = forgery
    if forgery == "wrong nonce":
        import json

        from simcoder.sandbox.runner import SCHEMA

        doc = json.dumps(
            {
                "schema": SCHEMA,
                "nonce": "0" * 32,
                "python": "3.11.2",
                "numpy": "2.3.5",
                "modules": {},
                "workloads": [],
                "runtime_s": 0.0,
            }
        )
    (job.directory / "forge.py").write_text(f"open('result.json', 'w').write({doc!r})\n")
    forged = Job(
        job.directory,
        ("python3", "forge.py"),
        job.limits,
        expect_result=True,
        env=job.env,
        nonce=job.nonce,
    )
    bad = make_sandbox(backend).run(forged)
    assert bad.status is ExecStatus.BAD_RESULT and bad.result is None
    assert bad.result_error and ("JSON" in bad.result_error or "nonce" in bad.result_error)
    control = make_sandbox(backend).run(job)  # the real runner, same job directory
    assert control.status is ExecStatus.OK, control.stderr
    assert control.result is not None and control.result.nonce == job.nonce
