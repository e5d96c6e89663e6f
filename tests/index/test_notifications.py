"""Notifications from real operations on an in-process node, read through bridge.account_notifications
and bridge.unread_notifications; a rebuild of the index derives the same notifications."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from stoa.api.app import build_dispatcher
from stoa.api.jsonrpc import Dispatcher
from stoa.chain.node import Node
from stoa.chain.state import connect
from stoa.index import notifications
from stoa.index.ingest import apply_operation, ingest, rebuild
from stoa.index.notifications import TABLES, reputation_score, vote_score
from stoa.index.schema import create
from stoa.protocol import Asset
from stoa.protocol.operations import Comment, CustomJson, DeleteComment, EffectiveCommentVote, Transfer, Vote
from stoa.protocol.types import format_time

from ..chain.conftest import DevChain, indexed_chain, role_key, virtual_ops

ACCOUNTS = ("alice", "bob", "carol", "dave", "eve")


def start_node(data_dir: Path) -> DevChain:
    return indexed_chain(data_dir)


def write(chain: DevChain, author: str, permlink: str, body: str, parent: tuple[str, str] = ("", "news")) -> None:
    op = Comment(parent[0], parent[1], author, permlink, "" if parent[0] else "Title", body, '{"tags":["news"]}')
    chain.apply(op, keys=[role_key(author, "posting")])


def vote(chain: DevChain, voter: str, author: str, permlink: str, weight: int = 10000) -> None:
    chain.apply(Vote(voter, author, permlink, weight), keys=[role_key(voter, "posting")])


def custom(chain: DevChain, signer: str, kind: str, payload: Any) -> None:
    chain.apply(CustomJson((), (signer,), kind, orjson.dumps(payload).decode()), keys=[role_key(signer, "posting")])


def follow(chain: DevChain, who: str, whom: str, what: list[str]) -> None:
    custom(chain, who, "follow", ["follow", {"follower": who, "following": whom, "what": what}])


def reblog(chain: DevChain, who: str, author: str, permlink: str, delete: bool = False) -> None:
    body = {"account": who, "author": author, "permlink": permlink, **({"delete": "delete"} if delete else {})}
    custom(chain, who, "follow", ["reblog", body])


def pay(chain: DevChain, sender: str, to: str, amount: int, memo: str) -> None:
    chain.apply(Transfer(sender, to, Asset(amount, "STEEM"), memo), keys=[role_key(sender, "active")])


def skip_root_interval(chain: DevChain) -> None:
    """A root post may follow its author's last one only after 5 minutes."""
    chain.node.generate_blocks(1, miss_blocks=100)


def head_time(chain: DevChain) -> int:
    return chain.state.dgp().time


def call(dispatcher: Dispatcher, method: str, params: Any) -> Any:
    body = dispatcher.handle_body(
        orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": f"bridge.{method}", "params": params})
    )
    assert body is not None
    return orjson.loads(body)


def notes(dispatcher: Dispatcher, account: str, **params: Any) -> list[dict[str, Any]]:
    answer = call(dispatcher, "account_notifications", {"account": account, **params})
    assert "result" in answer, answer
    result: list[dict[str, Any]] = answer["result"]
    return result


def brief(found: list[dict[str, Any]]) -> list[tuple[str, int, str, str]]:
    return [(note["type"], note["score"], note["msg"], note["url"]) for note in found]


def table(chain: DevChain, name: str) -> list[tuple[Any, ...]]:
    return chain.state.db.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall()


class Scenario:
    """Everything the notifications follow, on one chain; `marks` are times met on the way."""

    def __init__(self, chain: DevChain) -> None:
        self.chain = chain
        self.marks: dict[str, int] = {}
        self.unread_before: dict[str, Any] = {}


def play(chain: DevChain) -> Scenario:
    """Build the scenario on a fresh chain."""
    for name in ACCOUNTS:
        chain.create_account(name)  # each gets @initminer's transfer
    chain.create_account("whale", steem=1000, vest=10_000_000_000)
    story = Scenario(chain)

    # Posts, replies at every depth, mentions (self, nobody, the parent's author are not notified).
    write(chain, "alice", "hello", "Hello @bob, @carol and @alice! Not @ghost.")
    write(chain, "carol", "carol-post", "Carol writes")
    write(chain, "eve", "eve-post", "Eve writes")
    write(chain, "bob", "re-hello", "Nice one @alice, cc @dave", parent=("alice", "hello"))
    write(chain, "alice", "re-re-hello", "Thanks!", parent=("bob", "re-hello"))
    write(chain, "carol", "deep", "Deeper", parent=("alice", "re-re-hello"))
    write(chain, "alice", "self-reply", "Talking to myself", parent=("alice", "hello"))
    write(chain, "alice", "hello", "Hello @bob, @carol and @alice! Edited to add @dave.")  # an edit: nobody new

    # Votes: a small one (score 0), a whale's (worth something), a self-vote, a downvote, a changed vote.
    vote(chain, "bob", "alice", "hello")
    vote(chain, "whale", "alice", "hello")
    vote(chain, "alice", "alice", "hello")
    vote(chain, "carol", "bob", "re-hello", -10000)
    vote(chain, "bob", "alice", "hello", 5000)

    # alice's reputation rose with the whale's vote: her notifications now score higher.
    write(chain, "alice", "re-carol", "Hi @carol", parent=("carol", "carol-post"))
    skip_root_interval(chain)
    write(chain, "alice", "big", "Hi @bob @carol @dave @eve @whale @initminer")  # 6 mentions, allowed at 51
    write(chain, "dave", "spam", "Hi @alice @bob @carol @eve @whale @initminer")  # 6 mentions: too many at 25

    # Follows: a new follow, the same again, an ignore, an unfollow and a follow again.
    follow(chain, "bob", "alice", ["blog"])
    follow(chain, "bob", "alice", ["blog"])
    follow(chain, "carol", "alice", ["ignore"])
    follow(chain, "bob", "alice", [])
    follow(chain, "bob", "alice", ["blog"])
    follows = [["blog"], [], ["blog"]]  # in one block: one notification
    chain.apply(
        *(
            CustomJson(
                (),
                ("bob",),
                "follow",
                orjson.dumps(["follow", {"follower": "bob", "following": "carol", "what": w}]).decode(),
            )
            for w in follows
        ),
        keys=[role_key("bob", "posting")],
    )

    # Reblogs: a new one, the same again, and a reblog of a comment (not allowed: nothing).
    reblog(chain, "carol", "alice", "hello")
    reblog(chain, "carol", "alice", "hello")
    reblog(chain, "carol", "alice", "re-re-hello")
    reblog(chain, "dave", "alice", "hello")
    reblog(chain, "dave", "alice", "hello", delete=True)  # undoing it notifies nobody

    # Transfers: with a memo, with an encrypted memo, to oneself.
    pay(chain, "bob", "alice", 1000, "thanks")
    pay(chain, "bob", "alice", 1, "#encrypted")
    pay(chain, "bob", "bob", 1, "self")
    two = [Transfer("bob", "dave", Asset(amount, "STEEM"), "") for amount in (2, 3)]
    chain.apply(*two, keys=[role_key("bob", "active")])  # in one block: both, in order

    # eve ignores bob: nothing from bob reaches her; carol still does.
    follow(chain, "eve", "bob", ["ignore"])
    write(chain, "bob", "re-eve", "Hey @eve", parent=("eve", "eve-post"))
    pay(chain, "bob", "eve", 1, "hello")
    follow(chain, "bob", "eve", ["blog"])
    write(chain, "carol", "re-eve", "Hey", parent=("eve", "eve-post"))

    # A reply deleted afterwards: its notification no longer shows.
    write(chain, "dave", "gone", "Soon gone", parent=("alice", "hello"))
    chain.apply(DeleteComment("dave", "gone"), keys=[role_key("dave", "posting")])

    # alice marks her notifications read, then gets more.
    dispatcher = build_dispatcher(chain.node)
    story.unread_before = call(dispatcher, "unread_notifications", {"account": "alice"})["result"]
    story.marks["read"] = head_time(chain)
    custom(chain, "alice", "notify", ["setLastRead", {"date": format_time(story.marks["read"])}])
    custom(chain, "bob", "notify", ["setLastRead", {"date": format_time(head_time(chain) + 60)}])  # future: ignored
    custom(chain, "carol", "notify", ["setLastRead", {"date": "yesterday"}])  # not a date: ignored
    custom(chain, "dave", "notify", ["markAllRead", {"date": format_time(head_time(chain))}])  # unknown: ignored
    write(chain, "bob", "re-hello-2", "Another one", parent=("alice", "hello"))
    pay(chain, "carol", "alice", 1, "")
    return story


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """The scenario, played once for the tests that only read it."""
    chain = start_node(tmp_path_factory.mktemp("notify") / "net")
    yield play(chain)
    chain.node.stop()


@pytest.fixture(scope="module")
def api(scenario: Scenario) -> Dispatcher:
    return build_dispatcher(scenario.chain.node)


def chain_reputation(chain: DevChain, account: str) -> int:
    found = chain.state.db.execute("SELECT reputation FROM reputations WHERE account = ?", (account,)).fetchone()
    return int(found[0]) if found else 0


def whale_vote(chain: DevChain) -> tuple[str, int]:
    """The whale's vote notification as the formula makes it from the chain's effective_comment_vote:
    the post's pending payout shared by rshares (the value) and its share of abs rshares (the score)."""
    votes = [op for op in virtual_ops(chain, EffectiveCommentVote) if op.author == "alice" and op.permlink == "hello"]
    whale = next(op for op in votes if op.voter == "whale")
    before = votes[: votes.index(whale)]
    latest = {op.voter: op.rshares for op in before}
    upvoted = sum(r for r in latest.values() if r > 0) + whale.rshares
    absolute = sum(abs(r) for r in latest.values()) + whale.rshares
    value = whale.pending_payout.amount * whale.rshares // upvoted
    cents = (value + 5) // 10
    suffix = f" (${cents // 100}.{cents % 100:02d})" if value >= 10 else ""
    return f"@whale voted on your post{suffix}", vote_score(whale.pending_payout.amount * whale.rshares // absolute)


def test_every_type_with_its_message_url_and_score(scenario: Scenario, api: Dispatcher) -> None:
    chain = scenario.chain
    alice_score = reputation_score(chain_reputation(chain, "alice"))
    assert alice_score > 25  # the whale's vote raised alice's reputation: her later notifications score more
    whale_msg, whale_score = whale_vote(chain)
    assert whale_score >= 25
    gift = "@initminer sent you 150.000 STEEM"
    assert brief(notes(api, "alice", min_score=0)) == [
        ("transfer", 25, "@carol sent you 0.001 STEEM", "@carol"),
        ("reply", 25, "@bob replied to your post", "@bob/re-hello-2"),
        ("transfer", 25, "@bob sent you 0.001 STEEM", "@bob"),  # the encrypted memo stays out
        ("transfer", 25, "@bob sent you 1.000 STEEM - thanks", "@bob"),
        ("reblog", 25, "@dave reblogged your post", "@alice/hello"),  # stays after dave undid it
        ("reblog", 25, "@carol reblogged your post", "@alice/hello"),  # once, and not for a comment
        ("follow", 25, "@bob followed you", "@bob"),  # followed again after unfollowing
        ("follow", 25, "@bob followed you", "@bob"),  # not again for the same follow, nor for an ignore
        ("vote", whale_score, whale_msg, "@alice/hello"),
        ("vote", 0, "@bob voted on your post", "@alice/hello"),  # worth < $0.01; once though changed later
        ("reply_comment", 25, "@carol replied to your comment", "@carol/deep"),
        ("reply", 25, "@bob replied to your post", "@bob/re-hello"),  # not her own reply; not dave's, deleted
        ("transfer", 25, gift, "@initminer"),
    ]
    big = ("mention", alice_score - 10, "@alice mentioned you and 5 others", "@alice/big")  # 6 mentions: -2 × 5
    assert brief(notes(api, "bob", min_score=0)) == [
        big,
        ("reply_comment", 25, "@alice replied to your comment", "@alice/re-re-hello"),  # carol's downvote: nothing
        ("mention", 23, "@alice mentioned you and 1 other", "@alice/hello"),
        ("transfer", 25, gift, "@initminer"),
    ]
    assert brief(notes(api, "carol", min_score=0)) == [
        ("follow", 25, "@bob followed you", "@bob"),
        big,
        ("reply", alice_score, "@alice replied to your post", "@alice/re-carol"),
        ("mention", 23, "@alice mentioned you and 1 other", "@alice/hello"),
        ("transfer", 25, gift, "@initminer"),
    ]
    assert brief(notes(api, "dave", min_score=0)) == [  # the mention added by an edit does not notify
        ("transfer", 25, "@bob sent you 0.003 STEEM", "@bob"),
        ("transfer", 25, "@bob sent you 0.002 STEEM", "@bob"),
        big,
        ("mention", 25, "@bob mentioned you", "@bob/re-hello"),  # alice, the parent's author, gets the reply
        ("transfer", 25, gift, "@initminer"),
    ]
    assert brief(notes(api, "eve", min_score=0)) == [  # eve ignores bob: his reply, transfer and follow
        ("reply", 25, "@carol replied to your post", "@carol/re-eve"),
        big,
        ("transfer", 25, gift, "@initminer"),
    ]
    assert brief(notes(api, "initminer", min_score=0)) == [big]  # dave's 6 mentions are too many at 25
    assert brief(notes(api, "whale", min_score=0))[0] == big


def test_shapes_order_and_ids(scenario: Scenario, api: Dispatcher) -> None:
    found = notes(api, "alice", min_score=0)
    assert all(set(note) == {"id", "type", "score", "date", "msg", "url"} for note in found)
    ids = [int(note["id"]) for note in found]
    assert all(isinstance(note["id"], str) for note in found)
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    rows = scenario.chain.state.db.execute("SELECT id, created, seq FROM notifications").fetchall()
    assert all(row_id == (created << 20) + seq for row_id, created, seq in rows)  # block order
    assert [note["date"] for note in found] == [format_time(int(i) >> 20) for i in ids]
    assert found[0]["date"] == format_time(scenario.chain.state.dgp().time)
    same_block = notes(api, "dave")[:2]  # two transfers in one transaction: one block, in order
    assert same_block[0]["date"] == same_block[1]["date"]
    assert int(same_block[0]["id"]) == int(same_block[1]["id"]) + 1


def test_pagination(api: Dispatcher) -> None:
    everything = notes(api, "alice", min_score=0)
    pages: list[list[dict[str, Any]]] = []
    last_id: Any = None
    while True:
        page = notes(api, "alice", min_score=0, limit=5, **({"last_id": last_id} if last_id else {}))
        if not page:
            break
        pages.append(page)
        last_id = page[-1]["id"]
    assert [len(page) for page in pages] == [5, 5, 3]
    assert [note for page in pages for note in page] == everything
    assert notes(api, "alice", min_score=0, last_id=int(everything[4]["id"])) == everything[5:]  # a number too
    assert notes(api, "alice", min_score=0, last_id=0) == everything  # 0: from the newest
    assert notes(api, "alice", min_score=0, last_id=str(10**30)) == everything  # beyond every id
    assert notes(api, "alice", min_score=0, limit=1) == everything[:1]
    assert notes(api, "alice", min_score=0, last_id=everything[-1]["id"]) == []
    assert len(notes(api, "alice", min_score=0)) == len(notes(api, "alice", min_score=0, limit=100))


def test_min_score(scenario: Scenario, api: Dispatcher) -> None:
    alice_score = reputation_score(chain_reputation(scenario.chain, "alice"))
    everything = notes(api, "alice", min_score=0)
    assert notes(api, "alice") == [note for note in everything if note["score"] >= 25]  # default 25
    assert [note["score"] for note in notes(api, "alice")].count(0) == 0
    assert brief(notes(api, "bob")) == [n for n in brief(notes(api, "bob", min_score=0)) if n[1] >= 25]
    assert [note["type"] for note in notes(api, "carol", min_score=alice_score)] == ["reply"]
    assert [note["type"] for note in notes(api, "carol", min_score=alice_score - 10)] == ["mention", "reply"]
    assert notes(api, "carol", min_score=100) == []


def test_unread_and_set_last_read(scenario: Scenario, api: Dispatcher) -> None:
    assert scenario.unread_before == {"lastread": "1970-01-01 00:00:00", "unread": 10}

    def unread(account: str, **params: Any) -> Any:
        return call(api, "unread_notifications", {"account": account, **params})["result"]

    read = format_time(scenario.marks["read"]).replace("T", " ")
    assert unread("alice") == {"lastread": read, "unread": 2}  # bob's last reply and carol's transfer
    assert unread("alice", min_score=0) == {"lastread": read, "unread": 2}
    assert unread("alice", min_score=26) == {"lastread": read, "unread": 0}
    assert unread("bob") == {"lastread": "1970-01-01 00:00:00", "unread": 3}  # a future date is ignored
    assert unread("bob", min_score=0) == {"lastread": "1970-01-01 00:00:00", "unread": 4}
    assert unread("carol")["lastread"] == "1970-01-01 00:00:00"  # not a date: ignored
    assert unread("dave")["lastread"] == "1970-01-01 00:00:00"  # not setLastRead: ignored
    assert unread("carol", min_score=50) == {"lastread": "1970-01-01 00:00:00", "unread": 1}
    assert unread("whale", min_score=0)["unread"] == 2


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("account_notifications", {}, "account must be a valid account name, got None"),
        ("account_notifications", {"account": ""}, "account must be a valid account name, got ''"),
        ("account_notifications", {"account": "Not_Valid"}, "account must be a valid account name"),
        ("account_notifications", {"account": 7}, "account must be a valid account name, got 7"),
        ("account_notifications", {"account": "nobody"}, "account 'nobody' does not exist"),
        ("account_notifications", {"account": "alice", "min_score": 101}, "min_score must be an integer from 0 to 100"),
        ("account_notifications", {"account": "alice", "min_score": -1}, "min_score must be an integer from 0 to 100"),
        ("account_notifications", {"account": "alice", "min_score": "25"}, "min_score must be an integer"),
        ("account_notifications", {"account": "alice", "min_score": True}, "min_score must be an integer"),
        ("account_notifications", {"account": "alice", "min_score": 2.5}, "min_score must be an integer"),
        ("account_notifications", {"account": "alice", "limit": 0}, "limit must be an integer from 1 to 100"),
        ("account_notifications", {"account": "alice", "limit": 101}, "limit must be an integer from 1 to 100"),
        ("account_notifications", {"account": "alice", "limit": "10"}, "limit must be an integer from 1 to 100"),
        ("account_notifications", {"account": "alice", "last_id": "abc"}, "last_id must be a notification id"),
        ("account_notifications", {"account": "alice", "last_id": -5}, "last_id must be a notification id"),
        ("account_notifications", {"account": "alice", "last_id": "-5"}, "last_id must be a notification id"),
        ("account_notifications", {"account": "alice", "last_id": 1.5}, "last_id must be a notification id"),
        ("account_notifications", {"account": "alice", "last_id": True}, "last_id must be a notification id"),
        ("account_notifications", {"account": "alice", "observer": "bob"}, "unexpected parameter 'observer'"),
        ("account_notifications", ["alice"], "account_notifications takes named params"),
        ("unread_notifications", {}, "account must be a valid account name, got None"),
        ("unread_notifications", {"account": "nobody"}, "account 'nobody' does not exist"),
        ("unread_notifications", {"account": "alice", "min_score": 101}, "min_score must be an integer from 0 to 100"),
        ("unread_notifications", {"account": "alice", "min_score": -1}, "min_score must be an integer from 0 to 100"),
        ("unread_notifications", {"account": "alice", "limit": 5}, "unexpected parameter 'limit'"),
        ("unread_notifications", "alice", "unread_notifications takes named params"),
    ],
)
def test_bad_input(api: Dispatcher, method: str, params: Any, message: str) -> None:
    answer = call(api, method, params)
    assert answer["error"]["code"] == -32602, answer
    assert message in answer["error"]["message"]


def test_scores() -> None:
    assert reputation_score(0) == 25
    assert reputation_score(10**9) == 25  # below 10^9 nothing shows
    assert reputation_score(10**10) == 33  # 32.5, rounded half away from zero as PostgreSQL does
    assert reputation_score(-(10**10)) == 18  # 17.5
    assert reputation_score(3 * 10**12) == 51
    assert reputation_score(-(10**13)) == -5  # notifies nobody
    assert reputation_score(2**63 - 1) == 100
    assert [vote_score(v) for v in (0, 19, 20, 99, 100, 999, 1000, 9999, 10**4, 10**9)] == [
        0,
        0,
        25,
        25,
        50,
        50,
        75,
        75,
        100,
        100,
    ]


def memory_index() -> sqlite3.Connection:
    """An index database without a chain: enough to feed operations to the notifications directly."""
    db = sqlite3.connect(":memory:")
    create(db, [f"user{i}" for i in range(30)])
    return db


def test_low_reputation_notifies_nobody_and_the_mention_limit_follows_the_score() -> None:
    db = memory_index()
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'notifications'").fetchone() is not None
    apply_operation(db, 1000, Transfer("user1", "user2", Asset(1, "STEEM"), ""))
    db.execute("INSERT INTO notification_reputations VALUES ('user1', ?), ('user3', ?)", (-(10**13), 10**13))
    apply_operation(db, 1003, Transfer("user1", "user2", Asset(2, "STEEM"), ""))  # scores -5: nothing
    apply_operation(db, 1003, Transfer("user3", "user2", Asset(3, "STEEM"), ""))  # scores 55
    many = " ".join(f"@user{i}" for i in range(4, 15))  # 11 mentions: too many at 55 (10), fine at 62 (25)
    apply_operation(db, 1006, Comment("", "news", "user3", "p1", "T", many, "{}"))
    db.execute("UPDATE notification_reputations SET reputation = ? WHERE account = 'user3'", (10**14,))
    apply_operation(db, 1009, Comment("", "news", "user3", "p2", "T", many, "{}"))
    rows = db.execute("SELECT id, seq, type, score, src, dst, post_permlink FROM notifications ORDER BY id").fetchall()
    assert rows[:2] == [
        ((1000 << 20), 0, "transfer", 25, "user1", "user2", ""),
        ((1003 << 20), 0, "transfer", 55, "user3", "user2", ""),
    ]
    assert [(row[1], row[2], row[3], row[6]) for row in rows[2:]] == [
        (seq, "mention", reputation_score(10**14) - 20, "p2") for seq in range(11)
    ]


def snapshot(chain: DevChain) -> dict[str, list[tuple[Any, ...]]]:
    return {name: table(chain, name) for name in TABLES}


def reopen_and_rebuild(chain: DevChain, drop_first: bool) -> None:
    data_dir = chain.node.data_dir
    chain.node.stop()
    db = connect(data_dir / "state.db")
    db.execute("BEGIN IMMEDIATE")
    if drop_first:
        notifications.drop_tables(db)
    rebuild(db, chain.node.genesis)
    db.execute("COMMIT")
    db.close()
    chain.node = Node(data_dir, block_mode="manual", consumers=[ingest])


def test_rebuild_derives_the_same_notifications(tmp_path: Path) -> None:
    chain = start_node(tmp_path / "net")
    play(chain)
    live = snapshot(chain)
    assert len(live["notifications"]) == 34
    reputations = chain.state.db.execute("SELECT * FROM reputations ORDER BY 1").fetchall()
    assert live["notification_reputations"] == reputations  # the copy follows the chain's rule exactly
    before = notes(build_dispatcher(chain.node), "alice", min_score=0)

    reopen_and_rebuild(chain, drop_first=False)  # over the tables as they are: emptied, then replayed
    assert snapshot(chain) == live
    reopen_and_rebuild(chain, drop_first=True)  # without them (as after schema.drop): created again
    assert snapshot(chain) == live
    assert notes(build_dispatcher(chain.node), "alice", min_score=0) == before

    pay(chain, "bob", "alice", 5, "after the rebuild")  # and the live index goes on from there
    assert (
        notes(build_dispatcher(chain.node), "alice", limit=1)[0]["msg"]
        == "@bob sent you 0.005 STEEM - after the rebuild"
    )
    chain.node.stop()
