"""The market's operations against an empty book: orders escrow and refund, conversions wait (matching:
test_matching.py)."""

from __future__ import annotations

from stoa.chain.state import ACCOUNTS, CONVERT_REQUESTS, LIMIT_ORDERS
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.asset import Price
from stoa.protocol.operations import Convert, LimitOrderCancel, LimitOrderCreate, LimitOrderCreate2

from .conftest import DevChain, account, rejected, role_key

DAY = 24 * 3600


def active(name: str) -> list[PrivateKey]:
    return [role_key(name, "active")]


def steem(amount: int) -> Asset:
    return Asset(amount, "STEEM")


def sbd(amount: int) -> Asset:
    return Asset(amount, "SBD")


def give_sbd(chain: DevChain, name: str, amount: int) -> None:
    """SBD only comes from rewards and conversions, which this chain does not pay yet: write it in."""
    found = account(chain, name)
    found.sbd_balance += amount
    ACCOUNTS.update(chain.state.db, found)


def later(chain: DevChain, seconds: int) -> int:
    return chain.state.dgp().time + seconds


# --- limit orders -------------------------------------------------------------------------------


def test_orders_escrow_and_cancel_refunds(chain: DevChain) -> None:
    chain.create_account("alice")
    give_sbd(chain, "alice", 5_000)
    expiration = later(chain, DAY)
    chain.apply(
        LimitOrderCreate("alice", 1, steem(1_000), sbd(2_000), False, expiration),
        LimitOrderCreate2("alice", 2, sbd(3_000), Price(sbd(1_000), steem(4_000)), False, expiration),
        keys=active("alice"),
    )
    alice = account(chain, "alice")
    assert (alice.balance, alice.sbd_balance) == (99_000, 2_000)
    first = LIMIT_ORDERS.get(chain.state.db, "alice", 1)
    assert first is not None
    assert (first.for_sale, first.sell_symbol, first.price_base, first.price_quote) == (1_000, "STEEM", 1_000, 2_000)
    assert (first.created, first.expiration) == (chain.state.dgp().time, expiration)
    second = LIMIT_ORDERS.get(chain.state.db, "alice", 2)
    assert second is not None
    assert (second.for_sale, second.sell_symbol, second.price_base, second.price_quote) == (3_000, "SBD", 1_000, 4_000)

    chain.apply(LimitOrderCancel("alice", 2), keys=active("alice"))
    assert account(chain, "alice").sbd_balance == 5_000
    assert LIMIT_ORDERS.get(chain.state.db, "alice", 2) is None


def test_order_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    key = active("alice")
    head = chain.state.dgp().time
    rejected(chain, LimitOrderCreate("alice", 1, steem(1), sbd(1), False, head), keys=key, rule="expired")
    too_far = later(chain, 29 * DAY)
    rejected(chain, LimitOrderCreate("alice", 1, steem(1), sbd(1), False, too_far), keys=key, rule="too-far")
    tomorrow = later(chain, DAY)
    rejected(chain, LimitOrderCreate("alice", 1, steem(100_001), sbd(1), False, tomorrow), keys=key, rule="funds")
    error = rejected(chain, LimitOrderCreate("alice", 1, steem(1), sbd(1), True, tomorrow), keys=key, rule="not-filled")
    assert "not filled" in error.message
    rate = Price(steem(2), sbd(1))
    rejected(chain, LimitOrderCreate2("alice", 1, steem(2), rate, True, tomorrow), keys=key, rule="not-filled")
    rejected(chain, LimitOrderCreate2("alice", 1, steem(1), rate, False, tomorrow), keys=key, rule="rounds-to-zero")
    chain.apply(LimitOrderCreate("alice", 1, steem(1), sbd(1), False, tomorrow), keys=key)
    rejected(chain, LimitOrderCreate2("alice", 1, steem(2), rate, False, tomorrow), keys=key, rule="duplicate-order")
    rejected(chain, LimitOrderCancel("alice", 2), keys=key, rule="unknown-order")


# --- convert ------------------------------------------------------------------------------------


def test_convert_takes_sbd_and_waits(chain: DevChain) -> None:
    chain.create_account("alice")
    give_sbd(chain, "alice", 5_000)
    chain.apply(Convert("alice", 9, sbd(2_000)), keys=active("alice"))
    assert account(chain, "alice").sbd_balance == 3_000
    request = CONVERT_REQUESTS.get(chain.state.db, "alice", 9)
    assert request is not None
    assert (request.amount, request.conversion_date) == (2_000, chain.state.dgp().time + 84 * 3600)


def test_convert_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    give_sbd(chain, "alice", 5_000)
    rejected(chain, Convert("alice", 1, sbd(5_001)), keys=active("alice"), rule="funds")
    chain.apply(Convert("alice", 1, sbd(1_000)), keys=active("alice"))
    rejected(chain, Convert("alice", 1, sbd(1_000)), keys=active("alice"), rule="duplicate-request")
