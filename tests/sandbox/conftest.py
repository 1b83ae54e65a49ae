from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from simcoder.sandbox import bwrap
from simcoder.sandbox.types import Sandbox


def _docker_client() -> Any:
    import docker

    try:
        client = docker.from_env(timeout=60)
        client.ping()
        return client
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the Docker engine does not answer in CI: {exc}")
        pytest.skip(f"the Docker engine does not answer: {exc}")


@pytest.fixture(scope="session")
def docker_client() -> Any:
    from simcoder.sandbox import image

    client = _docker_client()
    if not image.exists(client):
        image.build("auto", log=lambda m: None)
    return client


@pytest.fixture(scope="session")
def bwrap_ready() -> None:
    problem = bwrap.available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"bwrap must run in CI: {problem}")
        pytest.skip(problem)


def _leftovers(name: str, request: pytest.FixtureRequest) -> set[str]:
    """What this process's sandbox runs could have left behind (others may run beside us)."""
    if name == "docker":
        client = request.getfixturevalue("docker_client")
        mine = f"simcoder.owner={socket.gethostname()}:{os.getpid()}"
        return {c.id for c in client.containers.list(all=True, filters={"label": mine})} | {
            v.id for v in client.volumes.list(filters={"label": mine})
        }
    staging = bwrap.STAGING
    return (
        {p.name for p in staging.iterdir() if p.name.startswith(f"{os.getpid()}-")}
        if staging.exists()
        else set()
    )


@pytest.fixture(params=["bwrap", pytest.param("docker", marks=pytest.mark.docker)])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "docker":
        request.getfixturevalue("docker_client")
    else:
        request.getfixturevalue("bwrap_ready")
    yield request.param
    assert _leftovers(request.param, request) == set()  # nothing left, whatever happened


def make_sandbox(name: str, **lift: Any) -> Sandbox:
    """The backend with nothing lifted, or with one restriction lifted (a positive control)."""
    if name == "bwrap":
        return bwrap.BwrapSandbox(**lift)
    from simcoder.sandbox.docker_backend import DockerSandbox

    return DockerSandbox(**lift)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]
