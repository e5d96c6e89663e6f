"""The /market page: the market rendered on the server, and the reader's orders in the browser.

The STEEM/SBD ticker, a 48-hour price chart, the order book and recent trades are rendered on the
server from the market reads (api/market.py); the reader's open orders with cancel and the buy and
sell forms run in the browser (static/market.js), which signs with stoa.js.

Guarded like the site's other routes: it takes no query string (any is a 400 page), and its errors
become HTML pages.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from ..api import market
from ..api.reads import ChainReader
from ..chain.objects import LimitOrder
from ..chain.state import State
from ..market.coins import NETWORK_COLOUR
from ..market.sparkline import moment_text, sparkline
from ..protocol.asset import STEEM
from ..protocol.types import format_time
from .site import bad_query, guarded
from .templating import render

BOOK_ROWS = 20
TRADE_ROWS = 25
CHART_HOURS = 48


def routes(reader: ChainReader) -> list[BaseRoute]:
    return [Route("/market", guarded(MarketPage(reader).page), methods=["GET"])]


class MarketPage:
    def __init__(self, reader: ChainReader) -> None:
        self.reader = reader
        self.network = {"chain_id": reader.node.chain_id.hex(), "prefix": "STM"}

    def page(self, request: Request) -> HTMLResponse:
        bad_query(request, {})
        state = self.reader.state
        book = {
            side: book_rows(market.book_side(state, symbol, BOOK_ROWS))
            for side, symbol in (("bids", "SBD"), ("asks", STEEM))
        }
        ticker = market.ticker(state, False)
        return render(
            "market.html",
            network=self.network,
            ticker=ticker,
            last=float(ticker["latest"]),
            change=float(ticker["percent_change"]),
            bid=float(ticker["highest_bid"]),
            ask=float(ticker["lowest_ask"]),
            book=book,
            trades=[trade_row(t) for t in market.recent_trades(state, TRADE_ROWS)],
            chart=price_chart(state),
            head=format_time(state.dgp().time),
        )


def book_rows(orders: list[LimitOrder]) -> list[dict[str, Any]]:
    """Price (SBD per STEEM), STEEM, SBD and the running SBD total of each order, best first."""
    rows, total = [], 0
    for order in orders:
        entry = market.book_entry(order, False)
        total += entry["sbd"]
        rows.append({"price": float(entry["real_price"]), "steem": entry["steem"], "sbd": entry["sbd"], "total": total})
    return rows


def trade_row(trade: market.Trade) -> dict[str, Any]:
    """A trade as the taker saw it: who paid SBD bought STEEM."""
    return {
        "date": format_time(trade.time),
        "side": "sell" if trade.taker_sold == STEEM else "buy",
        "price": trade.price,
        "steem": trade.steem,
        "sbd": trade.sbd,
    }


def price_chart(state: State) -> Markup | None:
    """The closing price of each hour with trades in the last 48 hours, as SVG with hover titles."""
    now = state.dgp().time
    buckets = market.market_history(state, 3600, now - CHART_HOURS * 3600, now + 1)
    points = tuple((b.open, b.sbd["close"] / b.steem["close"]) for b in buckets)
    if not points:
        return None
    return sparkline(
        points, NETWORK_COLOUR, "SBD per STEEM, hourly closes", chart_title, width=600, height=160, dots=True
    )


def chart_title(point: tuple[int, float]) -> str:
    return f"{point[1]:.6f} SBD/STEEM {moment_text(point[0])}"
