"""beem's Market class through a real node: buy, sell, the ticker, the order book, trades, open orders
and cancel, over condenser_api (beem's default) and over market_history_api / database_api."""

from __future__ import annotations

import pytest
from beem import Steem
from beem.account import Account
from beem.market import Market
from beemgraphenebase.account import PasswordKey

from stoa.protocol.types import format_time, parse_time

from .conftest import INIT_WIF, RunningNode

NAMES = ("alice", "bob")
LIFE = 14 * 86400  # beem counts an order's life from the wall clock; the chain runs 7 days ahead of it here


def keys_of(name: str) -> list[str]:
    return [str(PasswordKey(name, f"{name}-market-pw", role).get_private_key()) for role in ("active", "posting")]


@pytest.fixture(scope="module")
def steem(node: RunningNode) -> Steem:
    keys = [INIT_WIF, *(key for name in NAMES for key in keys_of(name))]
    return Steem(node=node.url, keys=keys, num_retries=0, timeout=30, blocking=True)


def earn_sbd(steem: Steem, node: RunningNode, name: str) -> None:
    """A paid post (initminer's vote, seven days moved through with debug_node_api), its reward claimed."""
    steem.post("Paid", "For the market", author=name, permlink="market-seed", tags=["news"])
    steem.vote(100, f"@{name}/market-seed", account="initminer")
    comment = node.call("database_api.find_comments", {"comments": [[name, "market-seed"]]})["comments"][0]
    node.call("debug_node_api.debug_generate_blocks_until", {"head_block_time": comment["cashout_time"]})
    Account(name, blockchain_instance=steem).claim_reward_balance()


def sbd_of(node: RunningNode, name: str) -> float:
    return float(node.call("condenser_api.get_accounts", [[name]])[0]["sbd_balance"].split()[0])


def test_beem_market_buy_sell_ticker_book_and_cancel(steem: Steem, node: RunningNode) -> None:
    for name in NAMES:
        steem.create_account(name, creator="initminer", password=f"{name}-market-pw", storekeys=False)
        Account("initminer", blockchain_instance=steem).transfer(name, 100, "STEEM")
    earn_sbd(steem, node, "alice")
    assert sbd_of(node, "alice") >= 0.010

    market = Market(blockchain_instance=steem)  # quote SBD, base STEEM: prices in STEEM per SBD
    market.buy(2.5, 1, expiration=LIFE, account="bob", orderid=7)  # sells 2.500 STEEM for at least 1.000 SBD
    [bid] = market.accountopenorders(account="bob")
    assert bid["orderid"] == 7
    book = market.orderbook()
    assert [{str(order["quote"]), str(order["base"])} for order in book["asks"]] == [{"2.500 STEEM", "1.000 SBD"}]
    assert book["bids"] == []

    before = sbd_of(node, "alice")
    market.sell(
        2.0, 0.01, expiration=LIFE, account="alice", orderid=3
    )  # 0.010 SBD for at least 0.020 STEEM: fills at bob's 2.5
    assert sbd_of(node, "alice") == pytest.approx(before - 0.01)
    [trade] = node.call("condenser_api.get_recent_trades", [1])
    assert (trade["current_pays"], trade["open_pays"]) == ("0.010 SBD", "0.025 STEEM")

    ticker = market.ticker()
    assert float(ticker["latest"]) == pytest.approx(0.4)  # SBD per STEEM
    assert float(ticker["lowest_ask"]) == pytest.approx(0.4)
    assert str(ticker["steem_volume"]) == "0.025 STEEM" and str(ticker["sbd_volume"]) == "0.010 SBD"
    assert [float(order["price"]) for order in market.recent_trades(limit=5)] == [pytest.approx(0.4)]
    assert {str(volume) for volume in market.volume24h().values()} == {"0.010 SBD", "0.025 STEEM"}

    market.cancel(7, account="bob")
    assert market.accountopenorders(account="bob") == []
    assert market.orderbook()["asks"] == []
    bob = Account("bob", blockchain_instance=steem)
    assert (str(bob["balance"]), str(bob["sbd_balance"])) == ("99.975 STEEM", "0.010 SBD")  # the rest came back


def test_beem_market_over_the_appbase_apis(node: RunningNode) -> None:
    """beem with use_condenser=False asks market_history_api and database_api.find_limit_orders."""
    steem = Steem(node=node.url, num_retries=0, timeout=30, use_condenser=False)
    market = Market(blockchain_instance=steem)
    assert market.orderbook(raw_data=True) == {"bids": [], "asks": []}
    assert [trade["open_pays"] for trade in market.recent_trades(raw_data=True)] == [
        {"amount": "25", "precision": 3, "nai": "@@000000021"}
    ]
    assert market.accountopenorders(account="bob") == []
    head = parse_time(node.call("condenser_api.get_dynamic_global_properties")["time"])
    buckets = node.call(
        "market_history_api.get_market_history",
        {"bucket_seconds": 86400, "start": format_time(head - 10 * 86400), "end": format_time(head + 1)},
    )["buckets"]
    assert sum(bucket["steem"]["volume"] for bucket in buckets) == 25
