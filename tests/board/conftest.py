"""A real dev node (`stoa run`, instant blocks) and a real `stoa board` process beside it, both subprocesses;
people act through signed transactions over JSON-RPC, and time moves with debug_node_api."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from stoa.board.rpc import Rpc, broadcast
from stoa.chain.genesis import DEV_BOARD_ACCOUNT
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.operations import AccountCreate, Comment, DeleteComment, Operation, TransferToVesting, Vote
from stoa.protocol.types import format_time, parse_time

from ..integration.conftest import INIT_WIF, STOA, RunningNode, free_port, init_network, start_node, stop_process

BOT = DEV_BOARD_ACCOUNT
DAY = 86_400


def person_key(name: str) -> PrivateKey:
    return PrivateKey.from_password(name, "posting", f"{name}-board-test")


@dataclass
class Chain:
    """The dev node as the test drives it: people sign and broadcast, time moves forward."""

    node: RunningNode
    rpc: Rpc = field(init=False)
    chain_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.rpc = Rpc(self.node.url)
        self.chain_id = bytes.fromhex(self.node.chain_id)

    def push(self, ops: list[Operation], key: PrivateKey) -> None:
        broadcast(self.rpc, self.chain_id, key, ops)

    def create(self, *names: str) -> None:
        init = PrivateKey.from_wif(INIT_WIF)
        fee = Asset(3000, "STEEM")
        for name in names:
            keys = dict.fromkeys(("owner", "active", "posting", "memo"), person_key(name).public_key)
            self.push([AccountCreate.with_keys(fee, "initminer", name, keys.__getitem__)], init)
            self.push([TransferToVesting("initminer", name, Asset(10_000, "STEEM"))], init)

    def post(self, author: str, permlink: str, body: str = "Words.", parent: tuple[str, str] = ("", "news")) -> None:
        op = Comment(parent[0], parent[1], author, permlink, "" if parent[0] else permlink.title(), body, "{}")
        self.push([op], person_key(author))

    def vote(self, voter: str, author: str, permlink: str, weight: int = 10_000, key: PrivateKey | None = None) -> None:
        self.push([Vote(voter, author, permlink, weight)], key or person_key(voter))

    def delete(self, author: str, permlink: str) -> None:
        self.push([DeleteComment(author, permlink)], person_key(author))

    def now(self) -> int:
        return parse_time(self.rpc.call("condenser_api.get_dynamic_global_properties")["time"])

    def head(self) -> int:
        return int(self.rpc.call("condenser_api.get_dynamic_global_properties")["head_block_number"])

    def move_to(self, moment: int) -> None:
        self.rpc.call("debug_node_api.debug_generate_blocks_until", {"head_block_time": format_time(moment)})

    def replies_of_bot(self, author: str, permlink: str) -> list[dict[str, Any]]:
        replies = self.rpc.call("condenser_api.get_content_replies", [author, permlink])
        return [reply for reply in replies if reply["author"] == BOT]

    def bot_comments(self) -> list[dict[str, Any]]:
        """Every comment operation the bot broadcast, oldest first (edits included)."""
        history = self.rpc.call("condenser_api.get_account_history", [BOT, -1, 1000])
        return [e[1]["op"][1] for e in history if e[1]["op"][0] == "comment" and e[1]["op"][1]["author"] == BOT]


@dataclass
class BoardProcess:
    """A `stoa board` subprocess and its web port."""

    data_dir: Path
    node_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return (self.data_dir / "board.log").read_text()

    def start(self, *extra: str) -> BoardProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        out = open(self.data_dir / "board.log", "ab")  # noqa: SIM115 (the process owns it)
        args = ["board", "--node", self.node_url, "--data-dir", str(self.data_dir), "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*STOA, *args, *extra], stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"stoa board exited with {self.process.returncode}: {self.log[-2000:]}")
            try:
                self.status()
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        pytest.fail("stoa board did not answer within 30 s")

    def status(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.url}/api/status", timeout=10).json())

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", timeout=10)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None:
            stop_process(self.process, sig)
        self.process = None

    def settle(self, chain: Chain, timeout: float = 60) -> dict[str, Any]:
        """Wait until the board has read every block and has nothing due (its own replies make blocks too)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            head = chain.head()
            state = self.status()
            if state["cursor"] >= head and state["pending"] == 0 and chain.head() == head:
                return state
            time.sleep(0.1)
        pytest.fail(f"the board did not settle: {self.status()}\n{self.log[-3000:]}")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    data_dir = tmp_path_factory.mktemp("node") / "net"
    running = start_node(data_dir, init_network(data_dir))
    yield Chain(running)
    running.stop()


@pytest.fixture(scope="module")
def board(chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    process = BoardProcess(tmp_path_factory.mktemp("board"), chain.node.url).start()
    yield process
    process.stop()


@pytest.fixture
def new_board(chain: Chain, tmp_path: Path) -> Iterator[Callable[[], BoardProcess]]:
    """Boards for one test (each with its own database), stopped when the test ends however it ends."""
    made: list[BoardProcess] = []

    def make() -> BoardProcess:
        made.append(BoardProcess(tmp_path / f"board{len(made)}", chain.node.url))
        return made[-1]

    yield make
    for board in made:
        board.stop(signal.SIGKILL)


def next_monday(moment: int) -> int:
    """00:00 UTC of the first Monday after `moment` (day 0, 1970-01-01, was a Thursday)."""
    day = moment // DAY + 1
    return (day + (7 - (day + 3) % 7) % 7) * DAY


def body_json(response: httpx.Response) -> Any:
    return orjson.loads(response.content)
