"""Demo content for a fresh dev network: a few people, posts in #news, replies, votes and follows.

Everything goes through signed transactions and real blocks, like any client's; the keys are
derived from the passwords printed by `stoa run --demo`, so a person can log in as any of them.
"""

from __future__ import annotations

import orjson

from .chain.node import Node
from .chain.params import DEV_INIT_MINER_WIF
from .protocol import Asset, PrivateKey, SignedTransaction, reference_block
from .protocol.operations import (
    AccountCreate,
    Comment,
    CustomJson,
    Operation,
    Transfer,
    TransferToVesting,
    Vote,
)

PEOPLE = {
    "alice": "Writes about the news of the day.",
    "bob": "Reads everything, comments on most of it.",
    "carol": "Curates and reblogs.",
}
POSTS = [
    (
        "alice",
        "welcome-to-stoa",
        "Welcome to Stoa",
        "news",
        "Stoa is a **self-hosted**, reward-based blogging network.\n\nWrite, vote, reply and follow — "
        "every action is a signed transaction in a block. Say hello to @bob!",
    ),
    (
        "bob",
        "markets-this-week",
        "Markets this week",
        "news",
        "A short look at the week:\n\n- STEEM steady\n- SBD near its peg\n\n> Nothing here is advice.",
    ),
]
REPLIES = [
    ("bob", "re-welcome-to-stoa", "alice", "welcome-to-stoa", "Hello Alice, glad to be here."),
    ("carol", "re-re-welcome-to-stoa", "bob", "re-welcome-to-stoa", "Welcome both!"),
]


def demo_password(name: str) -> str:
    return f"stoa-demo-{name}"


def key(name: str, role: str) -> PrivateKey:
    return PrivateKey.from_password(name, role, demo_password(name))


def push(node: Node, ops: list[Operation], signer: PrivateKey) -> None:
    dgp = node.state.dgp()
    num, prefix = reference_block(dgp.head_block_id)
    tx = SignedTransaction(num, prefix, dgp.time + 600, tuple(ops)).sign([signer], node.chain_id)
    node.push_transaction(tx)
    node.produce_block()


def needs_demo(node: Node) -> bool:
    return node.state.account("alice") is None


def seed(node: Node) -> dict[str, str]:
    """Create the demo content; returns each demo account's password."""
    init = PrivateKey.from_wif(DEV_INIT_MINER_WIF)
    fee = Asset(node.state.schedule().account_creation_fee, "STEEM")
    for name, about in PEOPLE.items():
        metadata = orjson.dumps({"profile": {"name": name.title(), "about": about}}).decode()
        push(
            node,
            [
                AccountCreate.with_keys(
                    fee, "initminer", name, lambda role, name=name: key(name, role).public_key, metadata
                ),
                Transfer("initminer", name, Asset(1_000_000, "STEEM"), "Welcome to Stoa"),
            ],
            init,
        )
        push(node, [TransferToVesting(name, name, Asset(500_000, "STEEM"))], key(name, "active"))
    for author, permlink, title, tag, body in POSTS:
        metadata = orjson.dumps({"tags": [tag, "stoa"], "app": "stoa/demo"}).decode()
        push(node, [Comment("", tag, author, permlink, title, body, metadata)], key(author, "posting"))
    for author, permlink, parent_author, parent_permlink, body in REPLIES:
        push(node, [Comment(parent_author, parent_permlink, author, permlink, "", body, "{}")], key(author, "posting"))
    for voter, author, permlink in (
        ("bob", "alice", "welcome-to-stoa"),
        ("carol", "alice", "welcome-to-stoa"),
        ("alice", "bob", "markets-this-week"),
    ):
        push(node, [Vote(voter, author, permlink, 10000)], key(voter, "posting"))
    for follower, following in (("bob", "alice"), ("carol", "alice"), ("carol", "bob")):
        payload = orjson.dumps(["follow", {"follower": follower, "following": following, "what": ["blog"]}]).decode()
        push(node, [CustomJson((), (follower,), "follow", payload)], key(follower, "posting"))
    return {name: demo_password(name) for name in PEOPLE}
