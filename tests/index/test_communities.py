"""Communities in the index: what the operations leave in its tables, a rebuild from history equal to
the live index, and notifications ageing out of the 90-day window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from stoa.api.app import build_dispatcher
from stoa.index.ingest import rebuild
from stoa.protocol.operations import Comment, CustomJson, DeleteComment

from ..api.rpc import call
from ..chain.conftest import DevChain, indexed_chain, role_key
from .test_ingest import rows, snapshot

LAB = "hive-100001"
DAY = 24 * 3600


@pytest.fixture
def indexed(tmp_path: Path) -> Iterator[DevChain]:
    chain = indexed_chain(tmp_path / "net")
    yield chain
    chain.node.stop()


def community_op(chain: DevChain, signer: str, action: str, body: dict[str, Any]) -> None:
    raw = orjson.dumps([action, body]).decode()
    chain.apply(CustomJson((), (signer,), "community", raw), keys=[role_key(signer, "posting")])


def post(chain: DevChain, author: str, permlink: str, parent: tuple[str, str]) -> None:
    op = Comment(parent[0], parent[1], author, permlink, "" if parent[0] else "Title", "Body", "{}")
    chain.apply(op, keys=[role_key(author, "posting")])


def test_community_tables_and_rebuild(indexed: DevChain) -> None:
    chain = indexed
    for name in (LAB, "hive-2000001", "alice", "bob"):
        chain.create_account(name)
    community_op(chain, LAB, "setRole", {"community": LAB, "account": "alice", "role": "mod"})
    community_op(chain, "alice", "setRole", {"community": LAB, "account": "bob", "role": "muted"})
    community_op(chain, "alice", "setRole", {"community": LAB, "account": "initminer", "role": "member"})  # genesis
    community_op(chain, "alice", "subscribe", {"community": LAB})
    post(chain, "alice", "in-lab", ("", LAB))
    post(chain, "bob", "muted-reply", ("alice", "in-lab"))  # bob is muted: his reply is muted at once
    post(chain, LAB, "deleted", ("", LAB))
    community_op(chain, "alice", "flagPost", {"community": LAB, "account": LAB, "permlink": "deleted", "notes": "x"})
    chain.apply(DeleteComment(LAB, "deleted"), keys=[role_key(LAB, "posting")])
    post(chain, "bob", "elsewhere", ("", "hive-2000001"))  # not a community: a type-2 name registers none
    community_op(chain, "alice", "pinPost", {"community": LAB, "account": "alice", "permlink": "in-lab"})
    community_op(chain, "alice", "setUserTitle", {"community": LAB, "account": "alice", "title": "Keeper"})

    assert rows(chain, "SELECT name, type_id, subscribers FROM communities") == [(LAB, 1, 1)]
    assert rows(chain, "SELECT account, role, title FROM community_roles ORDER BY role DESC") == [
        (LAB, 8, ""),
        ("alice", 4, "Keeper"),
        ("initminer", 2, ""),
        ("bob", -2, ""),
    ]
    assert rows(chain, "SELECT permlink, community, is_muted, is_pinned FROM posts ORDER BY id") == [
        ("in-lab", LAB, 0, 1),
        ("muted-reply", LAB, 1, 0),
        ("elsewhere", None, 0, 0),
    ]
    assert rows(chain, "SELECT * FROM community_flags") == []  # the flagged post is gone, and its flags
    # alice pinned her own post and titled herself: nobody is told of what they did themselves
    assert rows(chain, "SELECT type FROM notifications WHERE dst = 'alice' AND community != '' ORDER BY id") == [
        ("set_role",)
    ]
    live = snapshot(chain)
    rebuild(chain.state.db, chain.node.genesis)
    assert snapshot(chain) == live


def test_notifications_age_out_after_90_days(indexed: DevChain) -> None:
    chain = indexed
    for name in ("alice", "bob"):
        chain.create_account(name)
    post(chain, "alice", "hello", ("", "news"))
    post(chain, "bob", "re-hello", ("alice", "hello"))
    world = SimpleNamespace(rpc=build_dispatcher(chain.node))
    query = {"account": "alice", "min_score": 0}
    assert [note["type"] for note in call(world, "bridge.account_notifications", query)] == ["reply", "transfer"]
    assert call(world, "bridge.unread_notifications", query)["unread"] == 2
    on_post = {"author": "alice", "permlink": "hello", "min_score": 0}
    assert [note["type"] for note in call(world, "bridge.post_notifications", on_post)] == ["reply"]
    chain.node.generate_blocks_until(chain.state.dgp().time + 89 * DAY)
    assert len(call(world, "bridge.account_notifications", query)) == 2
    chain.node.generate_blocks_until(chain.state.dgp().time + 2 * DAY)
    assert call(world, "bridge.account_notifications", query) == []
    assert call(world, "bridge.unread_notifications", query)["unread"] == 0
    assert call(world, "bridge.post_notifications", on_post) == []
