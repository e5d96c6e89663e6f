"""The Coin Marketplace against a real local HTTP server standing in for a CoinGecko-compatible
provider: answers in its market_chart format, error statuses, timeouts, slow answers and garbage. The
widget shows the right prices, or the last good ones with their age, and a page never waits."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from stoa.market.coins import DEFAULT_COINS
from stoa.market.providers import HttpProvider
from stoa.market.ticker import Ticker
from stoa.market.widget import install, widget_view

ANSWERS = json.loads((Path(__file__).parent / "market_chart_answers.json").read_text())
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "stoa" / "web" / "templates"
SYMBOLS = ["STEEM", "TRX", "JST", "BTC", "ETH", "USDT", "SBD"]


class Provider(ThreadingHTTPServer):
    """Serves /coins/<id>/market_chart from `behaviour[id]`: ("json", body), ("status", code),
    ("sleep", seconds) before the recorded answer, or ("raw", bytes)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour: dict[str, tuple[str, Any]] = {}
        self.requests: list[tuple[str, dict[str, list[str]]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v3"


class Handler(BaseHTTPRequestHandler):
    server: Provider

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        coin = parts.path.removeprefix("/api/v3/coins/").removesuffix("/market_chart")
        self.server.requests.append((parts.path, parse_qs(parts.query)))
        kind, value = self.server.behaviour.get(coin, ("json", ANSWERS.get(coin)))
        if kind == "sleep":
            time.sleep(value)
            kind, value = "json", ANSWERS[coin]
        if kind == "status":
            self.send_error(value)
            return
        body = value if kind == "raw" else json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[Provider]:
    server = Provider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def http_ticker(provider: Provider, timeout: float = 2.0, clock: Any = time.time) -> Ticker:
    source = HttpProvider(provider.url, timeout)
    return Ticker(DEFAULT_COINS, {coin.symbol: source for coin in DEFAULT_COINS}, refresh_seconds=3600, clock=clock)


def last_price(coin_id: str) -> float:
    return float(ANSWERS[coin_id]["prices"][-1][1])


def render(ticker: Ticker) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    install(env, ticker)
    return env.get_template("_coin_marketplace.html").render()


def test_recorded_answers_give_seven_coins_in_condenser_order(provider: Provider) -> None:
    ticker = http_ticker(provider)
    ticker.refresh()
    quotes = ticker.snapshot()
    assert [q.coin.symbol for q in quotes] == SYMBOLS
    assert [q.price for q in quotes] == [last_price(coin.provider_id) for coin in DEFAULT_COINS]
    assert all(len(q.points) == 25 and q.points == tuple(sorted(q.points)) for q in quotes)
    path, query = provider.requests[0]
    assert path == "/api/v3/coins/steem/market_chart" and query == {"vs_currency": ["usd"], "days": ["1"]}

    view = widget_view(ticker)
    assert view is not None
    assert [(c["symbol"], c["price"]) for c in view["coins"]] == [
        ("STEEM", "$0.27"),
        ("TRX", "$0.12"),
        ("JST", "$0.031"),  # three decimals for JST, as condenser shows it
        ("BTC", "$62,926.30"),
        ("ETH", "$3,071.88"),
        ("USDT", "$1.01"),
        ("SBD", "$1.00"),
    ]
    assert all(c["age"] == "" and not c["demo"] for c in view["coins"])


def test_the_partial_shows_the_coins_with_sparklines(provider: Provider) -> None:
    ticker = http_ticker(provider)
    ticker.refresh()
    html = render(ticker)
    assert "Coin Marketplace" in html
    for symbol in SYMBOLS:
        assert f'data-symbol="{symbol}"' in html
    assert html.count('<svg class="sparkline"') == 7
    assert html.count("<title>") == 7 * 25
    assert "<title>$62,926.30 2025-11-30 00:00 UTC</title>" in html  # BTC's last point: price and time
    assert 'stroke="#09d6a8"' in html and 'stroke="#788187"' in html
    assert "demo data" not in html


def test_errors_and_garbage_keep_the_last_good_price_with_its_age(provider: Provider) -> None:
    now = [1_000_000.0]
    ticker = http_ticker(provider, clock=lambda: now[0])
    ticker.refresh()
    provider.behaviour = {
        "bitcoin": ("status", 500),
        "ethereum": ("raw", b"<html>rate limited</html>"),
        "tron": ("json", {"prices": [[1764460800000, "0.12"]]}),
        "just": ("json", {"error": "coin not found"}),
        "tether": ("raw", b'{"prices": [[1764460800000, NaN]]}'),
        "steem": ("json", {"prices": []}),
        "steem-dollars": ("json", {"prices": [[1764460800000, -1]]}),
    }
    now[0] += 12 * 60
    ticker.refresh()
    quotes = ticker.snapshot()
    assert [q.price for q in quotes] == [last_price(coin.provider_id) for coin in DEFAULT_COINS]
    failures = {q.coin.symbol: q.failure for q in quotes}
    assert "500" in failures["BTC"] and "JSONDecodeError" in failures["ETH"]
    assert "not [milliseconds, usd]" in failures["TRX"] and "no prices" in failures["JST"]
    assert "positive" in failures["USDT"] and "positive" in failures["SBD"] and "no prices" in failures["STEEM"]
    view = widget_view(ticker)
    assert view is not None
    assert {c["age"] for c in view["coins"]} == {"price from 12 min ago"}
    assert "price from 12 min ago" in render(ticker)

    provider.behaviour = {}  # the provider recovers: fresh prices, no age
    ticker.refresh()
    assert all(q.failure == "" and q.fetched == now[0] for q in ticker.snapshot())


def test_a_timeout_is_a_failure_and_a_coin_never_fetched_is_left_out(provider: Provider) -> None:
    provider.behaviour = {"bitcoin": ("sleep", 1.0)}
    ticker = http_ticker(provider, timeout=0.2)
    ticker.refresh()
    symbols = [q.coin.symbol for q in ticker.snapshot()]
    assert symbols == ["STEEM", "TRX", "JST", "ETH", "USDT", "SBD"]
    assert 'data-symbol="BTC"' not in render(ticker)


def test_a_page_never_waits_on_a_slow_provider(provider: Provider) -> None:
    provider.behaviour = {coin.provider_id: ("sleep", 0.4) for coin in DEFAULT_COINS}
    ticker = http_ticker(provider, timeout=5)
    ticker.start()
    try:
        started = time.monotonic()
        assert "Coin Marketplace" not in render(ticker)  # nothing fetched yet: no widget, and no wait
        assert time.monotonic() - started < 0.2
        assert ticker.refreshed.wait(30)
        assert render(ticker).count('class="coin"') == 7
        again = threading.Thread(target=ticker.refresh)  # a second slow round: pages keep the cached prices
        again.start()
        started = time.monotonic()
        assert render(ticker).count('class="coin"') == 7
        assert time.monotonic() - started < 0.2
        again.join()
    finally:
        ticker.stop()
