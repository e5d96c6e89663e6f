"""Communities over JSON-RPC: bridge's community reads, community posts in ranked lists and post shapes,
and community notifications, against a real dev node whose index was fed by real operations (refused
community operations included: they are index-level errors, never chain errors)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from stoa.api.app import build_dispatcher
from stoa.api.jsonrpc import Dispatcher
from stoa.protocol.operations import Comment, CustomJson, Vote

from ..chain.conftest import INIT_KEY, DevChain, indexed_chain, role_key
from .rpc import call, invalid

LAB, SIDE, JOURNAL = "hive-123456", "hive-198765", "hive-211111"  # a type-2 name registers nothing
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
LITE_KEYS = {
    "id",
    "name",
    "title",
    "about",
    "lang",
    "type_id",
    "is_nsfw",
    "subscribers",
    "sum_pending",
    "num_pending",
    "num_authors",
    "created_at",
    "avatar_url",
    "context",
}
COMMUNITY_KEYS = LITE_KEYS | {"description", "flag_text", "settings", "team"}
PROPS = {
    "title": "Stoa Lab",
    "about": "Testing ground for Stoa",
    "lang": "en",
    "is_nsfw": False,
    "description": "Be kind.",
    "flag_text": "Flag only rule breaking.",
    "settings": {"avatar_url": "https://example.com/lab.png"},
}
# the refused operations eve, bob, alice, carol and dave send, and what their signer is told
REFUSED = [
    ("eve", "setRole", {"community": LAB, "account": "eve", "role": "member"}, "only mods and up can alter roles"),
    ("bob", "setRole", {"community": LAB, "account": "alice", "role": "member"}, "cant modify higher-role user"),
    (
        "alice",
        "setRole",
        {"community": LAB, "account": "carol", "role": "owner"},
        "cannot promote to or above own rank",
    ),
    ("bob", "setRole", {"community": LAB, "account": "eve", "role": "king"}, "invalid role"),
    ("bob", "setRole", {"community": LAB, "account": "ghost", "role": "member"}, "account `ghost` not found"),
    ("carol", "subscribe", {"community": LAB}, "already subscribed"),
    ("eve", "unsubscribe", {"community": LAB}, "already unsubscribed"),
    ("eve", "subscribe", {"community": "hive-100000"}, "community `hive-100000` does not exist"),
    ("eve", "subscribe", {"community": JOURNAL}, f"community `{JOURNAL}` does not exist"),
    (
        "bob",
        "mutePost",
        {"community": LAB, "account": "frank", "permlink": "f1", "notes": "x"},
        "post is already muted",
    ),
    ("bob", "pinPost", {"community": LAB, "account": "eve", "permlink": "e1"}, "post does not belong to community"),
    ("bob", "unpinPost", {"community": LAB, "account": "bob", "permlink": "b1"}, "post is already not pinned"),
    ("eve", "pinPost", {"community": LAB, "account": "bob", "permlink": "b1"}, "only mods can pin posts"),
    (
        "dave",
        "flagPost",
        {"community": LAB, "account": "bob", "permlink": "b1", "notes": "x"},
        "muted users cannot flag posts",
    ),
    (
        "carol",
        "flagPost",
        {"community": LAB, "account": "frank", "permlink": "f1", "notes": "again"},
        "user already flagged this post",
    ),
    ("bob", "updateProps", {"community": LAB, "props": {"about": "mine now"}}, "only admins can update props"),
    ("alice", "updateProps", {"community": LAB, "props": {"lang": "xx"}}, "invalid lang: lang"),
    ("alice", "updateProps", {"community": LAB, "props": {"title": "ab"}}, "title too short"),
    ("eve", "subscribe", {"community": LAB, "extra": 1}, "extraneous keys: ['extra']"),
    ("eve", "setRole", {"community": LAB, "account": "eve"}, "missing keys: ['role']"),
    ("eve", "shout", {"community": LAB}, "invalid action"),
]


@dataclass
class World:
    chain: DevChain
    rpc: Dispatcher


def posting(name: str) -> list[Any]:
    return [INIT_KEY] if name == "initminer" else [role_key(name, "posting")]


def community_op(chain: DevChain, signer: str, action: str, body: dict[str, Any]) -> None:
    raw = orjson.dumps([action, body]).decode()
    chain.apply(CustomJson((), (signer,), "community", raw), keys=posting(signer))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Two communities: hive-123456 ("Stoa Lab": owner itself, alice admin, bob mod titled Chief, dave
    muted; alice, bob and carol subscribe) with carol's c1 (pinned), bob's b1 (carol replies re-b1),
    dave's d1 (muted author) and frank's f1 (muted by bob, flagged by carol); hive-198765 with alice's
    a1 (carol subscribes). eve writes e1 in #news. initminer votes c1, b1 and f1. Then the REFUSED
    operations, and carol ignores bob."""
    chain = indexed_chain(tmp_path_factory.mktemp("communities") / "net")
    for name in ("alice", "bob", "carol", "dave", "eve", "frank", LAB, SIDE, JOURNAL):
        chain.create_account(name)

    def post(author: str, permlink: str, category: str, parent: tuple[str, str] | None = None) -> None:
        parent_author, parent_permlink = parent or ("", category)
        title = "" if parent else f"Title of {permlink}"
        op = Comment(parent_author, parent_permlink, author, permlink, title, f"Body of {permlink}.", "{}")
        chain.apply(op, keys=posting(author))

    community_op(chain, LAB, "updateProps", {"community": LAB, "props": PROPS})
    community_op(chain, LAB, "setRole", {"community": LAB, "account": "alice", "role": "admin"})
    for name, where in (("alice", LAB), ("bob", LAB), ("carol", LAB), ("carol", SIDE), ("frank", LAB)):
        community_op(chain, name, "subscribe", {"community": where})
    community_op(chain, "frank", "unsubscribe", {"community": LAB})
    community_op(chain, "alice", "setRole", {"community": LAB, "account": "bob", "role": "mod"})
    community_op(chain, "bob", "setRole", {"community": LAB, "account": "dave", "role": "muted"})
    community_op(chain, "alice", "setUserTitle", {"community": LAB, "account": "bob", "title": "Chief"})
    post("carol", "c1", LAB)
    post("bob", "b1", LAB)
    post("dave", "d1", LAB)
    post("frank", "f1", LAB)
    post("eve", "e1", "news")
    post("alice", "a1", SIDE)
    post("carol", "re-b1", "", parent=("bob", "b1"))
    for permlink, author, weight in (("c1", "carol", 10000), ("b1", "bob", 5000), ("f1", "frank", 10000)):
        chain.apply(Vote("initminer", author, permlink, weight), keys=posting("initminer"))
    community_op(chain, "bob", "pinPost", {"community": LAB, "account": "carol", "permlink": "c1"})
    community_op(
        chain, "bob", "mutePost", {"community": LAB, "account": "frank", "permlink": "f1", "notes": "off topic"}
    )
    community_op(chain, "carol", "flagPost", {"community": LAB, "account": "frank", "permlink": "f1", "notes": "spam"})
    for signer, action, body, _ in REFUSED:
        community_op(chain, signer, action, body)
    chain.apply(CustomJson((), ("eve",), "community", '{"subscribe": "hive-123456"}'), keys=posting("eve"))
    # an active authority: hivemind reads none, so nobody is told anything
    active = orjson.dumps(["subscribe", {"community": LAB}]).decode()
    chain.apply(CustomJson(("eve",), (), "community", active), keys=[role_key("eve", "active")])
    ignore = orjson.dumps(["follow", {"follower": "carol", "following": "bob", "what": ["ignore"]}]).decode()
    chain.apply(CustomJson((), ("carol",), "follow", ignore), keys=posting("carol"))
    yield World(chain, build_dispatcher(chain.node))
    chain.node.stop()


def refs(posts: list[dict[str, Any]]) -> list[str]:
    return [f"{post['author']}/{post['permlink']}" for post in posts]


def notes(world: World, account: str, **query: Any) -> list[tuple[str, int, str, str]]:
    found = call(world, "bridge.account_notifications", {"account": account, **query})
    return [(note["type"], note["score"], note["msg"], note["url"]) for note in found]


# --- bridge.get_community, get_community_context ------------------------------------------------


def test_get_community_shape(world: World) -> None:
    lab = call(world, "bridge.get_community", {"name": LAB})
    assert set(lab) == COMMUNITY_KEYS
    assert TIME.fullmatch(lab["created_at"])
    assert {key: lab[key] for key in ("name", "title", "about", "lang", "type_id", "is_nsfw", "subscribers")} == {
        "name": LAB,
        "title": "Stoa Lab",
        "about": "Testing ground for Stoa",
        "lang": "en",
        "type_id": 1,
        "is_nsfw": False,
        "subscribers": 3,  # alice, bob, carol (frank left)
    }
    assert (lab["description"], lab["flag_text"]) == ("Be kind.", "Flag only rule breaking.")
    assert lab["settings"] == {"avatar_url": "https://example.com/lab.png"}
    assert lab["avatar_url"] == "https://example.com/lab.png"
    assert (lab["num_pending"], lab["num_authors"]) == (4, 4)  # c1, b1, d1, f1 wait for their payout
    assert isinstance(lab["sum_pending"], int)
    assert lab["team"] == [[LAB, "owner", ""], ["alice", "admin", ""], ["bob", "mod", "Chief"]]
    assert lab["context"] == {}
    side = call(world, "bridge.get_community", {"name": SIDE, "observer": "carol"})
    assert side["title"] == f"@{SIDE}"  # no title set: hivemind shows the name
    assert side["context"] == {"role": "guest", "subscribed": True, "title": ""}
    assert side["team"] == [[SIDE, "owner", ""]] and side["settings"] == {}


def test_get_community_bad_input(world: World) -> None:
    assert "not found" in invalid(world, "bridge.get_community", {"name": "hive-100000"})
    assert "not found" in invalid(world, "bridge.get_community", {"name": JOURNAL})
    assert "community name" in invalid(world, "bridge.get_community", {"name": "news"})
    assert "community name" in invalid(world, "bridge.get_community", {})
    assert "does not exist" in invalid(world, "bridge.get_community", {"name": LAB, "observer": "nobody"})
    assert "does not take" in invalid(world, "bridge.get_community", {"name": LAB, "sort": "rank"})


def test_get_community_context(world: World) -> None:
    method = "bridge.get_community_context"
    assert call(world, method, {"name": LAB, "account": "bob"}) == {"role": "mod", "subscribed": True, "title": "Chief"}
    assert call(world, method, {"name": LAB, "account": "dave"}) == {"role": "muted", "subscribed": False, "title": ""}
    assert call(world, method, {"name": LAB, "account": "eve"}) == {"role": "guest", "subscribed": False, "title": ""}
    assert "does not exist" in invalid(world, method, {"name": LAB, "account": "nobody"})
    assert "not found" in invalid(world, method, {"name": "hive-100000", "account": "bob"})


# --- bridge.list_communities, list_pop_communities ----------------------------------------------


def test_list_communities_sorts_and_pages(world: World) -> None:
    method = "bridge.list_communities"
    ranked = call(world, method, {})
    assert [c["name"] for c in ranked] == [LAB, SIDE]  # the lab has the pending payouts
    assert set(ranked[0]) == LITE_KEYS | {"admins"} and set(ranked[1]) == LITE_KEYS  # admins only when any
    assert ranked[0]["admins"] == ["alice"] and ranked[0]["context"] == {}
    assert [c["name"] for c in call(world, method, {"sort": "new"})] == [SIDE, LAB]
    assert [c["name"] for c in call(world, method, {"sort": "subs"})] == [LAB, SIDE]
    assert [c["name"] for c in call(world, method, {"sort": "rank", "limit": 1})] == [LAB]
    assert [c["name"] for c in call(world, method, {"last": LAB})] == [SIDE]
    assert call(world, method, {"last": LAB, "sort": "new"}) == []
    assert [c["name"] for c in call(world, method, {"query": "testing STOA"})] == [LAB]
    assert call(world, method, {"query": "testing nothing"}) == []
    seen = call(world, method, {"observer": "bob"})
    assert [c["context"] for c in seen] == [
        {"role": "mod", "subscribed": True, "title": "Chief"},
        {"role": "guest", "subscribed": False, "title": ""},
    ]


def test_list_communities_bad_input(world: World) -> None:
    method = "bridge.list_communities"
    assert "sort" in invalid(world, method, {"sort": "hot"})
    assert "limit" in invalid(world, method, {"limit": 0})
    assert "limit" in invalid(world, method, {"limit": 101})
    assert "not found" in invalid(world, method, {"last": "hive-100000"})
    assert "query" in invalid(world, method, {"query": 7})
    assert "does not exist" in invalid(world, method, {"observer": "nobody"})


def test_list_pop_communities(world: World) -> None:
    method = "bridge.list_pop_communities"
    assert call(world, method, {}) == [[LAB, "Stoa Lab"], [SIDE, ""]]  # 3 new subscribers, then 1
    assert call(world, method, {"limit": 1}) == [[LAB, "Stoa Lab"]]
    assert "limit" in invalid(world, method, {"limit": 26})


# --- roles and subscriptions --------------------------------------------------------------------


def test_list_community_roles(world: World) -> None:
    method = "bridge.list_community_roles"
    roles = [[LAB, "owner", ""], ["alice", "admin", ""], ["bob", "mod", "Chief"], ["dave", "muted", ""]]
    assert call(world, method, {"community": LAB}) == roles
    assert call(world, method, {"community": LAB, "last": "alice"}) == roles[2:]
    assert call(world, method, {"community": LAB, "limit": 2}) == roles[:2]
    assert "no role" in invalid(world, method, {"community": LAB, "last": "eve"})
    assert "limit" in invalid(world, method, {"community": LAB, "limit": 1001})
    assert "not found" in invalid(world, method, {"community": "hive-100000"})


def test_list_subscribers(world: World) -> None:
    method = "bridge.list_subscribers"
    found = call(world, method, {"community": LAB})
    assert [row[:3] for row in found] == [["carol", "guest", None], ["bob", "mod", "Chief"], ["alice", "admin", ""]]
    assert all(TIME.fullmatch(row[3]) for row in found) and found[0][3] > found[2][3]
    assert call(world, method, {"community": LAB, "last": "carol"}) == found[1:]
    assert call(world, method, {"community": LAB, "limit": 1}) == found[:1]
    assert "does not subscribe" in invalid(world, method, {"community": LAB, "last": "frank"})
    assert "limit" in invalid(world, method, {"community": LAB, "limit": 101})


def test_list_all_subscriptions(world: World) -> None:
    method = "bridge.list_all_subscriptions"
    assert call(world, method, {"account": "carol"}) == [[LAB, "Stoa Lab", "guest", ""], [SIDE, "", "guest", ""]]
    assert call(world, method, {"account": "bob"}) == [[LAB, "Stoa Lab", "mod", "Chief"]]
    assert call(world, method, {"account": "frank"}) == []
    assert "does not exist" in invalid(world, method, {"account": "nobody"})
    assert "does not take" in invalid(world, method, {"account": "bob", "limit": 3})


def test_refused_operations_changed_nothing(world: World) -> None:
    """None of REFUSED took: the roles, props and subscriptions are those of the scenario."""
    assert call(world, "bridge.get_community", {"name": LAB})["about"] == "Testing ground for Stoa"
    assert call(world, "bridge.get_community_context", {"name": LAB, "account": "alice"})["role"] == "admin"
    assert call(world, "bridge.get_community_context", {"name": LAB, "account": "eve"})["subscribed"] is False
    pinned = call(world, "bridge.get_post", {"author": "eve", "permlink": "e1"})
    assert "is_pinned" not in pinned["stats"] and "community" not in pinned


# --- posts in communities -----------------------------------------------------------------------


def test_community_post_shape(world: World) -> None:
    b1 = call(world, "bridge.get_post", {"author": "bob", "permlink": "b1"})
    assert (b1["community"], b1["community_title"], b1["author_role"], b1["author_title"]) == (
        LAB,
        "Stoa Lab",
        "mod",
        "Chief",
    )
    assert b1["stats"]["gray"] is False and "is_pinned" not in b1["stats"]
    reply = call(world, "bridge.get_post", {"author": "carol", "permlink": "re-b1"})
    assert (reply["community"], reply["author_role"], reply["author_title"]) == (LAB, "guest", "")
    c1 = call(world, "bridge.get_post", {"author": "carol", "permlink": "c1"})
    assert c1["stats"]["is_pinned"] is True
    for author, permlink in (("frank", "f1"), ("dave", "d1")):  # muted by a mod / written by a muted author
        muted = call(world, "bridge.get_post", {"author": author, "permlink": permlink})
        assert muted["stats"]["gray"] is True and muted["community"] == LAB
    side = call(world, "bridge.get_post", {"author": "alice", "permlink": "a1"})
    assert (side["community"], side["community_title"], side["author_role"]) == (SIDE, SIDE, "guest")


def test_ranked_posts_in_a_community(world: World) -> None:
    method = "bridge.get_ranked_posts"
    created = call(world, method, {"sort": "created", "tag": LAB})
    assert refs(created) == ["carol/c1", "bob/b1"]  # c1 pinned first; the muted d1 and f1 are left out
    assert refs(call(world, method, {"sort": "trending", "tag": LAB})) == ["carol/c1", "bob/b1"]
    assert refs(call(world, method, {"sort": "hot", "tag": LAB})) == ["carol/c1", "bob/b1"]  # by score: not pinned
    assert refs(call(world, method, {"sort": "created", "tag": LAB, "limit": 1})) == ["carol/c1"]
    after_pin = {"sort": "created", "tag": LAB, "start_author": "carol", "start_permlink": "c1"}
    assert refs(call(world, method, after_pin)) == ["bob/b1"]
    after_b1 = {"sort": "created", "tag": LAB, "start_author": "bob", "start_permlink": "b1"}
    assert call(world, method, after_b1) == []
    assert refs(call(world, method, {"sort": "created", "tag": SIDE})) == ["alice/a1"]


def test_muted_posts_listed_only_by_the_muted_sort(world: World) -> None:
    method = "bridge.get_ranked_posts"
    everywhere = refs(call(world, method, {"sort": "created"}))
    assert everywhere == ["alice/a1", "eve/e1", "bob/b1", "carol/c1"]  # no d1, no f1
    assert refs(call(world, method, {"sort": "muted"})) == ["frank/f1"]  # d1 earns nothing
    assert refs(call(world, method, {"sort": "muted", "tag": LAB})) == ["frank/f1"]
    assert call(world, method, {"sort": "muted", "tag": SIDE}) == []
    comments = refs(call(world, method, {"sort": "payout_comments", "tag": LAB}))
    assert "frank/f1" not in comments


def test_my_communities_and_observer(world: World) -> None:
    method = "bridge.get_ranked_posts"
    assert refs(call(world, method, {"sort": "created", "tag": "my", "observer": "alice"})) == ["bob/b1", "carol/c1"]
    # carol subscribes to both and ignores bob: his post is not hers to see
    assert refs(call(world, method, {"sort": "created", "tag": "my", "observer": "carol"})) == ["alice/a1", "carol/c1"]
    assert refs(call(world, method, {"sort": "created", "tag": LAB, "observer": "carol"})) == ["carol/c1"]
    assert call(world, method, {"sort": "created", "tag": "my", "observer": "eve"}) == []
    assert "observer" in invalid(world, method, {"sort": "created", "tag": "my"})
    assert "does not exist" in invalid(world, method, {"sort": "created", "tag": "my", "observer": "nobody"})
    assert "sort" in invalid(world, method, {"sort": "pinned", "tag": LAB})


# --- notifications ------------------------------------------------------------------------------


def test_role_title_and_post_notifications(world: World) -> None:
    lab_url = f"trending/{LAB}"
    dave = notes(world, "dave", min_score=0)[:-1]  # the last: initminer's transfer that funded him
    assert dave == [
        ("error", 35, "error: muted users cannot flag posts", lab_url),
        ("error", 35, "error: not authorized", "@dave/d1"),  # his post in the lab, muted at once
        ("set_role", 15, "@bob set your role to muted", lab_url),  # 15: dave does not subscribe
    ]
    assert dave[2] not in notes(world, "dave")  # its 15 is below the default min_score
    assert notes(world, "frank", min_score=0)[0] == ("mute_post", 15, "@bob muted your post - off topic", "@frank/f1")
    assert ("pin_post", 35, "@bob pinned your post", "@carol/c1") in notes(world, "carol")
    bob = notes(world, "bob")
    assert ("set_title", 35, "@alice set your title to Chief", lab_url) in bob
    assert ("set_role", 35, "@alice set your role to mod", lab_url) in bob  # 35: bob subscribes
    assert ("flag_post", 35, "@carol flagged a post - spam", "@frank/f1") in bob
    alice = notes(world, "alice", min_score=0)
    assert ("set_role", 15, f"@{LAB} set your role to admin", lab_url) in alice  # before she subscribed
    assert ("flag_post", 35, "@carol flagged a post - spam", "@frank/f1") in alice


def test_refused_operations_tell_their_signer(world: World) -> None:
    errors: dict[str, list[str]] = {"dave": ["error: not authorized"]}
    for signer, _, _, text in REFUSED:
        errors.setdefault(signer, []).append(f"error: {text}")
    errors["eve"].append("error: op json must be list")  # and nothing for the one signed by eve's active key
    for signer, expected in errors.items():
        told = [msg for kind, _, msg, _ in notes(world, signer, min_score=0) if kind == "error"]
        assert told[::-1] == expected, signer


def test_a_community_sees_its_notifications(world: World) -> None:
    lab = notes(world, LAB)  # every notification of the community, at any score
    kinds = [kind for kind, _, _, _ in lab]
    assert lab[-1] == ("new_community", 35, f"@{LAB} was created", f"trending/{LAB}")
    assert ("subscribe", 25, "@alice subscribed to Stoa Lab", f"trending/{LAB}") in lab
    assert kinds.count("subscribe") == 4  # alice, bob, carol and frank (who left again)
    assert {"set_role", "set_title", "mute_post", "pin_post", "flag_post", "error"} <= set(kinds)
    side = notes(world, SIDE)
    assert [kind for kind, _, _, _ in side] == ["subscribe", "transfer", "new_community"]  # its own ones too


def test_post_notifications(world: World) -> None:
    method = "bridge.post_notifications"
    f1 = call(world, method, {"author": "frank", "permlink": "f1", "min_score": 0})
    assert [note["type"] for note in f1] == ["flag_post", "flag_post", "flag_post", "mute_post", "vote"]
    assert set(f1[0]) == {"id", "type", "score", "date", "msg", "url"}
    b1 = call(world, method, {"author": "bob", "permlink": "b1", "min_score": 0})
    assert ("reply", "@carol replied to your post", "@carol/re-b1") in [
        (note["type"], note["msg"], note["url"]) for note in b1
    ]
    assert call(world, method, {"author": "frank", "permlink": "f1", "min_score": 0, "limit": 2}) == f1[:2]
    assert call(world, method, {"author": "frank", "permlink": "f1", "min_score": 0, "last_id": f1[1]["id"]}) == f1[2:]
    assert "does not exist" in invalid(world, method, {"author": "frank", "permlink": "nope"})
    assert "does not exist" in invalid(world, method, {"author": "nobody", "permlink": "f1"})
    assert "unexpected" in invalid(world, method, {"author": "frank", "permlink": "f1", "observer": "bob"})


# --- communities in bridge's topics and payout stats --------------------------------------------


def test_trending_topics_list_communities_first(world: World) -> None:
    topics = call(world, "bridge.get_trending_topics", {})
    assert topics[:2] == [[LAB, "Stoa Lab"], [SIDE, SIDE]]
    assert [LAB, "Stoa Lab"] not in topics[2:] and ["news", "#news"] in topics[2:]
    assert call(world, "bridge.get_trending_topics", {"limit": 1}) == [[LAB, "Stoa Lab"]]


def test_payout_stats_by_community(world: World) -> None:
    stats = call(world, "bridge.get_payout_stats", {})
    lab = [item for item in stats["items"] if item[0] == LAB]
    assert lab == [[LAB, "Stoa Lab", lab[0][2], 5, 4]]  # c1, b1, d1, f1 and the reply re-b1 by four authors
    assert lab[0][2] > 0 and not any(item[0] == "@bob" for item in stats["items"])  # bob writes only in the lab
    assert stats["blogs"] == 0 and stats["total"] == round(sum(item[2] for item in stats["items"]), 3)
