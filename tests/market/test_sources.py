"""Where the widget's prices come from when no outside provider is set: STEEM and SBD from the
network's own feed and market (a real dev node with real trades), the other coins from the offline
demo source, each marked as demo data; and the config that chooses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stoa.market.coins import DEFAULT_COINS
from stoa.market.providers import DemoProvider, HttpProvider, ProviderError
from stoa.market.widget import ticker_from_config, widget_view

from ..api.test_market_api import new_chain
from ..chain.conftest import DevChain
from ..chain.test_market_ops import DAY, give_sbd, later
from ..chain.test_matching import order, place
from .test_ticker import render


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[DevChain]:
    found = new_chain(tmp_path / "net")
    yield found
    found.node.stop()


def test_steem_and_sbd_from_the_network(chain: DevChain) -> None:
    ticker = ticker_from_config({}, chain.node)
    assert [coin.symbol for coin in ticker.coins] == ["STEEM", "SBD"]
    ticker.refresh()
    steem, sbd = ticker.snapshot()
    feed = chain.state.feed()
    assert steem.price == feed.current_median_base / feed.current_median_quote
    assert sbd.points == ((chain.state.dgp().time, 1.0),)  # no trade yet: the $1 the feed assumes

    for name in ("alice", "bob"):
        chain.create_account(name)
        give_sbd(chain, name, 5_000)
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 2_000, "STEEM", 1_000, week))
    place(chain, order("alice", 1, 1_000, "SBD", 2_000, week))  # trades at 0.5 SBD per STEEM
    ticker.refresh()
    steem, sbd = ticker.snapshot()
    assert sbd.points == ((chain.state.dgp().time, steem.price / 0.5),)
    view = widget_view(ticker)
    assert view is not None and view["sources"] == ["STEEM and SBD: this network's price feed and market"]


def test_the_demo_source_fills_in_the_other_coins_marked_as_demo(chain: DevChain) -> None:
    ticker = ticker_from_config({}, chain.node, demo=True)
    ticker.refresh()
    view = widget_view(ticker)
    assert view is not None
    assert [(c["symbol"], c["demo"]) for c in view["coins"]] == [
        ("STEEM", False),
        ("TRX", True),
        ("JST", True),
        ("BTC", True),
        ("ETH", True),
        ("USDT", True),
        ("SBD", False),
    ]
    html = render(ticker)
    assert html.count("demo data") == 5 and "Demo data: not real prices" in html
    assert html.count('<svg class="sparkline"') == 7


def test_demo_prices_are_hourly_and_steady() -> None:
    demo = DemoProvider(clock=lambda: 1_764_460_800.0 + 1_234)
    btc = demo.history(DEFAULT_COINS[3])
    assert len(btc) == 25 and btc[-1][0] == 1_764_460_800 and btc[0][0] == 1_764_460_800 - 24 * 3600
    assert all(60_000 < price < 68_000 for _, price in btc)
    assert demo.history(DEFAULT_COINS[3]) == btc


def test_config_chooses_the_source_and_the_coins(chain: DevChain) -> None:
    outside = ticker_from_config({"url": "http://127.0.0.1:9/api/v3", "timeout_seconds": 0.5}, chain.node)
    assert [coin.symbol for coin in outside.coins] == ["STEEM", "TRX", "JST", "BTC", "ETH", "USDT", "SBD"]
    assert all(isinstance(provider, HttpProvider) for provider in outside.providers.values())
    outside.refresh()  # nothing listens there: every coin fails, none is shown, nothing is raised
    assert outside.snapshot() == []
    custom = ticker_from_config(
        {"source": "demo", "coins": [{"symbol": "HIVE", "name": "Hive", "id": "hive", "decimals": 3}]}, chain.node
    )
    assert [(coin.symbol, coin.decimals) for coin in custom.coins] == [("HIVE", 3)]
    with pytest.raises(ValueError, match="source"):
        ticker_from_config({"source": "coinmarketcap"}, chain.node)
    with pytest.raises(ProviderError):
        ticker_from_config({}, chain.node).providers["STEEM"].history(DEFAULT_COINS[1])
