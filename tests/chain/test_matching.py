"""The matching engine: price-time priority, partial fills on both sides, the maker's price, rounding
to the satoshi, dust, fill_or_kill, expiry, cancels and self-trades; both assets conserved and replays
equal (steemd's database::apply_order / match / fill_order)."""

from __future__ import annotations

import os

from stoa.chain.node import Node
from stoa.chain.state import LIMIT_ORDERS
from stoa.protocol import Asset
from stoa.protocol.asset import Price
from stoa.protocol.operations import (
    ClaimRewardBalance,
    Comment,
    FillOrder,
    LimitOrderCancel,
    LimitOrderCreate,
    LimitOrderCreate2,
    Operation,
    Vote,
)
from stoa.protocol.operations.virtual import LimitOrderCancelled

from .conftest import DevChain, account, rejected, role_key, virtual_ops
from .test_market_ops import DAY, active, give_sbd, later, sbd, steem


def market(chain: DevChain, *names: str) -> None:
    """Accounts with 100 STEEM and 5 SBD each."""
    for name in names:
        chain.create_account(name)
        give_sbd(chain, name, 5_000)


def held(chain: DevChain) -> tuple[int, int]:
    """All liquid STEEM, and all liquid SBD less the SBD supply (the treasury's share of inflation is
    printed as SBD every block), each with what open orders hold."""

    def total(sql: str) -> int:
        return int(chain.state.db.execute(sql).fetchone()[0] or 0)

    orders = "SELECT SUM(for_sale) FROM limit_orders WHERE sell_symbol = '{}'"
    return (
        total("SELECT SUM(balance) FROM accounts") + total(orders.format("STEEM")),
        total("SELECT SUM(sbd_balance) FROM accounts")
        + total(orders.format("SBD"))
        - chain.state.dgp().current_sbd_supply,
    )


def order(
    owner: str, orderid: int, sell: int, symbol: str, receive: int, expiration: int, kill: bool = False
) -> Operation:
    selling = steem(sell) if symbol == "STEEM" else sbd(sell)
    receiving = sbd(receive) if symbol == "STEEM" else steem(receive)
    return LimitOrderCreate(owner, orderid, selling, receiving, kill, expiration)


def place(chain: DevChain, *ops: Operation) -> int:
    """Apply the ops (each signed by its owner's active key) in one block; returns the block number."""
    owners = sorted({op.owner for op in ops})  # type: ignore[attr-defined]
    return chain.apply(*ops, keys=[key for name in owners for key in active(name)]).block_num


def rest(chain: DevChain, owner: str, orderid: int) -> int | None:
    found = LIMIT_ORDERS.get(chain.state.db, owner, orderid)
    return None if found is None else found.for_sale


def balances(chain: DevChain, name: str) -> tuple[int, int]:
    found = account(chain, name)
    return found.balance, found.sbd_balance


def test_price_then_time_priority_at_the_makers_price(chain: DevChain) -> None:
    market(chain, "alice", "bob", "carol")
    before = held(chain)
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 1_000, "STEEM", 500, week))  # 0.5 SBD/STEEM, oldest
    place(chain, order("bob", 2, 1_000, "STEEM", 400, week), order("carol", 3, 1_000, "STEEM", 400, week))
    block = place(chain, order("alice", 7, 1_000, "SBD", 2_000, week))  # pays up to 0.5 SBD/STEEM

    fills = virtual_ops(chain, FillOrder, block)
    assert [(f.open_owner, f.open_orderid, str(f.current_pays), str(f.open_pays)) for f in fills] == [
        ("bob", 2, "0.400 SBD", "1.000 STEEM"),  # best price first; bob's #2 before carol's at that price
        ("carol", 3, "0.400 SBD", "1.000 STEEM"),
        ("bob", 1, "0.200 SBD", "0.400 STEEM"),  # the rest, at the maker's 0.5
    ]
    assert all((f.current_owner, f.current_orderid) == ("alice", 7) for f in fills)
    assert balances(chain, "alice") == (100_000 + 2_400, 5_000 - 1_000)
    assert balances(chain, "bob") == (100_000 - 2_000, 5_000 + 600)
    assert balances(chain, "carol") == (100_000 - 1_000, 5_000 + 400)
    assert (rest(chain, "alice", 7), rest(chain, "bob", 1), rest(chain, "bob", 2)) == (None, 600, None)
    assert held(chain) == before


def test_a_new_order_partly_filled_rests_in_the_book(chain: DevChain) -> None:
    market(chain, "alice", "bob")
    before = held(chain)
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 3_000, "SBD", 10_000, week))  # buys STEEM at 0.3 SBD/STEEM
    block = place(chain, order("alice", 1, 25_000, "STEEM", 5_000, week))  # sells at 0.2 or better

    [fill] = virtual_ops(chain, FillOrder, block)
    assert (str(fill.current_pays), str(fill.open_pays)) == ("10.000 STEEM", "3.000 SBD")
    assert (rest(chain, "alice", 1), rest(chain, "bob", 1)) == (15_000, None)
    resting = LIMIT_ORDERS.get(chain.state.db, "alice", 1)
    assert resting is not None and (resting.price_base, resting.price_quote) == (25_000, 5_000)

    later_block = place(chain, order("bob", 2, 1_000, "SBD", 1_000, week))  # 1 SBD/STEEM: takes 5 STEEM at 0.2
    [fill] = virtual_ops(chain, FillOrder, later_block)
    assert (fill.current_owner, str(fill.current_pays), str(fill.open_pays)) == ("bob", "1.000 SBD", "5.000 STEEM")
    assert rest(chain, "alice", 1) == 10_000
    assert balances(chain, "bob") == (100_000 + 15_000, 5_000 - 4_000)
    assert held(chain) == before


def test_limit_order_create2_matches_by_its_exchange_rate(chain: DevChain) -> None:
    market(chain, "alice", "bob")
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 2_000, "STEEM", 1_000, week))
    rate = Price(sbd(1), steem(2))  # 0.5 SBD per STEEM
    block = chain.apply(LimitOrderCreate2("alice", 5, sbd(1_000), rate, True, week), keys=active("alice")).block_num
    [fill] = virtual_ops(chain, FillOrder, block)
    assert (fill.current_orderid, str(fill.current_pays), str(fill.open_pays)) == (5, "1.000 SBD", "2.000 STEEM")
    assert rest(chain, "bob", 1) is None


def test_rounding_down_to_the_satoshi_and_dust_going_back(chain: DevChain) -> None:
    market(chain, "alice", "bob")
    before = held(chain)
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 10, "STEEM", 3, week))  # 0.010 STEEM for 0.003 SBD
    paid = []
    for orderid in (1, 2, 3):  # each sells one SBD satoshi for at least 3 STEEM satoshis
        block = place(chain, order("alice", orderid, 1, "SBD", 3, week))
        [fill] = virtual_ops(chain, FillOrder, block)
        paid.append((fill.current_pays.amount, fill.open_pays.amount))
        cancelled = virtual_ops(chain, LimitOrderCancelled, block)
    assert paid == [(1, 3), (1, 3), (1, 3)]  # 1 × 10/3 = 3.33…, rounded down
    # after the third fill bob's order holds 1 satoshi, which buys 1 × 3/10 = 0 SBD: dust, refunded
    assert [(c.seller, c.orderid, str(c.amount_back)) for c in cancelled] == [("bob", 1, "0.001 STEEM")]
    assert rest(chain, "bob", 1) is None
    assert balances(chain, "alice") == (100_000 + 9, 5_000 - 3)
    assert balances(chain, "bob") == (100_000 - 9, 5_000 + 3)
    assert held(chain) == before


def test_fill_or_kill(chain: DevChain) -> None:
    market(chain, "alice", "bob")
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 1_000, "STEEM", 500, week))
    # 1.000 SBD wants 2.000 STEEM; only 1.000 STEEM is offered at that price: the whole thing is undone
    kill = order("alice", 1, 1_000, "SBD", 2_000, week, kill=True)
    error = rejected(chain, kill, keys=active("alice"), rule="not-filled")
    assert error.field == "operations.0.limit_order_create.fill_or_kill"
    before = held(chain)
    place(chain, order("alice", 1, 500, "SBD", 1_000, week, kill=True))  # fits exactly: filled
    assert (rest(chain, "alice", 1), rest(chain, "bob", 1)) == (None, None)
    assert balances(chain, "alice") == (101_000, 4_500)
    assert held(chain) == before


def test_orders_expire_at_the_end_of_the_block_after_their_expiration(chain: DevChain) -> None:
    market(chain, "alice")
    expiration = later(chain, 60)
    bid = order("alice", 2, 2_000, "SBD", 9_000, later(chain, DAY))  # below the ask: they do not cross
    place(chain, order("alice", 1, 1_000, "STEEM", 900, expiration), bid)
    chain.node.generate_blocks_until(expiration)
    assert chain.state.dgp().time >= expiration and rest(chain, "alice", 1) == 1_000  # not before it has passed
    chain.node.generate_blocks(1)
    head = chain.state.dgp().head_block_number
    [cancelled] = virtual_ops(chain, LimitOrderCancelled, head)
    assert (cancelled.seller, cancelled.orderid, str(cancelled.amount_back)) == ("alice", 1, "1.000 STEEM")
    assert (rest(chain, "alice", 1), rest(chain, "alice", 2)) == (None, 2_000)
    assert balances(chain, "alice") == (100_000, 3_000)


def test_cancel_returns_what_is_left_and_reports_it(chain: DevChain) -> None:
    market(chain, "alice", "bob")
    week = later(chain, 7 * DAY)
    place(chain, order("alice", 1, 4_000, "STEEM", 2_000, week))
    place(chain, order("bob", 1, 500, "SBD", 1_000, week))  # takes 1.000 STEEM of it
    block = chain.apply(LimitOrderCancel("alice", 1), keys=active("alice")).block_num
    [cancelled] = virtual_ops(chain, LimitOrderCancelled, block)
    assert str(cancelled.amount_back) == "3.000 STEEM"
    assert balances(chain, "alice") == (99_000, 5_500)
    rejected(chain, LimitOrderCancel("alice", 1), keys=active("alice"), rule="unknown-order")


def test_self_trade_fills_like_any_other(chain: DevChain) -> None:
    market(chain, "alice")
    before = held(chain)
    week = later(chain, 7 * DAY)
    place(chain, order("alice", 1, 1_000, "STEEM", 500, week))
    block = place(chain, order("alice", 2, 500, "SBD", 1_000, week))
    [fill] = virtual_ops(chain, FillOrder, block)
    assert (fill.current_owner, fill.open_owner) == ("alice", "alice")
    assert (rest(chain, "alice", 1), rest(chain, "alice", 2)) == (None, None)
    assert balances(chain, "alice") == (100_000, 5_000)
    assert held(chain) == before


def test_rejections_leave_the_state_as_it_was(chain: DevChain) -> None:
    market(chain, "alice", "bob")
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 1_000, "STEEM", 500, week))
    key = active("alice")
    rejected(chain, order("alice", 1, 5_001, "SBD", 1, week), keys=key, rule="funds")
    rejected(chain, order("alice", 1, 600, "SBD", 1_200, week, kill=True), keys=key, rule="not-filled")
    rejected(chain, order("alice", 1, 1, "SBD", 1, chain.state.dgp().time), keys=key, rule="expired")
    rejected(chain, order("alice", 1, 1, "SBD", 1, later(chain, 29 * DAY)), keys=key, rule="too-far")
    rate = Price(sbd(1_000), steem(1))
    rejected(chain, LimitOrderCreate2("alice", 1, sbd(999), rate, False, week), keys=key, rule="rounds-to-zero")
    rejected(chain, order("bob", 1, 1, "STEEM", 1, week), keys=active("bob"), rule="duplicate-order")
    rejected(chain, LimitOrderCancel("alice", 9), keys=key, rule="unknown-order")
    assert rest(chain, "bob", 1) == 1_000


def earn_sbd(chain: DevChain, name: str) -> None:
    """SBD the way the block log can replay it (a post paid out, the reward claimed): a few satoshis."""
    posting = [role_key(name, "posting")]
    chain.apply(Comment("", "news", name, "market", "T", "B", "{}"), keys=posting)
    chain.apply(Vote("initminer", name, "market", 10_000))
    post = chain.state.comment(name, "market")
    assert post is not None
    chain.node.generate_blocks_until(post.cashout_time)
    found = account(chain, name)
    assert found.reward_sbd_balance >= 20
    rewards = (steem(found.reward_steem_balance), sbd(found.reward_sbd_balance), found.reward_vesting_balance)
    chain.apply(ClaimRewardBalance(name, *rewards[:2], Asset(rewards[2], "VESTS")), keys=posting)


def test_replays_give_the_same_state(chain: DevChain) -> None:
    for name in ("alice", "bob", "carol"):
        chain.create_account(name)
    earn_sbd(chain, "alice")
    earn_sbd(chain, "carol")
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 30, "STEEM", 10, week), order("carol", 1, 20, "STEEM", 9, later(chain, 90)))
    place(chain, order("alice", 1, 15, "SBD", 30, week), order("carol", 2, 7, "SBD", 70, week))
    chain.node.generate_blocks_until(later(chain, 200))
    digest, fills = chain.state.digest(), chain.state.db.execute("SELECT * FROM market_fills").fetchall()
    assert fills
    data_dir = chain.node.data_dir
    chain.node.stop()
    for path in data_dir.glob("state.db*"):
        os.remove(path)
    chain.node = Node(data_dir, block_mode="manual")
    assert chain.state.digest() == digest
    assert chain.state.db.execute("SELECT * FROM market_fills").fetchall() == fills
