"""SBD (protocol.md §4.7): the median price feed, virtual supply, SBD print rate and conversions.

Prices are SBD per STEEM, kept as (base SBD satoshis, quote STEEM satoshis) pairs and compared by
cross-multiplication, as steemd's price does.
"""

from __future__ import annotations

from functools import cmp_to_key

import orjson

from ...protocol import Asset
from ...protocol.asset import SBD, STEEM
from ...protocol.operations import FillConvertRequest
from .. import params
from ..apply import ApplyContext, end_of_block
from ..objects import DynamicGlobalProperties, FeedHistory
from ..state import ACCOUNTS, CONVERT_REQUESTS, DGP, FEED_HISTORY, State

Price = tuple[int, int]  # (SBD, STEEM)


def compare(left: Price, right: Price) -> int:
    """−1, 0 or 1 as left's SBD-per-STEEM is below, equal to or above right's."""
    a, b = left[0] * right[1], right[0] * left[1]
    return (a > b) - (a < b)


def median_price(feed: FeedHistory) -> Price:
    return feed.current_median_base, feed.current_median_quote


def steem_to_sbd(steem: int, price: Price) -> int:
    """STEEM satoshis worth of SBD at `price` (asset * price, rounding down)."""
    return steem * price[0] // price[1]


def sbd_to_steem(sbd: int, price: Price) -> int:
    return sbd * price[1] // price[0]


# --- the median feed (update_median_feed) ------------------------------------------------------


def median_of(prices: list[Price]) -> Price:
    ordered = sorted(prices, key=cmp_to_key(compare))
    return ordered[len(ordered) // 2]


def current_feeds(state: State, now: int) -> list[Price]:
    """Feeds of the scheduled witnesses published within the last 7 days."""
    feeds = []
    for name in state.schedule().witnesses():
        witness = state.witness(name)
        if (
            witness is not None
            and witness.sbd_exchange_rate_base > 0
            and witness.sbd_exchange_rate_quote > 0
            and now - witness.last_sbd_exchange_update < params.MAX_FEED_AGE_SECONDS
        ):
            feeds.append((witness.sbd_exchange_rate_base, witness.sbd_exchange_rate_quote))
    return feeds


@end_of_block
def update_median_feed(ctx: ApplyContext) -> None:
    """Every 1200 blocks: the median of fresh feeds joins an 84-entry history whose median is the
    price in force, floored (HF14) so that SBD stays at most 10 % of the market cap. At least 7 feeds
    are needed, or all of them while fewer than 7 witnesses are scheduled (a small network's rule)."""
    state = ctx.state
    if ctx.block_num % params.FEED_INTERVAL_BLOCKS:
        return
    feeds = current_feeds(state, ctx.now)
    needed = min(params.MIN_FEEDS, len(state.schedule().witnesses()))
    if not feeds or len(feeds) < needed:
        return
    feed = state.feed()
    history = [*feed.history(), list(median_of(feeds))][-params.FEED_HISTORY_WINDOW :]
    price = median_of([(base, quote) for base, quote in history])
    dgp = state.dgp()
    if dgp.current_sbd_supply > 0:
        floor = (9 * dgp.current_sbd_supply, dgp.current_supply)
        if compare(price, floor) < 0:
            price = floor
    feed.price_history = orjson.dumps(history).decode()
    feed.current_median_base, feed.current_median_quote = price
    FEED_HISTORY.update(state.db, feed)


# --- virtual supply and the print rate (update_virtual_supply) ---------------------------------


def sbd_print_rate(dgp: DynamicGlobalProperties, price: Price) -> int:
    """10000 while SBD is at most 9 % of the virtual supply, 0 from 10 %, linear between (HF21: rounded)."""
    if dgp.virtual_supply <= 0:
        return params.PERCENT_100
    sbd_as_steem = sbd_to_steem(dgp.current_sbd_supply, price)
    percent = (sbd_as_steem * params.PERCENT_100 + dgp.virtual_supply // 2) // dgp.virtual_supply
    if percent <= params.SBD_START_PERCENT:
        return params.PERCENT_100
    if percent >= params.SBD_STOP_PERCENT:
        return 0
    span = params.SBD_STOP_PERCENT - params.SBD_START_PERCENT
    return (params.SBD_STOP_PERCENT - percent) * params.PERCENT_100 // span


def refresh_virtual_supply(state: State, dgp: DynamicGlobalProperties) -> None:
    """virtual_supply = STEEM + SBD at the median price; then the print rate that follows."""
    price = median_price(state.feed())
    dgp.virtual_supply = dgp.current_supply + sbd_to_steem(dgp.current_sbd_supply, price)
    dgp.sbd_print_rate = sbd_print_rate(dgp, price)


@end_of_block
def update_virtual_supply(ctx: ApplyContext) -> None:
    dgp = ctx.state.dgp()
    refresh_virtual_supply(ctx.state, dgp)
    DGP.update(ctx.state.db, dgp)


# --- conversions (process_conversions) --------------------------------------------------------


@end_of_block
def process_conversions(ctx: ApplyContext) -> None:
    """Requests 3.5 days old are paid in STEEM at the median price; the SBD they held is destroyed."""
    state = ctx.state
    due = CONVERT_REQUESTS.scan(state.db, "conversion_date <= ?", (ctx.now,))
    if not due:
        return
    price = median_price(state.feed())
    dgp = state.dgp()
    for request in due:
        steem = sbd_to_steem(request.amount, price)
        owner = state.require_account(request.owner, "owner")
        owner.balance += steem
        ACCOUNTS.update(state.db, owner)
        dgp.current_supply += steem
        dgp.current_sbd_supply -= request.amount
        CONVERT_REQUESTS.delete(state.db, request)
        ctx.emit(FillConvertRequest(request.owner, request.requestid, Asset(request.amount, SBD), Asset(steem, STEEM)))
    refresh_virtual_supply(state, dgp)
    DGP.update(state.db, dgp)


def genesis_feed() -> FeedHistory:
    return FeedHistory(params.GENESIS_PRICE_SBD, params.GENESIS_PRICE_STEEM, "[]")
