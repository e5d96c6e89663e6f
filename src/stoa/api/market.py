"""The internal market's reads: market_history_api, its condenser_api names, and open orders.

market_history_api and its condenser_api names give the ticker, volume, order book, trades and OHLCV
buckets; open orders are condenser_api.get_open_orders and database_api.find_limit_orders.

Orders come from the consensus `limit_orders` table. Trades come from `market_fills`, which the
matching engine writes at every fill (chain/evaluators/market.py); buckets are grouped from trades
when asked for, as steemd's market_history plugin groups them as they happen: a bucket's first trade
opens it, its last closes it, high and low are its trades at the highest and lowest SBD-per-STEEM
price (the first such), volumes are sums, and each size keeps its last 5,760 buckets. steemd prints
doubles (prices, the percent change) as strings with 17 decimals; so does this module.

Bad arguments are JSON-RPC invalid-params errors that name the argument: a limit outside 1..500 (the
book) or 1..1000 (trades), a bucket size that is not tracked, a start or end that is not a UTC time,
an end before its start, an owner that is not a valid name or not an account. (steemd answers an
empty list to an untracked size, a reversed range or an unknown owner; an error says why.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

from ..chain.objects import LimitOrder
from ..chain.state import LIMIT_ORDERS, State
from ..protocol.asset import SBD, STEEM
from ..protocol.rules import account_name_problem
from ..protocol.types import dump_int_json, format_time
from .jsonrpc import Dispatcher, invalid_params, named
from .reads import ChainReader
from .rewards import account_arg, time_arg
from .shapes import asset

BUCKET_SIZES = (15, 60, 300, 3600, 86400)  # market_history_plugin's default tracked buckets
BUCKETS_PER_SIZE = 5760  # market-history-buckets-per-size default
DAY = 86_400
MAX_BOOK = 500
MAX_TRADES = 1000


def real(value: float) -> str:
    """A double as fc prints it: fixed, 17 decimals."""
    return f"{value:.17f}"


# --- trades ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trade:
    """One fill: when, how much STEEM against how much SBD, and which of the two the taker sold."""

    time: int
    steem: int
    sbd: int
    taker_sold: str

    @property
    def price(self) -> float:
        """SBD per STEEM."""
        return self.sbd / self.steem if self.steem else 0.0

    def json(self, appbase: bool) -> dict[str, Any]:
        """market_trade: the taker's payment (current_pays) and the maker's (open_pays)."""
        steem, sbd = asset(self.steem, STEEM, appbase), asset(self.sbd, SBD, appbase)
        current, open_ = (steem, sbd) if self.taker_sold == STEEM else (sbd, steem)
        return {"date": format_time(self.time), "current_pays": current, "open_pays": open_}


def trades(state: State, where: str, params: tuple[Any, ...], order: str, limit: int = -1) -> list[Trade]:
    """Trades from `market_fills`; `where` and `order` are our SQL."""
    sql = f"SELECT time, steem, sbd, taker_sold FROM market_fills WHERE {where} ORDER BY {order} LIMIT ?"
    return [Trade(*row) for row in state.db.execute(sql, (*params, limit))]


def trade_history(state: State, start: int, end: int, limit: int) -> list[Trade]:
    """Trades from `start` to `end` (both included), oldest first."""
    return trades(state, "time >= ? AND time <= ?", (start, end), "time, id", limit)


def recent_trades(state: State, limit: int) -> list[Trade]:
    return trades(state, "1", (), "time DESC, id DESC", limit)


def last_day(state: State) -> list[Trade]:
    """The trades in the 15-second buckets opened in the last 24 hours (what get_volume adds up)."""
    since = ceil_to(state.dgp().time - DAY, BUCKET_SIZES[0])
    return trades(state, "time >= ?", (since,), "time, id")


def ceil_to(moment: int, seconds: int) -> int:
    return -(-moment // seconds) * seconds


# --- buckets ---------------------------------------------------------------------------------------


@dataclass
class Bucket:
    """bucket_object: the open time and size, and per side the high, low, open, close and volume."""

    open: int
    seconds: int
    steem: dict[str, int]
    sbd: dict[str, int]

    @classmethod
    def first(cls, open_: int, seconds: int, trade: Trade) -> Bucket:
        sides = ({k: trade.steem for k in SIDE_FIELDS}, {k: trade.sbd for k in SIDE_FIELDS})
        return cls(open_, seconds, *sides)

    def add(self, trade: Trade) -> None:
        """A later trade in the bucket: it closes it, adds to the volumes, and is the new high or low
        when its price is strictly higher or lower."""
        for side, amount in ((self.steem, trade.steem), (self.sbd, trade.sbd)):
            side["volume"] += amount
            side["close"] = amount
        if Fraction(trade.sbd, trade.steem) > Fraction(self.sbd["high"], self.steem["high"]):
            self.steem["high"], self.sbd["high"] = trade.steem, trade.sbd
        if Fraction(trade.sbd, trade.steem) < Fraction(self.sbd["low"], self.steem["low"]):
            self.steem["low"], self.sbd["low"] = trade.steem, trade.sbd

    def json(self, bucket_id: int) -> dict[str, Any]:
        return {
            "id": bucket_id,
            "open": format_time(self.open),
            "seconds": self.seconds,
            "steem": self.steem,
            "non_steem": self.sbd,
        }


SIDE_FIELDS = ("high", "low", "open", "close", "volume")


def market_history(state: State, seconds: int, start: int, end: int) -> list[Bucket]:
    """The buckets of one size opened from `start` up to (not including) `end`, oldest first."""
    if seconds not in BUCKET_SIZES:
        return []
    kept_from = state.dgp().time - seconds * BUCKETS_PER_SIZE
    since = ceil_to(max(start, kept_from), seconds)
    buckets: dict[int, Bucket] = {}
    for trade in trades(state, "time >= ? AND time < ?", (since, ceil_to(end, seconds)), "time, id"):
        open_ = trade.time - trade.time % seconds
        if open_ in buckets:
            buckets[open_].add(trade)
        else:
            buckets[open_] = Bucket.first(open_, seconds, trade)
    return list(buckets.values())


# --- the order book --------------------------------------------------------------------------------


def book_side(state: State, sells: str, limit: int) -> list[LimitOrder]:
    """Orders selling `sells`, best first (steemd's by_price: highest sell price, then oldest). SQLite
    picks them by floating-point price; those are then put in exact order."""
    sql = (
        f"SELECT {', '.join(LIMIT_ORDERS.columns)} FROM limit_orders WHERE sell_symbol = ?"
        " ORDER BY price_base * 1.0 / price_quote DESC, id LIMIT ?"
    )
    found = [LimitOrder(*row) for row in state.db.execute(sql, (sells, limit))]
    return sorted(found, key=lambda o: (-Fraction(o.price_base, o.price_quote), o.id))


def book_entry(order: LimitOrder, appbase: bool) -> dict[str, Any]:
    """market_history's `order`: its price, SBD per STEEM, and both amounts."""
    other = SBD if order.sell_symbol == STEEM else STEEM
    receives = order.for_sale * order.price_quote // order.price_base
    steem, sbd = (order.for_sale, receives) if order.sell_symbol == STEEM else (receives, order.for_sale)
    price = order.price_quote / order.price_base if order.sell_symbol == STEEM else order.price_base / order.price_quote
    return {
        "order_price": {
            "base": asset(order.price_base, order.sell_symbol, appbase),
            "quote": asset(order.price_quote, other, appbase),
        },
        "real_price": real(price),
        "steem": steem,
        "sbd": sbd,
        "created": format_time(order.created),
    }


def order_book(state: State, limit: int, appbase: bool) -> dict[str, Any]:
    """Bids (orders selling SBD) and asks (orders selling STEEM), best first."""
    return {
        "bids": [book_entry(o, appbase) for o in book_side(state, SBD, limit)],
        "asks": [book_entry(o, appbase) for o in book_side(state, STEEM, limit)],
    }


def open_orders(state: State, owner: str, appbase: bool) -> list[dict[str, Any]]:
    """An account's orders by orderid (limit_order_object; condenser adds real_price 0 and rewarded)."""
    found = []
    for order in LIMIT_ORDERS.scan(state.db, "seller = ?", (owner,)):
        other = SBD if order.sell_symbol == STEEM else STEEM
        entry: dict[str, Any] = {
            "id": dump_int_json(order.id),
            "created": format_time(order.created),
            "expiration": format_time(order.expiration),
            "seller": order.seller,
            "orderid": order.orderid,
            "for_sale": order.for_sale,
            "sell_price": {
                "base": asset(order.price_base, order.sell_symbol, appbase),
                "quote": asset(order.price_quote, other, appbase),
            },
        }
        if not appbase:
            entry |= {"real_price": real(0.0), "rewarded": False}
        found.append(entry)
    return found


# --- ticker and volume -----------------------------------------------------------------------------


def volume(state: State, appbase: bool) -> dict[str, Any]:
    day = last_day(state)
    return {
        "steem_volume": asset(sum(t.steem for t in day), STEEM, appbase),
        "sbd_volume": asset(sum(t.sbd for t in day), SBD, appbase),
    }


def ticker(state: State, appbase: bool) -> dict[str, Any]:
    """The last trade's price, its change since the first trade of the last 24 hours, the best bid and
    ask, and the 24-hour volumes. (steemd reads the last price from a bucket lookup that can land on
    an older bucket of another size; this is the price it means.)"""
    day = last_day(state)
    last = recent_trades(state, 1)
    latest = last[0].price if last else 0.0
    change = (latest - day[0].price) / day[0].price * 100 if day else 0.0
    bids, asks = book_side(state, SBD, 1), book_side(state, STEEM, 1)
    return {
        "latest": real(latest),
        "lowest_ask": real(asks[0].price_quote / asks[0].price_base if asks else 0.0),
        "highest_bid": real(bids[0].price_base / bids[0].price_quote if bids else 0.0),
        "percent_change": real(change),
        **volume(state, appbase),
    }


# --- arguments -------------------------------------------------------------------------------------


def limit_arg(value: Any, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= maximum:
        raise invalid_params(f"limit must be an integer from 1 to {maximum}, got {shown(value)}")
    return value


def seconds_arg(value: Any) -> int:
    """A tracked bucket size (anything else would only ever answer an empty list)."""
    if not isinstance(value, int) or isinstance(value, bool) or value not in BUCKET_SIZES:
        raise invalid_params(f"bucket_seconds must be one of {', '.join(map(str, BUCKET_SIZES))}, got {shown(value)}")
    return value


def range_arg(start: Any, end: Any) -> tuple[int, int]:
    """A time range, both UTC times, the end not before the start."""
    begins, ends = time_arg(start, "start"), time_arg(end, "end")
    if ends < begins:
        raise invalid_params(f"end ({format_time(ends)}) is before start ({format_time(begins)})")
    return begins, ends


def owner_arg(state: State, value: Any, field: str) -> str:
    """The name of an account that exists."""
    name = account_arg(value, field)
    if account_name_problem(name) is not None:
        raise invalid_params(f"{field} must be a valid account name, got {shown(name)}")
    if state.account(name) is None:
        raise invalid_params(f"{field}: account {name!r} does not exist")
    return name


def shown(value: Any) -> str:
    """A caller's value in an error message, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- registration ----------------------------------------------------------------------------------


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    condenser = partial(dispatcher.add_positional, "condenser_api")
    history = partial(dispatcher.add_named, "market_history_api")

    def state() -> State:
        return reader.state

    def trade_list(found: list[Trade], appbase: bool) -> list[dict[str, Any]]:
        return [t.json(appbase) for t in found]

    def buckets(seconds: Any, start: Any, end: Any) -> list[dict[str, Any]]:
        found = market_history(state(), seconds_arg(seconds), *range_arg(start, end))
        return [bucket.json(index) for index, bucket in enumerate(found)]

    def orders_of(owner: Any, field: str, appbase: bool) -> list[dict[str, Any]]:
        now = state()
        return open_orders(now, owner_arg(now, owner, field), appbase)

    def trade_range(start: Any, end: Any, limit: Any, appbase: bool) -> list[dict[str, Any]]:
        found = trade_history(state(), *range_arg(start, end), limit_arg(limit, MAX_TRADES, MAX_TRADES))
        return trade_list(found, appbase)

    condenser("get_ticker", 0, lambda: ticker(state(), False))
    history("get_ticker", lambda p: ticker(state(), True))
    condenser("get_volume", 0, lambda: volume(state(), False))
    history("get_volume", lambda p: volume(state(), True))
    condenser("get_order_book", 1, lambda limit: order_book(state(), limit_arg(limit, MAX_BOOK, MAX_BOOK), False))
    history("get_order_book", lambda p: order_book(state(), limit_arg(p.get("limit"), MAX_BOOK, MAX_BOOK), True))
    condenser("get_open_orders", 1, lambda owner: orders_of(owner, "owner", False))
    dispatcher.add(
        "database_api.find_limit_orders",
        lambda params: {"orders": orders_of(named(params, "find_limit_orders").get("account"), "account", True)},
    )
    condenser("get_trade_history", 3, lambda start, end, limit: trade_range(start, end, limit, False))
    history(
        "get_trade_history",
        lambda p: {"trades": trade_range(p.get("start"), p.get("end"), p.get("limit"), True)},
    )
    condenser(
        "get_recent_trades",
        1,
        lambda limit: trade_list(recent_trades(state(), limit_arg(limit, MAX_TRADES, MAX_TRADES)), False),
    )
    history(
        "get_recent_trades",
        lambda p: {
            "trades": trade_list(recent_trades(state(), limit_arg(p.get("limit"), MAX_TRADES, MAX_TRADES)), True)
        },
    )
    condenser("get_market_history", 3, buckets)
    history(
        "get_market_history",
        lambda p: {"buckets": buckets(p.get("bucket_seconds"), p.get("start"), p.get("end"))},
    )
    condenser("get_market_history_buckets", 0, lambda: list(BUCKET_SIZES))
    history("get_market_history_buckets", lambda p: {"bucket_sizes": list(BUCKET_SIZES)})
