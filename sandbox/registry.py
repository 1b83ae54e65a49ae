"""Choose a sandbox backend by name: docker, bwrap, local, or auto (the strongest available).
``fake`` (sandbox/fake.py, not isolation: a FakeSandbox with its default handler, the runner run
in this process) is for the workflow's routing tests and is not offered to users."""

from __future__ import annotations

from simcoder.sandbox.types import Sandbox, SandboxUnavailable

CHOICES = ("auto", "docker", "bwrap", "local")


def get_sandbox(name: str = "auto") -> Sandbox:
    if name == "fake":
        from simcoder.sandbox.fake import FakeSandbox

        return FakeSandbox()
    if name not in CHOICES:
        raise SandboxUnavailable(
            f"unknown sandbox backend {name!r}; choose one of {', '.join(CHOICES)}"
        )
    if name in ("docker", "auto"):
        import simcoder.sandbox.docker_backend as docker_backend

        problem = docker_backend.available()
        if problem is None:
            return docker_backend.DockerSandbox()
        if name == "docker":
            raise SandboxUnavailable(problem)
        docker_problem = problem
    if name in ("bwrap", "auto"):
        import simcoder.sandbox.bwrap as bwrap

        problem = bwrap.available()
        if problem is None:
            return bwrap.BwrapSandbox()
        if name == "bwrap":
            raise SandboxUnavailable(problem)
        raise SandboxUnavailable(
            f"no isolating sandbox here: docker: {docker_problem}; bwrap: {problem}. Start the "
            "Docker engine and run `simcoder sandbox build`, or install bubblewrap, or choose "
            "--sandbox local (no isolation) knowingly"
        )
    from simcoder.sandbox.local import LocalSandbox

    return LocalSandbox()
