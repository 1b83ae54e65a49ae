"""No test reaches beyond loopback: pytest-socket (pyproject's addopts) lets a test connect to
127.0.0.1 and localhost, and to unix sockets (the Docker engine's), and refuses the rest."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_socket import SocketConnectBlockedError


def test_a_connection_beyond_loopback_is_refused() -> None:
    blocked = pytest.raises(SocketConnectBlockedError, match=r"192\.0\.2\.1")
    warned = pytest.warns(UserWarning, match=r"192\.0\.2\.1")  # the guard warns, then raises
    with blocked, warned:
        # TEST-NET-1 (RFC 5737): never routed, so without the guard this would time out
        socket.create_connection(("192.0.2.1", 80), timeout=2)


def test_loopback_and_unix_sockets_stay_open(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
