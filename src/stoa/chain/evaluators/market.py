"""Market evaluators: limit_order_create(2), limit_order_cancel and convert.

There is no matching engine yet: an order escrows what it sells and rests in the book until it is
cancelled. Matching (and with it fill_order, fill_or_kill orders and the expiry of resting orders)
arrives with the internal market issue. Conversions are paid by economics/sbd.py.
"""

from __future__ import annotations

from ...protocol import Asset
from ...protocol.operations import Convert, LimitOrderCancel, LimitOrderCreate, LimitOrderCreate2
from .. import params
from ..apply import ApplyContext, evaluates
from ..errors import ChainError
from ..objects import ConvertRequest, LimitOrder
from ..state import ACCOUNTS, CONVERT_REQUESTS, LIMIT_ORDERS
from .common import deposit, spend

MAX_LIMIT_ORDER_EXPIRATION = 28 * 24 * 3600  # STEEM_MAX_LIMIT_ORDER_EXPIRATION


@evaluates(LimitOrderCreate)
def limit_order_create(ctx: ApplyContext, op: LimitOrderCreate) -> None:
    """limit_order_create_evaluator (HF20): sell `amount_to_sell` for at least `min_to_receive`
    (the rules are place_order's)."""
    place_order(ctx, op, op.amount_to_sell.amount, op.min_to_receive.amount)


@evaluates(LimitOrderCreate2)
def limit_order_create2(ctx: ApplyContext, op: LimitOrderCreate2) -> None:
    """limit_order_create2_evaluator (HF20): like limit_order_create, priced by `exchange_rate`."""
    place_order(ctx, op, op.exchange_rate.base.amount, op.exchange_rate.quote.amount)


def place_order(ctx: ApplyContext, op: LimitOrderCreate | LimitOrderCreate2, base: int, quote: int) -> None:
    """The expiration must be after the head block and at most 28 days ahead; the orderid must be
    new for the owner; the amount sold leaves the owner's balance into the order. A fill_or_kill
    order is rejected: with no matching engine yet it can never be filled (steemd would cancel it
    the same way against an empty book)."""
    state = ctx.state
    owner = state.require_account(op.owner, "owner")
    if op.expiration <= ctx.now:
        raise ChainError("expiration", "expired", "the order must expire after the head block time")
    if op.expiration > ctx.now + MAX_LIMIT_ORDER_EXPIRATION:
        raise ChainError("expiration", "too-far", "the order may expire at most 28 days after the head block time")
    if LIMIT_ORDERS.get(state.db, op.owner, op.orderid) is not None:
        raise ChainError("orderid", "duplicate-order", f"@{op.owner} already has an open order #{op.orderid}")
    spend(owner, op.amount_to_sell, "amount_to_sell")
    if op.fill_or_kill:
        raise ChainError(
            "fill_or_kill", "not-filled", "a fill_or_kill order cannot be filled: this chain does not match orders yet"
        )
    ACCOUNTS.update(state.db, owner)
    sold = op.amount_to_sell
    order = LimitOrder(op.owner, op.orderid, ctx.now, op.expiration, sold.amount, sold.symbol, base, quote)
    LIMIT_ORDERS.insert(state.db, order)


@evaluates(LimitOrderCancel)
def limit_order_cancel(ctx: ApplyContext, op: LimitOrderCancel) -> None:
    """limit_order_cancel_evaluator: the order must exist; what it still sells returns to the owner."""
    state = ctx.state
    order = LIMIT_ORDERS.get(state.db, op.owner, op.orderid)
    if order is None:
        raise ChainError("orderid", "unknown-order", f"@{op.owner} has no open order #{op.orderid}")
    owner = state.require_account(op.owner, "owner")
    deposit(owner, Asset(order.for_sale, order.sell_symbol))
    ACCOUNTS.update(state.db, owner)
    LIMIT_ORDERS.delete(state.db, order)


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
