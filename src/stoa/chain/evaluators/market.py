"""The internal STEEM/SBD market and conversions.

It holds limit_order_create(2), limit_order_cancel, the matching engine (steemd's
database::apply_order / match / fill_order), the expiry of resting orders, and convert.

A new order is matched at once against the resting orders on the other side that it crosses, best
price first and, at one price, oldest first; each match trades at the resting order's price, rounding
down to the satoshi as steemd's `asset * price` does, and records a fill_order virtual operation. What
is left of the new order rests in the book. An order whose rest would buy nothing at its price is
dust: its rest goes back to the seller. Cancels, dust and expiry report limit_order_cancelled.

Each fill is also written to `market_fills`, the market history's table: derived, non-consensus
(outside the state digest, like reputations) and rebuilt by replay. Conversions are paid by
economics/sbd.py.
"""

from __future__ import annotations

from fractions import Fraction

from ...protocol import Asset
from ...protocol.asset import STEEM
from ...protocol.operations import Convert, FillOrder, LimitOrderCancel, LimitOrderCreate, LimitOrderCreate2
from ...protocol.operations.virtual import LimitOrderCancelled
from .. import params
from ..apply import ApplyContext, end_of_block, evaluates
from ..errors import ChainError
from ..objects import ConvertRequest, LimitOrder
from ..state import ACCOUNTS, CONVERT_REQUESTS, LIMIT_ORDERS, State
from .common import deposit, spend

MAX_LIMIT_ORDER_EXPIRATION = 28 * 24 * 3600  # STEEM_MAX_LIMIT_ORDER_EXPIRATION


@evaluates(LimitOrderCreate)
def limit_order_create(ctx: ApplyContext, op: LimitOrderCreate) -> None:
    """limit_order_create_evaluator (HF20): sell `amount_to_sell` at the price amount_to_sell /
    min_to_receive (the rules are place_order's)."""
    place_order(ctx, op, op.amount_to_sell.amount, op.min_to_receive.amount)


@evaluates(LimitOrderCreate2)
def limit_order_create2(ctx: ApplyContext, op: LimitOrderCreate2) -> None:
    """limit_order_create2_evaluator (HF20): like limit_order_create, priced by `exchange_rate`.
    limit_order_create2_operation::validate's last rule is checked here: the amount sold must buy
    at least one satoshi at that rate."""
    base, quote = op.exchange_rate.base.amount, op.exchange_rate.quote.amount
    if op.amount_to_sell.amount * quote // base <= 0:
        raise ChainError("amount_to_sell", "rounds-to-zero", "the amount to sell cannot round to 0 when traded")
    place_order(ctx, op, base, quote)


def place_order(ctx: ApplyContext, op: LimitOrderCreate | LimitOrderCreate2, base: int, quote: int) -> None:
    """The expiration must be after the head block and at most 28 days ahead; the orderid must be
    new for the owner; the amount sold leaves the owner's balance into the order, which is then
    matched (apply_order). A fill_or_kill order that is not wholly filled undoes everything."""
    state = ctx.state
    owner = state.require_account(op.owner, "owner")
    if op.expiration <= ctx.now:
        raise ChainError("expiration", "expired", "the order must expire after the head block time")
    if op.expiration > ctx.now + MAX_LIMIT_ORDER_EXPIRATION:
        raise ChainError("expiration", "too-far", "the order may expire at most 28 days after the head block time")
    if LIMIT_ORDERS.get(state.db, op.owner, op.orderid) is not None:
        raise ChainError("orderid", "duplicate-order", f"@{op.owner} already has an open order #{op.orderid}")
    spend(owner, op.amount_to_sell, "amount_to_sell")
    ACCOUNTS.update(state.db, owner)
    sold = op.amount_to_sell
    order = LimitOrder(
        op.owner, op.orderid, ctx.now, op.expiration, sold.amount, sold.symbol, base, quote, state.next_id(LIMIT_ORDERS)
    )
    LIMIT_ORDERS.insert(state.db, order)
    if not apply_order(ctx, order) and op.fill_or_kill:
        raise ChainError("fill_or_kill", "not-filled", "cancelling the order because it was not filled")


def apply_order(ctx: ApplyContext, order: LimitOrder) -> bool:
    """database::apply_order: match `order` against the resting orders it crosses, best price first,
    then oldest, until it is gone or none is left. True when nothing of it rests in the book."""
    return any(match(ctx, order, resting) & 1 for resting in crossing_orders(ctx.state, order))


def crossing_orders(state: State, order: LimitOrder) -> list[LimitOrder]:
    """The other side's orders whose sell price is at least the inverse of `order`'s, in steemd's
    by_price order: highest price first, then by id. SQLite preselects with a little slack in floating
    point; the exact test and order use integer cross products."""
    candidates = LIMIT_ORDERS.scan(
        state.db,
        "sell_symbol != ? AND price_base * ? >= price_quote * ? * 0.999999",
        (order.sell_symbol, float(order.price_base), float(order.price_quote)),
    )
    crossing = [o for o in candidates if o.price_base * order.price_base >= order.price_quote * o.price_quote]
    return sorted(crossing, key=lambda o: (-Fraction(o.price_base, o.price_quote), o.id))


def match(ctx: ApplyContext, new: LimitOrder, old: LimitOrder) -> int:
    """database::match at the resting order's price: the side that runs out first is filled whole, the
    other receives that amount converted at the price, rounded down. Bit 0 set: the new order is
    gone; bit 1: the resting one is."""
    old_worth = old.for_sale * old.price_quote // old.price_base  # old.for_sale in the new order's asset
    if new.for_sale <= old_worth:
        new_pays = new.for_sale
        old_pays = new.for_sale * old.price_base // old.price_quote
    else:
        old_pays = old.for_sale
        new_pays = old_worth
    new_asset, old_asset = Asset(new_pays, new.sell_symbol), Asset(old_pays, old.sell_symbol)
    ctx.emit(FillOrder(new.seller, new.orderid, new_asset, old.seller, old.orderid, old_asset))
    record_fill(ctx, new_asset, old_asset)
    return int(fill_order(ctx, new, new_asset, old_asset)) | int(fill_order(ctx, old, old_asset, new_asset)) << 1


def fill_order(ctx: ApplyContext, order: LimitOrder, pays: Asset, receives: Asset) -> bool:
    """database::fill_order: the seller receives; the order is removed when it has paid all it sold,
    and cancelled (its rest refunded) when what is left would buy nothing at its price. True when the
    order is gone."""
    state = ctx.state
    seller = state.require_account(order.seller, "owner")
    deposit(seller, receives)
    ACCOUNTS.update(state.db, seller)
    if pays.amount == order.for_sale:
        LIMIT_ORDERS.delete(state.db, order)
        return True
    order.for_sale -= pays.amount
    LIMIT_ORDERS.update(state.db, order)
    if order.for_sale * order.price_quote // order.price_base == 0:
        cancel_order(ctx, order)
        return True
    return False


def cancel_order(ctx: ApplyContext, order: LimitOrder) -> None:
    """database::cancel_order: what the order still sells goes back to its seller (Hive's
    limit_order_cancelled reports it)."""
    state = ctx.state
    seller = state.require_account(order.seller, "owner")
    back = Asset(order.for_sale, order.sell_symbol)
    deposit(seller, back)
    ACCOUNTS.update(state.db, seller)
    LIMIT_ORDERS.delete(state.db, order)
    ctx.emit(LimitOrderCancelled(order.seller, order.orderid, back))


def record_fill(ctx: ApplyContext, taker_pays: Asset, maker_pays: Asset) -> None:
    """One trade for the market history (market_history_plugin's order_history_object)."""
    steem, sbd = (taker_pays, maker_pays) if taker_pays.symbol == STEEM else (maker_pays, taker_pays)
    ctx.state.db.execute(
        "INSERT INTO market_fills (time, steem, sbd, taker_sold) VALUES (?, ?, ?, ?)",
        (ctx.now, steem.amount, sbd.amount, taker_pays.symbol),
    )


@evaluates(LimitOrderCancel)
def limit_order_cancel(ctx: ApplyContext, op: LimitOrderCancel) -> None:
    """limit_order_cancel_evaluator: the order must exist; what it still sells returns to the owner."""
    order = LIMIT_ORDERS.get(ctx.state.db, op.owner, op.orderid)
    if order is None:
        raise ChainError("orderid", "unknown-order", f"@{op.owner} has no open order #{op.orderid}")
    cancel_order(ctx, order)


@end_of_block
def clear_expired_orders(ctx: ApplyContext) -> None:
    """database::clear_expired_orders: orders whose expiration is before the head block time are
    cancelled, earliest expiration first."""
    expired = LIMIT_ORDERS.scan(ctx.state.db, "expiration < ?", (ctx.now,))
    for order in sorted(expired, key=lambda o: (o.expiration, o.id)):
        cancel_order(ctx, order)


@evaluates(Convert)
def convert(ctx: ApplyContext, op: Convert) -> None:
    """convert_evaluator: the SBD leaves the owner now and a request (requestid new for the owner)
    is paid 3.5 days later at the median price (economics/sbd.py process_conversions). A Stoa
    network always has a median price (genesis sets the first), so steemd's no-feed refusal never
    applies."""
    state = ctx.state
    owner = state.require_account(op.owner, "owner")
    if CONVERT_REQUESTS.get(state.db, op.owner, op.requestid) is not None:
        raise ChainError("requestid", "duplicate-request", f"@{op.owner} already has conversion #{op.requestid}")
    spend(owner, op.amount)
    ACCOUNTS.update(state.db, owner)
    request = ConvertRequest(op.owner, op.requestid, op.amount.amount, ctx.now + params.CONVERSION_DELAY)
    CONVERT_REQUESTS.insert(state.db, request)
