"""A real node: `stoa init --dev` in a temporary directory and `stoa run` on a free port, as a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

STOA = [sys.executable, "-m", "stoa.cli"]  # the installed package, as `stoa` runs it
INIT_WIF = "5JNHfZYKGaomSFvd4NUdQ9qMcEAC43kujbfjueTHpVapX1Kzq2n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningNode:
    """A `stoa run` process and how to reach it."""

    data_dir: Path
    port: int
    process: subprocess.Popen[bytes]
    chain_id: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def call(self, method: str, params: Any = None) -> Any:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": [] if params is None else params}
        answer = httpx.post(self.url, content=orjson.dumps(body), timeout=30).json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["message"])
        return answer["result"]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        stop_process(self.process, sig)


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Send `sig` to a process still running and wait for it; kill it if it lingers."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def init_network(data_dir: Path) -> str:
    done = subprocess.run([*STOA, "init", "--data-dir", str(data_dir), "--dev"], capture_output=True, check=True)
    return str(orjson.loads(done.stdout)["chain_id"])


def start_node(
    data_dir: Path,
    chain_id: str,
    block_mode: str = "instant",
    port: int | None = None,
    extra: tuple[str, ...] = (),
    wait: float = 30,
) -> RunningNode:
    """`stoa run` on `data_dir` (plus `extra` options), once it answers JSON-RPC."""
    port = port or free_port()
    log = open(data_dir / "node.log", "ab")  # noqa: SIM115 (the process owns it)
    process = subprocess.Popen(
        [*STOA, "run", "--data-dir", str(data_dir), "--port", str(port), "--block-mode", block_mode, *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    node = RunningNode(data_dir, port, process, chain_id)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"stoa run exited with {process.returncode}: {(data_dir / 'node.log').read_text()[-2000:]}")
        try:
            node.call("condenser_api.get_dynamic_global_properties")
            return node
        except (httpx.HTTPError, RuntimeError):
            time.sleep(0.1)
    node.stop()
    pytest.fail(f"stoa run did not answer within {wait:.0f} s")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    data_dir = tmp_path_factory.mktemp("node") / "net"
    running = start_node(data_dir, init_network(data_dir))
    yield running
    running.stop()
