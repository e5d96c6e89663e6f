"""The price providers: where the widget's prices come from.

They are a CoinGecko-compatible HTTP API, the network's own feed and market, or an offline demo
source. Each gives one coin's last 24 hours as (time, USD price) points, oldest first, or raises
ProviderError; none is ever called while a page is being rendered.
"""

from __future__ import annotations

import math
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import httpx

from ..api.market import trades
from ..chain.state import State
from .coins import Coin

Point = tuple[int, float]  # seconds since the epoch, USD
DAY = 86_400
HOUR = 3_600
FEED_INTERVAL = 1200 * 3  # the median feed is taken every 1,200 blocks


class ProviderError(Exception):
    """The provider gave no usable answer (unreachable, an error status, a timeout, or garbage)."""


class Provider(Protocol):
    label: str  # the source line under the widget
    demo: bool

    def history(self, coin: Coin) -> list[Point]: ...


class HttpProvider:
    """A CoinGecko-compatible API: GET {url}/coins/{id}/market_chart?vs_currency=usd&days=1 answers
    {"prices": [[milliseconds, usd], …]}."""

    demo = False

    def __init__(self, url: str, timeout: float, label: str = "") -> None:
        self.url = url.rstrip("/")
        self.label = label or f"Prices: {httpx.URL(self.url).host}"
        self.client = httpx.Client(timeout=timeout, headers={"Accept": "application/json"})

    def history(self, coin: Coin) -> list[Point]:
        try:
            response = self.client.get(
                f"{self.url}/coins/{coin.provider_id}/market_chart", params={"vs_currency": "usd", "days": "1"}
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderError(f"{coin.symbol}: {type(error).__name__}: {error}") from None
        return chart_points(body, coin)


def chart_points(body: Any, coin: Coin) -> list[Point]:
    """The points of a market_chart answer; anything else in it is garbage."""
    prices = body.get("prices") if isinstance(body, dict) else None
    if not isinstance(prices, list) or not prices:
        raise ProviderError(f"{coin.symbol}: the answer has no prices")
    points = []
    for entry in prices:
        if not (isinstance(entry, list) and len(entry) == 2 and all(is_number(v) for v in entry)):
            raise ProviderError(f"{coin.symbol}: a price entry is not [milliseconds, usd]: {str(entry)[:40]}")
        moment, price = entry
        if not (math.isfinite(price) and price > 0 and 0 < moment < 2**53):
            raise ProviderError(f"{coin.symbol}: a price is not a positive number: {str(entry)[:40]}")
        points.append((int(moment // 1000), float(price)))
    return sorted(points)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ChainProvider:
    """The network's own prices, for STEEM and SBD only. STEEM: the median feed (SBD per STEEM, which
    witnesses publish as USD per STEEM), one point per hourly median. SBD: that price over the internal
    market's (SBD per STEEM), one point per trade of the last day, or the feed's $1 when none."""

    label = "STEEM and SBD: this network's price feed and market"
    demo = False

    def __init__(self, state_path: Path) -> None:
        self.state_path = state_path
        self.local = threading.local()

    def state(self) -> State:
        found: State | None = getattr(self.local, "state", None)
        if found is None:
            found = self.local.state = State.reader(self.state_path)
        return found

    def history(self, coin: Coin) -> list[Point]:
        if coin.symbol not in ("STEEM", "SBD"):
            raise ProviderError(f"{coin.symbol} is not traded on this network")
        state = self.state()
        dgp, feed = state.dgp(), state.feed()
        steem_usd = feed.current_median_base / feed.current_median_quote
        if coin.symbol == "STEEM":
            medians = feed.history()[-24:] or [[feed.current_median_base, feed.current_median_quote]]
            last = dgp.time - dgp.time % FEED_INTERVAL
            return [
                (last - (len(medians) - 1 - i) * FEED_INTERVAL, base / quote) for i, (base, quote) in enumerate(medians)
            ]
        day = trades(state, "time >= ?", (dgp.time - DAY,), "time, id")
        return [(t.time, steem_usd / t.price) for t in day if t.price] or [(dgp.time, 1.0)]


class DemoProvider:
    """Made-up prices for an offline `make run`, always labelled as demo data: each coin wobbles
    smoothly around a plausible price, one point an hour."""

    label = "Demo data: not real prices"
    demo = True
    BASES = {"STEEM": 0.28, "TRX": 0.12, "JST": 0.031, "BTC": 64_000.0, "ETH": 3_100.0, "USDT": 1.0, "SBD": 1.0}

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def history(self, coin: Coin) -> list[Point]:
        base = self.BASES.get(coin.symbol, 1.0)
        phase = zlib.crc32(coin.symbol.encode()) % 360
        swing = 0.002 if coin.symbol in ("USDT", "SBD") else 0.04
        hour = int(self.clock()) // HOUR * HOUR
        return [
            (moment, round(base * (1 + swing * wobble(phase + moment // HOUR * 37)), 6))
            for moment in range(hour - 24 * HOUR, hour + 1, HOUR)
        ]


def wobble(degrees: int) -> float:
    """Two sines out of step: a curve that looks like a day's trading, between -1 and 1."""
    return 0.7 * math.sin(math.radians(degrees)) + 0.3 * math.sin(math.radians(degrees * 2.7 + 40))
