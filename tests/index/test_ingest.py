"""The index follows the chain's operations, and `rebuild` derives the same index from history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson
import pytest

from stoa.chain.node import Node
from stoa.chain.state import connect
from stoa.index.ingest import genesis_accounts, ingest, prepare, rebuild, tags_of
from stoa.index.schema import INDEX_TABLES
from stoa.protocol.operations import Comment, CustomJson, DeleteComment, Vote

from ..chain.conftest import DevChain, indexed_chain, role_key


@pytest.fixture
def indexed(tmp_path: Path) -> Iterator[DevChain]:
    chain = indexed_chain(tmp_path / "net")
    yield chain
    chain.node.stop()


def post(
    chain: DevChain, author: str, permlink: str, body: str, parent: tuple[str, str] = ("", "news"), tags=()
) -> None:
    metadata = orjson.dumps({"tags": list(tags)}).decode()
    op = Comment(parent[0], parent[1], author, permlink, "Title" if not parent[0] else "", body, metadata)
    chain.apply(op, keys=[role_key(author, "posting")])


def rows(chain: DevChain, sql: str) -> list[tuple]:
    return chain.state.db.execute(sql).fetchall()


def table_rows(db: sqlite3.Connection, table: str) -> list[tuple]:
    """Every row of a table, ordered by all its columns."""
    columns = len(db.execute(f"SELECT * FROM {table} LIMIT 0").description)
    order = ", ".join(str(column) for column in range(1, columns + 1))
    return db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def tables(db: sqlite3.Connection, names: Iterable[str] = INDEX_TABLES) -> dict[str, list[tuple]]:
    return {name: table_rows(db, name) for name in names}


def snapshot(chain: DevChain) -> dict[str, list[tuple]]:
    return tables(chain.state.db)


def follow(who: str, whom: str, what: list[str]) -> CustomJson:
    payload = orjson.dumps(["follow", {"follower": who, "following": whom, "what": what}]).decode()
    return CustomJson((), (who,), "follow", payload)


def test_posts_edits_deletes_follows_and_rebuild(indexed: DevChain) -> None:
    chain = indexed
    for name in ("alice", "bob"):
        chain.create_account(name)
    post(chain, "alice", "hello", "Hello **world** <script>alert(1)</script>", tags=["News", "#stoa", "news"])
    post(chain, "bob", "re-hello", "A reply", parent=("alice", "hello"))
    chain.apply(Vote("bob", "alice", "hello", 10000), keys=[role_key("bob", "posting")])
    chain.apply(follow("bob", "alice", ["blog"]), keys=[role_key("bob", "posting")])
    reblog = orjson.dumps(["reblog", {"account": "bob", "author": "alice", "permlink": "hello"}]).decode()
    chain.apply(CustomJson((), ("bob",), "follow", reblog), keys=[role_key("bob", "posting")])

    html, tags, children = rows(chain, "SELECT body_html, tags, children FROM posts WHERE permlink = 'hello'")[0]
    assert "<strong>world</strong>" in html and "<script" not in html
    assert orjson.loads(tags) == ["news", "stoa"]
    assert children == 1
    assert rows(chain, "SELECT voter, percent, rshares > 0 FROM post_votes") == [("bob", 10000, 1)]
    assert rows(chain, "SELECT follower, following, state FROM follows") == [("bob", "alice", 1)]
    assert rows(chain, "SELECT account, entry_id FROM blog_entries ORDER BY account") == [("alice", 0), ("bob", 0)]

    chain.node.generate_blocks(2)
    post(chain, "alice", "hello", "Edited body", tags=["news"])  # an edit keeps the post, renders again
    assert rows(chain, "SELECT body_html FROM posts WHERE permlink = 'hello'")[0][0] == "<p>Edited body</p>"
    chain.apply(DeleteComment("bob", "re-hello"), keys=[role_key("bob", "posting")])
    assert rows(chain, "SELECT children FROM posts WHERE permlink = 'hello'") == [(0,)]
    chain.apply(follow("bob", "alice", []), keys=[role_key("bob", "posting")])
    assert rows(chain, "SELECT * FROM follows") == []

    live = snapshot(chain)
    data_dir = chain.node.data_dir
    chain.node.stop()
    db = connect(data_dir / "state.db")
    db.execute("BEGIN IMMEDIATE")
    rebuild(db, chain.node.genesis)
    db.execute("COMMIT")
    db.close()
    chain.node = Node(data_dir, block_mode="manual", consumers=[ingest])
    assert snapshot(chain) == live


def test_the_index_knows_the_genesis_accounts_and_the_created_ones(indexed: DevChain) -> None:
    chain = indexed
    genesis = rows(chain, "SELECT name FROM accounts ORDER BY name")  # the chain's, read by this test only
    assert ("initminer",) in genesis and ("steemitboard",) in genesis
    assert sorted(genesis_accounts(chain.node.genesis)) == [name for (name,) in genesis]
    assert rows(chain, "SELECT name FROM known_accounts ORDER BY name") == genesis
    chain.create_account("alice")
    assert rows(chain, "SELECT name FROM known_accounts ORDER BY name") == sorted([*genesis, ("alice",)])


def test_tags_are_lower_case_unique_and_at_most_eight() -> None:
    metadata = orjson.dumps({"tags": ["A", "#b", "a", *[f"t{i}" for i in range(10)], 5]}).decode()
    assert tags_of("Cat", metadata) == ["cat", "a", "b", "t0", "t1", "t2", "t3", "t4"]
    assert tags_of("cat", "not json") == ["cat"]


def test_an_index_of_another_schema_version_is_derived_again(indexed: DevChain) -> None:
    chain = indexed
    chain.create_account("alice")
    post(chain, "alice", "hello", "Hello", tags=["news"])
    live = snapshot(chain)
    data_dir = chain.node.data_dir
    chain.node.stop()
    db = connect(data_dir / "state.db")
    assert not prepare(db, chain.node.genesis)  # current: nothing to do
    db.execute("UPDATE index_meta SET value = 1 WHERE key = 'version'")
    db.execute("DELETE FROM posts")
    assert prepare(db, chain.node.genesis)
    db.close()
    chain.node = Node(data_dir, block_mode="manual", consumers=[ingest])
    assert snapshot(chain) == live
