"""The social index through a running node: a scenario of posts, replies, votes, follows and reblogs
built through the chain, then condenser_api and bridge shapes, and beem's read classes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from beem import Steem
from beem.account import Account
from beem.comment import Comment
from beem.discussions import Discussions_by_created, Discussions_by_trending, Query
from beemgraphenebase.account import PasswordKey

from .conftest import INIT_WIF, RunningNode

NAMES = ("alice", "bob", "carol")


def keys_of(name: str) -> list[str]:
    return [str(PasswordKey(name, f"{name}-social-pw", role).get_private_key()) for role in ("active", "posting")]


@pytest.fixture(scope="module")
def steem(node: RunningNode) -> Iterator[Steem]:
    keys = [INIT_WIF, *(key for name in NAMES for key in keys_of(name))]
    client = Steem(node=node.url, keys=keys, num_retries=0, timeout=30, blocking=True)
    for name in NAMES:
        client.create_account(name, creator="initminer", password=f"{name}-social-pw", storekeys=False)
        Account("initminer", blockchain_instance=client).transfer_to_vesting(50, to=name)
    client.post("Hello Stoa", "Some **bold** text and @bob", author="alice", permlink="hello", tags=["news", "stoa"])
    client.post("Second", "Another post", author="bob", permlink="second", tags=["news"])
    client.post("", "A reply", author="bob", permlink="re-hello", reply_identifier="@alice/hello")
    client.post("", "A nested reply", author="carol", permlink="re-re-hello", reply_identifier="@bob/re-hello")
    client.vote(100, "@alice/hello", account="bob")
    client.vote(50, "@alice/hello", account="carol")
    client.vote(100, "@bob/second", account="initminer")
    Account("carol", blockchain_instance=client).follow("alice")
    Account("carol", blockchain_instance=client).follow("bob")
    client.custom_json(
        "follow", ["reblog", {"account": "bob", "author": "alice", "permlink": "hello"}], required_posting_auths=["bob"]
    )
    yield client


def call(node: RunningNode, method: str, params: Any) -> Any:
    return node.call(method, params)


def test_get_content_shape(steem: Steem, node: RunningNode) -> None:
    post = call(node, "condenser_api.get_content", ["alice", "hello"])
    assert post["author"] == "alice" and post["permlink"] == "hello" and post["category"] == "news"
    assert post["children"] == 2 and post["depth"] == 0 and post["net_votes"] == 2
    assert post["url"] == "/news/@alice/hello" and post["root_title"] == "Hello Stoa"
    assert {vote["voter"] for vote in post["active_votes"]} == {"bob", "carol"}
    assert isinstance(post["json_metadata"], str) and post["pending_payout_value"].endswith(" SBD")
    for field in ("cashout_time", "total_vote_weight", "reward_weight", "allow_votes", "body_length"):
        assert field in post


def test_replies_votes_and_discussion(steem: Steem, node: RunningNode) -> None:
    replies = call(node, "condenser_api.get_content_replies", ["alice", "hello"])
    assert [(r["author"], r["permlink"]) for r in replies] == [("bob", "re-hello")]
    votes = call(node, "condenser_api.get_active_votes", ["alice", "hello"])
    assert {v["voter"]: v["percent"] for v in votes} == {"bob": 10000, "carol": 5000}
    thread = call(node, "bridge.get_discussion", {"author": "alice", "permlink": "hello"})
    assert set(thread) == {"alice/hello", "bob/re-hello", "carol/re-re-hello"}
    assert thread["alice/hello"]["replies"] == ["bob/re-hello"]
    assert thread["bob/re-hello"]["replies"] == ["carol/re-re-hello"]
    assert thread["bob/re-hello"]["title"] == "RE: Hello Stoa"


def test_rendered_html_is_stored(steem: Steem, node: RunningNode) -> None:
    post = call(node, "bridge.get_post", {"author": "alice", "permlink": "hello"})
    assert post["json_metadata"]["tags"] == ["news", "stoa"]
    assert post["author_reputation"] >= 25 and post["stats"]["total_votes"] == 2


def test_ranked_lists_and_pagination(steem: Steem, node: RunningNode) -> None:
    created = call(node, "bridge.get_ranked_posts", {"sort": "created", "tag": "news", "limit": 10})
    assert [p["permlink"] for p in created] == ["second", "hello"]
    page = call(node, "bridge.get_ranked_posts", {"sort": "created", "start_author": "bob", "start_permlink": "second"})
    assert [p["permlink"] for p in page] == ["hello"]
    trending = call(node, "condenser_api.get_discussions_by_trending", [{"tag": "", "limit": 10}])
    # initminer's vote on bob's post outweighs bob's and carol's on alice's
    assert int(trending[0]["net_rshares"]) > int(trending[1]["net_rshares"]) > 0
    assert [p["permlink"] for p in trending] == ["second", "hello"]
    assert [p["permlink"] for p in call(node, "bridge.get_ranked_posts", {"sort": "trending"})] == ["second", "hello"]
    page = call(
        node, "condenser_api.get_discussions_by_trending", [{"start_author": "bob", "start_permlink": "second"}]
    )
    assert [p["permlink"] for p in page] == ["second", "hello"]  # condenser pages include their start
    assert (
        call(node, "condenser_api.get_discussions_by_created", [{"tag": "stoa", "limit": 5}])[0]["permlink"] == "hello"
    )


def test_follows_blogs_and_feeds(steem: Steem, node: RunningNode) -> None:
    followers = call(node, "condenser_api.get_followers", ["alice", "", "blog", 10])
    assert followers == [{"follower": "carol", "following": "alice", "what": ["blog"]}]
    assert call(node, "condenser_api.get_follow_count", ["carol"]) == {
        "account": "carol",
        "follower_count": 0,
        "following_count": 2,
    }
    blog = call(node, "condenser_api.get_discussions_by_blog", [{"tag": "bob", "limit": 10}])
    assert [(p["author"], p["permlink"]) for p in blog] == [("alice", "hello"), ("bob", "second")]
    assert blog[0]["reblogged_by"] == ["bob"]
    feed = call(node, "bridge.get_account_posts", {"sort": "feed", "account": "carol"})
    assert {(p["author"], p["permlink"]) for p in feed} == {("alice", "hello"), ("bob", "second")}
    assert call(node, "condenser_api.get_reblogged_by", ["alice", "hello"]) == ["alice", "bob"]
    profile = call(node, "bridge.get_profile", {"account": "alice"})
    assert profile["stats"]["followers"] == 1 and profile["post_count"] == 1


def test_bad_arguments_get_clear_errors(steem: Steem, node: RunningNode) -> None:
    for method, params, words in (
        ("condenser_api.get_content", ["alice", "nope"], "does not exist"),
        ("bridge.get_ranked_posts", {"sort": "sideways"}, "sort must be one of"),
        ("bridge.get_ranked_posts", {"sort": "created", "limit": 1000}, "limit"),
        ("bridge.get_account_posts", {"sort": "blog", "account": "Not Valid"}, "valid account name"),
        ("condenser_api.get_followers", ["alice", "", "sideways", 10], "follow_type"),
    ):
        with pytest.raises(RuntimeError, match=words):
            call(node, method, params)


def test_beem_read_classes(steem: Steem, node: RunningNode) -> None:
    post = Comment("@alice/hello", blockchain_instance=steem)
    assert post["title"] == "Hello Stoa"
    assert [reply["author"] for reply in post.get_replies()] == ["bob"]
    assert {vote["voter"] for vote in post.get_votes()} == {"bob", "carol"}
    trending = Discussions_by_trending(Query(limit=10, tag="news"), blockchain_instance=steem)
    assert [entry["permlink"] for entry in trending] == ["second", "hello"]
    created = Discussions_by_created(Query(limit=10, tag="news"), blockchain_instance=steem)
    assert [entry["permlink"] for entry in created] == ["second", "hello"]
    carol = Account("carol", blockchain_instance=steem)
    assert set(carol.get_following()) == {"alice", "bob"}
    assert Account("alice", blockchain_instance=steem).get_followers() == ["carol"]
    assert [entry["permlink"] for entry in Account("bob", blockchain_instance=steem).get_blog(limit=10)] == [
        "hello",
        "second",
    ]
    assert {entry["permlink"] for entry in carol.get_feed(limit=10)} == {"hello", "second"}


def test_beem_notifications(steem: Steem, node: RunningNode) -> None:
    """beem's Account.get_notifications (bridge.unread_notifications, then account_notifications) and
    mark_notifications_as_read (custom_json `notify` setLastRead)."""
    alice = Account("alice", blockchain_instance=steem)
    notes = alice.get_notifications(only_unread=False)
    kinds = [note["type"] for note in notes]
    # bob replied to her post, carol followed her, bob reblogged it: newest first
    assert {"reply", "follow", "reblog"} <= set(kinds)
    assert kinds.index("reblog") < kinds.index("follow") < kinds.index("reply")
    for note in notes:
        assert set(note) == {"id", "type", "score", "date", "msg", "url"}
        assert isinstance(note["date"], datetime) and 0 <= note["score"] <= 100
    reply = notes[kinds.index("reply")]
    assert reply["msg"] == "@bob replied to your post" and reply["url"] == "@bob/re-hello"
    assert alice.get_notifications(only_unread=False, limit=1) == notes[:1]
    assert alice.get_notifications() == notes  # nothing read yet: every notification is unread
    mentioned = Account("bob", blockchain_instance=steem).get_notifications(only_unread=False)
    assert [note["url"] for note in mentioned if note["type"] == "mention"] == ["@alice/hello"]
    alice.mark_notifications_as_read()
    assert call(node, "bridge.unread_notifications", {"account": "alice"})["unread"] == 0
    assert alice.get_notifications() == []
    assert len(alice.get_notifications(only_unread=False)) == len(notes)
