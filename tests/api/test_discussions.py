"""Trending tags, author and reply lists, payout lists, tags used, account votes, get_state and bridge's
post header, profiles, relationships, follow lists, trending topics and payout stats, over JSON-RPC
against a real dev node whose index was fed by real operations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stoa.api.app import build_dispatcher
from stoa.protocol.types import format_time

from ..chain.conftest import indexed_chain
from .rpc import call, invalid
from .scenario import World, Writer

WEEK = 7 * 24 * 3600

# The list-style condenser post (get_discussions_by_*), and the fat one's extra fields.
LIST_POST_KEYS = {
    "id",
    "post_id",
    "author",
    "permlink",
    "category",
    "parent_author",
    "parent_permlink",
    "title",
    "body",
    "body_length",
    "json_metadata",
    "created",
    "last_update",
    "active",
    "last_payout",
    "cashout_time",
    "depth",
    "children",
    "net_rshares",
    "net_votes",
    "total_payout_value",
    "curator_payout_value",
    "pending_payout_value",
    "promoted",
    "root_author",
    "root_permlink",
    "root_title",
    "url",
    "beneficiaries",
    "max_accepted_payout",
    "percent_steem_dollars",
    "author_reputation",
    "replies",
    "reblogged_by",
    "active_votes",
}
STATE_KEYS = {"current_route", "props", "feed_price", "tags", "accounts", "content", "tag_idx", "discussion_idx"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """alice's `old-post` (tag history) is voted by initminer and paid out a week later. Then:
    alice a1 (news, stoa), bob b1 (art, news), carol c1 (news), dave d1 (art); replies bob re-a1 and
    carol re-a1-carol to a1, alice re-re-a1 to re-a1, dave re-b1 to b1; initminer votes a1 100%,
    b1 50%, re-a1 30%; alice votes c1. alice follows bob and ignores dave, bob and carol follow alice,
    bob reblogs c1; five minutes on, alice writes a2 (news, photo)."""
    path: Path = tmp_path_factory.mktemp("discussions") / "net"
    chain = indexed_chain(path)
    node = chain.node
    for name in ("alice", "bob", "carol", "dave"):
        chain.create_account(name)

    writer = Writer(chain)
    post, vote, custom, created = writer.post, writer.vote, writer.custom, writer.created

    post("alice", "old-post", "history", [])
    vote("initminer", "alice", "old-post", 10000)
    node.generate_blocks_until(chain.state.dgp().time + WEEK + 60)
    node.generate_blocks(1)
    post("alice", "a1", "news", ["stoa"])
    post("bob", "b1", "art", ["news"])
    post("carol", "c1", "news", [])
    post("dave", "d1", "art", [])
    post("bob", "re-a1", "", [], parent=("alice", "a1"))
    post("carol", "re-a1-carol", "", [], parent=("alice", "a1"))
    post("alice", "re-re-a1", "", [], parent=("bob", "re-a1"))
    post("dave", "re-b1", "", [], parent=("bob", "b1"))
    vote("initminer", "alice", "a1", 10000)
    vote("initminer", "bob", "b1", 5000)
    vote("initminer", "bob", "re-a1", 3000)
    vote("alice", "carol", "c1", 10000)
    for follower, following, what in (
        ("alice", "bob", "blog"),
        ("alice", "dave", "ignore"),
        ("bob", "alice", "blog"),
        ("carol", "alice", "blog"),
    ):
        custom(follower, ["follow", {"follower": follower, "following": following, "what": [what]}])
    custom("bob", ["reblog", {"account": "bob", "author": "carol", "permlink": "c1"}])
    node.generate_blocks_until(chain.state.dgp().time + 301)
    post("alice", "a2", "news", ["photo"])
    yield World(chain, build_dispatcher(node), created)
    node.stop()


def refs(posts: list[dict[str, Any]]) -> list[str]:
    return [f"{post['author']}/{post['permlink']}" for post in posts]


def pending(world: World, author: str, permlink: str) -> int:
    row = world.chain.state.db.execute(
        "SELECT pending_payout FROM posts WHERE author = ? AND permlink = ?", (author, permlink)
    ).fetchone()
    return int(row[0])


def test_the_scenario_has_pending_payouts_and_a_paid_post(world: World) -> None:
    assert pending(world, "alice", "a1") > pending(world, "bob", "b1") > pending(world, "bob", "re-a1") > 0
    assert pending(world, "carol", "c1") == pending(world, "dave", "d1") == 0
    paid = world.chain.state.db.execute("SELECT is_paidout FROM posts WHERE permlink = 'old-post'").fetchone()
    assert paid == (1,)


# --- condenser_api.get_trending_tags ------------------------------------------------------------


def test_trending_tags_by_pending_payout(world: World) -> None:
    tags = call(world, "condenser_api.get_trending_tags", ["", 10])
    a1, b1, re_a1 = (pending(world, "alice", "a1"), pending(world, "bob", "b1"), pending(world, "bob", "re-a1"))

    def sbd(amount: int) -> str:
        return f"{amount // 1000}.{amount % 1000:03d} SBD"

    # news: a1, b1, c1, a2 and the replies to a1 (which inherit its category); paid-out `history` is gone
    assert tags == [
        {"name": "news", "comments": 3, "top_posts": 4, "total_payouts": sbd(a1 + b1 + re_a1)},
        {"name": "stoa", "comments": 0, "top_posts": 1, "total_payouts": sbd(a1)},
        {"name": "art", "comments": 1, "top_posts": 2, "total_payouts": sbd(b1)},
        {"name": "photo", "comments": 0, "top_posts": 1, "total_payouts": "0.000 SBD"},
    ]
    assert call(world, "condenser_api.get_trending_tags", []) == tags  # limit 250 by default
    assert call(world, "condenser_api.get_trending_tags", {"start_tag": "", "limit": 2}) == tags[:2]
    # pages start after start_tag; a tag with nothing pending (history) has no place on the list
    assert call(world, "condenser_api.get_trending_tags", ["stoa", 10]) == tags[2:]
    assert call(world, "condenser_api.get_trending_tags", [{"start_tag": "news", "limit": 1}]) == tags[1:2]
    assert call(world, "condenser_api.get_trending_tags", ["photo", 10]) == []
    assert call(world, "condenser_api.get_trending_tags", ["history", 10]) == []


def test_trending_tags_bad_input(world: World) -> None:
    assert "does not exist" in invalid(world, "condenser_api.get_trending_tags", ["nothing-here", 10])
    assert "limit" in invalid(world, "condenser_api.get_trending_tags", ["", 251])
    assert "limit" in invalid(world, "condenser_api.get_trending_tags", ["", 0])
    assert "limit" in invalid(world, "condenser_api.get_trending_tags", ["", "10"])
    assert "start_tag" in invalid(world, "condenser_api.get_trending_tags", ["News", 10])
    assert "start_tag" in invalid(world, "condenser_api.get_trending_tags", [7, 10])
    assert "at most 2" in invalid(world, "condenser_api.get_trending_tags", ["", 10, 1])
    assert "does not take" in invalid(world, "condenser_api.get_trending_tags", {"tag": "news"})


# --- condenser_api.get_discussions_by_author_before_date ----------------------------------------


def test_author_before_date(world: World) -> None:
    method = "condenser_api.get_discussions_by_author_before_date"
    everything = call(world, method, ["alice", "", "1970-01-01T00:00:00", 10])
    assert refs(everything) == ["alice/a2", "alice/a1", "alice/old-post"]  # posts only: no replies, no reblogs
    assert set(everything[0]) == LIST_POST_KEYS
    assert everything[0]["created"] == format_time(world.created["a2"])
    assert call(world, method, ["alice", "", "", 10]) == everything
    assert call(world, method, ["alice"]) == everything  # limit 10 by default
    a1_time = format_time(world.created["a1"])
    assert refs(call(world, method, ["alice", "", a1_time, 10])) == ["alice/a1", "alice/old-post"]
    assert refs(call(world, method, ["alice", "", a1_time.replace("T", " "), 1])) == ["alice/a1"]
    # start_permlink is included, so a page starts at the previous page's last post
    first = call(world, method, ["alice", "", "1970-01-01T00:00:00", 2])
    assert refs(first) == ["alice/a2", "alice/a1"]
    assert refs(call(world, method, ["alice", first[-1]["permlink"], "1970-01-01T00:00:00", 2])) == [
        "alice/a1",
        "alice/old-post",
    ]
    named = {"author": "alice", "start_permlink": "a1", "before_date": "2100-01-01T00:00:00", "limit": 5}
    assert refs(call(world, method, named)) == ["alice/a1", "alice/old-post"]
    assert refs(call(world, method, [named])) == ["alice/a1", "alice/old-post"]
    assert call(world, method, ["dave", "", "", 10])[0]["permlink"] == "d1"
    wrapped = call(world, "tags_api.get_discussions_by_author_before_date", {**named, "truncate_body": 4})
    assert refs(wrapped["discussions"]) == ["alice/a1", "alice/old-post"]
    assert wrapped["discussions"][0]["body"] == "Body"


def test_author_before_date_bad_input(world: World) -> None:
    method = "condenser_api.get_discussions_by_author_before_date"
    assert "does not exist" in invalid(world, method, ["nobody", "", "", 10])
    assert "author" in invalid(world, method, ["", "", "", 10])
    assert "author" in invalid(world, method, ["Not An Account", "", "", 10])
    assert "before_date" in invalid(world, method, ["alice", "", "yesterday", 10])
    assert "before_date" in invalid(world, method, ["alice", "", "2026-02-30T00:00:00", 10])
    assert "before_date" in invalid(world, method, ["alice", "", 1700000000, 10])
    assert "does not exist" in invalid(world, method, ["alice", "no-such-post", "", 10])
    assert "limit" in invalid(world, method, ["alice", "", "", 101])
    assert "limit" in invalid(world, method, ["alice", "", "", -1])
    assert "truncate_body" in invalid(world, method, {"author": "alice", "truncate_body": -1})
    assert "does not take" in invalid(world, method, {"author": "alice", "sort": "new"})
    assert "at most 4" in invalid(world, method, ["alice", "", "", 10, 1])


# --- condenser_api.get_replies_by_last_update ---------------------------------------------------


def test_replies_by_last_update(world: World) -> None:
    method = "condenser_api.get_replies_by_last_update"
    to_alice = call(world, method, ["alice", "", 20])
    assert refs(to_alice) == ["carol/re-a1-carol", "bob/re-a1"]  # newest first
    assert set(to_alice[0]) == LIST_POST_KEYS
    assert all(reply["parent_author"] == "alice" for reply in to_alice)
    assert refs(call(world, method, ["bob", "", 20])) == [
        "dave/re-b1",
        "alice/re-re-a1",
    ]  # replies to posts and comments
    assert call(world, method, ["carol", "", 20]) == []
    # the next page starts at (and includes) the last reply seen, named by its own author/permlink
    first = call(world, method, ["alice", "", 1])
    assert refs(first) == ["carol/re-a1-carol"]
    assert refs(call(world, method, ["carol", "re-a1-carol", 2])) == ["carol/re-a1-carol", "bob/re-a1"]
    assert refs(call(world, method, {"start_author": "bob", "start_permlink": "re-a1", "limit": 5})) == ["bob/re-a1"]
    assert refs(call(world, method, [{"start_author": "bob"}])) == ["dave/re-b1", "alice/re-re-a1"]


def test_replies_by_last_update_bad_input(world: World) -> None:
    method = "condenser_api.get_replies_by_last_update"
    assert "does not exist" in invalid(world, method, ["nobody", "", 20])
    assert "start_author" in invalid(world, method, [None, "", 20])
    assert "not a reply" in invalid(world, method, ["alice", "a1", 20])
    assert "does not exist" in invalid(world, method, ["bob", "missing", 20])
    assert "limit" in invalid(world, method, ["alice", "", 0])
    assert "limit" in invalid(world, method, ["alice", "", 101])
    assert "does not take" in invalid(world, method, {"start_author": "alice", "tag": "news"})


# --- payout and promoted discussions ------------------------------------------------------------


def test_post_discussions_by_payout(world: World) -> None:
    method = "condenser_api.get_post_discussions_by_payout"
    posts = call(world, method, [{"tag": "", "limit": 10}])
    # by pending payout, then newest id first; the paid-out post is not listed, nor are comments
    assert refs(posts) == ["alice/a1", "bob/b1", "alice/a2", "dave/d1", "carol/c1"]
    assert set(posts[0]) == LIST_POST_KEYS
    assert [post["pending_payout_value"] for post in posts[:2]] == [
        f"{pending(world, a, p) / 1000:.3f} SBD" for a, p in (("alice", "a1"), ("bob", "b1"))
    ]
    assert refs(call(world, method, {"tag": "art", "limit": 10})) == ["bob/b1", "dave/d1"]
    assert refs(call(world, method, [{"tag": "history"}])) == []
    # the start post is included: the next page repeats the last post of the previous one
    page = call(world, method, [{"limit": 2, "start_author": "bob", "start_permlink": "b1"}])
    assert refs(page) == ["bob/b1", "alice/a2"]
    assert refs(call(world, "tags_api.get_post_discussions_by_payout", {"limit": 1})["discussions"]) == ["alice/a1"]
    assert call(world, method, [{"limit": 1, "truncate_body": 2}])[0]["body"] == "Bo"


def test_comment_discussions_by_payout(world: World) -> None:
    method = "condenser_api.get_comment_discussions_by_payout"
    comments = call(world, method, [{"limit": 10}])
    assert refs(comments)[0] == "bob/re-a1"
    assert sorted(refs(comments)) == ["alice/re-re-a1", "bob/re-a1", "carol/re-a1-carol", "dave/re-b1"]
    assert all(post["depth"] > 0 for post in comments)
    assert refs(call(world, method, {"tag": "art"})) == ["dave/re-b1"]
    assert call(world, "tags_api.get_comment_discussions_by_payout", {"limit": 1}) == {"discussions": comments[:1]}


def test_discussions_by_promoted_is_empty(world: World) -> None:
    assert call(world, "condenser_api.get_discussions_by_promoted", [{"tag": "news", "limit": 10}]) == []
    assert call(world, "condenser_api.get_discussions_by_promoted", [{}]) == []
    assert call(world, "tags_api.get_discussions_by_promoted", {"tag": ""}) == {"discussions": []}


@pytest.mark.parametrize(
    "method",
    [
        "condenser_api.get_post_discussions_by_payout",
        "condenser_api.get_comment_discussions_by_payout",
        "condenser_api.get_discussions_by_promoted",
        "tags_api.get_post_discussions_by_payout",
    ],
)
def test_payout_and_promoted_bad_input(world: World, method: str) -> None:
    assert "limit" in invalid(world, method, [{"limit": 101}])
    assert "limit" in invalid(world, method, [{"limit": 0}])
    assert "tag" in invalid(world, method, [{"tag": "News"}])
    assert "tag" in invalid(world, method, [{"tag": ["news"]}])
    assert "filter_tags is not supported" in invalid(world, method, [{"filter_tags": ["news"]}])
    assert "does not exist" in invalid(world, method, [{"start_author": "alice", "start_permlink": "nope"}])
    assert "does not take" in invalid(world, method, [{"sort": "payout"}])
    assert "query object" in invalid(world, method, ["news", 9])


# --- get_tags_used_by_author, get_account_votes -------------------------------------------------


def test_tags_used_by_author(world: World) -> None:
    # alice's top-level posts: old-post (history), a1 (news, stoa), a2 (news, photo); her reply adds nothing
    expected = [["news", 2], ["history", 1], ["photo", 1], ["stoa", 1]]
    assert call(world, "condenser_api.get_tags_used_by_author", ["alice"]) == expected
    assert call(world, "condenser_api.get_tags_used_by_author", {"author": "alice"}) == expected
    assert call(world, "condenser_api.get_tags_used_by_author", ["initminer"]) == []
    assert "does not exist" in invalid(world, "condenser_api.get_tags_used_by_author", ["nobody"])
    assert "author" in invalid(world, "condenser_api.get_tags_used_by_author", [])
    assert "author" in invalid(world, "condenser_api.get_tags_used_by_author", ["A"])


def test_account_votes(world: World) -> None:
    votes = call(world, "condenser_api.get_account_votes", ["initminer"])
    # Steem's list form (hivemind answers an "unsupported" error), in post order, paid-out posts' too
    assert [vote["authorperm"] for vote in votes] == ["alice/old-post", "alice/a1", "bob/b1", "bob/re-a1"]
    assert [vote["percent"] for vote in votes] == [10000, 10000, 5000, 3000]
    for vote in votes:
        assert set(vote) == {"authorperm", "weight", "rshares", "percent", "time"}
        assert int(vote["rshares"]) > 0 and int(vote["weight"]) > 0
    assert votes[1]["rshares"] == call(world, "condenser_api.get_active_votes", ["alice", "a1"])[0]["rshares"]
    assert [vote["authorperm"] for vote in call(world, "condenser_api.get_account_votes", {"voter": "alice"})] == [
        "carol/c1"
    ]
    assert call(world, "condenser_api.get_account_votes", ["dave"]) == []
    assert "does not exist" in invalid(world, "condenser_api.get_account_votes", ["nobody"])
    assert "voter" in invalid(world, "condenser_api.get_account_votes", [42])


# --- condenser_api.get_state --------------------------------------------------------------------


def state(world: World, path: str) -> dict[str, Any]:
    found: dict[str, Any] = call(world, "condenser_api.get_state", [path])
    assert set(found) - {"error"} == STATE_KEYS
    return found


def test_get_state_ranked_lists(world: World) -> None:
    trending = state(world, "/trending")
    assert trending["current_route"] == "/trending"
    assert trending["props"] == call(world, "condenser_api.get_dynamic_global_properties", [])
    assert trending["feed_price"] == call(world, "condenser_api.get_current_median_history_price", [])
    keys = list(trending["content"])
    assert keys == refs(call(world, "condenser_api.get_discussions_by_trending", [{"limit": 20}]))
    assert trending["discussion_idx"] == {"": {"trending": keys}}
    assert trending["tag_idx"]["trending"] == ["news", "stoa", "art", "photo"]
    assert trending["tags"] == {}
    assert set(trending["content"]["alice/a1"]) == LIST_POST_KEYS
    assert sorted(trending["accounts"]) == ["alice", "bob", "carol", "dave"]  # the authors shown
    assert trending["accounts"]["alice"] == call(world, "condenser_api.get_accounts", [["alice"]])[0]
    assert state(world, "")["content"] == trending["content"]
    created = state(world, "/created/news")
    assert created["current_route"] == "/created/news"
    assert created["discussion_idx"] == {"news": {"created": ["alice/a2", "carol/c1", "bob/b1", "alice/a1"]}}
    assert list(state(world, "hot/ART/")["discussion_idx"]["art"]["hot"]) == ["bob/b1", "dave/d1"]
    assert state(world, "/payout")["discussion_idx"][""]["payout"][:2] == ["alice/a1", "bob/b1"]
    assert state(world, "/promoted")["content"] == {}


def test_get_state_accounts(world: World) -> None:
    blog = state(world, "/@bob")
    assert blog["current_route"] == "/@bob"
    bob = blog["accounts"]["bob"]
    assert bob["blog"] == ["carol/c1", "bob/b1"] and bob["feed"] == [] and bob["recent_replies"] == []
    assert blog["content"]["carol/c1"]["reblogged_by"] == ["bob"]
    assert sorted(blog["accounts"]) == ["bob", "carol"]
    feed = state(world, "/@alice/feed")
    assert feed["accounts"]["alice"]["feed"] == list(feed["content"]) == ["carol/c1", "bob/b1"]
    comments = state(world, "/@alice/comments")
    assert comments["accounts"]["alice"]["comments"] == ["alice/re-re-a1"]
    replies = state(world, "/@alice/recent-replies")
    assert replies["accounts"]["alice"]["recent_replies"] == ["carol/re-a1-carol", "bob/re-a1"]
    settings = state(world, "/@alice/settings")
    assert settings["content"] == {} and list(settings["accounts"]) == ["alice"]
    # condenser asks for /@author/permlink and redirects on the answer's error
    assert "invalid get_state account path" in state(world, "/@alice/a1")["error"]


def test_get_state_discussion_and_other_routes(world: World) -> None:
    thread = state(world, "/news/@alice/a1")
    assert sorted(thread["content"]) == ["alice/a1", "alice/re-re-a1", "bob/re-a1", "carol/re-a1-carol"]
    assert thread["content"]["alice/a1"]["replies"] == ["bob/re-a1", "carol/re-a1-carol"]
    assert thread["content"]["bob/re-a1"]["replies"] == ["alice/re-re-a1"]
    assert sorted(thread["accounts"]) == ["alice", "bob", "carol"]
    assert list(state(world, "/news/@bob/re-a1")["content"]) == ["bob/re-a1", "alice/re-re-a1"]
    tags = state(world, "/tags")
    assert tags["tag_idx"]["trending"] == ["news", "stoa", "art", "photo"]
    assert tags["tags"]["news"] == call(world, "condenser_api.get_trending_tags", ["", 1])[0]
    welcome = state(world, "/welcome")
    assert welcome["content"] == {} and welcome["accounts"] == {}


def test_get_state_bad_input(world: World) -> None:
    method = "condenser_api.get_state"
    assert "does not exist" in invalid(world, method, ["/@nobody"])
    assert "does not exist" in invalid(world, method, ["/news/@alice/missing"])
    assert "does not serve" in invalid(world, method, ["/bogus"])
    assert "does not serve" in invalid(world, method, ["/trending30"])
    assert "too many parts" in invalid(world, method, ["/a/b/c/d"])
    assert "transfers" in invalid(world, method, ["/@alice/transfers"])
    assert "tag" in invalid(world, method, ["/trending/" + "x" * 40])
    assert "unexpected" in invalid(world, method, ["/trending/news/extra"])
    assert "path" in invalid(world, method, [5])
    assert "path" in invalid(world, method, [None])
    assert "'#'" in invalid(world, method, ["/news/@alice/a1#@bob/re-a1"])


# --- bridge -------------------------------------------------------------------------------------


def test_post_header(world: World) -> None:
    header = call(world, "bridge.get_post_header", {"author": "alice", "permlink": "a1"})
    assert header == {"author": "alice", "permlink": "a1", "category": "news", "depth": 0}
    deep = call(world, "bridge.get_post_header", {"author": "alice", "permlink": "re-re-a1"})
    assert deep == {"author": "alice", "permlink": "re-re-a1", "category": "news", "depth": 2}
    assert "does not exist" in invalid(world, "bridge.get_post_header", {"author": "alice", "permlink": "nope"})
    assert "author" in invalid(world, "bridge.get_post_header", {"permlink": "a1"})
    assert "strings" in invalid(world, "bridge.get_post_header", {"author": "alice"})
    assert "named params" in invalid(world, "bridge.get_post_header", ["alice", "a1"])
    assert "does not take" in invalid(world, "bridge.get_post_header", {"author": "alice", "permlink": "a1", "x": 1})


def test_profiles(world: World) -> None:
    found = call(world, "bridge.get_profiles", {"accounts": ["carol", "alice", "alice"]})
    assert [profile["name"] for profile in found] == ["alice", "carol"]  # by name, once each
    assert found[0] == call(world, "bridge.get_profile", {"account": "alice"})
    assert found[0]["stats"] == {"followers": 2, "following": 1, "rank": 0}
    seen = call(world, "bridge.get_profiles", {"accounts": ["bob", "dave", "carol"], "observer": "alice"})
    assert [profile["context"] for profile in seen] == [
        {"followed": True, "muted": False},
        {"followed": False, "muted": False},
        {"followed": False, "muted": True},
    ]
    assert "nobody" in invalid(world, "bridge.get_profiles", {"accounts": ["alice", "nobody"]})
    assert "accounts" in invalid(world, "bridge.get_profiles", {})
    assert "accounts" in invalid(world, "bridge.get_profiles", {"accounts": []})
    assert "accounts" in invalid(world, "bridge.get_profiles", {"accounts": "alice"})
    assert "accounts" in invalid(world, "bridge.get_profiles", {"accounts": ["Bad Name"]})
    assert "at most 1000" in invalid(world, "bridge.get_profiles", {"accounts": ["alice"] * 1001})
    assert "observer" in invalid(world, "bridge.get_profiles", {"accounts": ["alice"], "observer": "nobody"})


def test_relationship_between_accounts(world: World) -> None:
    method = "bridge.get_relationship_between_accounts"
    nothing = {"follows": False, "ignores": False, "blacklists": False, "follows_blacklists": False}
    assert call(world, method, ["bob", "alice"]) == {**nothing, "follows": True, "follows_muted": False}
    assert call(world, method, {"account1": "alice", "account2": "dave"}) == {
        **nothing,
        "ignores": True,
        "follows_muted": False,
    }
    assert call(world, method, ["alice", "carol", "bob"]) == {**nothing, "follows_muted": False}
    assert call(world, method, {"account1": "dave", "account2": "alice"})["ignores"] is False  # one way only
    assert "account1" in invalid(world, method, ["", "alice"])
    assert "account2" in invalid(world, method, {"account1": "alice"})
    assert "does not exist" in invalid(world, method, ["alice", "nobody"])
    assert "observer" in invalid(world, method, ["alice", "bob", "nobody"])
    assert "at most 3" in invalid(world, method, ["alice", "bob", "carol", "dave"])
    assert "does not take" in invalid(world, method, {"account1": "alice", "account2": "bob", "x": 1})


def test_follow_list(world: World) -> None:
    muted = call(world, "bridge.get_follow_list", {"observer": "alice", "follow_type": "muted"})
    assert muted == [{"name": "dave", "blacklist_description": "", "muted_list_description": ""}]
    assert call(world, "bridge.get_follow_list", {"observer": "bob", "follow_type": "muted"}) == []
    for kind in ("blacklisted", "follow_blacklist", "follow_muted"):
        assert call(world, "bridge.get_follow_list", {"observer": "alice", "follow_type": kind}) == []
    assert call(world, "bridge.get_follow_list", {"observer": "alice"}) == []  # blacklisted by default
    assert "follow_type" in invalid(world, "bridge.get_follow_list", {"observer": "alice", "follow_type": "ignore"})
    assert "does not exist" in invalid(world, "bridge.get_follow_list", {"observer": "nobody"})
    assert "observer" in invalid(world, "bridge.get_follow_list", {})


def test_trending_topics(world: World) -> None:
    topics = call(world, "bridge.get_trending_topics", {})
    assert topics == [["news", "#news"], ["stoa", "#stoa"], ["art", "#art"], ["photo", "#photo"]]
    assert call(world, "bridge.get_trending_topics", {"limit": 2, "observer": "alice"}) == topics[:2]
    assert "limit" in invalid(world, "bridge.get_trending_topics", {"limit": 26})
    assert "limit" in invalid(world, "bridge.get_trending_topics", {"limit": 0})
    assert "limit" in invalid(world, "bridge.get_trending_topics", {"limit": "5"})
    assert "observer" in invalid(world, "bridge.get_trending_topics", {"observer": "nobody"})


def test_payout_stats(world: World) -> None:
    stats = call(world, "bridge.get_payout_stats", {})
    a1, b1, re_a1 = pending(world, "alice", "a1"), pending(world, "bob", "b1"), pending(world, "bob", "re-a1")
    # authors by the pending payout of their unpaid posts and comments: [url, label, payout, posts, authors]
    assert stats["items"] == [
        ["@alice", "@alice", a1 / 1000, 3, None],
        ["@bob", "@bob", (b1 + re_a1) / 1000, 2, None],
        ["@carol", "@carol", 0.0, 2, None],
        ["@dave", "@dave", 0.0, 2, None],
    ]
    assert stats["total"] == stats["blogs"] == (a1 + b1 + re_a1) / 1000
    assert call(world, "bridge.get_payout_stats", {"limit": 1})["items"] == stats["items"][:1]
    assert "limit" in invalid(world, "bridge.get_payout_stats", {"limit": 251})
    assert "limit" in invalid(world, "bridge.get_payout_stats", {"limit": -1})
    assert "does not take" in invalid(world, "bridge.get_payout_stats", {"limit": 1, "sort": "x"})
