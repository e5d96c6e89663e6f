"""Hypothesis strategies for protocol values, derived from the records' own codecs.

`values(codec)` draws any well-formed value of a codec; `valid_operation(cls)` draws operations
that also pass `validate()`, which is what real clients can serialize.
"""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import strategies as st

from stoa.protocol import Asset, Price, PrivateKey
from stoa.protocol.asset import ASSET, SBD, STEEM, VESTS
from stoa.protocol.authority import Authority
from stoa.protocol.errors import ProtocolError
from stoa.protocol.fields import ACCOUNT_NAME, PERMLINK
from stoa.protocol.keys import PUBLIC_KEY, SIGNATURE
from stoa.protocol.operations import BY_ID, Operation
from stoa.protocol.operations.social import Beneficiary, CommentPayoutBeneficiaries
from stoa.protocol.operations.witness import ChainProperties
from stoa.protocol.record import Record
from stoa.protocol.types import (
    BOOL,
    EXTENSIONS,
    STRING,
    TIME,
    VARINT,
    FlatMap,
    FlatSet,
    HexBytes,
    Int,
    Optional,
    StaticVariant,
    Vector,
)

KEYS = [PrivateKey.from_password("hypothesis", "active", str(i)) for i in range(12)]
PUBLIC_KEYS = [key.public_key for key in KEYS]
INT64_MAX = (1 << 63) - 1

account_names = st.from_regex(r"[a-z][a-z0-9-]{1,14}[a-z0-9]", fullmatch=True) | st.sampled_from(
    ["alice", "bob", "steemitboard", "a-b.c-d", "xyz.abc.def", "null", "initminer"]
)
permlinks = st.from_regex(r"[a-z0-9-]{1,80}", fullmatch=True)
# beem rewrites control characters before hashing (a documented client quirk), so client tests avoid them.
printable_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=200)
any_text = st.text(max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31) | printable_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(printable_text, inner, max_size=4),
    max_leaves=12,
)
json_texts = json_values.map(lambda value: orjson.dumps(value).decode())
json_objects = st.dictionaries(printable_text, json_values, max_size=4).map(lambda value: orjson.dumps(value).decode())


def assets(*symbols: str, low: int = 0, high: int = 10**12) -> st.SearchStrategy[Asset]:
    return st.builds(Asset, st.integers(low, high), st.sampled_from(symbols))


def sorted_unique(strategy: st.SearchStrategy[Any], max_size: int = 4) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=max_size, unique=True).map(lambda items: tuple(sorted(items)))


def values(codec: Any) -> st.SearchStrategy[Any]:
    """Any well-formed value of `codec` (it may still break a validation rule)."""
    if codec is ACCOUNT_NAME:
        return account_names
    if codec is PERMLINK:
        return permlinks
    if codec is STRING:
        return any_text
    if isinstance(codec, Int):
        return st.integers(codec.low, codec.high)
    if codec is VARINT:
        return st.integers(0, 0xFFFFFFFF)
    if codec is BOOL:
        return st.booleans()
    if codec is TIME:
        return st.integers(0, 0xFFFFFFFF)
    if codec is PUBLIC_KEY:
        return st.sampled_from(PUBLIC_KEYS)
    if codec is SIGNATURE:
        return st.binary(min_size=65, max_size=65)
    if codec is ASSET:
        return assets(STEEM, SBD, VESTS, low=-INT64_MAX, high=INT64_MAX)
    if codec is EXTENSIONS:
        return st.just(())
    if isinstance(codec, HexBytes):
        size = codec.size
        return st.binary(min_size=size or 0, max_size=size or 40)
    if isinstance(codec, Optional):
        return st.none() | values(codec.inner)
    if isinstance(codec, FlatSet):
        return st.lists(values(codec.inner), max_size=4).map(lambda items: _sorted_set(items, codec.sort_key))
    if isinstance(codec, Vector):
        return st.lists(values(codec.inner), max_size=4).map(tuple)
    if isinstance(codec, FlatMap):
        return st.dictionaries(values(codec.key), values(codec.value), max_size=4).map(
            lambda mapping: tuple(sorted(mapping.items(), key=lambda pair: pair[0]))
        )
    if isinstance(codec, StaticVariant):
        return st.one_of(
            [
                values(option).map(lambda payload, tag=tag: (tag, payload))
                for tag, (_, option) in enumerate(codec.options)
            ]
        )
    if isinstance(codec, type) and issubclass(codec, Record):
        return records(codec)
    raise TypeError(f"no strategy for codec {codec!r}")


def _sorted_set(items: list[Any], key: Any) -> tuple[Any, ...]:
    unique = {key(item): item for item in items}
    return tuple(unique[k] for k in sorted(unique))


def records(cls: type[Record], **overrides: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Records of `cls`, each field drawn from its codec unless overridden by Python field name."""
    return st.builds(cls, **{f.name: overrides[f.name] if f.name in overrides else values(f.codec) for f in cls.FIELDS})


def operations() -> st.SearchStrategy[Operation]:
    """Any well-formed operation of any registered kind."""
    return st.one_of([records(cls) for _, cls in sorted(BY_ID.items())])


# --- valid operations -------------------------------------------------------------------------

percents = st.integers(0, 10000)
memos = printable_text
steem_or_sbd = assets(STEEM, SBD, low=1)
authorities = st.builds(
    Authority,
    st.integers(1, 4),
    st.dictionaries(account_names, st.integers(1, 3), max_size=2).map(lambda auths: tuple(sorted(auths.items()))),
    st.dictionaries(st.sampled_from(PUBLIC_KEYS), st.integers(1, 3), max_size=3).map(
        lambda auths: tuple(sorted(auths.items()))
    ),
)
chain_properties = st.builds(ChainProperties, assets(STEEM, low=1), st.integers(65536, 2**32 - 1), percents)


@st.composite
def beneficiaries(draw: st.DrawFn) -> tuple[tuple[int, CommentPayoutBeneficiaries], ...]:
    names = draw(st.lists(account_names, min_size=1, max_size=6, unique=True))
    budget = 10000
    routes = []
    for name in sorted(names):
        weight = draw(st.integers(0, budget))
        budget -= weight
        routes.append(Beneficiary(name, weight))
    return ((0, CommentPayoutBeneficiaries(tuple(routes))),)


@st.composite
def market_pair(draw: st.DrawFn) -> tuple[Asset, Asset]:
    sell, receive = draw(st.sampled_from([(STEEM, SBD), (SBD, STEEM)]))
    return draw(assets(sell, low=1)), draw(assets(receive, low=1))


@st.composite
def claims(draw: st.DrawFn) -> tuple[Asset, Asset, Asset]:
    steem, sbd, vests = draw(assets(STEEM)), draw(assets(SBD)), draw(assets(VESTS))
    if not (steem.amount or sbd.amount or vests.amount):
        vests = Asset(1, VESTS)
    return steem, sbd, vests


def _limit_order(cls: type[Operation]) -> st.SearchStrategy[Operation]:
    return st.builds(
        lambda owner, orderid, pair, fok, expiration: cls(owner, orderid, pair[0], pair[1], fok, expiration),
        account_names,
        st.integers(0, 2**32 - 1),
        market_pair(),
        st.booleans(),
        st.integers(0, 2**32 - 1),
    )


@st.composite
def limit_order_create2(draw: st.DrawFn) -> Operation:
    """On the STEEM:SBD market from the start: a rate from any two assets rarely passes validation."""
    sell, receive = draw(market_pair())
    rate = Price(draw(assets(sell.symbol, low=1)), receive)
    uint32 = st.integers(0, 2**32 - 1)
    return BY_NAME_CLASS["limit_order_create2"](
        draw(account_names), draw(uint32), sell, rate, draw(st.booleans()), draw(uint32)
    )


def _claim(account: str, amounts: tuple[Asset, Asset, Asset]) -> Operation:
    return BY_NAME_CLASS["claim_reward_balance"](account, *amounts)


BY_NAME_CLASS = {cls.OP_NAME: cls for cls in BY_ID.values()}

VALID_OVERRIDES: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "vote": {"weight": st.integers(-10000, 10000)},
    "comment": {
        "parent_author": st.just("") | account_names,
        "title": st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=80),
        "body": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=400),
        "json_metadata": st.just("") | json_objects,
    },
    "transfer": {"amount": steem_or_sbd, "memo": memos},
    "transfer_to_vesting": {"to": st.just("") | account_names, "amount": assets(STEEM, low=1)},
    "withdraw_vesting": {"vesting_shares": assets(VESTS)},
    "feed_publish": {"exchange_rate": market_pair().map(lambda pair: Price(*pair))},
    "convert": {"amount": assets(SBD, low=1)},
    "account_create": {
        "fee": assets(STEEM),
        "owner": authorities,
        "active": authorities,
        "posting": authorities,
        "json_metadata": st.just("") | json_objects,
    },
    "account_create_with_delegation": {
        "fee": assets(STEEM),
        "delegation": assets(VESTS),
        "owner": authorities,
        "active": authorities,
        "posting": authorities,
        "json_metadata": st.just("") | json_objects,
    },
    "create_claimed_account": {
        "owner": authorities,
        "active": authorities,
        "posting": authorities,
        "json_metadata": st.just("") | json_objects,
    },
    "claim_account": {"fee": assets(STEEM)},
    "account_update": {
        "owner": st.none() | authorities,
        "active": st.none() | authorities,
        "posting": st.none() | authorities,
        "json_metadata": st.just("") | json_objects,
    },
    "witness_update": {
        "url": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=100),
        "props": chain_properties,
        "fee": assets(STEEM),
    },
    "account_witness_proxy": {"proxy": st.just("") | account_names},
    "custom_json": {
        "required_auths": sorted_unique(account_names, 2),
        "required_posting_auths": sorted_unique(account_names, 2).filter(bool),
        "id": st.from_regex(r"[a-z_]{0,32}", fullmatch=True),
        "json": json_texts,
    },
    "comment_options": {
        "max_accepted_payout": assets(SBD),
        "percent_steem_dollars": percents,
        "extensions": st.just(()) | beneficiaries(),
    },
    "set_withdraw_vesting_route": {"percent": percents},
    "transfer_to_savings": {"amount": steem_or_sbd, "memo": memos},
    "transfer_from_savings": {"amount": steem_or_sbd, "memo": memos},
    "delegate_vesting_shares": {"vesting_shares": assets(VESTS)},
}

SPECIAL: dict[str, st.SearchStrategy[Operation]] = {
    "limit_order_create": _limit_order(BY_NAME_CLASS["limit_order_create"]),
    "claim_reward_balance": st.builds(_claim, account_names, claims()),
    "limit_order_create2": limit_order_create2(),
}


def _passes_validation(op: Operation) -> bool:
    try:
        op.validate()
    except ProtocolError:
        return False
    return True


def valid_operation(name: str) -> st.SearchStrategy[Operation]:
    """Operations named `name` that pass their stateless validation."""
    strategy = SPECIAL[name] if name in SPECIAL else records(BY_NAME_CLASS[name], **VALID_OVERRIDES.get(name, {}))
    return strategy.filter(_passes_validation)
