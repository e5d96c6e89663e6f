"""Reward funds, the feed, conversions, delegations, savings withdrawals and withdraw routes over
JSON-RPC, in condenser_api (positional, legacy assets) and database_api (named, NAI) forms, against
a real dev node whose state was made by real operations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stoa.api.app import build_dispatcher
from stoa.api.jsonrpc import Dispatcher
from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node
from stoa.chain.state import ACCOUNTS
from stoa.protocol import Asset
from stoa.protocol.asset import Price
from stoa.protocol.operations import (
    Convert,
    DelegateVestingShares,
    FeedPublish,
    SetWithdrawVestingRoute,
    TransferFromSavings,
    TransferToSavings,
)
from stoa.protocol.types import format_time

from ..chain.conftest import DevChain, role_key
from .rpc import call, invalid

DAY = 24 * 3600
STEEM_NAI = "@@000000021"
SBD_NAI = "@@000000013"
VESTS_NAI = "@@000000037"


def nai(amount: int, symbol: str) -> dict[str, Any]:
    precision, code = {"STEEM": (3, STEEM_NAI), "SBD": (3, SBD_NAI), "VESTS": (6, VESTS_NAI)}[symbol]
    return {"amount": str(amount), "precision": precision, "nai": code}


def vests(amount: int) -> Asset:
    return Asset(amount * 1_000_000, "VESTS")


@dataclass
class World:
    chain: DevChain
    rpc: Dispatcher
    delegated: int  # block time of alice's delegations
    lowered: int  # block time of the lowered delegation to carol
    requested: int  # block time of the savings withdrawals and conversions


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """alice delegates to bob and carol (then lowers carol's), withdraws from savings to bob and to
    herself, asks for two conversions and routes her power-down to bob and carol; bob routes to
    alice; initminer publishes a feed and the chain runs to block 1200, where the feed's median is
    taken."""
    path: Path = tmp_path_factory.mktemp("rewards") / "net"
    init_data_dir(path, dev=True)
    node = Node(path, block_mode="manual")
    node.produce_block()
    chain = DevChain(node)
    for name in ("alice", "bob", "carol"):
        chain.create_account(name)
    alice = [role_key("alice", "active")]
    chain.apply(
        DelegateVestingShares("alice", "bob", vests(10_000)),
        DelegateVestingShares("alice", "carol", vests(8_000)),
        keys=alice,
    )
    delegated = chain.state.dgp().time
    chain.apply(DelegateVestingShares("alice", "carol", vests(5_000)), keys=alice)
    lowered = chain.state.dgp().time
    # SBD comes only from content rewards and conversions, out of reach here: written in, as the chain tests do.
    found = chain.state.account("alice")
    assert found is not None
    found.sbd_balance += 5_000
    ACCOUNTS.update(chain.state.db, found)
    chain.apply(
        TransferToSavings("alice", "alice", Asset(20_000, "STEEM"), ""),
        TransferToSavings("alice", "alice", Asset(2_000, "SBD"), ""),
        TransferFromSavings("alice", 7, "bob", Asset(1_500, "STEEM"), "rent"),
        TransferFromSavings("alice", 3, "alice", Asset(500, "SBD"), ""),
        Convert("alice", 5, Asset(1_000, "SBD")),
        Convert("alice", 2, Asset(250, "SBD")),
        SetWithdrawVestingRoute("alice", "carol", 2_000, True),
        SetWithdrawVestingRoute("alice", "bob", 3_000, False),
        keys=alice,
    )
    requested = chain.state.dgp().time
    chain.apply(SetWithdrawVestingRoute("bob", "alice", 1_000, False), keys=[role_key("bob", "active")])
    chain.apply(FeedPublish("initminer", Price(Asset(250, "SBD"), Asset(1_000, "STEEM"))))
    node.generate_blocks(1200 - chain.state.dgp().head_block_number)
    yield World(chain, build_dispatcher(node), delegated, lowered, requested)
    node.stop()


# --- reward funds and the feed -----------------------------------------------------------------


def test_reward_fund_in_both_forms(world: World) -> None:
    fund = world.chain.state.reward_fund()
    assert fund.reward_balance > 0  # the blocks since genesis filled the pool
    expected = {
        "id": 0,
        "name": "post",
        "reward_balance": str(Asset(fund.reward_balance, "STEEM")),
        "recent_claims": fund.recent_claims,
        "last_update": format_time(fund.last_update),
        "content_constant": "2000000000000",
        "percent_curation_rewards": 5000,
        "percent_content_rewards": 10000,
        "author_reward_curve": "convergent_linear",
        "curation_reward_curve": "convergent_square_root",
    }
    result = call(world, "condenser_api.get_reward_fund", ["post"])
    assert result == expected
    assert isinstance(result["recent_claims"], str) and int(result["recent_claims"]) > 0
    assert call(world, "database_api.get_reward_funds", {}) == {
        "funds": [{**expected, "reward_balance": nai(fund.reward_balance, "STEEM")}]
    }
    assert call(world, "database_api.get_reward_funds", None) == call(world, "database_api.get_reward_funds", [])


def test_reward_fund_refuses_unknown_or_missing_names(world: World) -> None:
    assert invalid(world, "condenser_api.get_reward_fund", ["comment"]) == (
        "unknown reward fund 'comment'; this chain has 'post'"
    )
    for params in ([], [7], [None], [["post"]]):
        assert "reward fund name must be a string" in invalid(world, "condenser_api.get_reward_fund", params)
    assert "at most 1 params" in invalid(world, "condenser_api.get_reward_fund", ["post", "extra"])
    assert "positional params" in invalid(world, "condenser_api.get_reward_fund", {"name": "post"})
    assert "named params" in invalid(world, "database_api.get_reward_funds", ["post"])


def test_feed_history_and_median_price(world: World) -> None:
    legacy = {"base": "0.250 SBD", "quote": "1.000 STEEM"}
    appbase = {"base": nai(250, "SBD"), "quote": nai(1_000, "STEEM")}
    assert call(world, "condenser_api.get_feed_history", []) == {
        "id": 0,
        "current_median_history": legacy,
        "price_history": [legacy],
    }
    assert call(world, "database_api.get_feed_history", {}) == {
        "id": 0,
        "current_median_history": appbase,
        "price_history": [appbase],
    }
    assert call(world, "condenser_api.get_current_median_history_price", []) == legacy
    assert call(world, "database_api.get_current_price_feed", {}) == appbase
    assert "at most 0 params" in invalid(world, "condenser_api.get_feed_history", ["x"])


# --- conversions -------------------------------------------------------------------------------


def test_conversion_requests_by_request_id(world: World) -> None:
    date = format_time(world.requested + 84 * 3600)
    legacy = [
        {"id": 1, "owner": "alice", "requestid": 2, "amount": "0.250 SBD", "conversion_date": date},
        {"id": 0, "owner": "alice", "requestid": 5, "amount": "1.000 SBD", "conversion_date": date},
    ]
    assert call(world, "condenser_api.get_conversion_requests", ["alice"]) == legacy
    assert call(world, "database_api.find_sbd_conversion_requests", {"account": "alice"}) == {
        "requests": [{**legacy[0], "amount": nai(250, "SBD")}, {**legacy[1], "amount": nai(1_000, "SBD")}]
    }


# --- delegations -------------------------------------------------------------------------------


def test_vesting_delegations_by_delegatee(world: World) -> None:
    since = format_time(world.delegated)
    to_bob = {
        "id": 0,
        "delegator": "alice",
        "delegatee": "bob",
        "vesting_shares": "10000.000000 VESTS",
        "min_delegation_time": since,
    }
    to_carol = {**to_bob, "id": 1, "delegatee": "carol", "vesting_shares": "5000.000000 VESTS"}
    method = "condenser_api.get_vesting_delegations"
    assert call(world, method, ["alice", "", 10]) == [to_bob, to_carol]
    assert call(world, method, ["alice", ""]) == [to_bob, to_carol]  # steemd's default limit: 100
    assert call(world, method, ["alice"]) == [to_bob, to_carol]
    assert call(world, method, ["alice", "", 1]) == [to_bob]
    assert call(world, method, ["alice", "bz", 1000]) == [to_carol]
    assert call(world, method, ["alice", "carol", 10]) == [to_carol]
    assert call(world, method, ["alice", "dave", 10]) == []
    assert call(world, method, ["bob", "", 10]) == []  # bob receives, he does not delegate
    assert call(world, "database_api.find_vesting_delegations", {"account": "alice"}) == {
        "delegations": [
            {**to_bob, "vesting_shares": nai(10_000_000_000, "VESTS")},
            {**to_carol, "vesting_shares": nai(5_000_000_000, "VESTS")},
        ]
    }


def test_vesting_delegations_refuse_bad_arguments(world: World) -> None:
    method = "condenser_api.get_vesting_delegations"
    for limit in (0, 1001, -1, "10", True, 1.5):
        assert "limit must be an integer from 1 to 1000" in invalid(world, method, ["alice", "", limit])
    assert "from must be an account name" in invalid(world, method, ["alice", 5, 10])
    assert "account must be an account name" in invalid(world, method, [["alice"], "", 10])
    assert "account must be an account name" in invalid(world, method, [])
    assert "at most 3 params" in invalid(world, method, ["alice", "", 10, 0])
    assert "account must be an account name" in invalid(world, "database_api.find_vesting_delegations", {})


def test_expiring_delegations_from_a_time(world: World) -> None:
    expiration = world.lowered + 5 * DAY
    legacy = {
        "id": 0,
        "delegator": "alice",
        "vesting_shares": "3000.000000 VESTS",
        "expiration": format_time(expiration),
    }
    method = "condenser_api.get_expiring_vesting_delegations"
    assert call(world, method, ["alice", "1970-01-01T00:00:00", 10]) == [legacy]
    assert call(world, method, ["alice", format_time(expiration)]) == [legacy]
    assert call(world, method, ["alice", format_time(expiration) + "Z", 1]) == [legacy]
    assert call(world, method, ["alice", format_time(expiration + 1), 10]) == []
    assert call(world, method, ["carol", "1970-01-01T00:00:00", 10]) == []
    assert call(world, "database_api.find_vesting_delegation_expirations", {"account": "alice"}) == {
        "delegations": [{**legacy, "vesting_shares": nai(3_000_000_000, "VESTS")}]
    }


def test_expiring_delegations_refuse_bad_arguments(world: World) -> None:
    method = "condenser_api.get_expiring_vesting_delegations"
    assert "expected a UTC time" in invalid(world, method, ["alice", "yesterday", 10])
    assert "not a valid date" in invalid(world, method, ["alice", "2020-02-30T00:00:00", 10])
    assert "from must be a UTC time" in invalid(world, method, ["alice", 0, 10])
    assert "limit must be an integer from 1 to 1000" in invalid(world, method, ["alice", "2020-01-01T00:00:00", 0])
    assert "account must be an account name" in invalid(world, method, [None, "2020-01-01T00:00:00", 10])
    assert "account must be an account name" in invalid(
        world, "database_api.find_vesting_delegation_expirations", {"account": 3}
    )


# --- savings withdrawals -----------------------------------------------------------------------


def test_savings_withdrawals_from_and_to(world: World) -> None:
    complete = format_time(world.requested + 3 * DAY)
    to_bob = {
        "id": 0,
        "from": "alice",
        "to": "bob",
        "memo": "rent",
        "request_id": 7,
        "amount": "1.500 STEEM",
        "complete": complete,
    }
    to_self = {**to_bob, "id": 1, "to": "alice", "memo": "", "request_id": 3, "amount": "0.500 SBD"}
    assert call(world, "condenser_api.get_savings_withdraw_from", ["alice"]) == [to_self, to_bob]
    assert call(world, "condenser_api.get_savings_withdraw_to", ["bob"]) == [to_bob]
    assert call(world, "condenser_api.get_savings_withdraw_to", ["alice"]) == [to_self]
    assert call(world, "condenser_api.get_savings_withdraw_from", ["bob"]) == []
    assert call(world, "database_api.find_savings_withdrawals", {"account": "alice"}) == {
        "withdrawals": [{**to_self, "amount": nai(500, "SBD")}, {**to_bob, "amount": nai(1_500, "STEEM")}]
    }
    for method in ("condenser_api.get_savings_withdraw_from", "condenser_api.get_savings_withdraw_to"):
        assert "account must be an account name" in invalid(world, method, [42])
        assert "at most 1 params" in invalid(world, method, ["alice", "bob"])
    assert "account must be an account name" in invalid(world, "database_api.find_savings_withdrawals", {})


# --- withdraw routes ---------------------------------------------------------------------------


def test_withdraw_routes_by_direction(world: World) -> None:
    to_carol = {"id": 0, "from_account": "alice", "to_account": "carol", "percent": 2000, "auto_vest": True}
    to_bob = {"id": 1, "from_account": "alice", "to_account": "bob", "percent": 3000, "auto_vest": False}
    from_bob = {"id": 2, "from_account": "bob", "to_account": "alice", "percent": 1000, "auto_vest": False}
    method = "condenser_api.get_withdraw_routes"
    assert call(world, method, ["alice"]) == [to_bob, to_carol]
    assert call(world, method, ["alice", "outgoing"]) == [to_bob, to_carol]
    assert call(world, method, ["alice", "incoming"]) == [from_bob]
    assert call(world, method, ["alice", "all"]) == [to_bob, to_carol, from_bob]
    assert call(world, method, ["carol", "all"]) == [to_carol]
    find = "database_api.find_withdraw_vesting_routes"
    assert call(world, find, {"account": "alice", "order": "by_withdraw_route"}) == {"routes": [to_bob, to_carol]}
    assert call(world, find, {"account": "alice", "order": "by_destination"}) == {"routes": [from_bob]}
    assert call(world, find, {"account": "alice"}) == {"routes": [to_bob, to_carol]}


def test_withdraw_routes_refuse_bad_arguments(world: World) -> None:
    method = "condenser_api.get_withdraw_routes"
    for kind in ("sideways", 1, "OUTGOING", ["all"]):
        assert "the route type must be one of 'outgoing', 'incoming', 'all'" in invalid(world, method, ["alice", kind])
    assert "account must be an account name" in invalid(world, method, [None, "all"])
    find = "database_api.find_withdraw_vesting_routes"
    for order in ("by_name", 0, {"x": 1}):
        assert "order must be one of 'by_withdraw_route', 'by_destination'" in invalid(
            world, find, {"account": "alice", "order": order}
        )
    assert "account must be an account name" in invalid(world, find, {"order": "by_destination"})


# --- across the namespace ----------------------------------------------------------------------

PER_ACCOUNT = [
    ("condenser_api.get_conversion_requests", ["nobody"], []),
    ("condenser_api.get_vesting_delegations", ["nobody", "", 10], []),
    ("condenser_api.get_expiring_vesting_delegations", ["nobody", "1970-01-01T00:00:00", 10], []),
    ("condenser_api.get_savings_withdraw_from", ["nobody"], []),
    ("condenser_api.get_savings_withdraw_to", ["nobody"], []),
    ("condenser_api.get_withdraw_routes", ["nobody", "all"], []),
    ("database_api.find_sbd_conversion_requests", {"account": "nobody"}, {"requests": []}),
    ("database_api.find_vesting_delegations", {"account": "nobody"}, {"delegations": []}),
    ("database_api.find_vesting_delegation_expirations", {"account": "nobody"}, {"delegations": []}),
    ("database_api.find_savings_withdrawals", {"account": "nobody"}, {"withdrawals": []}),
    ("database_api.find_withdraw_vesting_routes", {"account": "nobody", "order": "by_destination"}, {"routes": []}),
]


@pytest.mark.parametrize(("method", "params", "empty"), PER_ACCOUNT)
def test_a_missing_account_has_nothing(world: World, method: str, params: Any, empty: Any) -> None:
    assert call(world, method, params) == empty


@pytest.mark.parametrize(("method", "params", "empty"), PER_ACCOUNT)
def test_a_non_string_account_is_refused(world: World, method: str, params: Any, empty: Any) -> None:
    bad = [17, *params[1:]] if isinstance(params, list) else {**params, "account": 17}
    assert "account must be an account name (a string)" in invalid(world, method, bad)


def test_call_envelope_reaches_both_namespaces(world: World) -> None:
    routes = call(world, "call", ["condenser_api", "get_withdraw_routes", ["bob", "outgoing"]])
    assert [route["to_account"] for route in routes] == ["alice"]
    found = call(world, "call", ["database_api", "find_vesting_delegations", {"account": "alice"}])
    assert [d["delegatee"] for d in found["delegations"]] == ["bob", "carol"]
