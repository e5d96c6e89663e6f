"""The widget's wiring: its ticker, built from the node's config, and its Jinja global.

The ticker is started beside the node. The Jinja global `coin_marketplace()` is what
`_coin_marketplace.html` renders from the ticker's cache.

Config (`coin_marketplace` in the network's config.json, all optional):
  source           "http" (a CoinGecko-compatible API), "demo" or "network"; default "http" when a url
                   is given, else "demo" under `stoa run --demo`, else "network"
  url              the API's base URL (default CoinGecko's public API)
  coins            [{"symbol", "name", "id", "decimals", "link"}, …] (default STEEM, TRX, JST, BTC, ETH, USDT, SBD)
  refresh_seconds  how often the background thread asks (default 300)
  timeout_seconds  how long one request may take (default 5)
Without an outside source STEEM and SBD come from the network itself; "demo" adds made-up prices for
the other coins, each marked as demo data.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from ..chain.node import Node
from .coins import NETWORK_COINS, coins_from_config
from .providers import ChainProvider, DemoProvider, HttpProvider, Provider
from .sparkline import price_text, sparkline, usd_title
from .ticker import Quote, Ticker

COINGECKO = "https://api.coingecko.com/api/v3"
RUNNING: list[Ticker] = []  # the ticker this process started, for pages to read


def ticker_from_config(config: dict[str, Any], node: Node, demo: bool = False) -> Ticker:
    coins = coins_from_config(config.get("coins"))
    source = config.get("source") or ("http" if config.get("url") else "demo" if demo else "network")
    providers: dict[str, Provider] = {}
    if source == "http":
        http = HttpProvider(config.get("url", COINGECKO), float(config.get("timeout_seconds", 5)))
        providers = {coin.symbol: http for coin in coins}
    elif source in ("demo", "network"):
        chain = ChainProvider(node.state_path)
        made_up = DemoProvider()
        for coin in coins:
            if coin.symbol in NETWORK_COINS:
                providers[coin.symbol] = chain
            elif source == "demo":
                providers[coin.symbol] = made_up
    else:
        raise ValueError(f"coin_marketplace source must be http, demo or network, not {source!r}")
    return Ticker(coins, providers, float(config.get("refresh_seconds", 300)))


def start(node: Node, demo: bool = False) -> Ticker:
    """Build the ticker from the node's config and refresh it in the background from now on."""
    ticker = ticker_from_config(node.config.get("coin_marketplace") or {}, node, demo)
    ticker.start()
    RUNNING[:] = [ticker]
    return ticker


def install(env: Environment, ticker: Ticker | None = None) -> None:
    """Register `coin_marketplace()` with the site's templates: it reads `ticker`, or the one `start`
    started (none yet: the widget is left out)."""

    def current() -> dict[str, Any] | None:
        found = ticker or (RUNNING[0] if RUNNING else None)
        return None if found is None else widget_view(found)

    env.globals["coin_marketplace"] = current


def widget_view(ticker: Ticker) -> dict[str, Any] | None:
    """What the partial shows: each coin with a price, its sparkline, and its age when the last refresh
    failed; None when no coin has a price yet."""
    quotes = ticker.snapshot()
    if not quotes:
        return None
    moment = ticker.clock()
    return {
        "coins": [coin_view(quote, ticker.providers[quote.coin.symbol].demo, moment) for quote in quotes],
        "sources": ticker.labels,
    }


def coin_view(quote: Quote, demo: bool, now: float) -> dict[str, Any]:
    coin = quote.coin
    return {
        "symbol": coin.symbol,
        "name": coin.name,
        "price": price_text(quote.price, coin.decimals),
        "colour": coin.colour,
        "link": coin.link,
        "sparkline": sparkline(
            quote.points, coin.colour, f"{coin.symbol} price, last 24 hours", usd_title(coin.decimals)
        ),
        "demo": demo,
        "age": age_text(now - quote.fetched) if quote.failure else "",
        "failure": quote.failure,
    }


def age_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "price from under a minute ago"
    if minutes < 120:
        return f"price from {minutes} min ago"
    return f"price from {minutes // 60} h ago"
