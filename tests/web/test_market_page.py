"""The /market page: rendered on the server from a chain with a book and trades; and in a real browser
(chromium through Playwright, the node serving in-process), alice logs in, places an order that rests,
finds it under her open orders, cancels it, buys at the ask, and finds the seven coins of the Coin
Marketplace with their sparklines."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright
from starlette.applications import Starlette
from starlette.testclient import TestClient

from stoa.api.app import node_app
from stoa.api.reads import ChainReader
from stoa.chain.node import Node
from stoa.index.ingest import ingest
from stoa.market.widget import install, ticker_from_config
from stoa.protocol.types import format_time
from stoa.web import market_page
from stoa.web.templating import env

from ..api.test_market_api import new_chain
from ..browser.conftest import CHROMIUM, Traffic, leaks, login, open_context, screenshot, secrets
from ..chain.conftest import DevChain, indexed_chain, role_key
from ..chain.test_market_ops import DAY, give_sbd, later
from ..chain.test_matching import order, place
from ..integration.conftest import RunningNode, free_port

PASSWORD = "password"  # every DevChain account's (role_key)


def market(chain: DevChain) -> None:
    """bob asks 0.5 SBD/STEEM for 2 STEEM and bids 0.25 for 4; alice takes 1 STEEM of his ask."""
    for name in ("alice", "bob"):
        chain.create_account(name)
        give_sbd(chain, name, 5_000)
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 2_000, "STEEM", 1_000, week), order("bob", 2, 1_000, "SBD", 4_000, week))
    place(chain, order("alice", 1, 500, "SBD", 1_000, week))


def test_the_page_shows_ticker_chart_book_trades_and_forms(tmp_path: Path) -> None:
    chain = new_chain(tmp_path / "net")
    try:
        market(chain)
        page = TestClient(Starlette(routes=market_page.routes(ChainReader(chain.node)))).get("/market")
        assert page.status_code == 200
        html = page.text
        assert '<b id="last-price">0.500000</b>' in html
        assert "<td>0.250000</td><td>4.000</td><td>1.000</td><td>1.000</td>" in html  # bob's bid
        assert "<td>0.500000</td><td>1.000</td><td>0.500</td><td>0.500</td>" in html  # what is left of his ask
        assert '<tr class="buy"><td>' in html and "<td>0.500000</td><td>1.000</td><td>0.500</td></tr>" in html
        assert 'aria-label="SBD per STEEM, hourly closes"' in html and "0.500000 SBD/STEEM " in html
        assert 'data-action="market-order" data-side="buy"' in html and 'data-side="sell"' in html
        assert f'data-head-time="{format_time(chain.state.dgp().time)}"' in html
        assert 'value="0.500000"' in html and 'value="0.250000"' in html  # the forms start at the best prices
        assert '<script src="/static/market.js" defer></script>' in html
        assert f'data-chain-id="{chain.node.chain_id.hex()}"' in html
    finally:
        chain.node.stop()


def test_an_empty_market_page(tmp_path: Path) -> None:
    chain = new_chain(tmp_path / "net")
    try:
        html = TestClient(Starlette(routes=market_page.routes(ChainReader(chain.node)))).get("/market").text
        assert "No trades in the last 48 hours." in html and "No trades yet." in html
        assert html.count('<td colspan="4" class="empty">None</td>') == 2
    finally:
        chain.node.stop()


# --- in a browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    """A node with the index, the market page mounted before the site's routes and the widget fed by
    the network and the demo source; served by uvicorn on a free port."""
    data_dir = tmp_path_factory.mktemp("market-page") / "net"
    chain = indexed_chain(data_dir)
    market(chain)
    chain.node.stop()
    node = Node(data_dir, block_mode="instant", consumers=[ingest])
    node.start()
    app = node_app(node)
    app.router.routes[0:0] = market_page.routes(ChainReader(node))
    ticker = ticker_from_config({}, node, demo=True)
    ticker.refresh()
    before = env.globals.get("coin_marketplace")
    install(env, ticker)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield RunningNode(data_dir, port, None, node.chain_id.hex())  # type: ignore[arg-type]
    server.should_exit = True
    thread.join(15)
    if before is None:
        del env.globals["coin_marketplace"]
    else:
        env.globals["coin_marketplace"] = before
    node.stop()


def in_own_thread(test: Callable[[], None]) -> None:
    """Run `test` in a thread of its own: Playwright's sync API will not start in a thread where
    another one runs (tests/browser keeps a session-long browser in the main thread)."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            test()
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the browser test did not finish in 3 minutes"
    if failures:
        raise failures[0]


def as_alice(served: RunningNode, steps: Callable[[Page], None]) -> None:
    """A fresh chromium, alice logged in with her password, then `steps`; no request may leave the
    node, and none (URL, headers or body) may carry alice's or bob's password or any key derived from
    it, WIF or hex: orders are signed in the page with her active key."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        traffic = Traffic()
        page = open_context(browser, served, traffic).new_page()
        login(page, "alice", PASSWORD)
        steps(page)
        browser.close()
    assert traffic.foreign == []
    assert any("broadcast_transaction" in body for body in traffic.bodies())  # something was signed
    hidden = secrets(("alice", "bob"), lambda name: PASSWORD)
    assert role_key("alice", "active").wif() in hidden  # the keys these accounts were made with
    assert leaks(traffic.requests, hidden) == []


def open_orders(page: Page) -> list[str]:
    return page.locator("#open-orders tbody tr td:nth-child(3)").all_inner_texts()


def test_place_and_cancel_an_order_in_the_browser(served: RunningNode) -> None:
    in_own_thread(lambda: as_alice(served, lambda page: trade(page, served)))


def trade(alice: Page, served: RunningNode) -> None:
    alice.goto("/market")
    widget = alice.locator(".coin-marketplace")
    expect(widget.locator("li.coin")).to_have_count(7)
    expect(widget.locator("svg.sparkline")).to_have_count(7)
    assert widget.locator("li.coin").evaluate_all("items => items.map(i => i.dataset.symbol)") == [
        "STEEM",
        "TRX",
        "JST",
        "BTC",
        "ETH",
        "USDT",
        "SBD",
    ]
    expect(widget.locator(".coin-demo")).to_have_count(5)

    expect(alice.locator("#no-open-orders")).to_be_visible()
    buy = alice.locator('form[data-side="buy"]')
    buy.get_by_label("Price").fill("0.3")
    buy.get_by_label("Amount").fill("2")
    expect(buy.locator("output")).to_have_text("0.600")
    buy.get_by_role("button", name="Buy STEEM").click()
    expect(alice.locator("#open-orders tbody tr")).to_have_count(1)
    assert open_orders(alice) == ["0.300000"]
    [mine] = served.call("condenser_api.get_open_orders", ["alice"])
    assert (mine["for_sale"], mine["sell_price"]) == (600, {"base": "0.600 SBD", "quote": "2.000 STEEM"})

    alice.locator("#open-orders").get_by_role("button", name="Cancel").click()
    expect(alice.locator("#no-open-orders")).to_be_visible()
    assert served.call("condenser_api.get_open_orders", ["alice"]) == []

    buy.get_by_label("Price").fill("0.5")  # at bob's ask: filled at once
    buy.get_by_label("Amount").fill("1")
    buy.get_by_role("button", name="Buy STEEM").click()
    expect(alice.locator(".trades tbody tr")).to_have_count(2)
    expect(alice.locator("#no-open-orders")).to_be_visible()
    screenshot(alice, "market")

    sell = alice.locator('form[data-side="sell"]')  # more than she has: the node's refusal is shown
    sell.get_by_label("Amount").fill("1000000")
    sell.get_by_role("button", name="Sell STEEM").click()
    expect(alice.locator("#status.error")).to_contain_text("not enough")
