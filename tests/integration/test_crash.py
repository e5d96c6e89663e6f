"""Crash safety: SIGKILL under broadcast load, restart, and nothing acknowledged is lost."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import orjson

from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.protocol import Asset, PrivateKey, SignedTransaction, reference_block
from stoa.protocol.operations import Transfer
from stoa.protocol.types import parse_time

from .conftest import STOA, RunningNode, init_network, start_node

KILLS = 5
CLIENTS = 4
INIT_KEY = PrivateKey.from_wif(DEV_INIT_MINER_WIF)


def signed_transfer(node: RunningNode, memo: str) -> dict:
    dgp = node.call("condenser_api.get_dynamic_global_properties")
    num, prefix = reference_block(bytes.fromhex(dgp["head_block_id"]))
    tx = SignedTransaction(
        num, prefix, parse_time(dgp["time"]) + 600, (Transfer("initminer", "null", Asset(1, "STEEM"), memo),)
    )
    return tx.sign([INIT_KEY], bytes.fromhex(node.chain_id)).to_json()


def hammer(node: RunningNode, client: int, acknowledged: list[str], stop: threading.Event) -> None:
    """Broadcast synchronously until the node dies; keep the ids it acknowledged."""
    sequence = 0
    while not stop.is_set():
        sequence += 1
        try:
            tx = signed_transfer(node, f"client {client} tx {sequence} {random.random()}")
            body = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "condenser_api.broadcast_transaction_synchronous",
                "params": [tx],
            }
            answer = httpx.post(node.url, content=orjson.dumps(body), timeout=10).json()
        except (httpx.HTTPError, RuntimeError, ValueError):
            return  # the node is gone
        if "result" in answer and not answer["result"]["expired"]:
            acknowledged.append(answer["result"]["id"])


def digest(data_dir: Path) -> dict:
    done = subprocess.run([*STOA, "state-digest", "--data-dir", str(data_dir)], capture_output=True, check=True)
    return orjson.loads(done.stdout)


def test_sigkill_under_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data_dir = tmp_path / "net"
    chain_id = init_network(data_dir)
    acknowledged: list[str] = []
    rng = random.Random(7)
    for _ in range(KILLS):
        node = start_node(data_dir, chain_id)
        stop = threading.Event()
        clients = [threading.Thread(target=hammer, args=(node, c, acknowledged, stop)) for c in range(CLIENTS)]
        for thread in clients:
            thread.start()
        # let load build (a random number of acknowledgements, however slow the machine), then kill at
        # a random moment after that
        wanted = len(acknowledged) + rng.randint(10, 25)
        deadline = time.monotonic() + 30
        while len(acknowledged) < wanted and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.5))
        node.process.send_signal(signal.SIGKILL)
        node.process.wait()
        stop.set()
        for thread in clients:
            thread.join(15)
    print(f"{len(acknowledged)} transactions acknowledged across {KILLS} kills")
    assert len(acknowledged) >= 10 * KILLS, "the load barely got transactions acknowledged"

    node = start_node(data_dir, chain_id)
    for trx_id in acknowledged:
        assert node.call("condenser_api.get_transaction", [trx_id])["transaction_id"] == trx_id
    node.stop()

    live = digest(data_dir)
    replayed_dir = tmp_path / "replayed"
    shutil.copytree(data_dir, replayed_dir, ignore=shutil.ignore_patterns("state.db*", "node.log"))
    assert digest(replayed_dir) == live
