"""The index touches no table but its own: while it follows blocks (every handler of the read model,
the notifications and the communities run) and while it rebuilds (then also the recorded operations),
as SQLite's authorizer on the node's connection sees each statement compiled."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stoa.chain.apply import AppliedBlock
from stoa.chain.node import Node
from stoa.chain.state import connect
from stoa.index import communities, ingest, notifications
from stoa.index.schema import INDEX_TABLES
from stoa.protocol import Asset
from stoa.protocol.operations import AccountUpdate, CommentOptions, Operation

from ..chain.conftest import DevChain, indexed_chain, role_key
from .test_communities import LAB, community_op, post
from .test_notifications import play

# What reads or writes a table's rows (the table's name is the authorizer's first argument).
TOUCHING = (sqlite3.SQLITE_READ, sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE)


class Watch:
    """The tables the statements compiled on a watched connection touch, and the operations followed."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.seen: set[type[Operation]] = set()

    def authorize(self, action: int, name: str | None, _column: str | None, _db: str | None, _by: str | None) -> int:
        if action in TOUCHING and name:
            self.tables.add(name)
        return sqlite3.SQLITE_OK

    @contextmanager
    def over(self, db: sqlite3.Connection) -> Iterator[None]:
        """Setting an authorizer expires the connection's prepared statements: each is compiled, so seen, again."""
        db.set_authorizer(self.authorize)
        try:
            yield
        finally:
            db.set_authorizer(None)

    def consumer(self, block: AppliedBlock) -> None:
        """The node's consumer: ingestion, watched."""
        self.seen.update(type(op) for *_, op in block.operations)
        with self.over(block.db):
            ingest.ingest(block)


HANDLER_TABLES = (ingest.HANDLERS, notifications.HANDLERS, communities.HANDLERS)


def handlers_run(seen: set[type[Operation]]) -> set[object]:
    """The handlers of the index's modules that operations of these kinds run."""
    return {table[kind] for table in HANDLER_TABLES for kind in seen if kind in table}


def every_handler(chain: DevChain) -> None:
    """The notifications' scenario, then what it leaves out: communities, options, profiles, payouts."""
    play(chain)
    chain.create_account(LAB)
    community_op(chain, LAB, "setRole", {"community": LAB, "account": "alice", "role": "mod"})
    community_op(chain, "bob", "subscribe", {"community": LAB})
    community_op(chain, "bob", "setRole", {"community": LAB, "account": "initminer", "role": "member"})  # bob: no mod
    post(chain, "bob", "in-lab", ("", LAB))
    community_op(chain, "alice", "pinPost", {"community": LAB, "account": "bob", "permlink": "in-lab"})
    options = CommentOptions("bob", "in-lab", Asset(1_000_000, "SBD"), 10000, True, True)
    chain.apply(options, keys=[role_key("bob", "posting")])
    profile = AccountUpdate("carol", None, None, None, role_key("carol", "memo").public_key, '{"profile":{}}')
    chain.apply(profile, keys=[role_key("carol", "active")])
    chain.node.generate_blocks_until(chain.state.dgp().time + ingest.CASHOUT_SECONDS + 60)  # the payouts


def test_the_index_touches_only_its_own_tables(tmp_path: Path) -> None:
    chain = indexed_chain(tmp_path / "net")
    data_dir, genesis = chain.node.data_dir, chain.node.genesis
    chain.node.stop()
    watch = Watch()
    chain.node = Node(data_dir, block_mode="manual", consumers=[watch.consumer])
    every_handler(chain)
    everything = {handler for table in HANDLER_TABLES for handler in table.values()}
    assert handlers_run(watch.seen) == everything  # the scenario leaves no handler out
    assert watch.tables and watch.tables <= set(INDEX_TABLES), watch.tables - set(INDEX_TABLES)
    chain.node.stop()

    rebuilding = Watch()
    db = connect(data_dir / "state.db")
    with rebuilding.over(db):
        db.execute("BEGIN IMMEDIATE")
        ingest.rebuild(db, genesis)
        db.execute("COMMIT")
    db.close()
    own = {*INDEX_TABLES, "index_meta", "operations", "sqlite_master"}  # it drops and creates its tables
    assert "operations" in rebuilding.tables and rebuilding.tables <= own, rebuilding.tables - own
