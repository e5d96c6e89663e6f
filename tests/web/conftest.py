"""One in-process dev chain for the web tests: the demo content, a few comments that order differently
under each sort, an XSS title, and a post by dave with 21 voters, 11 comments (one low-rated, one with
its payout declined, one with a thread 9 replies deep) and a transfer in the wallets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from stoa.api.app import node_app
from stoa.chain.node import Node
from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.demo import key, push, seed
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.operations import AccountCreate, Comment, CommentOptions, Transfer, TransferToVesting, Vote

from ..chain.conftest import indexed_chain

WELCOME = "/news/@alice/welcome-to-stoa"
OPTIONS = "/tests/@dave/options"
VOTERS = [f"voter{n}" for n in range(1, 22)]
DEEP = 9


def person(node: Node, name: str) -> None:
    fee = Asset(node.state.schedule().account_creation_fee, "STEEM")
    create = AccountCreate.with_keys(fee, "initminer", name, lambda role: key(name, role).public_key)
    push(
        node,
        [create, Transfer("initminer", name, Asset(100_000, "STEEM"), "")],
        PrivateKey.from_wif(DEV_INIT_MINER_WIF),
    )
    push(node, [TransferToVesting(name, name, Asset(50_000, "STEEM"))], key(name, "active"))


def comment(node: Node, parent: tuple[str, str], author: str, permlink: str, body: str) -> None:
    push(node, [Comment(parent[0], parent[1], author, permlink, "", body, "{}")], key(author, "posting"))


def sort_fixtures(node: Node) -> None:
    """Two more top-level replies on alice's post, so each comment order differs: bob's (oldest) has
    the biggest payout, carol's the most votes, alice's is the newest; and carol's XSS title."""
    comment(node, ("alice", "welcome-to-stoa"), "carol", "re-carol", "Carol was here.")
    comment(node, ("alice", "welcome-to-stoa"), "alice", "re-alice", "Thanks all.")
    push(node, [Vote("carol", "bob", "re-welcome-to-stoa", 10000)], key("carol", "posting"))
    push(node, [Vote("alice", "carol", "re-carol", 100)], key("alice", "posting"))
    push(node, [Vote("bob", "carol", "re-carol", 100)], key("bob", "posting"))
    title = "<script>alert(1)</script> & friends"
    push(
        node,
        [Comment("", "tests", "carol", "xss", title, "Body <script>alert(2)</script> text", "{}")],
        key("carol", "posting"),
    )


def options_post(node: Node) -> None:
    person(node, "dave")
    post = Comment("", "tests", "dave", "options", "Options", "Powered up, with many voters.", '{"tags":["tests"]}')
    powered = CommentOptions("dave", "options", Asset(1_000_000_000, "SBD"), 0, True, True)
    push(node, [post, powered], key("dave", "posting"))
    for number, voter in enumerate(VOTERS):
        person(node, voter)
        push(node, [Vote(voter, "dave", "options", 10000)], key(voter, "posting"))
        if number < 10:
            comment(node, ("dave", "options"), voter, f"re-{voter}", f"Comment by {voter}.")
    push(node, [Vote("dave", "voter1", "re-voter1", -10000)], key("dave", "posting"))  # low-rated
    declined = CommentOptions("dave", "re-dave", Asset(0, "SBD"), 10000, True, True)
    push(node, [Comment("dave", "options", "dave", "re-dave", "", "Declined.", "{}"), declined], key("dave", "posting"))
    parent = ("voter2", "re-voter2")
    for depth in range(DEEP):
        author = VOTERS[2 + depth % 2]
        comment(node, parent, author, f"deep-{depth}", f"Depth {depth + 2}.")
        parent = (author, f"deep-{depth}")
    push(node, [Transfer("alice", "bob", Asset(1_500, "STEEM"), "thanks")], key("alice", "active"))


@pytest.fixture(scope="package")
def web_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    node = indexed_chain(tmp_path_factory.mktemp("web")).node
    try:
        seed(node)
        sort_fixtures(node)
        options_post(node)
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="package")
def client(web_node: Node) -> Iterator[TestClient]:
    with TestClient(node_app(web_node)) as test_client:
        yield test_client
