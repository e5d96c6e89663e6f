"""Writing a test network's social scenario through the chain: posts and replies, votes and
custom_json `follow` operations (follows, reblogs), each in its own block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from stoa.api.jsonrpc import Dispatcher
from stoa.protocol.operations import Comment, CustomJson, Vote

from ..chain.conftest import INIT_KEY, DevChain, role_key


@dataclass
class World:
    """A scenario's network: its chain, its node's JSON-RPC dispatcher, when each post was written."""

    chain: DevChain
    rpc: Dispatcher
    created: dict[str, int]  # permlink → block time it was written


def posting(name: str) -> list[Any]:
    return [INIT_KEY] if name == "initminer" else [role_key(name, "posting")]


class Writer:
    """Applies a scenario's operations, remembering when each post was written."""

    def __init__(self, chain: DevChain) -> None:
        self.chain = chain
        self.created: dict[str, int] = {}  # permlink → block time it was written

    def post(
        self, author: str, permlink: str, category: str, tags: list[str], parent: tuple[str, str] | None = None
    ) -> None:
        """A root post titled "Title of <permlink>" in `category`, or a reply to `parent`."""
        metadata = orjson.dumps({"tags": tags}).decode()
        parent_author, parent_permlink = parent or ("", category)
        title = "" if parent else f"Title of {permlink}"
        op = Comment(parent_author, parent_permlink, author, permlink, title, f"Body of {permlink}.", metadata)
        self.chain.apply(op, keys=posting(author))
        self.created[permlink] = self.chain.state.dgp().time

    def vote(self, voter: str, author: str, permlink: str, weight: int) -> None:
        self.chain.apply(Vote(voter, author, permlink, weight), keys=posting(voter))

    def custom(self, signer: str, payload: list[Any]) -> None:
        """custom_json `follow`: ["follow", {...}] or ["reblog", {...}]."""
        op = CustomJson((), (signer,), "follow", orjson.dumps(payload).decode())
        self.chain.apply(op, keys=posting(signer))
