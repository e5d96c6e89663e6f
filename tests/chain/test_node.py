"""The node: blocks, the pending session, replay from the block log, determinism."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stoa.chain import state
from stoa.chain.errors import AuthorityError, ChainError
from stoa.chain.node import Node
from stoa.chain.state import block_op_ids
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.operations import Comment, Transfer, Vote

from .conftest import INIT_KEY, DevChain, role_key


def test_dependent_transactions_in_one_block(chain: DevChain) -> None:
    bought = chain.create_account("alice")  # 50.000 STEEM priced at the head the power-up is applied on
    alice = chain.state.account("alice")
    assert alice is not None and alice.balance == 100_000 and alice.vesting_shares == bought
    assert 0 < bought < 50_000 * 1_000_000  # inflation has raised STEEM per VESTS above the genesis price


def test_rejections_leave_state_unchanged(chain: DevChain) -> None:
    chain.create_account("alice")
    before = chain.state.digest()
    with pytest.raises(ChainError, match="not enough"):
        chain.push(Transfer("alice", "initminer", Asset(10**9, "STEEM"), ""), keys=[role_key("alice", "active")])
    with pytest.raises(AuthorityError, match="missing active authority"):
        chain.push(Transfer("alice", "initminer", Asset(1, "STEEM"), ""), keys=[role_key("alice", "posting")])
    with pytest.raises(ChainError, match="does not exist"):
        chain.push(Transfer("alice", "nobody", Asset(1, "STEEM"), ""), keys=[role_key("alice", "active")])
    assert chain.node.pending == []
    assert chain.state.digest() == before
    chain.node.produce_block()
    chain.node.produce_block()
    assert chain.state.account("alice").balance == 100_000


def test_replay_gives_the_same_digest_and_balances(tmp_path: Path, chain: DevChain) -> None:
    chain.create_account("alice")
    chain.apply(Comment("", "news", "alice", "hello", "Hello", "Body", "{}"), keys=[role_key("alice", "posting")])
    chain.apply(Vote("alice", "alice", "hello", 5000), keys=[role_key("alice", "posting")])
    chain.apply(Vote("initminer", "alice", "hello", 10000), keys=[INIT_KEY])
    comment = chain.state.comment("alice", "hello")
    assert comment is not None
    chain.node.generate_blocks_until(comment.cashout_time)  # the payout, then the power-down weeks
    chain.node.generate_blocks(3)
    paid = chain.state.account("alice")
    assert paid is not None and paid.reward_vesting_balance > 0
    digest, head = chain.state.digest(), chain.state.dgp().head_block_number
    data_dir = chain.node.data_dir
    chain.node.stop()
    for _ in range(2):  # two replays, same answer
        for path in data_dir.glob("state.db*"):
            os.remove(path)
        node = Node(data_dir, block_mode="manual")
        assert node.state.dgp().head_block_number == head
        assert node.state.digest() == digest
        assert node.state.account("alice") == paid
        node.stop()
    chain.node = Node(data_dir, block_mode="manual")  # for the fixture's teardown


def test_debug_time_moves_forward(chain: DevChain) -> None:
    start = chain.state.dgp().time
    chain.node.generate_blocks(5)
    assert chain.state.dgp().time == start + 15
    chain.node.generate_blocks_until(start + 7 * 24 * 3600)
    assert chain.state.dgp().time == start + 7 * 24 * 3600
    assert chain.node.next_block_time() > start + 7 * 24 * 3600


def test_expired_transactions_are_rejected(chain: DevChain) -> None:
    tx = chain.sign(
        [Transfer("initminer", "initminer", Asset(1, "STEEM"), "")], [PrivateKey.from_password("x", "active", "z")]
    )
    chain.node.generate_blocks(30)
    with pytest.raises(ChainError, match="expired"):
        chain.node.push_transaction(tx)


def test_operations_are_numbered_within_their_block(chain: DevChain) -> None:
    pending = chain.apply(Transfer("initminer", "initminer", Asset(1, "STEEM"), "one"))
    block = pending.block_num
    ids = [
        row[0] for row in chain.state.db.execute("SELECT id FROM operations WHERE block_num = ? ORDER BY id", (block,))
    ]
    start = block_op_ids(block).start
    assert ids == list(range(start, start + len(ids)))  # the transfer, then the block's virtual operations
    assert len(ids) >= 2


def test_a_block_with_more_operations_than_history_can_number_is_refused(
    chain: DevChain, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = chain.state.dgp().head_block_number
    monkeypatch.setattr(state, "OP_INDEX_BITS", 1)  # room for two operations a block
    chain.push(Transfer("initminer", "initminer", Asset(1, "STEEM"), "one"))
    chain.push(Transfer("initminer", "initminer", Asset(1, "STEEM"), "two"))
    with pytest.raises(RuntimeError, match="more than history can number"):
        chain.node.produce_block()
    assert chain.state.dgp().head_block_number == head
