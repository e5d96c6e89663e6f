"""Reward funds, the price feed, and the per-account objects that wait for time to pass.

Those objects are conversions, vesting delegations and their expirations, savings withdrawals and
withdraw routes.

Each read has a condenser_api form (positional params, legacy assets) and, where steemd has one, a
database_api form (named params, NAI assets, the list wrapped in an object). steemd prints an `id`
(the object's allocation number) that most of our rows do not store; it is the row's SQLite rowid
less one, which counts insertions from 0 as steemd's ids do. Unlike steemd's, it can be reused when
the newest row is deleted, and a VACUUM may renumber it: it is display only, never consensus.
"""

from __future__ import annotations

from functools import partial
from typing import Any, TypeVar

from ..chain.objects import FeedHistory, RewardFund
from ..chain.state import (
    CONVERT_REQUESTS,
    DELEGATION_EXPIRATIONS,
    DELEGATIONS,
    FEED_HISTORY,
    REWARD_FUNDS,
    SAVINGS_WITHDRAWS,
    WITHDRAW_ROUTES,
    State,
    Table,
)
from ..protocol.asset import SBD, STEEM, VESTS
from ..protocol.errors import ProtocolError
from ..protocol.types import dump_int_json, format_time, parse_time
from .jsonrpc import Dispatcher, invalid_params
from .reads import ChainReader, checked_limit
from .shapes import asset

T = TypeVar("T")
DEFAULT_LIMIT = 100  # condenser_api's limit when none is given
ROUTE_TYPES = ("outgoing", "incoming", "all")
ROUTE_ORDERS = {"by_withdraw_route": "outgoing", "by_destination": "incoming"}


# --- reading rows with their ids -------------------------------------------------------------------


def rows_with_ids(
    state: State, table: Table[T], where: str, params: tuple[Any, ...], order: str, limit: int = -1
) -> list[tuple[int, T]]:
    """(id, row) pairs; `where` and `order` are our own SQL, values go in `params`."""
    sql = f"SELECT rowid - 1, {', '.join(table.columns)} FROM {table.name} WHERE {where} ORDER BY {order} LIMIT ?"
    return [(found[0], table.cls(*found[1:])) for found in state.db.execute(sql, (*params, limit))]


# --- arguments -------------------------------------------------------------------------------------


def account_arg(value: Any, field: str = "account") -> str:
    if not isinstance(value, str):
        raise invalid_params(f"{field} must be an account name (a string)")
    return value


def limit_arg(value: Any) -> int:
    return DEFAULT_LIMIT if value is None else checked_limit(value)


def time_arg(value: Any, field: str) -> int:
    if not isinstance(value, str):
        raise invalid_params(f"{field} must be a UTC time like 2016-04-06T08:29:27")
    try:
        return parse_time(value)
    except ProtocolError as error:
        raise invalid_params(f"{field}: {error}") from None


# --- reward funds and the feed ---------------------------------------------------------------------


def reward_fund_json(fund_id: int, fund: RewardFund, appbase: bool) -> dict[str, Any]:
    return {
        "id": dump_int_json(fund_id),
        "name": fund.name,
        "reward_balance": asset(fund.reward_balance, STEEM, appbase),
        "recent_claims": fund.recent_claims,  # uint128: always a string
        "last_update": format_time(fund.last_update),
        "content_constant": fund.content_constant,
        "percent_curation_rewards": fund.percent_curation_rewards,
        "percent_content_rewards": fund.percent_content_rewards,
        "author_reward_curve": fund.author_reward_curve,
        "curation_reward_curve": fund.curation_reward_curve,
    }


def reward_funds(state: State, appbase: bool) -> list[dict[str, Any]]:
    return [reward_fund_json(i, fund, appbase) for i, fund in rows_with_ids(state, REWARD_FUNDS, "1", (), "rowid")]


def reward_fund(state: State, name: Any) -> dict[str, Any]:
    if not isinstance(name, str):
        raise invalid_params('the reward fund name must be a string, such as "post"')
    found = rows_with_ids(state, REWARD_FUNDS, "name = ?", (name,), "rowid")
    if not found:
        known = ", ".join(repr(f["name"]) for f in reward_funds(state, False)) or "none"
        raise invalid_params(f"unknown reward fund {name!r}; this chain has {known}")
    return reward_fund_json(found[0][0], found[0][1], False)


def price_json(base: int, quote: int, appbase: bool) -> dict[str, Any]:
    """A feed price: SBD per STEEM, base SBD and quote STEEM."""
    return {"base": asset(base, SBD, appbase), "quote": asset(quote, STEEM, appbase)}


def feed(state: State) -> FeedHistory:
    found = FEED_HISTORY.get(state.db, 0)
    if found is None:
        raise invalid_params("the chain has no feed history yet")
    return found


def feed_history_json(state: State, appbase: bool) -> dict[str, Any]:
    history = feed(state)
    return {
        "id": history.id,
        "current_median_history": price_json(history.current_median_base, history.current_median_quote, appbase),
        "price_history": [price_json(base, quote, appbase) for base, quote in history.history()],
    }


def median_price(state: State, appbase: bool) -> dict[str, Any]:
    history = feed(state)
    return price_json(history.current_median_base, history.current_median_quote, appbase)


# --- conversions -----------------------------------------------------------------------------------


def conversion_requests(state: State, account: str, appbase: bool) -> list[dict[str, Any]]:
    return [
        {
            "id": dump_int_json(request_id),
            "owner": request.owner,
            "requestid": request.requestid,
            "amount": asset(request.amount, SBD, appbase),
            "conversion_date": format_time(request.conversion_date),
        }
        for request_id, request in rows_with_ids(state, CONVERT_REQUESTS, "owner = ?", (account,), "requestid")
    ]


# --- vesting delegations ---------------------------------------------------------------------------


def delegations(state: State, account: str, start: str, limit: int, appbase: bool) -> list[dict[str, Any]]:
    """The account's delegations, by delegatee from `start` (steemd's by_delegation index)."""
    found = rows_with_ids(state, DELEGATIONS, "delegator = ? AND delegatee >= ?", (account, start), "delegatee", limit)
    return [
        {
            "id": dump_int_json(delegation_id),
            "delegator": delegation.delegator,
            "delegatee": delegation.delegatee,
            "vesting_shares": asset(delegation.vesting_shares, VESTS, appbase),
            "min_delegation_time": format_time(delegation.min_delegation_time),
        }
        for delegation_id, delegation in found
    ]


def delegation_expirations(state: State, account: str, start: int, limit: int, appbase: bool) -> list[dict[str, Any]]:
    """VESTS on their way back to the account, by expiration from `start` (by_account_expiration)."""
    found = rows_with_ids(
        state, DELEGATION_EXPIRATIONS, "delegator = ? AND expiration >= ?", (account, start), "expiration, id", limit
    )
    return [
        {
            "id": dump_int_json(expiration.id),  # these rows keep their own id
            "delegator": expiration.delegator,
            "vesting_shares": asset(expiration.vesting_shares, VESTS, appbase),
            "expiration": format_time(expiration.expiration),
        }
        for _, expiration in found
    ]


# --- savings withdrawals ---------------------------------------------------------------------------


def savings_withdrawals(state: State, account: str, incoming: bool, appbase: bool) -> list[dict[str, Any]]:
    """Pending withdrawals from the account's savings by request id (by_from_rid), or those paying
    the account by completion time (by_to_complete)."""
    if incoming:
        found = rows_with_ids(state, SAVINGS_WITHDRAWS, "to_account = ?", (account,), "complete, rowid")
    else:
        found = rows_with_ids(state, SAVINGS_WITHDRAWS, "from_account = ?", (account,), "request_id")
    return [
        {
            "id": dump_int_json(withdraw_id),
            "from": withdraw.from_account,
            "to": withdraw.to_account,
            "memo": withdraw.memo,
            "request_id": withdraw.request_id,
            "amount": asset(withdraw.amount, withdraw.symbol, appbase),
            "complete": format_time(withdraw.complete),
        }
        for withdraw_id, withdraw in found
    ]


# --- withdraw routes -------------------------------------------------------------------------------


def withdraw_routes(state: State, account: str, kind: str) -> list[dict[str, Any]]:
    """Routes from the account by destination (by_withdraw_route), then, for "incoming" or "all",
    routes to it in creation order (by_destination)."""
    found = []
    if kind in ("outgoing", "all"):
        found += rows_with_ids(state, WITHDRAW_ROUTES, "from_account = ?", (account,), "to_account")
    if kind in ("incoming", "all"):
        found += rows_with_ids(state, WITHDRAW_ROUTES, "to_account = ?", (account,), "rowid")
    return [
        {
            "id": dump_int_json(route_id),
            "from_account": route.from_account,
            "to_account": route.to_account,
            "percent": route.percent,
            "auto_vest": bool(route.auto_vest),
        }
        for route_id, route in found
    ]


def route_type(value: Any) -> str:
    if value is None:
        return "outgoing"
    if value not in ROUTE_TYPES:
        raise invalid_params(f"the route type must be one of {', '.join(map(repr, ROUTE_TYPES))}, not {value!r}")
    return str(value)


def route_order(value: Any) -> str:
    if value is None:
        return "outgoing"
    if not isinstance(value, str) or value not in ROUTE_ORDERS:
        raise invalid_params(f"order must be one of {', '.join(map(repr, ROUTE_ORDERS))}, not {value!r}")
    return ROUTE_ORDERS[value]


# --- registration ----------------------------------------------------------------------------------


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    condenser = partial(dispatcher.add_positional, "condenser_api")
    database = partial(dispatcher.add_named, "database_api")

    def state() -> State:
        return reader.state

    condenser("get_reward_fund", 1, lambda name: reward_fund(state(), name))
    database("get_reward_funds", lambda p: {"funds": reward_funds(state(), True)})

    condenser("get_feed_history", 0, lambda: feed_history_json(state(), False))
    database("get_feed_history", lambda p: feed_history_json(state(), True))
    condenser("get_current_median_history_price", 0, lambda: median_price(state(), False))
    database("get_current_price_feed", lambda p: median_price(state(), True))

    condenser("get_conversion_requests", 1, lambda account: conversion_requests(state(), account_arg(account), False))
    database(
        "find_sbd_conversion_requests",
        lambda p: {"requests": conversion_requests(state(), account_arg(p.get("account")), True)},
    )

    condenser(
        "get_vesting_delegations",
        3,
        lambda account, start, limit: delegations(
            state(), account_arg(account), "" if start is None else account_arg(start, "from"), limit_arg(limit), False
        ),
    )
    database(
        "find_vesting_delegations",
        lambda p: {"delegations": delegations(state(), account_arg(p.get("account")), "", -1, True)},
    )
    condenser(
        "get_expiring_vesting_delegations",
        3,
        lambda account, start, limit: delegation_expirations(
            state(),
            account_arg(account),
            0 if start is None else time_arg(start, "from"),
            limit_arg(limit),
            False,
        ),
    )
    database(
        "find_vesting_delegation_expirations",
        lambda p: {"delegations": delegation_expirations(state(), account_arg(p.get("account")), 0, -1, True)},
    )

    condenser(
        "get_savings_withdraw_from",
        1,
        lambda account: savings_withdrawals(state(), account_arg(account), incoming=False, appbase=False),
    )
    condenser(
        "get_savings_withdraw_to",
        1,
        lambda account: savings_withdrawals(state(), account_arg(account), incoming=True, appbase=False),
    )
    database(
        "find_savings_withdrawals",
        lambda p: {
            "withdrawals": savings_withdrawals(state(), account_arg(p.get("account")), incoming=False, appbase=True)
        },
    )

    condenser(
        "get_withdraw_routes",
        2,
        lambda account, kind: withdraw_routes(state(), account_arg(account), route_type(kind)),
    )
    database(
        "find_withdraw_vesting_routes",
        lambda p: {"routes": withdraw_routes(state(), account_arg(p.get("account")), route_order(p.get("order")))},
    )
