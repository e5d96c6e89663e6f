"""A state database of another version is derived again from the block log, never read as it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from stoa.chain.node import Node
from stoa.chain.state import STATE_VERSION, discard_outdated

from .conftest import DevChain


def test_an_outdated_state_is_replayed_from_the_log(chain: DevChain, tmp_path: Path) -> None:
    chain.create_account("alice")
    chain.node.produce_block()
    head, digest = chain.state.dgp().head_block_number, chain.state.digest()
    chain.node.stop()
    data_dir = tmp_path / "net"
    path = data_dir / "state.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {STATE_VERSION - 1}")
    db.execute("UPDATE accounts SET balance = balance + 1 WHERE name = 'alice'")  # what replay must not keep
    db.commit()
    db.close()

    node = Node(data_dir, block_mode="manual")
    try:
        assert node.state.dgp().head_block_number == head
        assert node.state.digest() == digest
    finally:
        node.stop()


def test_a_current_or_chainless_database_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    assert not discard_outdated(path)  # none yet
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE index_meta (key TEXT)")  # the index's tables may come first
    db.commit()
    db.close()
    assert not discard_outdated(path)
    assert path.exists()
