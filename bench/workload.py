"""A reproducible workload for the chain benchmarks, produced by a real node into a block log.

It holds accounts, posts, and blocks of 70 % votes, 20 % replies and 10 % transfers.

Each voter votes at most once per block and each replier replies at most once per block, so the
3-second rules hold, as they would on a live chain.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import coincurve
from rich.progress import Progress

from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node
from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.protocol import Asset, Authority, PrivateKey, SignedTransaction, reference_block
from stoa.protocol.operations import AccountCreate, Comment, Operation, Transfer, TransferToVesting, Vote

INIT_KEY = PrivateKey.from_wif(DEV_INIT_MINER_WIF)
TX_PER_BLOCK = 500


def key_of(name: str) -> PrivateKey:
    return PrivateKey.from_password(name, "active", "bench")


def sign(node: Node, ops: list[Operation], key: PrivateKey) -> SignedTransaction:
    dgp = node.state.dgp()
    num, prefix = reference_block(dgp.head_block_id)
    return SignedTransaction(num, prefix, dgp.time + 600, tuple(ops)).sign([key], node.chain_id)


def push_all(node: Node, transactions: list[SignedTransaction]) -> None:
    """Push and produce blocks of at most TX_PER_BLOCK transactions."""
    for start in range(0, len(transactions), TX_PER_BLOCK):
        for tx in transactions[start : start + TX_PER_BLOCK]:
            node.push_transaction(tx)
        node.produce_block()


def setup_accounts(node: Node, names: list[str]) -> None:
    fee = Asset(node.genesis.account_creation_fee, "STEEM")
    creates = []
    for name in names:
        auth = Authority.single_key(key_of(name).public_key)
        creates.append(
            sign(
                node,
                [
                    AccountCreate(fee, "initminer", name, auth, auth, auth, key_of(name).public_key, ""),
                    Transfer("initminer", name, Asset(1_000_000, "STEEM"), ""),
                ],
                INIT_KEY,
            )
        )
    push_all(node, creates)
    push_all(node, [sign(node, [TransferToVesting(n, n, Asset(500_000, "STEEM"))], key_of(n)) for n in names])
    push_all(
        node,
        [sign(node, [Comment("", "bench", n, "post", "Post", "A post to vote on", "{}")], key_of(n)) for n in names],
    )


def workload_block(node: Node, names: list[str], round_number: int) -> list[SignedTransaction]:
    """One block's transactions: 350 votes, 100 replies, 50 transfers, by distinct accounts."""
    count = len(names)
    txs = []
    for i in range(350):
        voter, author = names[i], names[(i + round_number + 1) % count]
        txs.append(
            sign(node, [Vote(voter, author, "post", 10000)], key_of(voter))
        )  # a new (voter, post) pair each round
    for i in range(100):
        author = names[350 + i]
        parent = names[(i + round_number) % count]
        txs.append(
            sign(
                node,
                [Comment(parent, "post", author, f"re-{round_number}-{i}", "", f"Reply {round_number}", "{}")],
                key_of(author),
            )
        )
    for i in range(50):
        sender = names[450 + i]
        txs.append(sign(node, [Transfer(sender, names[i], Asset(1, "STEEM"), f"round {round_number}")], key_of(sender)))
    return txs


def build_chain(directory: Path, rounds: int, progress: Progress | None = None) -> tuple[Path, int]:
    """A data directory whose block log holds the setup and then `rounds` workload blocks,
    and the block number where the setup ends."""
    data_dir = directory / "source"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    init_data_dir(data_dir, dev=True)
    node = Node(data_dir, block_mode="manual")
    node.produce_block()
    names = [f"user{i:04d}" for i in range(500)]
    setup_accounts(node, names)
    setup_head = node.state.dgp().head_block_number
    task = progress.add_task("building workload blocks", total=rounds) if progress else None
    for round_number in range(rounds):
        push_all(node, workload_block(node, names, round_number))
        if progress is not None and task is not None:
            progress.advance(task)
    node.stop()
    return data_dir, setup_head


def fresh_copy(source: Path, target: Path) -> Path:
    """The same network with an empty database: genesis, config and the block log, no state."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("state.db*"))
    return target


def raw_recover_rate(samples: int = 3000) -> float:
    """libsecp256k1 public-key recoveries per second through coincurve, on this core, now."""
    key = coincurve.PrivateKey()
    digest = bytes(range(32))
    signature = key.sign_recoverable(digest, hasher=None)
    start = time.perf_counter()
    for _ in range(samples):
        coincurve.PublicKey.from_signature_and_message(signature, digest, hasher=None).format()
    return samples / (time.perf_counter() - start)


def timed(work: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    count = work()
    return count, time.perf_counter() - start
