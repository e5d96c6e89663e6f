"""Stoa's wire format is byte-exact with real Steem clients: beem 0.24 (Python) and dsteem 0.11 (JavaScript).

For every operation a client can serialize, hypothesis-generated valid operations must come out of the
client as the same bytes Stoa writes; transactions signed by either client must verify in Stoa and
transactions Stoa signs must verify in both clients, with the zero chain id and a custom one.

Known client limitations, each pinned by a test so that it is noticed when a client changes:

* pow, pow2 and the virtual operations: neither client implements them (beembase.operations has no
  class for them, dsteem's serializer no entry), so they are not compared.
* limit_order_create2: both clients write `fill_or_kill` before `exchange_rate`; steemd's
  `FC_REFLECT(limit_order_create2_operation, (owner)(orderid)(amount_to_sell)(exchange_rate)(fill_or_kill)(expiration))`
  has them the other way round, as Stoa does. Each client's bytes are compared with Stoa's fields packed
  in the client's order, and the operation is left out of transactions (clients would sign other bytes).
* Asset amounts: both clients go through binary floating point (beem: `Decimal(str(float(amount)))`,
  dsteem: `Math.round(parseFloat(amount) * 10 ** precision)`, documented as lossy), which is exact only
  up to 15 significant digits, so operations with larger amounts are not compared (the strategies
  draw amounts below that, so this is a guard).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from beembase.objects import Operation as BeemOperation
from beembase.signedtransactions import Signed_Transaction as BeemTransaction
from beemgraphenebase.account import PasswordKey as BeemPasswordKey
from beemgraphenebase.account import PrivateKey as BeemPrivateKey
from beemgraphenebase.account import PublicKey as BeemPublicKey
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from stoa.protocol import OPERATION, ZERO_CHAIN_ID, Asset, PrivateKey, ProtocolError, SignedTransaction
from stoa.protocol.hashes import sha256
from stoa.protocol.operations import LimitOrderCreate2, Operation
from stoa.protocol.record import Record
from stoa.protocol.types import pack_varint

from ..clients import ClientError, DsteemBridge
from .strategies import BY_NAME_CLASS, KEYS, account_names, valid_operation

CUSTOM_CHAIN_ID = sha256(b"stoa client tests")
CHAIN_IDS = pytest.mark.parametrize(
    "chain_id", [ZERO_CHAIN_ID, CUSTOM_CHAIN_ID], ids=["zero-chain-id", "custom-chain-id"]
)

# Virtual operations (rewards, fills, ...) are made by the chain and only read from history; neither client can
# serialize one (beembase.operations has no class for them, dsteem's serializer no entry).
VIRTUAL_OPS = sorted(name for name, cls in BY_NAME_CLASS.items() if cls.VIRTUAL)
# Operations a client cannot serialize at all, and why (pinned by test_unsupported_operations_are_unsupported_*).
BEEM_UNSUPPORTED = {
    "pow": "beembase.operations has no Pow class: NotImplementedError('Unimplemented Operation Pow')",
    "pow2": "beembase.operations has no Pow2 class: NotImplementedError('Unimplemented Operation Pow2')",
    **{name: "a virtual operation: beembase.operations has no class for it" for name in VIRTUAL_OPS},
}
DSTEEM_UNSUPPORTED = {
    "pow": "dsteem 0.11.3's serializer has no pow: 'No serializer for operation: pow'",
    "pow2": "dsteem 0.11.3's serializer has no pow2: 'No serializer for operation: pow2'",
    **{name: "a virtual operation: dsteem 0.11.3's serializer has no entry for it" for name in VIRTUAL_OPS},
}
BEEM_OPS = sorted(set(BY_NAME_CLASS) - set(BEEM_UNSUPPORTED))
DSTEEM_OPS = sorted(set(BY_NAME_CLASS) - set(DSTEEM_UNSUPPORTED))

# steemd's wire order for limit_order_create2 (libraries/protocol/include/steem/protocol/steem_operations.hpp).
STEEMD_LIMIT_ORDER_CREATE2 = ("owner", "orderid", "amount_to_sell", "exchange_rate", "fill_or_kill", "expiration")
# Where both clients write an operation's fields in another order than steemd (a client bug, see the docstring).
CLIENT_FIELD_ORDER = {
    "limit_order_create2": ("owner", "orderid", "amount_to_sell", "fill_or_kill", "exchange_rate", "expiration"),
}
# Operations both clients sign as steemd would, so they can go into client-built transactions.
TRANSACTION_OPS = sorted(set(BEEM_OPS) & set(DSTEEM_OPS) - set(CLIENT_FIELD_ORDER))

CLIENT_EXACT_AMOUNT = 10**15  # 15 significant digits: what both clients' float arithmetic keeps exactly


def client_settings(max_examples: int) -> settings:
    """Client round trips are slower than pure Stoa tests: no deadline, fewer examples."""
    return settings(max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- helpers ---------------------------------------------------------------------------------


def assets_in(value: Any) -> Iterator[Asset]:
    if isinstance(value, Asset):
        yield value
    elif isinstance(value, Record):
        for field in type(value).FIELDS:
            yield from assets_in(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from assets_in(item)


def client_exact(value: Any) -> bool:
    """Whether every asset amount in `value` survives the clients' floating point."""
    return all(abs(asset.amount) < CLIENT_EXACT_AMOUNT for asset in assets_in(value))


def stoa_bytes(op: Operation) -> bytes:
    out = bytearray()
    OPERATION.pack(op, out)
    return bytes(out)


def client_order_bytes(op: Operation) -> bytes:
    """Stoa's bytes for `op`, with its fields in the clients' order where that differs from steemd's."""
    order = CLIENT_FIELD_ORDER.get(op.OP_NAME)
    if order is None:
        return stoa_bytes(op)
    fields = {field.key: field for field in type(op).FIELDS}
    assert sorted(order) == sorted(fields)
    out = bytearray()
    pack_varint(op.OP_ID, out)
    for key in order:
        fields[key].codec.pack(getattr(op, fields[key].name), out)
    return bytes(out)


def fresh(value: Any) -> Any:
    """A deep copy: beem writes into the dicts it is given (it adds `prefix` keys)."""
    return copy.deepcopy(value)


def beem_operation_bytes(op_json: Any) -> bytes:
    return bytes(BeemOperation(fresh(op_json), prefix="STM"))


def beem_chain(chain_id: bytes) -> str | dict[str, str]:
    """beem's `chain` argument: its own "STEEM" entry for the zero chain id, else a custom chain dict."""
    return "STEEM" if chain_id == ZERO_CHAIN_ID else {"chain_id": chain_id.hex(), "prefix": "STM"}


def beem_transaction(tx_json: dict[str, Any]) -> BeemTransaction:
    return BeemTransaction(**fresh(tx_json))


def beem_signed_part(beem_tx: BeemTransaction, chain_id: bytes) -> tuple[bytes, bytes]:
    """(the unsigned transaction bytes, the digest) exactly as beem's sign() derives them."""
    beem_tx.deriveDigest(beem_chain(chain_id))
    message: bytes = beem_tx.message
    assert message[:32] == chain_id
    return message[32:], beem_tx.digest


def without_signatures(tx: SignedTransaction) -> SignedTransaction:
    return dataclasses.replace(tx, signatures=())


def other_chain(chain_id: bytes) -> bytes:
    return CUSTOM_CHAIN_ID if chain_id == ZERO_CHAIN_ID else ZERO_CHAIN_ID


def assert_not_signed_for(tx: SignedTransaction, chain_id: bytes, keys: list[PrivateKey]) -> None:
    """The signatures do not name `keys` on another chain: the chain id really is part of the digest."""
    try:
        signers = tx.signers(chain_id)
    except ProtocolError:
        return
    assert signers != [key.public_key for key in keys]


def passes_validation(op: Operation) -> bool:
    try:
        op.validate()
    except ProtocolError:
        return False
    return True


@st.composite
def transactions(draw: st.DrawFn, max_ops: int = 4) -> SignedTransaction:
    """Unsigned transactions of valid operations that both clients serialize as steemd does."""
    names = draw(st.lists(st.sampled_from(TRANSACTION_OPS), min_size=1, max_size=max_ops), label="operations")
    ops = tuple(draw(valid_operation(name), label=name) for name in names)
    assume(client_exact(ops))
    return SignedTransaction(
        draw(st.integers(0, 0xFFFF)), draw(st.integers(0, 0xFFFFFFFF)), draw(st.integers(0, 0xFFFFFFFF)), ops
    )


# beem collapses whitespace runs in the seed (PasswordKey.normalize) while dsteem and Stoa hash it as given.
passwords = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\t\n\v\f\r "), max_size=40)
signing_keys = st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique_by=lambda key: key.secret)


# --- the support tables are true ---------------------------------------------------------------


def test_every_stoa_operation_is_compared_or_explained() -> None:
    assert set(BEEM_OPS) | set(BEEM_UNSUPPORTED) == set(BY_NAME_CLASS)
    assert set(DSTEEM_OPS) | set(DSTEEM_UNSUPPORTED) == set(BY_NAME_CLASS)
    assert set(TRANSACTION_OPS) == set(BY_NAME_CLASS) - {"pow", "pow2", "limit_order_create2", *VIRTUAL_OPS}


@pytest.mark.parametrize("name", sorted(BEEM_UNSUPPORTED))
def test_unsupported_operations_are_unsupported_by_beem(name: str) -> None:
    # beem names the operations it knows but cannot serialize; names it has never heard of it refuses outright
    with pytest.raises((NotImplementedError, ValueError), match=r"Unimplemented Operation|Unknown operation"):
        BeemOperation([name, {}], prefix="STM")


@pytest.mark.parametrize("name", sorted(DSTEEM_UNSUPPORTED))
def test_unsupported_operations_are_unsupported_by_dsteem(dsteem: DsteemBridge, name: str) -> None:
    with pytest.raises(ClientError, match=f"No serializer for operation: {name}"):
        dsteem.serialize_operation([name, {}])


def test_stoa_writes_limit_order_create2_in_steemd_order() -> None:
    assert tuple(field.key for field in LimitOrderCreate2.FIELDS) == STEEMD_LIMIT_ORDER_CREATE2


def test_dsteem_bridge_reports_errors_and_keeps_answering(dsteem: DsteemBridge) -> None:
    assert dsteem.version() == "0.11.3"
    with pytest.raises(ClientError, match="unknown command"):
        dsteem.request("no_such_command")
    with pytest.raises(ClientError, match="Invalid asset"):
        dsteem.serialize_operation(["transfer", {"from": "a", "to": "b", "amount": "1.000 NOPE", "memo": ""}])
    with pytest.raises(ClientError, match="digest must be 32 bytes"):
        dsteem.recover(bytes(65), b"\1")
    vote = ["vote", {"voter": "alice", "author": "bob", "permlink": "hi", "weight": -10000}]
    assert dsteem.serialize_operation(vote) == stoa_bytes(OPERATION.parse(vote))


# --- operations ------------------------------------------------------------------------------


@pytest.mark.parametrize("appbase", [False, True], ids=["legacy", "appbase"])
@pytest.mark.parametrize("name", BEEM_OPS)
@client_settings(50)
@given(data=st.data())
def test_beem_serializes_operations_like_stoa(name: str, appbase: bool, data: st.DataObject) -> None:
    op = data.draw(valid_operation(name), label=name)
    assume(client_exact(op))
    beem = beem_operation_bytes(OPERATION.dump(op, appbase))
    assert beem == client_order_bytes(op)
    if name in CLIENT_FIELD_ORDER:
        assert beem != stoa_bytes(op), f"beem now writes {name} in steemd's order: drop it from CLIENT_FIELD_ORDER"


@pytest.mark.parametrize("name", DSTEEM_OPS)
@client_settings(80)
@given(data=st.data())
def test_dsteem_serializes_operations_like_stoa(dsteem: DsteemBridge, name: str, data: st.DataObject) -> None:
    op = data.draw(valid_operation(name), label=name)
    assume(client_exact(op))
    js = dsteem.serialize_operation(OPERATION.dump(op, False))
    assert js == client_order_bytes(op)
    if name in CLIENT_FIELD_ORDER:
        assert js != stoa_bytes(op), f"dsteem now writes {name} in steemd's order: drop it from CLIENT_FIELD_ORDER"


# --- transactions ----------------------------------------------------------------------------


@client_settings(150)
@given(tx=transactions(max_ops=6))
def test_multi_operation_transactions_serialize_identically(dsteem: DsteemBridge, tx: SignedTransaction) -> None:
    tx_json = tx.to_json()
    unsigned = tx.unsigned_bytes()
    beem_tx = beem_transaction(tx_json)
    assert beem_signed_part(beem_tx, ZERO_CHAIN_ID)[0] == unsigned
    assert bytes(beem_tx) == tx.to_bytes() == unsigned + b"\0"  # no signatures: an empty vector
    assert beem_tx.id == tx.id()
    assert SignedTransaction.parse(beem_tx.json()) == tx  # beem's JSON for it reads back as the same transaction
    assert dsteem.serialize_transaction(tx_json) == unsigned


@CHAIN_IDS
@client_settings(30)
@given(tx=transactions(), keys=signing_keys)
def test_beem_signed_transactions_verify_in_stoa(
    chain_id: bytes, tx: SignedTransaction, keys: list[PrivateKey]
) -> None:
    beem_tx = beem_transaction(tx.to_json())
    beem_tx.sign([key.wif() for key in keys], chain=beem_chain(chain_id))
    signed = SignedTransaction.parse(beem_tx.json())
    assert without_signatures(signed) == tx
    assert len(signed.signatures) == len(keys)
    assert signed.signers(chain_id) == [key.public_key for key in keys]
    assert signed.digest(chain_id) == beem_tx.digest
    assert signed.to_bytes() == bytes(beem_tx)
    assert signed.id() == beem_tx.id
    assert_not_signed_for(signed, other_chain(chain_id), keys)


@CHAIN_IDS
@client_settings(50)
@given(tx=transactions(), keys=signing_keys)
def test_dsteem_signed_transactions_verify_in_stoa(
    dsteem: DsteemBridge, chain_id: bytes, tx: SignedTransaction, keys: list[PrivateKey]
) -> None:
    signed_json = dsteem.sign_transaction(tx.to_json(), [key.wif() for key in keys], chain_id)
    signed = SignedTransaction.parse(signed_json)
    assert without_signatures(signed) == tx
    assert len(signed.signatures) == len(keys)
    assert signed.signers(chain_id) == [key.public_key for key in keys]
    assert dsteem.transaction_digest(signed_json, chain_id) == signed.digest(chain_id)
    assert_not_signed_for(signed, other_chain(chain_id), keys)


@CHAIN_IDS
@client_settings(30)
@given(tx=transactions(), keys=signing_keys)
def test_stoa_signed_transactions_verify_in_beem(
    chain_id: bytes, tx: SignedTransaction, keys: list[PrivateKey]
) -> None:
    signed = tx.sign(keys, chain_id)
    beem_tx = beem_transaction(signed.to_json())
    assert bytes(beem_tx) == signed.to_bytes()
    assert beem_signed_part(beem_tx, chain_id) == (tx.unsigned_bytes(), signed.digest(chain_id))
    public_keys = [BeemPublicKey(str(key.public_key), prefix="STM") for key in keys]
    found = beem_tx.verify(public_keys, chain=beem_chain(chain_id), recover_parameter=True)
    assert found == [key.public_key.data.hex() for key in keys]


@CHAIN_IDS
@client_settings(50)
@given(tx=transactions(), keys=signing_keys)
def test_stoa_signed_transactions_verify_in_dsteem(
    dsteem: DsteemBridge, chain_id: bytes, tx: SignedTransaction, keys: list[PrivateKey]
) -> None:
    signed = tx.sign(keys, chain_id)
    digest = dsteem.transaction_digest(signed.to_json(), chain_id)
    assert digest == signed.digest(chain_id)
    assert [dsteem.recover(signature, digest) for signature in signed.signatures] == [str(k.public_key) for k in keys]


# --- keys ------------------------------------------------------------------------------------


@client_settings(20)
@given(account=account_names, role=st.sampled_from(["owner", "active", "posting", "memo"]), password=passwords)
def test_password_keys_derive_like_the_clients(dsteem: DsteemBridge, account: str, role: str, password: str) -> None:
    key = PrivateKey.from_password(account, role, password)
    assert dsteem.login_key(account, role, password) == key.wif()
    assert str(BeemPasswordKey(account, password, role).get_private_key()) == key.wif()
    assert dsteem.public_key(key.wif()) == str(key.public_key)
    assert str(BeemPrivateKey(key.wif(), prefix="STM").pubkey) == str(key.public_key)
