"""`stoa run --board` (what `make run` does): the board starts beside a dev node, follows it, and ends when
the node's process ends, however it ends."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from ..integration.conftest import STOA, free_port, init_network


def port_pair() -> int:
    """A free port whose +5 neighbour (the board's) is free too."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 5))
                return port
            except OSError:
                continue
    pytest.fail("no free pair of ports")


def board_status(port: int) -> dict[str, int] | None:
    try:
        return dict(httpx.get(f"http://127.0.0.1:{port + 5}/api/status", timeout=2).json())
    except httpx.HTTPError:
        return None


def test_run_with_board_starts_it_and_takes_it_down(tmp_path: Path) -> None:
    data_dir = tmp_path / "net"
    init_network(data_dir)
    port = port_pair()
    command = [*STOA, "run", "--data-dir", str(data_dir), "--port", str(port), "--block-mode", "instant", "--board"]
    with open(tmp_path / "run.log", "wb") as log:
        node = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
    try:
        deadline = time.monotonic() + 30
        while board_status(port) is None:
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()[-2000:]
            time.sleep(0.2)
        assert f"Board of Honor: http://127.0.0.1:{port + 5}/" in (tmp_path / "run.log").read_text()
        call = {"jsonrpc": "2.0", "id": 1, "method": "debug_node_api.debug_generate_blocks", "params": {"count": 3}}
        httpx.post(f"http://127.0.0.1:{port}/", json=call, timeout=10).raise_for_status()
        while (state := board_status(port)) is None or state["cursor"] < 3:
            assert time.monotonic() < deadline, state
            time.sleep(0.2)
    finally:
        node.send_signal(signal.SIGKILL)
        node.wait(15)
    deadline = time.monotonic() + 15
    while board_status(port) is not None:
        assert time.monotonic() < deadline, "the board outlived its node"
        time.sleep(0.2)
