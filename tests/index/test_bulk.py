"""The bulk loader writes exactly what ingesting the same operations in blocks writes.

A small network (5 accounts, 20 posts and comments, 50 votes with changes and downvotes, follows with
an ignore and an unfollow, reblogs with the cases ingestion ignores) is built on a real node with the
index, each operation's block time and effective_comment_vote recorded; the same operations go through
`bulk.load` into a fresh index. Every table the loader writes (`bulk.TABLES`: all of the index but the
notification tables, which it leaves empty) must be equal row for row, post ids and timestamps
included: the loader is given the block times, so nothing differs legitimately.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest

from stoa.chain.state import connect
from stoa.index.bulk import TABLES, AccountRow, FollowRow, PostRow, ReblogRow, VoteRow, load
from stoa.index.ingest import genesis_accounts
from stoa.index.schema import INDEX_TABLES, create
from stoa.protocol.operations import Comment, CustomJson, EffectiveCommentVote, Operation, Vote

from ..chain.conftest import DevChain, account, indexed_chain, role_key, virtual_ops
from .test_ingest import tables

NAMES = ("alice", "bob", "carol", "dave", "erin")


@pytest.fixture
def indexed(tmp_path: Path) -> Iterator[DevChain]:
    chain = indexed_chain(tmp_path / "net")
    yield chain
    chain.node.stop()


@dataclass
class Network:
    """Operations applied on the chain, kept as the loader's rows."""

    chain: DevChain
    accounts: list[AccountRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    votes: list[VoteRow] = field(default_factory=list)
    follows: list[FollowRow] = field(default_factory=list)
    reblogs: list[ReblogRow] = field(default_factory=list)

    def block(self, *ops: tuple[str, Operation]) -> None:
        """One block holding these (signer, operation)s, in this order; record what each became."""
        pending = [self.chain.push(op, keys=[role_key(signer, "posting")]) for signer, op in ops]
        self.chain.node.produce_block()
        for item in pending:
            assert item.error is None and item.block_num, item.error
        head = self.chain.state.dgp()
        now, block_num = head.time, head.head_block_number
        effective = {
            (e.voter, e.author, e.permlink): e for e in virtual_ops(self.chain, EffectiveCommentVote, block_num)
        }
        for signer, op in ops:
            if isinstance(op, Comment):
                self.posts.append(
                    PostRow(
                        op.author,
                        op.permlink,
                        op.parent_author,
                        op.parent_permlink,
                        op.title,
                        op.body,
                        op.json_metadata,
                        now,
                    )
                )
            elif isinstance(op, Vote):
                e = effective[(op.voter, op.author, op.permlink)]
                self.votes.append(
                    VoteRow(
                        op.voter, op.author, op.permlink, op.weight, e.rshares, e.weight, e.pending_payout.amount, now
                    )
                )
            elif isinstance(op, CustomJson):
                kind, body = orjson.loads(op.json)
                if kind == "follow":
                    self.follows.append(FollowRow(body["follower"], body["following"], body["what"], now))
                else:
                    self.reblogs.append(ReblogRow(signer, body["author"], body["permlink"], now))


def post(author: str, permlink: str, parent: tuple[str, str] = ("", "news"), tags: tuple[str, ...] = ()) -> Comment:
    body = f"Post {permlink} by @{author}, see [the docs](https://example.com/{permlink}) and #stoa\n\n**bold**"
    metadata = orjson.dumps({"tags": list(tags), "image": [f"https://img.example.com/{permlink}.png"]}).decode()
    return Comment(parent[0], parent[1], author, permlink, "" if parent[0] else f"Title {permlink}", body, metadata)


def custom(signer: str, payload: list[object]) -> tuple[str, Operation]:
    return signer, CustomJson((), (signer,), "follow", orjson.dumps(payload).decode())


def follow(who: str, whom: str, what: list[str]) -> tuple[str, Operation]:
    return custom(who, ["follow", {"follower": who, "following": whom, "what": what}])


def reblog(who: str, author: str, permlink: str) -> tuple[str, Operation]:
    return custom(who, ["reblog", {"account": who, "author": author, "permlink": permlink}])


def build(chain: DevChain) -> Network:
    net = Network(chain)
    for name in NAMES:  # alice's stake is large enough for pending payouts over 0.020 SBD
        chain.create_account(name, vest=40_000_000_000 if name == "alice" else 5_000_000)
        net.accounts.append(AccountRow(name, account(chain, name).created, ""))
    rng = random.Random(5)
    # 10 root posts, two rounds 5 minutes apart (one root post per author per 5 minutes), and 10
    # replies up to depth 3; the second round puts a reblog after a post of the same account in one block.
    net.block(*((name, post(name, f"{name}-1", tags=("Stoa", "#life"))) for name in NAMES))
    net.block(
        *(
            (name, post(name, f"re-{name}-1", parent=(NAMES[i - 1], f"{NAMES[i - 1]}-1")))
            for i, name in enumerate(NAMES)
        )
    )
    net.block(
        ("alice", post("alice", "re-re-1", parent=("bob", "re-bob-1"))),
        ("bob", post("bob", "re-re-2", parent=("alice", "re-alice-1"))),
    )
    net.block(("carol", post("carol", "re-re-re-1", parent=("alice", "re-re-1"))))
    net.block(follow("bob", "alice", ["blog"]), follow("carol", "alice", ["blog"]), follow("dave", "alice", ["ignore"]))
    net.block(follow("erin", "bob", ["blog"]), follow("alice", "bob", ["blog"]), follow("bob", "bob", ["blog"]))
    net.block(reblog("bob", "alice", "alice-1"), reblog("alice", "alice", "alice-1"), reblog("dave", "bob", "re-bob-1"))
    targets = [(p.author, p.permlink) for p in net.posts]
    cast: dict[tuple[str, str, str], int] = {}
    votes = 0
    while votes < 25:
        ops: list[tuple[str, Operation]] = []
        for voter in NAMES:
            author, permlink = rng.choice(targets)
            weight = rng.choice((10000, 10000, 5000, 2500, -5000))
            if cast.get((voter, author, permlink), 0) != weight:
                cast[(voter, author, permlink)] = weight
                ops.append((voter, Vote(voter, author, permlink, weight)))
        net.block(*ops)
        votes += len(ops)
    chain.node.generate_blocks_until(chain.state.dgp().time + 300)
    net.block(
        *((name, post(name, f"{name}-2", tags=("news", "photo"))) for name in NAMES[:4]),
        reblog("dave", "erin", "erin-1"),
    )
    net.block(("erin", post("erin", "erin-2")), reblog("erin", "bob", "bob-2"), reblog("carol", "alice", "alice-1"))
    net.block(*((name, post(name, f"re-{name}-2", parent=(name, f"{name}-2"))) for name in NAMES[1:3]))
    net.block(follow("carol", "alice", []), follow("erin", "bob", ["blog"]), follow("dave", "alice", ["blog"]))
    net.block(reblog("bob", "alice", "alice-1"), reblog("bob", "carol", "carol-2"))
    targets = [(p.author, p.permlink) for p in net.posts]
    while votes < 50:
        ops = []
        for voter in NAMES[: min(5, 50 - votes)]:
            author, permlink = rng.choice(targets)
            weight = rng.choice((10000, 7500, 5000, -10000))
            if cast.get((voter, author, permlink), 0) != weight:
                cast[(voter, author, permlink)] = weight
                ops.append((voter, Vote(voter, author, permlink, weight)))
        net.block(*ops)
        votes += len(ops)
    assert (len(net.accounts), len(net.posts), len(net.votes)) == (5, 20, 50)
    assert len({(v.voter, v.author, v.permlink) for v in net.votes}) < 50  # some votes were changed
    assert len({v.pending_payout for v in net.votes}) > 5
    return net


def snapshot(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return tables(db, TABLES)


def test_bulk_load_equals_ingesting_the_blocks(indexed: DevChain, tmp_path: Path) -> None:
    net = build(indexed)
    live = snapshot(indexed.state.db)
    assert all(live[table] for table in TABLES)
    assert any(row[2] < 0 for row in live["post_votes"])  # downvotes are in
    assert len(live["reblogs"]) == 5 and len(live["follows"]) == 4  # ignored reblogs and follows are not

    genesis = genesis_accounts(indexed.node.genesis)  # what ingestion knew from the start
    whole = connect(tmp_path / "whole.db")
    create(whole, genesis)
    loaded = load(
        whole, accounts=net.accounts, posts=net.posts, votes=net.votes, follows=net.follows, reblogs=net.reblogs
    )
    assert snapshot(whole) == live
    notifications = [table for table in INDEX_TABLES if table not in TABLES]
    assert notifications and all(
        whole.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0 for table in notifications
    )  # not written by the loader
    assert (loaded.posts, loaded.reblogs, loaded.blog_entries) == (20, 5, 15)

    # In two loads split at a moment, with batches of 3: parents, votes' posts and blogs already in the database.
    split = connect(tmp_path / "split.db")
    create(split, genesis)
    middle = net.posts[12].time
    for part in (lambda t: t <= middle, lambda t: t > middle):
        load(
            split,
            accounts=[row for row in net.accounts if part(row.time)],
            posts=[row for row in net.posts if part(row.time)],
            votes=[row for row in net.votes if part(row.time)],
            follows=[row for row in net.follows if part(row.time)],
            reblogs=[row for row in net.reblogs if part(row.time)],
            batch_size=3,
        )
    assert snapshot(split) == live
    assert snapshot(split)["posts"] == snapshot(whole)["posts"]


def test_edits_are_refused(tmp_path: Path) -> None:
    db = connect(tmp_path / "index.db")
    create(db)
    row = PostRow("alice", "hello", "", "news", "Hello", "Hello", "{}", 1_000_000)
    load(db, posts=[row])
    with pytest.raises(sqlite3.IntegrityError):  # already in the database
        load(db, posts=[row])
    with pytest.raises(sqlite3.IntegrityError, match="loaded already"):  # twice in one load
        load(db, posts=[row._replace(permlink="other"), row._replace(permlink="other")])
    assert db.execute("SELECT permlink FROM posts").fetchall() == [("hello",)]
    assert not db.in_transaction


def test_community_accounts_are_refused(tmp_path: Path) -> None:
    """Ingestion makes a community of a `hive-1NNNN` account; the loader makes none, so it takes none."""
    db = connect(tmp_path / "index.db")
    create(db)
    with pytest.raises(ValueError, match="hive-100001"):
        load(db, accounts=[AccountRow("alice", 1_000_000), AccountRow("hive-100001", 1_000_000)])
    load(db, accounts=[AccountRow("hive-200001", 1_000_000)])  # a type-2 name registers nothing
    assert db.execute("SELECT account FROM profiles").fetchall() == [("hive-200001",)]
    assert not db.in_transaction
