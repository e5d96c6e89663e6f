"""The internal market over JSON-RPC: market_history_api (named params, NAI assets) and condenser_api
(positional, legacy assets) for the ticker, volume, order book, open orders, trades and buckets, against
a dev node whose book and trades were made by real orders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stoa.api.app import build_dispatcher
from stoa.api.jsonrpc import Dispatcher
from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node
from stoa.protocol.types import format_time, parse_time

from ..chain.conftest import DevChain
from ..chain.test_market_ops import DAY, give_sbd, later
from ..chain.test_matching import order, place
from .rpc import call, invalid
from .test_rewards_api import nai


@dataclass
class World:
    chain: DevChain
    rpc: Dispatcher
    first: int  # block time of the first trade (0.5 SBD/STEEM)
    second: int  # block time of the second (0.4)


def new_chain(path: Path) -> DevChain:
    init_data_dir(path, dev=True)
    node = Node(path, block_mode="manual")
    node.produce_block()
    return DevChain(node)


def head_time(world: World) -> int:
    return parse_time(str(call(world, "condenser_api.get_dynamic_global_properties", [])["time"]))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """bob asks 0.5 and 0.6 SBD/STEEM, carol bids 0.4 and 0.3; alice buys 0.5 STEEM from bob's best
    ask, and 100 s later sells 0.5 STEEM into carol's best bid. Block time is first moved (with
    debug_node_api) to a minute past the next UTC midnight, so both trades fall in one UTC day."""
    chain = new_chain(tmp_path_factory.mktemp("market") / "net")
    world = World(chain, build_dispatcher(chain.node), 0, 0)
    for name in ("alice", "bob", "carol"):
        chain.create_account(name)
        give_sbd(chain, name, 5_000)
    midnight = head_time(world) // DAY * DAY + DAY
    call(world, "debug_node_api.debug_generate_blocks_until", {"head_block_time": format_time(midnight + 60)})
    week = later(chain, 7 * DAY)
    place(chain, order("bob", 1, 1_000, "STEEM", 500, week), order("bob", 2, 2_000, "STEEM", 1_200, week))
    place(chain, order("carol", 1, 400, "SBD", 1_000, week), order("carol", 2, 300, "SBD", 1_000, week))
    place(chain, order("alice", 1, 250, "SBD", 500, week))
    world.first = head_time(world)
    call(world, "debug_node_api.debug_generate_blocks_until", {"head_block_time": format_time(world.first + 100)})
    place(chain, order("alice", 2, 500, "STEEM", 200, week))
    world.second = head_time(world)
    assert midnight < world.first < world.second < midnight + DAY  # one UTC day
    yield world
    chain.node.stop()


def test_ticker_in_both_forms(world: World) -> None:
    expected = {
        "latest": "0.40000000000000002",
        "lowest_ask": "0.50000000000000000",
        "highest_bid": "0.40000000000000002",
        "percent_change": "-19.99999999999999645",
    }
    assert call(world, "condenser_api.get_ticker", []) == {
        **expected,
        "steem_volume": "1.000 STEEM",
        "sbd_volume": "0.450 SBD",
    }
    assert call(world, "market_history_api.get_ticker", {}) == {
        **expected,
        "steem_volume": nai(1_000, "STEEM"),
        "sbd_volume": nai(450, "SBD"),
    }


def test_volume_in_both_forms(world: World) -> None:
    assert call(world, "condenser_api.get_volume", []) == {"steem_volume": "1.000 STEEM", "sbd_volume": "0.450 SBD"}
    assert call(world, "market_history_api.get_volume", {}) == {
        "steem_volume": nai(1_000, "STEEM"),
        "sbd_volume": nai(450, "SBD"),
    }


def test_order_book_best_first(world: World) -> None:
    book = call(world, "condenser_api.get_order_book", [10])
    assert [(float(o["real_price"]), o["steem"], o["sbd"]) for o in book["asks"]] == [
        (0.5, 500, 250),
        (0.6, 2_000, 1_200),
    ]
    assert [(float(o["real_price"]), o["steem"], o["sbd"]) for o in book["bids"]] == [
        (0.4, 500, 200),
        (0.3, 1_000, 300),
    ]
    assert book["asks"][0]["order_price"] == {"base": "1.000 STEEM", "quote": "0.500 SBD"}
    assert book["bids"][0]["order_price"] == {"base": "0.400 SBD", "quote": "1.000 STEEM"}
    assert set(book["asks"][0]) == {"order_price", "real_price", "steem", "sbd", "created"}
    named = call(world, "market_history_api.get_order_book", {"limit": 1})
    assert [len(named["asks"]), len(named["bids"])] == [1, 1]
    assert named["asks"][0]["order_price"] == {"base": nai(1_000, "STEEM"), "quote": nai(500, "SBD")}
    assert call(world, "condenser_api.get_order_book", []) == book  # 500 by default
    assert "limit" in invalid(world, "condenser_api.get_order_book", [501])


def test_open_orders_in_both_forms(world: World) -> None:
    orders = call(world, "condenser_api.get_open_orders", ["carol"])
    assert [(o["orderid"], o["for_sale"]) for o in orders] == [(1, 200), (2, 300)]
    assert set(orders[0]) == {
        "id",
        "created",
        "expiration",
        "seller",
        "orderid",
        "for_sale",
        "sell_price",
        "real_price",
        "rewarded",
    }
    assert orders[0]["sell_price"] == {"base": "0.400 SBD", "quote": "1.000 STEEM"}
    found = call(world, "database_api.find_limit_orders", {"account": "bob"})["orders"]
    assert [(o["seller"], o["orderid"], o["for_sale"]) for o in found] == [("bob", 1, 500), ("bob", 2, 2_000)]
    assert found[1]["sell_price"] == {"base": nai(2_000, "STEEM"), "quote": nai(1_200, "SBD")}
    assert call(world, "condenser_api.get_open_orders", ["alice"]) == []
    assert "owner" in invalid(world, "condenser_api.get_open_orders", [7])


def test_trades_in_both_forms(world: World) -> None:
    first = {"date": format_time(world.first), "current_pays": "0.250 SBD", "open_pays": "0.500 STEEM"}
    second = {"date": format_time(world.second), "current_pays": "0.500 STEEM", "open_pays": "0.200 SBD"}
    start, end = format_time(world.first - 60), format_time(world.second)
    assert call(world, "condenser_api.get_trade_history", [start, end, 10]) == [first, second]
    assert call(world, "condenser_api.get_trade_history", [start, format_time(world.second - 1)]) == [first]
    assert call(world, "condenser_api.get_recent_trades", [10]) == [second, first]
    assert call(world, "condenser_api.get_recent_trades", [1]) == [second]
    named = call(world, "market_history_api.get_trade_history", {"start": start, "end": end, "limit": 1})
    assert named == {"trades": [{**first, "current_pays": nai(250, "SBD"), "open_pays": nai(500, "STEEM")}]}
    recent = call(world, "market_history_api.get_recent_trades", {"limit": 5})["trades"]
    assert [t["date"] for t in recent] == [second["date"], first["date"]]
    assert "start" in invalid(world, "condenser_api.get_trade_history", ["yesterday", end])
    assert "limit" in invalid(world, "condenser_api.get_recent_trades", [1001])


def test_market_history_buckets(world: World) -> None:
    assert call(world, "condenser_api.get_market_history_buckets", []) == [15, 60, 300, 3600, 86400]
    assert call(world, "market_history_api.get_market_history_buckets", {}) == {
        "bucket_sizes": [15, 60, 300, 3600, 86400]
    }
    start, end = format_time(world.first - DAY), format_time(world.second + 60)
    small = call(world, "condenser_api.get_market_history", [15, start, end])
    assert [(b["open"], b["seconds"]) for b in small] == [
        (format_time(world.first - world.first % 15), 15),
        (format_time(world.second - world.second % 15), 15),
    ]
    assert small[0]["steem"] == {"high": 500, "low": 500, "open": 500, "close": 500, "volume": 500}
    assert small[1]["non_steem"] == {"high": 200, "low": 200, "open": 200, "close": 200, "volume": 200}
    day = call(world, "market_history_api.get_market_history", {"bucket_seconds": 86400, "start": start, "end": end})
    buckets = day["buckets"]  # both trades fall in one UTC day (the fixture sees to it)
    assert [set(b) for b in buckets] == [{"id", "open", "seconds", "steem", "non_steem"}]
    assert (buckets[0]["open"], buckets[0]["seconds"]) == (format_time(world.first // DAY * DAY), 86400)
    # opened at 0.5, closed at 0.4: the high is the first trade, the low the second
    assert buckets[0]["steem"] == {"high": 500, "low": 500, "open": 500, "close": 500, "volume": 1_000}
    assert buckets[0]["non_steem"] == {"high": 250, "low": 200, "open": 250, "close": 200, "volume": 450}
    assert call(world, "condenser_api.get_market_history", [86400, start, end]) == [{**buckets[0]}]
    assert call(world, "condenser_api.get_market_history", [15, end, format_time(world.second + 600)]) == []
    assert call(world, "condenser_api.get_market_history", [15, end, end]) == []  # an empty range


# --- bad input: each a JSON-RPC invalid-params error naming what is wrong ------------------------------


def test_market_history_refuses_bad_input(world: World) -> None:
    start, end = format_time(world.first - DAY), format_time(world.second + 60)
    refused = {
        "bucket_seconds": [
            [30, start, end],
            [0, start, end],
            [-15, start, end],
            ["15", start, end],
            [True, start, end],
        ],
        "start": [[15, "yesterday", end], [15, "2016-13-01T00:00:00", end], [15, None, end], [15, 1_500_000_000, end]],
        "end": [[15, start, "2016-04-06 08:29"], [15, start], [15, start, ""]],
        "before start": [[15, end, start], [86400, format_time(world.second), format_time(world.first)]],
    }
    for words, cases in refused.items():
        for params in cases:
            assert words in invalid(world, "condenser_api.get_market_history", params), params
    named = "market_history_api.get_market_history"
    assert "bucket_seconds" in invalid(world, named, {"bucket_seconds": 30, "start": start, "end": end})
    assert "bucket_seconds" in invalid(world, named, {"start": start, "end": end})
    assert "before start" in invalid(world, named, {"bucket_seconds": 60, "start": end, "end": start})
    assert "start" in invalid(world, named, {"bucket_seconds": 60, "start": "now", "end": end})
    assert "at most 3 params" in invalid(world, "condenser_api.get_market_history", [15, start, end, 1])


@pytest.mark.parametrize("limit", [0, -1, 501, 2**63 - 1, "10", 1.5, True])
def test_order_book_refuses_bad_limits(world: World, limit: object) -> None:
    assert "limit must be an integer from 1 to 500" in invalid(world, "condenser_api.get_order_book", [limit])
    assert "limit" in invalid(world, "market_history_api.get_order_book", {"limit": limit})


def test_order_book_limits_at_the_edges(world: World) -> None:
    one = call(world, "condenser_api.get_order_book", [1])
    assert [len(one["bids"]), len(one["asks"])] == [1, 1]
    assert call(world, "condenser_api.get_order_book", [500]) == call(world, "condenser_api.get_order_book", [])


def test_trade_history_refuses_bad_input(world: World) -> None:
    start, end = format_time(world.first - 60), format_time(world.second)
    history = "condenser_api.get_trade_history"
    for params, words in [
        (["yesterday", end, 10], "start"),
        ([start, "2016-02-30T00:00:00", 10], "end"),
        ([None, end, 10], "start"),
        ([start, 0, 10], "end"),
        ([end, start, 10], "before start"),
        ([start, end, 0], "limit"),
        ([start, end, -1], "limit"),
        ([start, end, 1001], "limit"),
        ([start, end, "10"], "limit"),
    ]:
        assert words in invalid(world, history, params), params
    named = "market_history_api.get_trade_history"
    assert "before start" in invalid(world, named, {"start": end, "end": start})
    assert "limit" in invalid(world, named, {"start": start, "end": end, "limit": 0})
    assert "end" in invalid(world, named, {"start": start})
    assert len(call(world, history, [start, end, 1000])) == 2  # the largest limit is fine
    assert len(invalid(world, "condenser_api.get_recent_trades", ["x" * 10_000])) < 120  # the value cut short
    for limit in (0, -5, 1001, "1"):
        assert "limit" in invalid(world, "condenser_api.get_recent_trades", [limit])
        assert "limit" in invalid(world, "market_history_api.get_recent_trades", {"limit": limit})


def test_open_orders_of_unknown_or_invalid_accounts(world: World) -> None:
    assert "owner: account 'nobody' does not exist" in invalid(world, "condenser_api.get_open_orders", ["nobody"])
    for name in ("Bad!Name", "", "ab", "a" * 17):
        assert "owner must be a valid account name" in invalid(world, "condenser_api.get_open_orders", [name])
    assert "owner" in invalid(world, "condenser_api.get_open_orders", [])
    assert "owner" in invalid(world, "condenser_api.get_open_orders", [["carol"]])
    found = "database_api.find_limit_orders"
    assert "account: account 'nobody' does not exist" in invalid(world, found, {"account": "nobody"})
    assert "account" in invalid(world, found, {})
    assert "account must be a valid account name" in invalid(world, found, {"account": "-x-"})


def test_an_empty_market(tmp_path: Path) -> None:
    chain = new_chain(tmp_path / "net")
    empty = World(chain, build_dispatcher(chain.node), 0, 0)
    try:
        zero = "0.00000000000000000"
        assert call(empty, "condenser_api.get_ticker", []) == {
            "latest": zero,
            "lowest_ask": zero,
            "highest_bid": zero,
            "percent_change": zero,
            "steem_volume": "0.000 STEEM",
            "sbd_volume": "0.000 SBD",
        }
        assert call(empty, "condenser_api.get_order_book", [5]) == {"bids": [], "asks": []}
        assert call(empty, "condenser_api.get_recent_trades", [5]) == []
        assert call(
            empty,
            "market_history_api.get_market_history",
            {"bucket_seconds": 60, "start": format_time(0), "end": format_time(2**31)},
        ) == {"buckets": []}
    finally:
        chain.node.stop()
