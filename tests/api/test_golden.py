"""Golden shapes (field names and types), orders and pages of condenser_api's and bridge's social
reads, and their refusals of unknown accounts, unknown posts and malformed cursors, on a network
built through the chain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stoa.api.app import build_dispatcher
from stoa.chain.reputation import display_score
from stoa.protocol.types import format_time

from ..chain.conftest import indexed_chain
from .rpc import call, invalid
from .scenario import World, Writer

HOURS = 3600

# --- the golden shapes --------------------------------------------------------------------------
# A type, a tuple of types (any of them), INT64 (a number, or a string of digits past 32 bits, as
# steemd prints int64), TIME ("YYYY-MM-DDTHH:MM:SS"), SBD ("0.000 SBD") or a nested shape.
INT64 = "int64"
TIME = "time"
SBD_AMOUNT = "sbd"

CONDENSER_VOTE = {
    "voter": str,
    "weight": INT64,
    "rshares": INT64,
    "percent": int,
    "reputation": INT64,
    "time": TIME,
}
BENEFICIARY = {"account": str, "weight": int}
CONDENSER_LIST_POST: dict[str, Any] = {
    "id": int,
    "post_id": int,
    "author": str,
    "permlink": str,
    "category": str,
    "parent_author": str,
    "parent_permlink": str,
    "title": str,
    "body": str,
    "body_length": int,
    "json_metadata": str,
    "created": TIME,
    "last_update": TIME,
    "active": TIME,
    "last_payout": TIME,
    "cashout_time": TIME,
    "depth": int,
    "children": int,
    "net_rshares": INT64,
    "net_votes": int,
    "total_payout_value": SBD_AMOUNT,
    "curator_payout_value": SBD_AMOUNT,
    "pending_payout_value": SBD_AMOUNT,
    "promoted": SBD_AMOUNT,
    "root_author": str,
    "root_permlink": str,
    "root_title": str,
    "url": str,
    "beneficiaries": [BENEFICIARY],
    "max_accepted_payout": SBD_AMOUNT,
    "percent_steem_dollars": int,
    "author_reputation": INT64,
    "replies": [str],
    "reblogged_by": [str],
    "active_votes": [CONDENSER_VOTE],
}
CONDENSER_POST: dict[str, Any] = {
    **CONDENSER_LIST_POST,
    "max_cashout_time": TIME,
    "abs_rshares": INT64,
    "vote_rshares": INT64,
    "children_abs_rshares": int,
    "total_vote_weight": INT64,
    "reward_weight": int,
    "author_rewards": int,
    "total_pending_payout_value": SBD_AMOUNT,
    "allow_replies": bool,
    "allow_votes": bool,
    "allow_curation_rewards": bool,
}
BRIDGE_POST: dict[str, Any] = {
    "post_id": int,
    "author": str,
    "permlink": str,
    "category": str,
    "title": str,
    "body": str,
    "json_metadata": dict,
    "created": TIME,
    "updated": TIME,
    "depth": int,
    "children": int,
    "net_rshares": INT64,
    "is_paidout": bool,
    "payout_at": TIME,
    "payout": float,
    "pending_payout_value": SBD_AMOUNT,
    "author_payout_value": SBD_AMOUNT,
    "curator_payout_value": SBD_AMOUNT,
    "promoted": SBD_AMOUNT,
    "replies": [str],
    "reblogs": int,
    "url": str,
    "beneficiaries": [BENEFICIARY],
    "max_accepted_payout": SBD_AMOUNT,
    "percent_steem_dollars": int,
    "author_reputation": (float, int),
    "active_votes": [{"voter": str, "rshares": INT64}],
    "stats": {"hide": bool, "gray": bool, "total_votes": int, "flag_weight": int},
    "blacklists": list,
}
BRIDGE_REPLY: dict[str, Any] = {**BRIDGE_POST, "parent_author": str, "parent_permlink": str}


def check_shape(value: Any, shape: Any, where: str = "") -> None:
    """`value` has exactly the shape's fields, each of the shape's type (recursively)."""
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
        assert set(value) == set(shape), f"{where}: extra {set(value) - set(shape)}, missing {set(shape) - set(value)}"
        for name, kind in shape.items():
            check_shape(value[name], kind, f"{where}.{name}")
    elif isinstance(shape, list):
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        for index, item in enumerate(value):
            check_shape(item, shape[0], f"{where}[{index}]")
    elif shape == INT64:
        assert (isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 0xFFFFFFFF) or (
            isinstance(value, str) and value.lstrip("-").isdigit() and abs(int(value)) > 0xFFFFFFFF
        ), f"{where}: {value!r} is not steemd's int64"
    elif shape == TIME:
        assert isinstance(value, str) and len(value) == 19 and value[10] == "T", f"{where}: {value!r} is not a time"
    elif shape == SBD_AMOUNT:
        assert isinstance(value, str) and value.endswith(" SBD"), f"{where}: {value!r}"
        whole, _, fraction = value[:-4].partition(".")
        assert whole.isdigit() and len(fraction) == 3 and fraction.isdigit(), f"{where}: {value!r}"
    else:
        kinds = shape if isinstance(shape, tuple) else (shape,)
        assert isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds), (
            f"{where}: {value!r} is not {shape}"
        )


def test_the_shape_checker_refuses_what_it_should() -> None:
    check_shape({"a": 1, "b": [{"c": "x"}]}, {"a": int, "b": [{"c": str}]})
    for value, shape in (
        ({"a": 1}, {"a": int, "b": int}),  # missing
        ({"a": 1, "b": 2}, {"a": int}),  # extra
        ({"a": True}, {"a": int}),  # a bool is no int
        ({"a": "1"}, {"a": INT64}),  # small int64s are numbers
        ({"a": 5_000_000_000}, {"a": INT64}),  # and large ones strings
        ({"a": "2026-01-01 00:00:00"}, {"a": TIME}),
        ({"a": "1.00 SBD"}, {"a": SBD_AMOUNT}),
        ({"a": [1, "x"]}, {"a": [int]}),
    ):
        with pytest.raises(AssertionError):
            check_shape(value, shape)


# --- the network --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """alice a1 (news, stoa), carol c1 (art), dave d1 (news); initminer votes a1, alice votes c1.
    Two hours on: bob b1 (news), voted 30% by initminer; replies bob re-a1 (to a1), carol re-re-a1
    (to re-a1), erin re-b1 (to b1), bob re-d1 (to d1); initminer votes re-a1. bob, carol, dave, erin
    and frank follow alice; alice follows bob and carol and ignores frank; bob, carol and erin reblog
    a1, alice reblogs d1. Then dave d2 (news) and alice a2 (news, photo)."""
    path: Path = tmp_path_factory.mktemp("golden") / "net"
    chain = indexed_chain(path)
    for name in ("alice", "bob", "carol", "dave", "erin", "frank"):
        chain.create_account(name)

    writer = Writer(chain)
    post, vote, custom, created = writer.post, writer.vote, writer.custom, writer.created

    post("alice", "a1", "news", ["stoa"])
    post("carol", "c1", "art", [])
    post("dave", "d1", "news", [])
    vote("initminer", "alice", "a1", 10000)
    vote("alice", "carol", "c1", 10000)
    chain.node.generate_blocks_until(chain.state.dgp().time + 2 * HOURS)
    post("bob", "b1", "news", [])
    vote("initminer", "bob", "b1", 3000)
    post("bob", "re-a1", "", [], parent=("alice", "a1"))
    post("carol", "re-re-a1", "", [], parent=("bob", "re-a1"))
    post("erin", "re-b1", "", [], parent=("bob", "b1"))
    post("bob", "re-d1", "", [], parent=("dave", "d1"))
    vote("initminer", "bob", "re-a1", 5000)
    follows = [(name, "alice", "blog") for name in ("bob", "carol", "dave", "erin", "frank")]
    follows += [("alice", "bob", "blog"), ("alice", "carol", "blog"), ("alice", "frank", "ignore")]
    for follower, following, what in follows:
        custom(follower, ["follow", {"follower": follower, "following": following, "what": [what]}])
    for account, author, permlink in (("bob", "alice", "a1"), ("carol", "alice", "a1"), ("erin", "alice", "a1")):
        custom(account, ["reblog", {"account": account, "author": author, "permlink": permlink}])
    custom("alice", ["reblog", {"account": "alice", "author": "dave", "permlink": "d1"}])
    created["alice-reblogs-d1"] = chain.state.dgp().time
    post("dave", "d2", "news", [])
    post("alice", "a2", "news", ["photo"])
    yield World(chain, build_dispatcher(chain.node), created)
    chain.node.stop()


def refs(posts: list[dict[str, Any]]) -> list[str]:
    return [f"{post['author']}/{post['permlink']}" for post in posts]


def scores(world: World, permlink: str) -> tuple[float, float, int]:
    row = world.chain.state.db.execute(
        "SELECT sc_trend, sc_hot, pending_payout FROM posts WHERE permlink = ?", (permlink,)
    ).fetchone()
    return float(row[0]), float(row[1]), int(row[2])


def raw_reputation(world: World, name: str) -> int:
    row = world.chain.state.db.execute("SELECT reputation FROM reputations WHERE account = ?", (name,)).fetchone()
    return 0 if row is None else int(row[0])


def test_the_scenario_ranks_hot_apart_from_trending(world: World) -> None:
    """a1 has the bigger vote, b1 came two hours later: trending prefers a1, hot b1."""
    a1, b1, c1 = scores(world, "a1"), scores(world, "b1"), scores(world, "c1")
    assert a1[0] > b1[0] > c1[0] and b1[1] > a1[1] > c1[1]
    assert a1[2] > b1[2] > 0


# --- golden shapes of the single-post reads -----------------------------------------------------


def test_condenser_get_content_shape(world: World) -> None:
    post = call(world, "condenser_api.get_content", ["alice", "a1"])
    check_shape(post, CONDENSER_POST, "get_content")
    assert int(post["author_reputation"]) == raw_reputation(world, "alice") > 0  # raw, as steemd
    assert post["children"] == 2 and post["net_votes"] == 1 and post["url"] == "/news/@alice/a1"
    reply = call(world, "condenser_api.get_content", ["carol", "re-re-a1"])
    check_shape(reply, CONDENSER_POST, "get_content reply")
    assert (reply["depth"], reply["parent_author"], reply["root_title"]) == (2, "bob", "Title of a1")
    assert reply["url"] == "/news/@alice/a1#@carol/re-re-a1"


def test_condenser_content_replies_and_active_votes_shapes(world: World) -> None:
    replies = call(world, "condenser_api.get_content_replies", ["alice", "a1"])
    assert refs(replies) == ["bob/re-a1"]
    for reply in replies:
        check_shape(reply, CONDENSER_POST, "get_content_replies")
    assert call(world, "condenser_api.get_content_replies", ["dave", "d2"]) == []
    votes = call(world, "condenser_api.get_active_votes", ["alice", "a1"])
    assert [vote["voter"] for vote in votes] == ["initminer"]
    check_shape(votes, [CONDENSER_VOTE], "get_active_votes")
    assert votes[0]["percent"] == 10000 and int(votes[0]["rshares"]) > 0
    assert call(world, "condenser_api.get_active_votes", ["dave", "d2"]) == []


def test_bridge_get_post_shape(world: World) -> None:
    post = call(world, "bridge.get_post", {"author": "alice", "permlink": "a1"})
    check_shape(post, BRIDGE_POST, "bridge.get_post")
    assert post["author_reputation"] == display_score(raw_reputation(world, "alice"))  # log scale
    assert post["json_metadata"] == {"tags": ["stoa"]} and post["reblogs"] == 3
    assert post["active_votes"][0]["voter"] == "initminer"
    reply = call(world, "bridge.get_post", {"author": "bob", "permlink": "re-a1"})
    check_shape(reply, BRIDGE_REPLY, "bridge.get_post reply")
    assert reply["title"] == "RE: Title of a1" and reply["parent_permlink"] == "a1"


def test_bridge_get_discussion_shape(world: World) -> None:
    thread = call(world, "bridge.get_discussion", {"author": "alice", "permlink": "a1"})
    assert set(thread) == {"alice/a1", "bob/re-a1", "carol/re-re-a1"}
    check_shape(thread["alice/a1"], BRIDGE_POST, "get_discussion root")
    for key in ("bob/re-a1", "carol/re-re-a1"):
        check_shape(thread[key], BRIDGE_REPLY, f"get_discussion {key}")
    assert thread["alice/a1"]["replies"] == ["bob/re-a1"]
    assert thread["bob/re-a1"]["replies"] == ["carol/re-re-a1"]
    assert thread["carol/re-re-a1"]["replies"] == []
    below = call(world, "bridge.get_discussion", {"author": "bob", "permlink": "re-a1"})
    assert set(below) == {"bob/re-a1", "carol/re-re-a1"}


def test_unknown_posts_are_refused(world: World) -> None:
    for method, params in (
        ("bridge.get_post", {"author": "alice", "permlink": "nope"}),
        ("bridge.get_post", {"author": "nobody", "permlink": "a1"}),
        ("bridge.get_discussion", {"author": "alice", "permlink": "nope"}),
        ("condenser_api.get_content", ["alice", "nope"]),
        ("condenser_api.get_content_replies", ["alice", "nope"]),
        ("condenser_api.get_active_votes", ["alice", "nope"]),
        ("condenser_api.get_reblogged_by", ["alice", "nope"]),
    ):
        assert "does not exist" in invalid(world, method, params), method
    assert "strings" in invalid(world, "bridge.get_post", {"author": "alice"})
    assert "strings" in invalid(world, "bridge.get_discussion", {"permlink": "a1"})


# --- ranked lists -------------------------------------------------------------------------------

TRENDING = ["alice/a1", "bob/b1", "carol/c1", "alice/a2", "dave/d2", "dave/d1"]
HOT = ["bob/b1", "alice/a1", "carol/c1", "alice/a2", "dave/d2", "dave/d1"]
CREATED = ["alice/a2", "dave/d2", "bob/b1", "dave/d1", "carol/c1", "alice/a1"]


def test_condenser_discussions_by_trending_hot_and_created(world: World) -> None:
    for sort, expected in (("trending", TRENDING), ("hot", HOT), ("created", CREATED)):
        method = f"condenser_api.get_discussions_by_{sort}"
        found = call(world, method, [{"tag": "", "limit": 20}])
        assert refs(found) == expected, sort
        for post in found:
            check_shape(post, CONDENSER_LIST_POST, method)
        # a page starts at (and includes) the previous page's last post
        first = call(world, method, [{"limit": 2}])
        assert refs(first) == expected[:2]
        start = {"start_author": first[-1]["author"], "start_permlink": first[-1]["permlink"]}
        assert refs(call(world, method, [{"limit": 3, **start}])) == expected[1:4]
        news = [ref for ref in expected if ref != "carol/c1"]
        assert refs(call(world, method, [{"tag": "news"}])) == news
        assert refs(call(world, method, {"tag": "art"})) == ["carol/c1"]
        assert call(world, f"tags_api.get_discussions_by_{sort}", {"limit": 1}) == {"discussions": first[:1]}


def test_bridge_ranked_posts_orders(world: World) -> None:
    # by pending payout, then the newest
    payout = sorted(TRENDING, key=lambda ref: (-scores(world, ref.split("/")[1])[2], -ref_id(world, ref)))
    assert payout[:2] == ["alice/a1", "bob/b1"]
    for sort, expected in (("trending", TRENDING), ("hot", HOT), ("created", CREATED), ("payout", payout)):
        found = call(world, "bridge.get_ranked_posts", {"sort": sort, "tag": ""})
        assert refs(found) == expected, sort
        for post in found:
            check_shape(post, BRIDGE_POST, f"get_ranked_posts {sort}")
        assert refs(call(world, "bridge.get_ranked_posts", {"sort": sort, "tag": "all"})) == expected
        # the start post is left out of the next page
        page = call(world, "bridge.get_ranked_posts", {"sort": sort, **cursor(expected[1]), "limit": 2})
        assert refs(page) == expected[2:4], sort
        assert refs(call(world, "bridge.get_ranked_posts", {"sort": sort, "limit": 1})) == expected[:1]
    comments = call(world, "bridge.get_ranked_posts", {"sort": "payout_comments"})
    assert refs(comments)[0] == "bob/re-a1" and all(post["depth"] > 0 for post in comments)
    assert call(world, "bridge.get_ranked_posts", {"sort": "promoted"}) == []  # nothing is promoted on Stoa
    assert call(world, "bridge.get_ranked_posts", {"sort": "promoted", "tag": "news", "limit": 5}) == []


def ref_id(world: World, ref: str) -> int:
    author, permlink = ref.split("/")
    row = world.chain.state.db.execute("SELECT id FROM posts WHERE author = ? AND permlink = ?", (author, permlink))
    return int(row.fetchone()[0])


def cursor(ref: str) -> dict[str, str]:
    author, permlink = ref.split("/")
    return {"start_author": author, "start_permlink": permlink}


def test_ranked_posts_with_an_observer_leave_out_whom_it_ignores(world: World) -> None:
    assert "frank" not in {post["author"] for post in call(world, "bridge.get_ranked_posts", {"sort": "created"})}
    seen = call(world, "bridge.get_ranked_posts", {"sort": "created", "observer": "alice"})
    assert refs(seen) == CREATED  # frank wrote nothing: the list is the same
    assert "observer" in invalid(world, "bridge.get_ranked_posts", {"sort": "created", "observer": "nobody"})


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"sort": "trending", "start_author": "alice"}, "together"),
        ({"sort": "trending", "start_permlink": "a1"}, "together"),
        ({"sort": "hot", "start_author": "alice", "start_permlink": "nope"}, "start post @alice/nope does not exist"),
        ({"sort": "created", "start_author": 5, "start_permlink": "a1"}, "strings"),
        ({"sort": "promoted", "start_author": "alice", "start_permlink": "nope"}, "does not exist"),
        ({"sort": "payout", "limit": 0}, "limit"),
        ({"sort": "payout", "limit": 101}, "limit"),
        ({"sort": "best"}, "sort must be one of"),
        ({}, "sort must be one of"),
        ({"sort": "trending", "tag": "my"}, "observer is required"),
    ],
)
def test_ranked_posts_bad_input(world: World, query: dict[str, Any], words: str) -> None:
    assert words in invalid(world, "bridge.get_ranked_posts", query)


# --- account posts ------------------------------------------------------------------------------


def account_posts(world: World, sort: str, account: str, **more: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = call(world, "bridge.get_account_posts", {"sort": sort, "account": account, **more})
    for post in found:
        check_shape(post, {**(BRIDGE_POST if post["depth"] == 0 else BRIDGE_REPLY), **extra(post)}, sort)
    return found


def extra(post: dict[str, Any]) -> dict[str, Any]:
    return {"reblogged_by": [str]} if "reblogged_by" in post else {}


def test_account_posts_blog(world: World) -> None:
    blog = account_posts(world, "blog", "alice")
    assert refs(blog) == ["alice/a2", "dave/d1", "alice/a1"]  # newest blog entry first, reblogs included
    assert blog[1]["reblogged_by"] == ["alice"] and "reblogged_by" not in blog[0]
    assert refs(account_posts(world, "blog", "alice", **cursor("dave/d1"))) == ["alice/a1"]
    assert refs(account_posts(world, "blog", "alice", limit=1)) == ["alice/a2"]
    assert refs(account_posts(world, "blog", "bob")) == ["alice/a1", "bob/b1"]
    assert account_posts(world, "blog", "frank") == []


def test_account_posts_posts_comments_replies_and_payout(world: World) -> None:
    assert refs(account_posts(world, "posts", "alice")) == ["alice/a2", "alice/a1"]  # no reblogs, no replies
    assert refs(account_posts(world, "posts", "alice", **cursor("alice/a2"))) == ["alice/a1"]
    assert refs(account_posts(world, "comments", "bob")) == ["bob/re-d1", "bob/re-a1"]
    assert refs(account_posts(world, "comments", "bob", **cursor("bob/re-d1"))) == ["bob/re-a1"]
    assert refs(account_posts(world, "comments", "bob", limit=1)) == ["bob/re-d1"]
    assert account_posts(world, "comments", "dave") == []
    # replies *to* the account's posts and comments, newest first
    assert refs(account_posts(world, "replies", "bob")) == ["erin/re-b1", "carol/re-re-a1"]
    assert refs(account_posts(world, "replies", "bob", **cursor("erin/re-b1"))) == ["carol/re-re-a1"]
    assert refs(account_posts(world, "replies", "dave")) == ["bob/re-d1"]
    # what the account still has to be paid for, the soonest payout first
    assert refs(account_posts(world, "payout", "bob")) == ["bob/b1", "bob/re-a1", "bob/re-d1"]
    assert refs(account_posts(world, "payout", "bob", **cursor("bob/b1"), limit=1)) == ["bob/re-a1"]
    assert refs(account_posts(world, "payout", "alice")) == ["alice/a1", "alice/a2"]


def test_account_posts_feed(world: World) -> None:
    feed = account_posts(world, "feed", "alice")
    # bob's and carol's blogs: a1 came by their reblogs last, then bob's b1 and carol's c1
    assert refs(feed) == ["alice/a1", "bob/b1", "carol/c1"]
    assert feed[0]["reblogged_by"] == ["bob", "carol"]
    assert refs(account_posts(world, "feed", "alice", **cursor("alice/a1"))) == ["bob/b1", "carol/c1"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"sort": "blog", "account": "nobody"}, "does not exist"),
        ({"sort": "feed", "account": "nobody"}, "does not exist"),
        ({"sort": "posts", "account": "Bad Name"}, "valid account name"),
        ({"sort": "posts"}, "account"),
        ({"sort": "sideways", "account": "alice"}, "sort must be one of"),
        ({"sort": "posts", "account": "alice", "start_author": "alice"}, "together"),
        ({"sort": "comments", "account": "bob", "start_permlink": "re-a1"}, "together"),
        ({"sort": "replies", "account": "bob", **cursor("bob/nope")}, "start post @bob/nope does not exist"),
        ({"sort": "payout", "account": "bob", "limit": 101}, "limit"),
    ],
)
def test_account_posts_bad_input(world: World, query: dict[str, Any], words: str) -> None:
    assert words in invalid(world, "bridge.get_account_posts", query)


# --- condenser blogs, feeds and comments --------------------------------------------------------


def test_condenser_discussions_by_blog_feed_and_comments(world: World) -> None:
    blog = call(world, "condenser_api.get_discussions_by_blog", [{"tag": "alice", "limit": 10}])
    assert refs(blog) == ["alice/a2", "dave/d1", "alice/a1"]
    for post in blog:
        check_shape(post, CONDENSER_LIST_POST, "get_discussions_by_blog")
    assert blog[1]["reblogged_by"] == ["alice"] and blog[0]["reblogged_by"] == []
    start = cursor("dave/d1")
    assert refs(call(world, "condenser_api.get_discussions_by_blog", [{"tag": "alice", **start}])) == [
        "dave/d1",
        "alice/a1",
    ]  # condenser pages include their start
    feed = call(world, "condenser_api.get_discussions_by_feed", [{"tag": "alice", "limit": 10}])
    assert refs(feed) == ["alice/a1", "bob/b1", "carol/c1"]
    for post in feed:
        check_shape(post, CONDENSER_LIST_POST, "get_discussions_by_feed")
    assert feed[0]["reblogged_by"] == ["bob", "carol"] and feed[1]["reblogged_by"] == []
    assert refs(
        call(world, "condenser_api.get_discussions_by_feed", [{"tag": "alice", "limit": 1, **cursor("bob/b1")}])
    ) == ["bob/b1"]
    assert refs(call(world, "condenser_api.get_discussions_by_feed", [{"tag": "alice", **cursor("bob/b1")}])) == [
        "bob/b1",
        "carol/c1",
    ]
    # dave follows alice: her blog, with her reblog of his own post
    dave = call(world, "condenser_api.get_discussions_by_feed", [{"tag": "dave"}])
    assert refs(dave) == ["alice/a2", "dave/d1", "alice/a1"] and dave[1]["reblogged_by"] == ["alice"]
    assert call(world, "condenser_api.get_discussions_by_feed", [{"tag": "initminer"}]) == []  # follows nobody
    comments = call(world, "condenser_api.get_discussions_by_comments", [{"start_author": "bob", "limit": 10}])
    assert refs(comments) == ["bob/re-d1", "bob/re-a1"]
    for post in comments:
        check_shape(post, CONDENSER_LIST_POST, "get_discussions_by_comments")
    page = call(
        world, "condenser_api.get_discussions_by_comments", [{"start_author": "bob", "start_permlink": "re-a1"}]
    )
    assert refs(page) == ["bob/re-a1"]
    assert call(world, "tags_api.get_discussions_by_comments", {"start_author": "bob"}) == {"discussions": comments}


def test_get_blog_and_blog_entries_pages(world: World) -> None:
    blog = call(world, "condenser_api.get_blog", ["alice", -1, 10])
    assert [(entry["entry_id"], entry["comment"]["permlink"]) for entry in blog] == [(2, "a2"), (1, "d1"), (0, "a1")]
    for entry in blog:
        check_shape(entry, {"blog": str, "entry_id": int, "reblogged_on": TIME, "comment": CONDENSER_LIST_POST})
    assert blog[1]["reblogged_on"] == format_time(world.created["alice-reblogs-d1"])
    assert blog[0]["reblogged_on"] == "1970-01-01T00:00:00"  # her own post
    assert [entry["entry_id"] for entry in call(world, "condenser_api.get_blog", ["alice", 1, 10])] == [1, 0]
    assert [entry["entry_id"] for entry in call(world, "condenser_api.get_blog", ["alice", 2, 2])] == [2, 1]
    assert [entry["entry_id"] for entry in call(world, "condenser_api.get_blog", ["alice", 0, 1])] == [2]  # newest
    entries = call(world, "condenser_api.get_blog_entries", ["alice", -1, 10])
    for entry in entries:
        check_shape(entry, {"author": str, "permlink": str, "blog": str, "entry_id": int, "reblogged_on": TIME})
    assert [(e["entry_id"], e["author"], e["permlink"]) for e in entries] == [
        (2, "alice", "a2"),
        (1, "dave", "d1"),
        (0, "alice", "a1"),
    ]
    assert [e["entry_id"] for e in call(world, "condenser_api.get_blog_entries", ["alice", 1, 1])] == [1]
    assert call(world, "follow_api.get_blog_entries", {"account": "alice", "start_entry_id": 1, "limit": 1}) == {
        "blog": call(world, "condenser_api.get_blog_entries", ["alice", 1, 1])
    }
    assert call(world, "follow_api.get_blog", {"account": "alice", "limit": 3}) == {"blog": blog}
    assert call(world, "condenser_api.get_blog", ["frank", -1, 10]) == []


@pytest.mark.parametrize("method", ["condenser_api.get_blog", "condenser_api.get_blog_entries"])
def test_get_blog_bad_input(world: World, method: str) -> None:
    assert "start_entry_id must be an integer" in invalid(world, method, ["alice", "5", 10])
    assert "start_entry_id must be an integer" in invalid(world, method, ["alice", 1.5, 10])
    assert "start_entry_id must be an integer" in invalid(world, method, ["alice", True, 10])
    assert "limit" in invalid(world, method, ["alice", 0, 501])
    assert "limit" in invalid(world, method, ["alice", 0, 0])
    assert "does not exist" in invalid(world, method, ["nobody", 0, 10])
    assert "valid account name" in invalid(world, method, ["Bad", 0, 10])
    appbase = method.replace("condenser_api", "follow_api")
    assert "start_entry_id must be an integer" in invalid(world, appbase, {"account": "alice", "start_entry_id": "x"})
    assert "does not exist" in invalid(world, appbase, {"account": "nobody"})


# --- follows, reblogs, reputations ---------------------------------------------------------------


def test_followers_and_following_pages(world: World) -> None:
    def names(found: list[dict[str, Any]], field: str) -> list[str]:
        for entry in found:
            check_shape(entry, {"follower": str, "following": str, "what": [str]})
        return [entry[field] for entry in found]

    followers = call(world, "condenser_api.get_followers", ["alice", "", "blog", 1000])
    assert names(followers, "follower") == ["bob", "carol", "dave", "erin", "frank"]
    assert all(entry == {"follower": entry["follower"], "following": "alice", "what": ["blog"]} for entry in followers)
    assert names(call(world, "condenser_api.get_followers", ["alice", None, None, 2]), "follower") == ["bob", "carol"]
    # the next page starts at (and includes) the last name seen, as steemd's
    assert names(call(world, "condenser_api.get_followers", ["alice", "carol", "blog", 2]), "follower") == [
        "carol",
        "dave",
    ]
    assert names(call(world, "condenser_api.get_followers", ["alice", "erin", "blog", 10]), "follower") == [
        "erin",
        "frank",
    ]
    assert names(call(world, "condenser_api.get_following", ["alice", "", "blog", 10]), "following") == ["bob", "carol"]
    assert names(call(world, "condenser_api.get_following", ["alice", "carol", "blog", 1]), "following") == ["carol"]
    ignored = call(world, "condenser_api.get_following", ["alice", "", "ignore", 10])
    assert ignored == [{"follower": "alice", "following": "frank", "what": ["ignore"]}]
    assert call(world, "condenser_api.get_followers", ["frank", "", "ignore", 10]) == ignored
    wrapped = call(world, "follow_api.get_followers", {"account": "alice", "start": "carol", "limit": 2})
    assert wrapped == {"followers": call(world, "condenser_api.get_followers", ["alice", "carol", "blog", 2])}
    assert call(world, "condenser_api.get_follow_count", ["alice"]) == {
        "account": "alice",
        "follower_count": 5,
        "following_count": 2,
    }
    assert call(world, "follow_api.get_follow_count", {"account": "frank"}) == {
        "account": "frank",
        "follower_count": 0,
        "following_count": 1,
    }


@pytest.mark.parametrize(
    ("method", "params", "words"),
    [
        ("condenser_api.get_followers", ["nobody", "", "blog", 10], "account 'nobody' does not exist"),
        ("condenser_api.get_following", ["nobody", "", "blog", 10], "account 'nobody' does not exist"),
        ("condenser_api.get_followers", ["alice", "nobody", "blog", 10], "start: account 'nobody' does not exist"),
        ("condenser_api.get_following", ["alice", "Bad Name", "blog", 10], "start must be a valid account name"),
        ("condenser_api.get_followers", ["alice", "", "blog", 1001], "limit"),
        ("condenser_api.get_followers", ["alice", "", "mute", 10], "follow_type"),
        ("condenser_api.get_follow_count", ["nobody"], "does not exist"),
        ("condenser_api.get_follow_count", [""], "valid account name"),
        ("follow_api.get_followers", {"account": "nobody"}, "does not exist"),
        ("follow_api.get_following", {"account": "nobody"}, "does not exist"),
        ("follow_api.get_follow_count", {"account": "nobody"}, "does not exist"),
        ("condenser_api.get_discussions_by_blog", [{"tag": "nobody"}], "tag: account 'nobody' does not exist"),
        ("condenser_api.get_discussions_by_feed", [{"tag": "nobody"}], "tag: account 'nobody' does not exist"),
        ("condenser_api.get_discussions_by_comments", [{"start_author": "nobody"}], "does not exist"),
        ("condenser_api.get_discussions_by_comments", [{"limit": 5}], "start_author"),
        ("tags_api.get_discussions_by_blog", {"tag": "nobody"}, "does not exist"),
        ("tags_api.get_discussions_by_feed", {"tag": "nobody"}, "does not exist"),
        ("tags_api.get_discussions_by_comments", {"start_author": "nobody"}, "does not exist"),
        ("bridge.get_profile", {"account": "nobody"}, "account 'nobody' does not exist"),
        ("bridge.get_profile", {}, "account"),
        ("bridge.get_account_posts", {"sort": "comments", "account": "nobody"}, "does not exist"),
    ],
)
def test_unknown_accounts_are_refused(world: World, method: str, params: Any, words: str) -> None:
    assert words in invalid(world, method, params)


def test_reblogged_by(world: World) -> None:
    # the author, then the accounts that reblogged, in the order they did
    assert call(world, "condenser_api.get_reblogged_by", ["alice", "a1"]) == ["alice", "bob", "carol", "erin"]
    assert call(world, "condenser_api.get_reblogged_by", ["dave", "d1"]) == ["dave", "alice"]
    assert call(world, "condenser_api.get_reblogged_by", ["bob", "b1"]) == ["bob"]
    assert call(world, "follow_api.get_reblogged_by", {"author": "alice", "permlink": "a1"}) == {
        "accounts": ["alice", "bob", "carol", "erin"]
    }


def test_account_reputations(world: World) -> None:
    found = call(world, "condenser_api.get_account_reputations", ["alice", 3])
    assert found == [
        {"account": "alice", "reputation": raw_reputation(world, "alice")},
        {"account": "bob", "reputation": raw_reputation(world, "bob")},
        {"account": "carol", "reputation": raw_reputation(world, "carol")},
    ]
    assert found[0]["reputation"] > found[1]["reputation"] > 0 and found[2]["reputation"] > 0  # raw integers
    assert call(world, "condenser_api.get_account_reputations", ["dave", 1]) == [{"account": "dave", "reputation": 0}]
    names = [entry["account"] for entry in call(world, "condenser_api.get_account_reputations", ["", 1000])]
    assert names == sorted(names) and {"alice", "frank", "initminer"} <= set(names)
    assert "limit" in invalid(world, "condenser_api.get_account_reputations", ["alice", 1001])
    assert "limit" in invalid(world, "condenser_api.get_account_reputations", ["alice", 0])
