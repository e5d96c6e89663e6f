"""Bad input is refused with a ProtocolError that names the field, the rule and what to fix — never a crash.

Every case asserts the exact exception class, the dotted field path and the rule id. Bugs found in
src/ are kept as regression tests at the end of the module.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import base58
import coincurve
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stoa.protocol import OPERATION, Asset, PrivateKey, PublicKey, SignedTransaction, Transaction, recover_public_key
from stoa.protocol.asset import ASSET
from stoa.protocol.authority import Authority
from stoa.protocol.block import VERSION
from stoa.protocol.errors import EncodingError, ProtocolError, ShapeError, SignatureError, ValidationError
from stoa.protocol.hashes import sha256
from stoa.protocol.keys import CURVE_ORDER, HALF_CURVE_ORDER
from stoa.protocol.operations import (
    BY_ID,
    AccountUpdate,
    AccountWitnessVote,
    CustomJson,
    Operation,
    validate_operation,
)
from stoa.protocol.types import TIME, UINT16, require_sorted_unique

from ..vectors import PUBLIC, SIGNATURE_HEX, TRANSFER, TRANSFER_ID, TRANSFER_UNSIGNED_HEX, WIF
from .strategies import operations, records

SIGNATURE = bytes.fromhex(SIGNATURE_HEX)
EXAMPLE = TRANSFER
UNSIGNED = bytes.fromhex(TRANSFER_UNSIGNED_HEX)
SIGNED = UNSIGNED + b"\x01" + SIGNATURE
HEADER = UNSIGNED[:10]  # ref_block_num, ref_block_prefix, expiration; then the operations vector
DELETE = object()

KEY_A = PrivateKey.from_password("rejections", "owner", "1").public_key
KEY_B = PrivateKey.from_password("rejections", "owner", "2").public_key
KEY_LOW, KEY_HIGH = sorted([KEY_A, KEY_B])
AUTH = {"weight_threshold": 1, "account_auths": [], "key_auths": [[PUBLIC, 1]]}


# --- helpers ------------------------------------------------------------------------------------


def assert_readable(error: ProtocolError) -> None:
    """A message a person can act on: one line of words, and str() puts the field in front."""
    message = error.message
    assert isinstance(message, str) and len(message) >= 10, message
    assert " " in message and "\n" not in message and "Traceback" not in message, message
    assert message.isprintable(), message
    assert str(error) == (f"{error.field}: {message}" if error.field else message)
    assert error.as_dict() == {"kind": error.kind, "field": error.field, "rule": error.rule, "message": message}


def rejects(cls: type[ProtocolError], field: str, rule: str, call: Callable[..., Any], *args: Any) -> ProtocolError:
    """Run `call(*args)` and check it raises exactly `cls` at `field` for `rule`."""
    with pytest.raises(ProtocolError) as info:
        call(*args)
    error = info.value
    assert type(error) is cls, f"expected {cls.__name__}, got {type(error).__name__}: {error}"
    assert (error.field, error.rule) == (field, rule), (
        f"{type(error).__name__}({error.field!r}, {error.rule!r}): {error}"
    )
    assert_readable(error)
    return error


def with_value(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A deep copy of `document` with the value at `path` replaced (or removed, for DELETE)."""
    result = copy.deepcopy(document)
    if not path:
        return copy.deepcopy(value)
    target = result
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = copy.deepcopy(value)
    return result


def example(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    return with_value(EXAMPLE, path, value)


def parse_and_validate(tx_json: Any) -> SignedTransaction:
    tx = SignedTransaction.parse(tx_json)
    tx.validate()
    return tx


# One valid instance of the operations the rules below are tried on (legacy JSON bodies).
VALID_OPS: dict[str, dict[str, Any]] = {
    "vote": {"voter": "alice", "author": "bob", "permlink": "hello-world", "weight": 10000},
    "comment": {
        "parent_author": "",
        "parent_permlink": "stoa",
        "author": "alice",
        "permlink": "hello-world",
        "title": "Hello",
        "body": "First post.",
        "json_metadata": '{"tags":["stoa"]}',
    },
    "delete_comment": {"author": "alice", "permlink": "hello-world"},
    "transfer": {"from": "alice", "to": "bob", "amount": "1.000 STEEM", "memo": "thanks"},
    "transfer_to_vesting": {"from": "alice", "to": "", "amount": "1.000 STEEM"},
    "transfer_to_savings": {"from": "alice", "to": "alice", "amount": "1.000 SBD", "memo": ""},
    "withdraw_vesting": {"account": "alice", "vesting_shares": "1.000000 VESTS"},
    "set_withdraw_vesting_route": {"from_account": "alice", "to_account": "bob", "percent": 5000, "auto_vest": False},
    "limit_order_create": {
        "owner": "alice",
        "orderid": 1,
        "amount_to_sell": "1.000 STEEM",
        "min_to_receive": "0.500 SBD",
        "fill_or_kill": False,
        "expiration": "2016-04-07T00:00:00",
    },
    "convert": {"owner": "alice", "requestid": 1, "amount": "1.000 SBD"},
    "feed_publish": {"publisher": "alice", "exchange_rate": {"base": "0.250 SBD", "quote": "1.000 STEEM"}},
    "account_create": {
        "fee": "3.000 STEEM",
        "creator": "alice",
        "new_account_name": "carol",
        "owner": AUTH,
        "active": AUTH,
        "posting": AUTH,
        "memo_key": PUBLIC,
        "json_metadata": "",
    },
    "account_update": {"account": "alice", "owner": AUTH, "memo_key": PUBLIC, "json_metadata": ""},
    "witness_update": {
        "owner": "alice",
        "url": "https://stoa.example",
        "block_signing_key": PUBLIC,
        "props": {"account_creation_fee": "0.100 STEEM", "maximum_block_size": 65536, "sbd_interest_rate": 1000},
        "fee": "0.000 STEEM",
    },
    "account_witness_vote": {"account": "alice", "witness": "bob", "approve": True},
    "account_witness_proxy": {"account": "alice", "proxy": "bob"},
    "custom_json": {"required_auths": [], "required_posting_auths": ["alice"], "id": "follow", "json": '["follow",{}]'},
    "comment_options": {
        "author": "alice",
        "permlink": "hello-world",
        "max_accepted_payout": "1000000.000 SBD",
        "percent_steem_dollars": 10000,
        "allow_votes": True,
        "allow_curation_rewards": True,
        "extensions": [
            [0, {"beneficiaries": [{"account": "bob", "weight": 1000}, {"account": "carol", "weight": 500}]}]
        ],
    },
    "claim_reward_balance": {
        "account": "alice",
        "reward_steem": "0.000 STEEM",
        "reward_sbd": "0.000 SBD",
        "reward_vests": "1.000000 VESTS",
    },
    "delegate_vesting_shares": {"delegator": "alice", "delegatee": "bob", "vesting_shares": "1.000000 VESTS"},
}


def op_tx(name: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The example transaction carrying one `name` operation, its valid body updated with `changes`."""
    body = {**VALID_OPS[name], **(changes or {})}
    return {**EXAMPLE, "operations": [[name, body]], "signatures": []}


def op_field(name: str, suffix: str) -> str:
    return f"operations.0.{name}.{suffix}" if suffix else f"operations.0.{name}"


def beneficiaries(*routes: tuple[str, int]) -> dict[str, Any]:
    return {"extensions": [[0, {"beneficiaries": [{"account": a, "weight": w} for a, w in routes]}]]}


# --- sanity: the valid inputs really are valid ---------------------------------------------------


def test_example_is_valid() -> None:
    tx = parse_and_validate(EXAMPLE)
    assert tx.to_bytes() == SIGNED
    assert [str(key) for key in tx.signers()] == [PUBLIC]


@pytest.mark.parametrize("name", sorted(VALID_OPS))
def test_valid_operations_pass(name: str) -> None:
    parse_and_validate(op_tx(name))
    parse_and_validate({**op_tx(name), "operations": [{"type": f"{name}_operation", "value": VALID_OPS[name]}]})


# --- malformed JSON shapes ------------------------------------------------------------------------

SHAPE_CASES = [
    # the operations list and each operation's envelope
    (("operations",), "transfer", "operations", "type"),
    (("operations",), {"transfer": {}}, "operations", "type"),
    (("operations",), None, "operations", "type"),
    (("operations", 0), ["transfer"], "operations.0", "type"),
    (("operations", 0), ["transfer", {}, {}], "operations.0", "type"),
    (("operations", 0), "transfer", "operations.0", "type"),
    (("operations", 0), {"type": "transfer_operation"}, "operations.0", "type"),
    (("operations", 0), {"value": {}}, "operations.0", "type"),
    (("operations", 0), 2, "operations.0", "type"),
    (("operations", 0, 1), [], "operations.0.transfer", "type"),
    (("operations", 0, 1), "from=foo", "operations.0.transfer", "type"),
    (("operations", 0, 1), None, "operations.0.transfer", "type"),
    # missing fields
    (("operations", 0, 1, "memo"), DELETE, "operations.0.transfer.memo", "missing"),
    (("operations", 0, 1, "from"), DELETE, "operations.0.transfer.from", "missing"),
    (("ref_block_num",), DELETE, "ref_block_num", "missing"),
    (("expiration",), DELETE, "expiration", "missing"),
    (("operations",), DELETE, "operations", "missing"),
    # wrong types
    (("ref_block_num",), "abc", "ref_block_num", "type"),
    (("ref_block_num",), "1e3", "ref_block_num", "type"),
    (("ref_block_num",), " 12", "ref_block_num", "type"),
    (("ref_block_num",), "+12", "ref_block_num", "type"),
    (("ref_block_num",), "", "ref_block_num", "type"),
    (("ref_block_num",), True, "ref_block_num", "type"),
    (("ref_block_num",), False, "ref_block_num", "type"),
    (("ref_block_num",), None, "ref_block_num", "type"),
    (("ref_block_num",), 1.5, "ref_block_num", "type"),
    (("ref_block_num",), 1.0, "ref_block_num", "type"),
    (("ref_block_num",), [1], "ref_block_num", "type"),
    (("ref_block_prefix",), {"value": 1}, "ref_block_prefix", "type"),
    (("operations", 0, 1, "memo"), 5, "operations.0.transfer.memo", "type"),
    (("operations", 0, 1, "from"), 5, "operations.0.transfer.from", "type"),
    (("operations", 0, 1, "to"), None, "operations.0.transfer.to", "type"),
    (("operations", 0, 1, "to"), ["baar"], "operations.0.transfer.to", "type"),
    (("operations", 0, 1, "amount"), ["111.110", "STEEM"], "operations.0.transfer.amount", "type"),
    (("operations", 0, 1, "amount"), [], "operations.0.transfer.amount", "type"),
    (("operations", 0, 1, "amount"), ["111110", 3, "@@000000021", 0], "operations.0.transfer.amount", "type"),
    (("operations", 0, 1, "amount"), 111110, "operations.0.transfer.amount", "type"),
    (("operations", 0, 1, "amount"), None, "operations.0.transfer.amount", "type"),
    # bad time strings
    (("expiration",), "2016-04-06 08:29:27", "expiration", "time"),
    (("expiration",), "2016-04-06", "expiration", "time"),
    (("expiration",), "2016-13-06T08:29:27", "expiration", "time"),
    (("expiration",), "2016-02-30T08:29:27", "expiration", "time"),
    (("expiration",), "2016-04-06T25:29:27", "expiration", "time"),
    (("expiration",), "2016-04-06T08:29:27.000", "expiration", "time"),
    (("expiration",), "2016-04-06T08:29:27+00:00", "expiration", "time"),
    (("expiration",), "yesterday at noon!!", "expiration", "time"),
    (("expiration",), "", "expiration", "time"),
    (("expiration",), 1459931367, "expiration", "type"),
    (("expiration",), None, "expiration", "type"),
    (("expiration",), "1969-12-31T23:59:59", "expiration", "range"),
    (("expiration",), "2106-02-07T06:28:16", "expiration", "range"),
    # signatures: not a list, not hex, wrong length
    (("signatures",), SIGNATURE_HEX, "signatures", "type"),
    (("signatures", 0), "zz" * 65, "signatures.0", "hex"),
    (("signatures", 0), SIGNATURE_HEX[:-1] + "g", "signatures.0", "hex"),
    (("signatures", 0), SIGNATURE_HEX[:-1], "signatures.0", "hex"),
    (("signatures", 0), "0x" + SIGNATURE_HEX[2:], "signatures.0", "hex"),
    (("signatures", 0), SIGNATURE_HEX[:-2], "signatures.0", "length"),
    (("signatures", 0), SIGNATURE_HEX + "00", "signatures.0", "length"),
    (("signatures", 0), "", "signatures.0", "length"),
    (("signatures", 0), 12, "signatures.0", "type"),
    (("signatures", 0), list(SIGNATURE), "signatures.0", "type"),
    # extensions
    (("extensions",), {}, "extensions", "type"),
    (("extensions",), [["future_extension", {}]], "extensions.0", "variant"),
    (("extensions",), [[1, {}]], "extensions.0", "variant"),
    (("extensions",), [["void_t", {"x": 1}]], "extensions.0.void_t", "type"),
]


@pytest.mark.parametrize(("path", "value", "field", "rule"), SHAPE_CASES)
def test_malformed_json_shapes(path: tuple[Any, ...], value: Any, field: str, rule: str) -> None:
    rejects(ShapeError, field, rule, SignedTransaction.parse, example(path, value))


@pytest.mark.parametrize("value", [[], None, "tx", 1, True])
def test_transaction_must_be_an_object(value: Any) -> None:
    rejects(ShapeError, "", "type", SignedTransaction.parse, value)


def test_lenient_forms_that_fc_also_accepts() -> None:
    """Decimal strings for integers (fc writes large ones so), a trailing Z on times, both op tags."""
    base = SignedTransaction.parse(EXAMPLE)
    assert SignedTransaction.parse(example(("ref_block_num",), "34294")) == base
    assert SignedTransaction.parse(example(("ref_block_prefix",), "3707022213")) == base
    assert SignedTransaction.parse(example(("expiration",), "2016-04-06T08:29:27Z")) == base
    assert SignedTransaction.parse(example(("operations", 0, 0), 2)) == base
    assert SignedTransaction.parse(example(("operations", 0, 0), "transfer_operation")) == base
    assert SignedTransaction.parse(example(("signatures", 0), SIGNATURE_HEX.upper())) == base
    assert SignedTransaction.parse(example(("extensions",), DELETE)) == base


# --- unknown operations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op",
    [
        ["fly", {}],
        ["Transfer", {}],
        ["transfer_op", {}],
        [99, {}],
        [-1, {}],
        [True, {}],
        [None, {}],
        [["transfer"], {}],
        {"type": "fly_operation", "value": {}},
        {"type": "operation", "value": {}},
        {"type": 1000, "value": {}},
    ],
)
def test_unknown_operation_json(op: Any) -> None:
    rejects(ShapeError, "operations.0", "unknown-operation", SignedTransaction.parse, example(("operations", 0), op))
    rejects(ShapeError, "", "unknown-operation", OPERATION.parse, op)


FIRST_UNUSED_ID = min(set(range(1000)) - set(BY_ID))


@pytest.mark.parametrize("op_id", [FIRST_UNUSED_ID, 99, 127, 128, 300, 0xFFFFFFFF])
def test_unknown_operation_binary_id(op_id: int) -> None:
    if op_id in BY_ID:
        pytest.skip(f"operation {op_id} is registered now")
    varint = bytearray()
    rest = op_id
    while True:
        byte, rest = rest & 0x7F, rest >> 7
        varint.append(byte | (0x80 if rest else 0))
        if not rest:
            break
    error = rejects(EncodingError, "", "unknown-operation", OPERATION.unpack, bytes(varint) + b"\x00" * 40, 0)
    assert str(op_id) in error.message
    data = HEADER + b"\x01" + bytes(varint) + SIGNED[12:]
    rejects(EncodingError, "operations.0", "unknown-operation", SignedTransaction.from_bytes, data)


VIRTUAL_OPS = sorted((cls for cls in BY_ID.values() if getattr(cls, "VIRTUAL", False)), key=lambda cls: cls.OP_ID)


@pytest.mark.skipif(not VIRTUAL_OPS, reason="no virtual operations registered")
@settings(max_examples=50, deadline=None)
@given(st.sampled_from(VIRTUAL_OPS or [Operation]).flatmap(records), st.booleans())
def test_virtual_operations_are_refused_in_transactions(op: Operation, appbase: bool) -> None:
    body = OPERATION.dump(op, appbase)
    tx = SignedTransaction.parse({**EXAMPLE, "operations": [body, ["transfer", VALID_OPS["transfer"]]]})
    error = rejects(ValidationError, "operations.0", "virtual", tx.validate)
    assert op.OP_NAME in error.message
    later = SignedTransaction.parse({**EXAMPLE, "operations": [["transfer", VALID_OPS["transfer"]], body]})
    rejects(ValidationError, "operations.1", "virtual", later.validate)


# --- integer ranges -------------------------------------------------------------------------------

RANGE_CASES = [
    (("ref_block_num",), 65536, "ref_block_num"),
    (("ref_block_num",), -1, "ref_block_num"),
    (("ref_block_num",), "65536", "ref_block_num"),
    (("ref_block_num",), "-1", "ref_block_num"),
    (("ref_block_num",), 2**70, "ref_block_num"),
    (("ref_block_prefix",), 2**32, "ref_block_prefix"),
    (("ref_block_prefix",), "4294967296", "ref_block_prefix"),
    (("ref_block_prefix",), -1, "ref_block_prefix"),
    (("operations", 0, 1, "amount"), "9223372036854775.808 STEEM", "operations.0.transfer.amount"),
    (("operations", 0, 1, "amount"), "-9223372036854775.809 STEEM", "operations.0.transfer.amount"),
    (("operations", 0, 1, "amount"), "99999999999999999999.000 SBD", "operations.0.transfer.amount"),
    (
        ("operations", 0, 1, "amount"),
        {"amount": "9223372036854775808", "precision": 3, "nai": "@@000000021"},
        "operations.0.transfer.amount",
    ),
    (
        ("operations", 0, 1, "amount"),
        {"amount": 2**64, "precision": 3, "nai": "@@000000021"},
        "operations.0.transfer.amount",
    ),
]


@pytest.mark.parametrize(("path", "value", "field"), RANGE_CASES)
def test_out_of_range_integers(path: tuple[Any, ...], value: Any, field: str) -> None:
    error = rejects(ShapeError, field, "range", SignedTransaction.parse, example(path, value))
    assert "range" in error.message


@pytest.mark.parametrize("weight", [40000, -40000, 32768, -32769, "40000"])
def test_vote_weight_outside_int16(weight: Any) -> None:
    tx = op_tx("vote", {"weight": weight})
    rejects(ShapeError, "operations.0.vote.weight", "range", SignedTransaction.parse, tx)


@pytest.mark.parametrize("weight", [10001, -10001, 32767, -32768])
def test_vote_weight_over_100_percent_is_a_validation_rule(weight: int) -> None:
    tx = SignedTransaction.parse(op_tx("vote", {"weight": weight}))  # well-formed: fits int16
    rejects(ValidationError, "operations.0.vote.weight", "percent", tx.validate)


@pytest.mark.parametrize("weight", [10000, -10000, 0, 1, -1])
def test_vote_weight_bounds_accepted(weight: int) -> None:
    parse_and_validate(op_tx("vote", {"weight": weight}))


def test_range_edges_accepted() -> None:
    parse_and_validate(example(("ref_block_num",), 65535))
    parse_and_validate(example(("ref_block_num",), 0))
    parse_and_validate(example(("ref_block_prefix",), 2**32 - 1))
    assert ASSET.parse("9223372036854775.807 STEEM") == Asset(2**63 - 1, "STEEM")
    assert ASSET.parse("-9223372036854775.808 STEEM") == Asset(-(2**63), "STEEM")
    assert TIME.parse("2106-02-07T06:28:15") == 2**32 - 1
    assert TIME.parse("1970-01-01T00:00:00") == 0


# --- assets ---------------------------------------------------------------------------------------

ASSET_CASES = [
    ("1.00 STEEM", "precision"),
    ("1.0000 STEEM", "precision"),
    ("1.0 SBD", "precision"),
    ("1.000 VESTS", "precision"),
    ("1.0000000 VESTS", "precision"),
    ("1.000 FOO", "symbol"),
    ("1.000 steem", "symbol"),
    ("1.000 STOA", "symbol"),
    ("1.000 TESTS", "symbol"),
    ("1.000", "symbol"),
    ("1.000  STEEM", "symbol"),
    ("1.000 STEEM ", "symbol"),
    ("1.000 STEEM extra", "symbol"),
    ("1 STEEM", "asset"),
    ("1. STEEM", "asset"),
    (".000 STEEM", "asset"),
    ("1.0a0 STEEM", "asset"),
    ("+1.000 STEEM", "asset"),
    ("--1.000 STEEM", "asset"),
    ("1,000 STEEM", "asset"),
    ("1.000.000 STEEM", "asset"),
    ("0x1.000 STEEM", "asset"),
    ("1e3.000 STEEM", "asset"),
    ("\uff11.000 STEEM", "asset"),  # a full-width digit
    ("\u0661.000 STEEM", "asset"),  # an Arabic-Indic digit
    (" 1.000 STEEM", "symbol"),
    ("- 1.000 STEEM", "symbol"),
    ({"amount": "1000", "precision": 3, "nai": "@@000000037"}, "precision"),
    ({"amount": "1000", "precision": 6, "nai": "@@000000021"}, "precision"),
    ({"amount": "1000", "precision": "3", "nai": "@@000000021"}, "precision"),
    ({"amount": "1000", "precision": 3, "nai": "@@000000099"}, "symbol"),
    ({"amount": "1000", "precision": 3, "nai": "STEEM"}, "symbol"),
    ({"amount": "1000", "precision": 3}, "missing"),
    ({"amount": "1000", "nai": "@@000000021"}, "missing"),
    ({"precision": 3, "nai": "@@000000021"}, "missing"),
    ({"amount": "1.5", "precision": 3, "nai": "@@000000021"}, "type"),
    ({"amount": 1.5, "precision": 3, "nai": "@@000000021"}, "type"),
    ({"amount": True, "precision": 3, "nai": "@@000000021"}, "type"),
    ({"amount": None, "precision": 3, "nai": "@@000000021"}, "type"),
    (["1000", 3, "@@000000037"], "precision"),
    (["1000", 3, "@@000000000"], "symbol"),
]


@pytest.mark.parametrize(("value", "rule"), ASSET_CASES)
def test_bad_assets(value: Any, rule: str) -> None:
    rejects(ShapeError, "", rule, ASSET.parse, value)
    rejects(
        ShapeError,
        "operations.0.transfer.amount",
        rule,
        SignedTransaction.parse,
        example(("operations", 0, 1, "amount"), value),
    )


@pytest.mark.parametrize("text", ["1.00 STEEM", "1.000 FOO", "1 STEEM"])
def test_asset_parse_classmethod_rejects(text: str) -> None:
    with pytest.raises(ShapeError):
        Asset.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.000 HIVE", Asset(1000, "STEEM")),
        ("0.001 HBD", Asset(1, "SBD")),
        ("-2.500 HIVE", Asset(-2500, "STEEM")),
        ("1.000 STEEM", Asset(1000, "STEEM")),
        ("1.000000 VESTS", Asset(1000000, "VESTS")),
    ],
)
def test_hive_symbols_are_accepted_as_steem(text: str, expected: Asset) -> None:
    asset = Asset.parse(text)
    assert asset == expected
    assert str(asset).split(" ")[1] in ("STEEM", "SBD", "VESTS")
    assert ASSET.dump(asset, False) == str(asset)


def test_hive_transfer_serializes_like_the_steem_one() -> None:
    tx = SignedTransaction.parse(example(("operations", 0, 1, "amount"), "111.110 HIVE"))
    assert tx.to_bytes() == SIGNED
    assert tx.id() == TRANSFER_ID
    assert [str(key) for key in tx.signers()] == [PUBLIC]
    assert tx.to_json()["operations"][0][1]["amount"] == "111.110 STEEM"
    assert tx.to_json(appbase=True)["operations"][0]["value"]["amount"]["nai"] == "@@000000021"
    hbd = SignedTransaction.parse(example(("operations", 0, 1, "amount"), "1.000 HBD"))
    assert hbd.operations[0].amount == Asset(1000, "SBD")
    assert b"SBD\x00" in hbd.to_bytes()


def test_hive_field_aliases_are_accepted() -> None:
    claim = dict(VALID_OPS["claim_reward_balance"])
    claim["reward_hive"] = claim.pop("reward_steem").replace("STEEM", "HIVE")
    claim["reward_hbd"] = claim.pop("reward_sbd").replace("SBD", "HBD")
    op = OPERATION.parse(["claim_reward_balance", claim])
    assert op == OPERATION.parse(["claim_reward_balance", VALID_OPS["claim_reward_balance"]])
    options = dict(VALID_OPS["comment_options"])
    options["percent_hbd"] = options.pop("percent_steem_dollars")
    assert OPERATION.parse(["comment_options", options]).percent_steem_dollars == 10000


# --- keys -------------------------------------------------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def flip(text: str, index: int) -> str:
    """`text` with the base58 character at `index` replaced by the next base58 character."""
    replacement = B58[(B58.index(text[index]) + 1) % len(B58)]
    return text[:index] + replacement + text[index + 1 :]


@pytest.mark.parametrize("index", [3, 4, 10, 20, 30, 40, 50, len(PUBLIC) - 2, len(PUBLIC) - 1])
def test_public_key_with_a_typo_fails_the_checksum(index: int) -> None:
    bad = flip(PUBLIC, index)
    rejects(EncodingError, "", "checksum", PublicKey.from_string, bad)
    memo_key = op_tx("account_update", {"memo_key": bad})
    rejects(EncodingError, "operations.0.account_update.memo_key", "checksum", SignedTransaction.parse, memo_key)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (PUBLIC[:10] + "0" + PUBLIC[11:], "base58"),
        (PUBLIC[:10] + "O" + PUBLIC[11:], "base58"),
        (PUBLIC[:10] + "I" + PUBLIC[11:], "base58"),
        (PUBLIC[:10] + "l" + PUBLIC[11:], "base58"),
        (PUBLIC[:10] + "-" + PUBLIC[11:], "base58"),
        (PUBLIC[:10] + "\u00e9" + PUBLIC[11:], "base58"),
        ("GLS" + PUBLIC[3:], "public-key"),
        ("TST" + PUBLIC[3:], "public-key"),
        ("stm" + PUBLIC[3:], "public-key"),
        (PUBLIC[3:], "public-key"),
        ("", "public-key"),
        ("STM", "public-key"),
        (PUBLIC[:-1], "public-key"),
        (PUBLIC + "zz", "public-key"),
        ("STM" + WIF, "checksum"),  # 37 bytes of base58, like a key, but not one
    ],
)
def test_malformed_public_keys(text: str, rule: str) -> None:
    rejects(EncodingError, "", rule, PublicKey.from_string, text)
    witness = op_tx("witness_update", {"block_signing_key": text})
    rejects(EncodingError, "operations.0.witness_update.block_signing_key", rule, SignedTransaction.parse, witness)


@pytest.mark.parametrize("value", [None, 1, ["STM"], {"key": PUBLIC}])
def test_public_key_must_be_a_string(value: Any) -> None:
    rejects(
        ShapeError,
        "operations.0.account_update.memo_key",
        "type",
        SignedTransaction.parse,
        op_tx("account_update", {"memo_key": value}),
    )


@pytest.mark.parametrize("index", [3, 5, 20, 40, len(WIF) - 1])
def test_wif_with_a_typo_fails_the_checksum(index: int) -> None:
    rejects(EncodingError, "", "checksum", PrivateKey.from_wif, flip(WIF, index))


def test_malformed_wifs() -> None:
    rejects(EncodingError, "", "base58", PrivateKey.from_wif, WIF[:10] + "0" + WIF[11:])
    rejects(EncodingError, "", "wif", PrivateKey.from_wif, WIF[:-1])
    rejects(EncodingError, "", "wif", PrivateKey.from_wif, "")
    rejects(EncodingError, "", "wif", PrivateKey.from_wif, PUBLIC[3:])
    # right checksum, wrong version byte (0x81 instead of 0x80)
    raw = b"\x81" + PrivateKey.from_wif(WIF).secret
    rejects(EncodingError, "", "wif", PrivateKey.from_wif, base58.b58encode(raw + sha256(sha256(raw))[:4]).decode())
    for secret in (bytes(32), CURVE_ORDER.to_bytes(32, "big")):
        raw = b"\x80" + secret
        wif = base58.b58encode(raw + sha256(sha256(raw))[:4]).decode()
        rejects(EncodingError, "", "private-key", PrivateKey.from_wif, wif)


def test_private_key_role_must_be_known() -> None:
    rejects(ShapeError, "", "role", PrivateKey.from_password, "alice", "admin", "secret")


# --- signatures -------------------------------------------------------------------------------------


def example_digest() -> bytes:
    return SignedTransaction.parse(EXAMPLE).digest()


def high_s(signature: bytes) -> bytes:
    """The same signature with s replaced by n − s and the recovery id flipped: valid maths, not canonical."""
    s = int.from_bytes(signature[33:], "big")
    recovery_id = (signature[0] - 27) & 3
    header = signature[0] - recovery_id + (recovery_id ^ 1)
    return bytes((header,)) + signature[1:33] + (CURVE_ORDER - s).to_bytes(32, "big")


def test_high_s_twin_recovers_the_same_key_without_the_canonical_check() -> None:
    """The twin is a real signature by the same key, so refusing it is the canonical rule and nothing else."""
    twin = high_s(SIGNATURE)
    assert int.from_bytes(twin[33:], "big") > HALF_CURVE_ORDER
    compact = twin[1:] + bytes(((twin[0] - 27) & 3,))
    point = coincurve.PublicKey.from_signature_and_message(compact, example_digest(), hasher=None)
    assert point.format(compressed=True) == PublicKey.from_string(PUBLIC).data


def test_high_s_signature_is_not_canonical() -> None:
    twin = high_s(SIGNATURE)
    rejects(SignatureError, "", "canonical", recover_public_key, twin, example_digest())
    tx = SignedTransaction.parse(example(("signatures", 0), twin.hex()))
    tx.validate()  # the signature is well-formed JSON; signers() is where it is refused
    error = rejects(SignatureError, "signatures.0", "canonical", tx.signers)
    assert "canonical" in error.message


def test_high_s_signature_after_a_good_one() -> None:
    other = PrivateKey.from_password("alice", "active", "secret")
    tx = SignedTransaction.parse(EXAMPLE).sign([other])
    tampered = SignedTransaction.parse({**tx.to_json(), "signatures": [SIGNATURE_HEX, high_s(tx.signatures[1]).hex()]})
    rejects(SignatureError, "signatures.1", "canonical", tampered.signers)


@pytest.mark.parametrize("header", [0, 1, 26, 35, 36, 127, 255])
def test_signature_header_outside_27_to_34(header: int) -> None:
    bad = bytes((header,)) + SIGNATURE[1:]
    rejects(SignatureError, "", "header", recover_public_key, bad, example_digest())
    rejects(
        SignatureError, "signatures.0", "header", SignedTransaction.parse(example(("signatures", 0), bad.hex())).signers
    )


@pytest.mark.parametrize(
    "signature",
    [
        SIGNATURE[:1] + bytes(32) + SIGNATURE[33:],  # r = 0
        SIGNATURE[:33] + bytes(32),  # s = 0
        SIGNATURE[:1] + CURVE_ORDER.to_bytes(32, "big") + SIGNATURE[33:],  # r = n
        SIGNATURE[:1] + b"\xff" * 32 + SIGNATURE[33:],  # r > n
        SIGNATURE[:33] + CURVE_ORDER.to_bytes(32, "big"),  # s = n
    ],
    ids=["r=0", "s=0", "r=n", "r>n", "s=n"],
)
def test_signature_r_or_s_out_of_range(signature: bytes) -> None:
    rejects(SignatureError, "", "range", recover_public_key, signature, example_digest())
    tx = SignedTransaction.parse(example(("signatures", 0), signature.hex()))
    rejects(SignatureError, "signatures.0", "range", tx.signers)


def test_signature_that_recovers_no_key() -> None:
    # r = 5 is not the x coordinate of any curve point
    bad = bytes((31,)) + (5).to_bytes(32, "big") + (1).to_bytes(32, "big")
    rejects(SignatureError, "", "recover", recover_public_key, bad, example_digest())


def test_signature_length_when_called_directly() -> None:
    rejects(SignatureError, "", "length", recover_public_key, SIGNATURE[:64], example_digest())


def test_duplicate_signature() -> None:
    tx = SignedTransaction.parse(example(("signatures",), [SIGNATURE_HEX, SIGNATURE_HEX]))
    error = rejects(SignatureError, "signatures.1", "duplicate", tx.signers)
    assert PUBLIC in error.message


def test_two_signatures_by_one_key_are_duplicates() -> None:
    """Different bytes, same signer (a second canonical signature by the same key) is still a duplicate."""
    key = PrivateKey.from_wif(WIF)
    tx = SignedTransaction.parse({**EXAMPLE, "signatures": []})
    digest = tx.digest()
    other = key.sign_digest(digest)
    signed = SignedTransaction.parse({**EXAMPLE, "signatures": [SIGNATURE_HEX, other.hex()]})
    rejects(SignatureError, "signatures.1", "duplicate", signed.signers)


def test_wrong_chain_recovers_a_different_key_not_an_error() -> None:
    tx = SignedTransaction.parse(EXAMPLE)
    signers = tx.signers(bytes.fromhex("ab" * 32))
    assert len(signers) == 1 and str(signers[0]) != PUBLIC


# --- account names and other stateless operation rules --------------------------------------------

BAD_NAMES = [
    "ab",
    "a",
    "abcdefghijklmnopq",
    "Alice",
    "aLice",
    "1alice",
    "ab.cde",
    "abc.de",
    "alice-",
    "-alice",
    "alice.",
    ".alice",
    "alice..bob",
    "alice_bob",
    "al ice",
    "\u00e1lice",
    "alic\u00e9",
    "alice\n",
]

NAME_SITES: list[tuple[str, Callable[[str], dict[str, Any]], str]] = [
    ("vote", lambda n: {"voter": n}, "voter"),
    ("vote", lambda n: {"author": n}, "author"),
    ("transfer", lambda n: {"from": n}, "from"),
    ("transfer", lambda n: {"to": n}, "to"),
    ("comment", lambda n: {"author": n}, "author"),
    ("comment", lambda n: {"parent_author": n}, "parent_author"),
    ("custom_json", lambda n: {"required_posting_auths": [n]}, "required_posting_auths.0"),
    ("custom_json", lambda n: {"required_auths": [n]}, "required_auths.0"),
    ("delegate_vesting_shares", lambda n: {"delegatee": n}, "delegatee"),
    ("account_witness_vote", lambda n: {"witness": n}, "witness"),
    ("account_witness_proxy", lambda n: {"proxy": n}, "proxy"),
    ("account_create", lambda n: {"new_account_name": n}, "new_account_name"),
    (
        "account_update",
        lambda n: {"owner": {"weight_threshold": 1, "account_auths": [[n, 1]], "key_auths": []}},
        "owner.account_auths.0",
    ),
    ("account_create", lambda n: {"posting": {**AUTH, "account_auths": [[n, 1]]}}, "posting.account_auths.0"),
    ("comment_options", lambda n: beneficiaries((n, 100)), "extensions.0.beneficiaries.0.account"),
    ("claim_reward_balance", lambda n: {"account": n}, "account"),
    ("limit_order_create", lambda n: {"owner": n}, "owner"),
    ("set_withdraw_vesting_route", lambda n: {"to_account": n}, "to_account"),
]


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize(("op", "change", "suffix"), NAME_SITES, ids=[f"{op}.{suffix}" for op, _, suffix in NAME_SITES])
def test_invalid_account_names(op: str, change: Callable[[str], dict[str, Any]], suffix: str, name: str) -> None:
    tx = SignedTransaction.parse(op_tx(op, change(name)))
    error = rejects(ValidationError, op_field(op, suffix), "account-name", tx.validate)
    assert "account name" in error.message


@pytest.mark.parametrize(
    ("op", "field"),
    [("vote", "voter"), ("transfer", "to"), ("delegate_vesting_shares", "delegator"), ("comment", "author")],
)
def test_empty_account_name(op: str, field: str) -> None:
    tx = SignedTransaction.parse(op_tx(op, {field: ""}))
    rejects(ValidationError, op_field(op, field), "account-name", tx.validate)


@pytest.mark.parametrize("name", ["abc", "a-b", "abcdefghijklmnop", "xyz123", "steem.dao", "abc.def.ghi", "a-b.c-d"])
def test_valid_account_names(name: str) -> None:
    parse_and_validate(op_tx("vote", {"voter": name}))
    parse_and_validate(op_tx("transfer", {"to": name}))


LONG = "a" * 256
WIDE = "\u00e9" * 128  # 256 bytes of UTF-8 in 128 characters

RULE_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # permlinks
    ("vote", {"permlink": LONG}, "permlink", "length"),
    ("vote", {"permlink": WIDE}, "permlink", "length"),
    ("comment", {"permlink": LONG}, "permlink", "length"),
    ("comment", {"parent_permlink": LONG}, "parent_permlink", "length"),
    ("delete_comment", {"permlink": LONG}, "permlink", "length"),
    ("comment_options", {"permlink": LONG}, "permlink", "length"),
    # comments
    ("comment", {"body": ""}, "body", "empty"),
    ("comment", {"title": "t" * 256}, "title", "length"),
    ("comment", {"title": WIDE}, "title", "length"),
    ("comment", {"json_metadata": "{"}, "json_metadata", "json"),
    ("comment", {"json_metadata": "{'single': 'quotes'}"}, "json_metadata", "json"),
    # memos
    ("transfer", {"memo": "m" * 2048}, "memo", "length"),
    ("transfer", {"memo": "\u00e9" * 1024}, "memo", "length"),
    ("transfer_to_savings", {"memo": "m" * 5000}, "memo", "length"),
    # beneficiaries
    (
        "comment_options",
        beneficiaries(("carol", 100), ("bob", 100)),
        "extensions.0.beneficiaries.1.account",
        "unsorted",
    ),
    ("comment_options", beneficiaries(("bob", 100), ("bob", 100)), "extensions.0.beneficiaries.1.account", "unsorted"),
    ("comment_options", beneficiaries(("bob", 6000), ("carol", 5000)), "extensions.0.beneficiaries", "percent"),
    ("comment_options", beneficiaries(("bob", 10001)), "extensions.0.beneficiaries.0.weight", "percent"),
    ("comment_options", beneficiaries(), "extensions.0.beneficiaries", "empty"),
    (
        "comment_options",
        beneficiaries(*[(f"user{i:03d}", 1) for i in range(128)]),
        "extensions.0.beneficiaries",
        "count",
    ),
    ("comment_options", {"percent_steem_dollars": 10001}, "percent_steem_dollars", "percent"),
    ("comment_options", {"max_accepted_payout": "1.000 STEEM"}, "max_accepted_payout", "symbol"),
    ("comment_options", {"max_accepted_payout": "-1.000 SBD"}, "max_accepted_payout", "not-negative"),
    # custom_json
    ("custom_json", {"required_posting_auths": []}, "required_auths", "empty"),
    ("custom_json", {"json": "{"}, "json", "json"),
    ("custom_json", {"json": ""}, "json", "json"),
    ("custom_json", {"json": "follow"}, "json", "json"),
    ("custom_json", {"id": "x" * 33}, "id", "length"),
    # transfers and other value movements
    ("transfer", {"amount": "1.000000 VESTS"}, "amount", "symbol"),
    ("transfer", {"amount": "-1.000 STEEM"}, "amount", "positive"),
    ("transfer", {"amount": "0.000 STEEM"}, "amount", "positive"),
    ("transfer", {"amount": "-0.001 SBD"}, "amount", "positive"),
    ("transfer_to_vesting", {"amount": "1.000 SBD"}, "amount", "symbol"),
    ("transfer_to_vesting", {"amount": "0.000 STEEM"}, "amount", "positive"),
    ("transfer_to_savings", {"amount": "1.000000 VESTS"}, "amount", "symbol"),
    ("transfer_to_savings", {"amount": "0.000 SBD"}, "amount", "positive"),
    ("withdraw_vesting", {"vesting_shares": "-1.000000 VESTS"}, "vesting_shares", "not-negative"),
    ("withdraw_vesting", {"vesting_shares": "1.000 STEEM"}, "vesting_shares", "symbol"),
    ("set_withdraw_vesting_route", {"percent": 10001}, "percent", "percent"),
    ("delegate_vesting_shares", {"delegatee": "alice"}, "delegatee", "self"),
    ("delegate_vesting_shares", {"vesting_shares": "-1.000000 VESTS"}, "vesting_shares", "not-negative"),
    ("delegate_vesting_shares", {"vesting_shares": "1.000 STEEM"}, "vesting_shares", "symbol"),
    ("account_witness_proxy", {"proxy": "alice"}, "proxy", "self"),
    ("claim_reward_balance", {"reward_vests": "0.000000 VESTS"}, "", "empty"),
    ("claim_reward_balance", {"reward_steem": "-0.001 STEEM"}, "reward_steem", "not-negative"),
    ("claim_reward_balance", {"reward_sbd": "1.000 STEEM"}, "reward_sbd", "symbol"),
    ("claim_reward_balance", {"reward_vests": "1.000 STEEM"}, "reward_vests", "symbol"),
    # the market
    ("limit_order_create", {"min_to_receive": "1.000000 VESTS"}, "min_to_receive", "market"),
    ("limit_order_create", {"min_to_receive": "1.000 STEEM"}, "min_to_receive", "market"),
    ("limit_order_create", {"amount_to_sell": "1.000 SBD"}, "min_to_receive", "market"),
    ("limit_order_create", {"amount_to_sell": "1.000000 VESTS"}, "min_to_receive", "market"),
    ("convert", {"amount": "1.000 STEEM"}, "amount", "symbol"),
    ("convert", {"amount": "0.000 SBD"}, "amount", "positive"),
    ("feed_publish", {"exchange_rate": {"base": "1.000 STEEM", "quote": "1.000 STEEM"}}, "exchange_rate", "market"),
    ("feed_publish", {"exchange_rate": {"base": "1.000 SBD", "quote": "1.000000 VESTS"}}, "exchange_rate", "market"),
    (
        "feed_publish",
        {"exchange_rate": {"base": "0.000 SBD", "quote": "1.000 STEEM"}},
        "exchange_rate.base",
        "positive",
    ),
    # accounts and witnesses
    ("account_create", {"fee": "1.000 SBD"}, "fee", "symbol"),
    ("account_create", {"fee": "-1.000 STEEM"}, "fee", "not-negative"),
    ("account_create", {"json_metadata": "not json"}, "json_metadata", "json"),
    ("account_update", {"json_metadata": "[1,"}, "json_metadata", "json"),
    ("witness_update", {"url": ""}, "url", "empty"),
    ("witness_update", {"url": "u" * 2049}, "url", "length"),
    ("witness_update", {"fee": "-0.001 STEEM"}, "fee", "not-negative"),
    ("witness_update", {"fee": "0.000 SBD"}, "fee", "symbol"),
    (
        "witness_update",
        {"props": {"account_creation_fee": "0.000 STEEM", "maximum_block_size": 65536, "sbd_interest_rate": 0}},
        "props.account_creation_fee",
        "minimum",
    ),
    (
        "witness_update",
        {"props": {"account_creation_fee": "1.000 SBD", "maximum_block_size": 65536, "sbd_interest_rate": 0}},
        "props.account_creation_fee",
        "symbol",
    ),
    (
        "witness_update",
        {"props": {"account_creation_fee": "0.001 STEEM", "maximum_block_size": 65535, "sbd_interest_rate": 0}},
        "props.maximum_block_size",
        "minimum",
    ),
    (
        "witness_update",
        {"props": {"account_creation_fee": "0.001 STEEM", "maximum_block_size": 65536, "sbd_interest_rate": 10001}},
        "props.sbd_interest_rate",
        "percent",
    ),
]


@pytest.mark.parametrize(
    ("op", "changes", "suffix", "rule"),
    RULE_CASES,
    ids=[f"{op}.{suffix or '-'}.{rule}" for op, _, suffix, rule in RULE_CASES],
)
def test_operation_rules(op: str, changes: dict[str, Any], suffix: str, rule: str) -> None:
    tx = SignedTransaction.parse(op_tx(op, changes))
    rejects(ValidationError, op_field(op, suffix), rule, tx.validate)
    # the same error, without the transaction prefix, from the operation alone
    rejects(
        ValidationError, op_field(op, suffix).removeprefix("operations.0."), rule, validate_operation, tx.operations[0]
    )


def test_limit_order_zero_amount_to_sell() -> None:
    tx = SignedTransaction.parse(op_tx("limit_order_create", {"amount_to_sell": "0.000 STEEM"}))
    with pytest.raises(ValidationError) as info:
        tx.validate()
    assert info.value.field.startswith("operations.0.limit_order_create.amount_to_sell"), info.value.field
    assert info.value.rule == "positive"
    assert_readable(info.value)


@pytest.mark.parametrize(
    ("op", "changes"),
    [
        ("vote", {"permlink": "a" * 255}),
        ("comment", {"title": "t" * 255, "json_metadata": ""}),
        ("transfer", {"memo": "m" * 2047}),
        ("custom_json", {"id": "x" * 32}),
        ("custom_json", {"required_auths": ["alice"], "required_posting_auths": []}),
        ("comment_options", beneficiaries(("bob", 5000), ("carol", 5000))),
        ("comment_options", beneficiaries(*[(f"user{i:03d}", 1) for i in range(127)])),
        ("comment_options", {"extensions": []}),
        ("comment_options", {"max_accepted_payout": "0.000 SBD"}),
        ("claim_reward_balance", {"reward_steem": "0.001 STEEM", "reward_vests": "0.000000 VESTS"}),
        ("account_witness_proxy", {"proxy": ""}),
        ("transfer_to_vesting", {"to": "bob"}),
        ("limit_order_create", {"amount_to_sell": "1.000 SBD", "min_to_receive": "1.000 STEEM"}),
        ("witness_update", {"url": "u" * 2048}),
    ],
)
def test_operation_rule_edges_accepted(op: str, changes: dict[str, Any]) -> None:
    parse_and_validate(op_tx(op, changes))


def test_transaction_needs_an_operation() -> None:
    tx = SignedTransaction.parse(example(("operations",), []))
    rejects(ValidationError, "operations", "empty", tx.validate)


def test_first_failing_operation_is_named() -> None:
    tx = SignedTransaction.parse(
        {**EXAMPLE, "operations": [["vote", VALID_OPS["vote"]], ["transfer", {**VALID_OPS["transfer"], "to": "Bob"}]]}
    )
    rejects(ValidationError, "operations.1.transfer.to", "account-name", tx.validate)


# --- flat_set and flat_map order, from JSON ---------------------------------------------------------

FLAT_JSON_CASES = [
    ("custom_json", {"required_posting_auths": ["bob", "alice"]}, "required_posting_auths.1", "unsorted"),
    ("custom_json", {"required_posting_auths": ["alice", "alice"]}, "required_posting_auths.1", "duplicate"),
    ("custom_json", {"required_posting_auths": ["alice", "bob", "bob"]}, "required_posting_auths.2", "duplicate"),
    ("custom_json", {"required_auths": ["carol", "alice", "bob"]}, "required_auths.1", "unsorted"),
    (
        "account_update",
        {"owner": {"weight_threshold": 1, "account_auths": [["bob", 1], ["alice", 1]], "key_auths": []}},
        "owner.account_auths.1",
        "unsorted",
    ),
    (
        "account_update",
        {"owner": {"weight_threshold": 1, "account_auths": [["bob", 1], ["bob", 2]], "key_auths": []}},
        "owner.account_auths.1",
        "duplicate",
    ),
    (
        "account_update",
        {"active": {"weight_threshold": 1, "account_auths": [], "key_auths": [[str(KEY_HIGH), 1], [str(KEY_LOW), 1]]}},
        "active.key_auths.1",
        "unsorted",
    ),
    (
        "account_create",
        {"posting": {"weight_threshold": 1, "account_auths": [], "key_auths": [[PUBLIC, 1], [PUBLIC, 1]]}},
        "posting.key_auths.1",
        "duplicate",
    ),
    (
        "comment_options",
        {"extensions": [[0, {"beneficiaries": [{"account": "bob", "weight": 1}]}], [0, {"beneficiaries": []}]]},
        "extensions.1",
        "duplicate",
    ),
]


@pytest.mark.parametrize(("op", "changes", "suffix", "rule"), FLAT_JSON_CASES)
def test_unsorted_and_duplicate_flat_containers_json(op: str, changes: dict[str, Any], suffix: str, rule: str) -> None:
    rejects(ShapeError, op_field(op, suffix), rule, SignedTransaction.parse, op_tx(op, changes))


def test_transaction_extensions_must_be_unique() -> None:
    rejects(
        ShapeError, "extensions.1", "duplicate", SignedTransaction.parse, example(("extensions",), [[0, {}], [0, {}]])
    )


@pytest.mark.parametrize(
    "pair", [["bob"], ["bob", 1, 2], "bob", {"bob": 1}, None], ids=["short", "long", "string", "object", "null"]
)
def test_flat_map_entries_must_be_pairs(pair: Any) -> None:
    tx = op_tx("account_update", {"owner": {"weight_threshold": 1, "account_auths": [pair], "key_auths": []}})
    rejects(ShapeError, "operations.0.account_update.owner.account_auths.0", "type", SignedTransaction.parse, tx)


def test_flat_map_weight_range() -> None:
    tx = op_tx("account_update", {"owner": {"weight_threshold": 1, "account_auths": [["bob", 65536]], "key_auths": []}})
    rejects(ShapeError, "operations.0.account_update.owner.account_auths.0", "range", SignedTransaction.parse, tx)


def test_sorted_flat_containers_accepted() -> None:
    parse_and_validate(op_tx("custom_json", {"required_posting_auths": ["alice", "bob"]}))
    auth = {
        "weight_threshold": 2,
        "account_auths": [["alice", 1], ["bob", 1]],
        "key_auths": [[str(KEY_LOW), 1], [str(KEY_HIGH), 1]],
    }
    parse_and_validate(op_tx("account_update", {"owner": auth}))


# --- flat_set and flat_map order, from binary -------------------------------------------------------


def tx_bytes(*ops: Operation) -> bytes:
    """A signed transaction's bytes around `ops`, built without any parsing or validation."""
    base = SignedTransaction.parse(EXAMPLE)
    return SignedTransaction(
        base.ref_block_num, base.ref_block_prefix, base.expiration, ops, (), (SIGNATURE,)
    ).to_bytes()


def op_bytes(op: Operation) -> bytes:
    out = bytearray()
    OPERATION.pack(op, out)
    return bytes(out)


FLAT_BINARY_CASES = [
    (CustomJson((), ("bob", "alice"), "follow", "{}"), "custom_json.required_posting_auths.1", "unsorted"),
    (CustomJson((), ("alice", "alice"), "follow", "{}"), "custom_json.required_posting_auths.1", "duplicate"),
    (CustomJson(("carol", "bob"), ("alice",), "follow", "{}"), "custom_json.required_auths.1", "unsorted"),
    (
        AccountUpdate("alice", Authority(1, (("bob", 1), ("alice", 1)), ()), None, None, KEY_LOW, ""),
        "account_update.owner.account_auths.1",
        "unsorted",
    ),
    (
        AccountUpdate("alice", None, Authority(1, (), ((KEY_HIGH, 1), (KEY_LOW, 1))), None, KEY_LOW, ""),
        "account_update.active.key_auths.1",
        "unsorted",
    ),
    (
        AccountUpdate("alice", None, None, Authority(1, (), ((KEY_LOW, 1), (KEY_LOW, 2))), KEY_LOW, ""),
        "account_update.posting.key_auths.1",
        "duplicate",
    ),
]


@pytest.mark.parametrize(("op", "field", "rule"), FLAT_BINARY_CASES)
def test_unsorted_and_duplicate_flat_containers_binary(op: Operation, field: str, rule: str) -> None:
    rejects(EncodingError, field, rule, OPERATION.unpack, op_bytes(op), 0)
    rejects(EncodingError, f"operations.0.{field}", rule, SignedTransaction.from_bytes, tx_bytes(op))


def test_binary_flat_set_crafted_by_hand() -> None:
    """custom_json with required_posting_auths ["bob", "alice"], written byte by byte."""
    body = b"\x00" + b"\x02" + b"\x03bob" + b"\x05alice" + b"\x06follow" + b"\x02{}"
    data = HEADER + b"\x01" + bytes((18,)) + body + b"\x00" + b"\x00"
    rejects(
        EncodingError,
        "operations.0.custom_json.required_posting_auths.1",
        "unsorted",
        SignedTransaction.from_bytes,
        data,
    )
    fixed = HEADER + b"\x01" + bytes((18,)) + body.replace(b"\x03bob\x05alice", b"\x05alice\x03bob") + b"\x00\x00"
    assert SignedTransaction.from_bytes(fixed).operations[0].required_posting_auths == ("alice", "bob")


def test_binary_extensions_must_be_unique() -> None:
    data = UNSIGNED[:-1] + b"\x02\x00\x00" + b"\x00"
    rejects(EncodingError, "extensions.1", "duplicate", SignedTransaction.from_bytes, data)


# --- binary decoding --------------------------------------------------------------------------------


def test_every_truncation_of_a_signed_transaction() -> None:
    for end in range(len(SIGNED)):
        with pytest.raises(EncodingError) as info:
            SignedTransaction.from_bytes(SIGNED[:end])
        assert info.value.rule == "truncated", (end, info.value)
        assert_readable(info.value)
    assert SignedTransaction.from_bytes(SIGNED).to_bytes() == SIGNED


RICH_OPS = [
    OPERATION.parse([name, body])
    for name, body in VALID_OPS.items()
    if name in ("account_create", "comment_options", "witness_update", "limit_order_create", "custom_json", "comment")
]


@pytest.mark.parametrize("op", RICH_OPS, ids=[op.OP_NAME for op in RICH_OPS])
def test_every_truncation_of_structured_operations(op: Operation) -> None:
    data = tx_bytes(op, op)
    assert SignedTransaction.from_bytes(data).operations == (op, op)
    for end in range(len(data)):
        with pytest.raises(EncodingError):
            SignedTransaction.from_bytes(data[:end])
    encoded = op_bytes(op)
    for end in range(len(encoded)):
        with pytest.raises(EncodingError):
            OPERATION.unpack(encoded[:end], 0)


@pytest.mark.parametrize("extra", [b"\x00", b"\x01", SIGNATURE, b"\xff" * 3])
def test_trailing_bytes(extra: bytes) -> None:
    error = rejects(EncodingError, "", "trailing", SignedTransaction.from_bytes, SIGNED + extra)
    assert str(len(extra)) in error.message


def test_signatures_are_trailing_bytes_of_an_unsigned_transaction() -> None:
    rejects(EncodingError, "", "trailing", Transaction.from_bytes, SIGNED)
    assert Transaction.from_bytes(UNSIGNED).id() == TRANSFER_ID


@pytest.mark.parametrize(
    ("varint", "rule"),
    [
        (b"\x80\x80\x80\x80\x80\x01", "varint"),  # six bytes
        (b"\xff\xff\xff\xff\xff\xff\xff\x7f", "varint"),
        (b"\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", "varint"),
        (b"\xff\xff\xff\xff\x7f", "varint"),  # five bytes, but 35 bits
        (b"\x80\x80\x80\x80\x10", "varint"),  # exactly 2**32
        (b"\xff\xff\xff\xff\x0f", "truncated"),  # 2**32 - 1 operations claimed, few bytes left
        (b"\x80", "truncated"),
    ],
)
def test_bad_varints(varint: bytes, rule: str) -> None:
    rejects(EncodingError, "operations", rule, SignedTransaction.from_bytes, HEADER + varint + SIGNED[11:])


def test_varint_in_a_string_length() -> None:
    data = HEADER + b"\x01\x02" + b"\x80\x80\x80\x80\x80\x01" + SIGNED[13:]
    rejects(EncodingError, "operations.0.transfer.from", "varint", SignedTransaction.from_bytes, data)
    long_string = HEADER + b"\x01\x02" + b"\x7f" + SIGNED[13:]
    rejects(EncodingError, "operations.0.transfer.from", "truncated", SignedTransaction.from_bytes, long_string)


@pytest.mark.parametrize("byte", [2, 3, 0x80, 0xFF])
def test_bool_byte_above_one(byte: int) -> None:
    encoded = op_bytes(AccountWitnessVote("alice", "bob", True))
    assert encoded[-1] == 1
    bad = encoded[:-1] + bytes((byte,))
    rejects(EncodingError, "account_witness_vote.approve", "bool", OPERATION.unpack, bad, 0)
    data = HEADER + b"\x01" + bad + b"\x00\x00"
    rejects(EncodingError, "operations.0.account_witness_vote.approve", "bool", SignedTransaction.from_bytes, data)


def test_optional_presence_byte_above_one() -> None:
    op = AccountUpdate("alice", None, None, None, KEY_LOW, "")
    encoded = op_bytes(op)
    position = 1 + 1 + len("alice")  # op id, name length, name → the owner's presence byte
    assert encoded[position] == 0
    bad = encoded[:position] + b"\x02" + encoded[position + 1 :]
    rejects(EncodingError, "account_update.owner", "bool", OPERATION.unpack, bad, 0)


@pytest.mark.parametrize(
    "symbol",
    [
        b"\x03STOA\x00\x00\x00",
        b"\x03steem\x00\x00",
        b"\x04STEEM\x00\x00",  # right name, wrong precision
        b"\x03STEEM\x00\x01",  # junk in the padding
        b"\x06STEEM\x00\x00",
        b"\x03VESTS\x00\x00",
        bytes(8),
        b"\xff" * 8,
    ],
)
def test_unknown_asset_symbol_bytes(symbol: bytes) -> None:
    good = b"\x03STEEM\x00\x00"
    assert SIGNED.count(good) == 1
    data = SIGNED.replace(good, symbol)
    error = rejects(EncodingError, "operations.0.transfer.amount", "symbol", SignedTransaction.from_bytes, data)
    assert symbol.hex() in error.message


def test_signature_count_larger_than_the_input() -> None:
    data = UNSIGNED + b"\x02" + SIGNATURE
    rejects(EncodingError, "signatures.1", "truncated", SignedTransaction.from_bytes, data)


def test_binary_unknown_extension_tag() -> None:
    data = UNSIGNED[:-1] + b"\x01\x05" + b"\x00"
    rejects(EncodingError, "extensions.0", "variant", SignedTransaction.from_bytes, data)


def test_binary_non_canonical_signature_decodes_then_fails_recovery() -> None:
    tx = SignedTransaction.from_bytes(UNSIGNED + b"\x01" + high_s(SIGNATURE))
    rejects(SignatureError, "signatures.0", "canonical", tx.signers)


# --- fuzzing ----------------------------------------------------------------------------------------

INTERESTING_STRINGS = st.sampled_from(
    [
        "",
        "alice",
        "1.000 STEEM",
        "1.00 STEEM",
        "0.000 SBD",
        "1.000000 VESTS",
        "@@000000021",
        "2016-04-06T08:29:27",
        PUBLIC,
        SIGNATURE_HEX,
        "transfer",
        "vote_operation",
        "void_t",
        "{}",
        "65536",
        "-1",
    ]
)
JSON_KEYS = st.text(max_size=8) | st.sampled_from(
    ["ref_block_num", "ref_block_prefix", "expiration", "operations", "extensions", "signatures", "type", "value"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30) | INTERESTING_STRINGS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(JSON_KEYS, inner, max_size=6),
    max_leaves=25,
)


def exercise(tx: SignedTransaction) -> None:
    """What a node does with a decoded transaction: only ProtocolErrors may come out."""
    for step in (tx.validate, tx.signers):
        try:
            step()
        except ProtocolError as error:
            assert_readable(error)
    assert SignedTransaction.from_bytes(tx.to_bytes()) == tx
    for appbase in (False, True):
        try:
            again = SignedTransaction.parse(tx.to_json(appbase))
        except ShapeError as error:
            assert error.rule == "utf8"  # strings whose bytes are not UTF-8 have no JSON form
            continue
        assert again == tx


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(data: bytes) -> None:
    try:
        tx = SignedTransaction.from_bytes(data)
    except EncodingError as error:
        assert_readable(error)
        return
    exercise(tx)


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([SIGNED, tx_bytes(*RICH_OPS)])))
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["set", "insert", "delete"]))
        if action == "set":
            data[index] = draw(st.integers(0, 255))
        elif action == "insert":
            data[index:index] = draw(st.binary(min_size=1, max_size=4))
        elif len(data) > 1:
            del data[index]
    return bytes(data)


@settings(max_examples=400, deadline=None)
@given(mutated_bytes())
def test_fuzz_mutated_transaction_bytes(data: bytes) -> None:
    try:
        tx = SignedTransaction.from_bytes(data)
    except EncodingError as error:
        assert_readable(error)
        return
    exercise(tx)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fuzz_random_json(value: Any) -> None:
    try:
        tx = SignedTransaction.parse(value)
    except ProtocolError as error:
        assert_readable(error)
    else:
        exercise(tx)
    try:
        op = OPERATION.parse(value)
    except ProtocolError as error:
        assert_readable(error)
    else:
        validate_or_refuse(op)


def validate_or_refuse(op: Operation) -> None:
    try:
        op.validate()
    except ProtocolError as error:
        assert_readable(error)
    assert OPERATION.unpack(op_bytes(op), 0) == (op, len(op_bytes(op)))


def json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*prefix, index))


op_documents = st.builds(lambda name: [name, VALID_OPS[name]], st.sampled_from(sorted(VALID_OPS))) | st.tuples(
    operations(), st.booleans()
).map(lambda pair: OPERATION.dump(pair[0], pair[1]))


@st.composite
def mutated_operation_json(draw: st.DrawFn) -> Any:
    document = draw(op_documents)
    for _ in range(draw(st.integers(1, 2))):
        paths = list(json_paths(document))
        path = draw(st.sampled_from(paths))
        if path and isinstance(path[-1], str) and draw(st.booleans()):
            document = with_value(document, path, DELETE)
        else:
            document = with_value(document, path, draw(json_values))
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_operation_json())
def test_fuzz_mutated_operation_json(document: Any) -> None:
    try:
        op = OPERATION.parse(document)
    except ProtocolError as error:
        assert_readable(error)
    else:
        validate_or_refuse(op)
    tx_json = {**EXAMPLE, "operations": [document]}
    try:
        tx = SignedTransaction.parse(tx_json)
    except ProtocolError as error:
        assert_readable(error)
    else:
        exercise(tx)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutated_transaction_json(data: st.DataObject) -> None:
    paths = list(json_paths(EXAMPLE))
    document = EXAMPLE
    for _ in range(data.draw(st.integers(1, 2))):
        path = data.draw(st.sampled_from(paths))
        document = with_value(document, path, data.draw(json_values))
        paths = list(json_paths(document))
    try:
        tx = SignedTransaction.parse(document)
    except ProtocolError as error:
        assert_readable(error)
    else:
        exercise(tx)


# --- inputs that once crashed with non-protocol errors (regression tests) ---------------------------


@pytest.mark.parametrize(
    "value",
    [{"amount": "1000", "precision": 3, "nai": []}, {"amount": "1000", "precision": 3, "nai": {}}, ["1000", 3, [1]]],
)
def test_nai_must_be_a_string(value: Any) -> None:
    rejects(
        ShapeError,
        "operations.0.transfer.amount",
        "symbol",
        SignedTransaction.parse,
        example(("operations", 0, 1, "amount"), value),
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("ref_block_num",), "9" * 5000),
        (("operations", 0, 1, "amount"), "9" * 5000 + ".000 STEEM"),
        (("operations", 0, 1, "amount"), {"amount": "9" * 5000, "precision": 3, "nai": "@@000000021"}),
    ],
    ids=["uint16", "legacy-asset", "nai-asset"],
)
def test_huge_decimal_strings(path: tuple[Any, ...], value: Any) -> None:
    with pytest.raises(ProtocolError) as info:
        SignedTransaction.parse(example(path, value))
    assert type(info.value) is ShapeError and info.value.rule == "range"


def test_huge_decimal_string_is_a_range_error_directly() -> None:
    """The same rule one level down, so the test above cannot pass for another reason."""
    with pytest.raises(ShapeError) as info:
        UINT16.parse("9" * 5000)
    assert info.value.rule == "range"


def test_lone_surrogate_string() -> None:
    rejects(
        ShapeError,
        "operations.0.transfer.memo",
        "utf8",
        SignedTransaction.parse,
        example(("operations", 0, 1, "memo"), "\ud800"),
    )


def test_witness_url_lone_surrogate() -> None:
    rejects(
        ShapeError,
        "operations.0.witness_update.url",
        "utf8",
        SignedTransaction.parse,
        op_tx("witness_update", {"url": "\ud800"}),
    )


def test_custom_json_id_length_is_in_bytes() -> None:
    tx = SignedTransaction.parse(op_tx("custom_json", {"id": "\u00e9" * 32}))
    rejects(ValidationError, "operations.0.custom_json.id", "length", tx.validate)


def test_limit_order_zero_min_to_receive_field() -> None:
    tx = SignedTransaction.parse(op_tx("limit_order_create", {"min_to_receive": "0.000 SBD"}))
    with pytest.raises(ValidationError) as info:
        tx.validate()
    assert info.value.field.startswith("operations.0.limit_order_create.min_to_receive"), info.value.field


@pytest.mark.parametrize("text", ["2016-W14-3T08:29:27", "2016-04-06T08:29+01"])
def test_time_accepts_other_iso_forms(text: str) -> None:
    rejects(ShapeError, "expiration", "time", SignedTransaction.parse, example(("expiration",), text))


def test_version_superscript_digit() -> None:
    rejects(ShapeError, "", "version", VERSION.parse, "\u00b2.0.0")


def test_out_of_order_keys_off_the_wire_are_named_printably() -> None:
    """Keys decoded from fuzzed bytes may hold control characters; the message must still print."""
    with pytest.raises(ShapeError) as caught:
        require_sorted_unique(["b\x13\udcfb", "a\x05"], "map keys")
    assert str(caught.value).isprintable() and "out of order" in str(caught.value)
