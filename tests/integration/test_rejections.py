"""Every way a broadcast can be refused, over JSON-RPC to a running node: a clear error, the state
unchanged, and the node still producing blocks afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from stoa.protocol import Asset, Authority, PrivateKey, SignedTransaction, reference_block
from stoa.protocol.keys import CURVE_ORDER, HALF_CURVE_ORDER
from stoa.protocol.operations import AccountCreate, Comment, Operation, Transfer, TransferToVesting, Vote
from stoa.protocol.types import parse_time

from .conftest import INIT_WIF, RunningNode

INIT = PrivateKey.from_wif(INIT_WIF)


def key(name: str, role: str) -> PrivateKey:
    return PrivateKey.from_password(name, role, "rejections")


class Client:
    """Signs with Stoa's protocol layer and broadcasts synchronously, as a wallet would."""

    def __init__(self, node: RunningNode) -> None:
        self.node = node
        self.chain_id = bytes.fromhex(node.chain_id)

    def dgp(self) -> dict[str, Any]:
        return self.node.call("condenser_api.get_dynamic_global_properties")

    def sign(self, ops: list[Operation], keys: list[PrivateKey], expire_in: int = 60) -> SignedTransaction:
        dgp = self.dgp()
        num, prefix = reference_block(bytes.fromhex(dgp["head_block_id"]))
        tx = SignedTransaction(num, prefix, parse_time(dgp["time"]) + expire_in, tuple(ops))
        return tx.sign(keys, self.chain_id)

    def send(self, tx: SignedTransaction | dict[str, Any]) -> dict[str, Any]:
        document = tx.to_json() if isinstance(tx, SignedTransaction) else tx
        body = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "condenser_api.broadcast_transaction_synchronous",
            "params": [document],
        }
        return orjson.loads(httpx.post(self.node.url, content=orjson.dumps(body), timeout=30).content)

    def ok(self, *ops: Operation, keys: list[PrivateKey]) -> None:
        answer = self.send(self.sign(list(ops), keys))
        assert "result" in answer, answer

    def digest(self) -> str:
        return str(self.node.call("debug_node_api.debug_get_state_digest", {})["digest"])


@pytest.fixture(scope="module")
def client(node: RunningNode) -> Iterator[Client]:
    wallet = Client(node)
    auths = {role: Authority.single_key(key("carol", role).public_key) for role in ("owner", "active", "posting")}
    wallet.ok(
        AccountCreate(
            Asset(3000, "STEEM"),
            "initminer",
            "carol",
            auths["owner"],
            auths["active"],
            auths["posting"],
            key("carol", "memo").public_key,
            "",
        ),
        Transfer("initminer", "carol", Asset(10_000, "STEEM"), ""),
        keys=[INIT],
    )
    wallet.ok(TransferToVesting("carol", "carol", Asset(5_000, "STEEM")), keys=[key("carol", "active")])
    wallet.ok(Comment("", "news", "carol", "first", "First", "Body", "{}"), keys=[key("carol", "posting")])
    wallet.ok(Comment("", "news", "initminer", "init-post", "Post", "Body", "{}"), keys=[INIT])
    wallet.ok(Comment("initminer", "init-post", "initminer", "init-reply", "", "Reply", "{}"), keys=[INIT])
    yield wallet


def refused(client: Client, tx: SignedTransaction | dict[str, Any], *words: str) -> dict[str, Any]:
    """The broadcast fails with a message holding `words`; nothing changed; blocks still come."""
    before, head = client.digest(), client.dgp()["head_block_number"]
    answer = client.send(tx)
    assert "error" in answer, answer
    message = answer["error"]["message"]
    for word in words:
        assert word in message, message
    assert "Traceback" not in message
    assert client.digest() == before
    client.node.call("debug_node_api.debug_generate_blocks", {"count": 1})
    assert client.dgp()["head_block_number"] == head + 1
    return answer["error"]


def transfer(amount: int = 1, sender: str = "carol") -> list[Operation]:
    return [Transfer(sender, "initminer", Asset(amount, "STEEM"), "")]


def test_wrong_key(client: Client) -> None:
    refused(client, client.sign(transfer(), [key("mallory", "active")]), "missing active authority of carol")


def test_missing_signature(client: Client) -> None:
    refused(client, client.sign(transfer(), []), "missing active authority of carol")


def test_posting_key_for_an_active_operation(client: Client) -> None:
    refused(client, client.sign(transfer(), [key("carol", "posting")]), "missing active authority of carol")


def test_irrelevant_extra_signature(client: Client) -> None:
    refused(client, client.sign(transfer(), [key("carol", "active"), INIT]), "unnecessary signature")


def test_high_s_signature(client: Client) -> None:
    tx = client.sign(transfer(), [key("carol", "active")])
    signature = tx.signatures[0]
    s = int.from_bytes(signature[33:], "big")
    assert s <= HALF_CURVE_ORDER
    flipped = bytes((((signature[0] - 27) ^ 1) + 27,)) + signature[1:33] + (CURVE_ORDER - s).to_bytes(32, "big")
    refused(client, {**tx.to_json(), "signatures": [flipped.hex()]}, "not canonical")


def test_expired(client: Client) -> None:
    refused(client, client.sign(transfer(), [key("carol", "active")], expire_in=-3), "expired")


def test_expiration_too_far(client: Client) -> None:
    refused(client, client.sign(transfer(), [key("carol", "active")], expire_in=4000), "3600")


def test_tapos_mismatch(client: Client) -> None:
    tx = client.sign(transfer(), [key("carol", "active")])
    wrong = SignedTransaction(tx.ref_block_num, tx.ref_block_prefix ^ 1, tx.expiration, tx.operations)
    refused(client, wrong.sign([key("carol", "active")], client.chain_id), "TaPoS")


def test_duplicate(client: Client) -> None:
    tx = client.sign(transfer(2), [key("carol", "active")])
    assert "result" in client.send(tx)
    refused(client, tx, "duplicate transaction")


def test_insufficient_funds(client: Client) -> None:
    refused(client, client.sign(transfer(10**9), [key("carol", "active")]), "not enough")


def test_invalid_account_name(client: Client) -> None:
    error = refused(
        client,
        client.sign([Transfer("carol", "Bad_Name", Asset(1, "STEEM"), "")], [key("carol", "active")]),
        "invalid account name",
    )
    assert error["data"]["rule"] == "account-name"


def test_invalid_permlink(client: Client) -> None:
    post = Comment("", "news", "carol", "Not_A_Permlink", "Title", "Body", "{}")
    refused(client, client.sign([post], [key("carol", "posting")]), "a-z, 0-9 and '-'")


def test_posting_too_often(client: Client) -> None:
    post = Comment("", "news", "carol", "second", "Second", "Body", "{}")
    refused(client, client.sign([post], [key("carol", "posting")]), "once every 5 minutes")


def test_voting_too_often(client: Client) -> None:
    two_votes = [Vote("carol", "initminer", "init-post", 100), Vote("carol", "initminer", "init-reply", 100)]
    refused(client, client.sign(two_votes, [key("carol", "posting")]), "once every 3 seconds")


def test_vote_changes_beyond_the_limit(client: Client) -> None:
    for weight in (300, 400, 500, 600, 700, 800):  # a vote, then the five changes allowed
        client.node.call("debug_node_api.debug_generate_blocks", {"count": 1})
        client.ok(Vote("carol", "carol", "first", weight), keys=[key("carol", "posting")])
    client.node.call("debug_node_api.debug_generate_blocks", {"count": 1})
    refused(
        client,
        client.sign([Vote("carol", "carol", "first", 800)], [key("carol", "posting")]),
        "maximum number of vote changes",
    )


def test_same_vote_twice(client: Client) -> None:
    client.node.call("debug_node_api.debug_generate_blocks", {"count": 1})
    client.ok(Vote("carol", "initminer", "init-post", 250), keys=[key("carol", "posting")])
    client.node.call("debug_node_api.debug_generate_blocks", {"count": 1})
    same = [Vote("carol", "initminer", "init-post", 250)]
    refused(client, client.sign(same, [key("carol", "posting")]), "identical")
