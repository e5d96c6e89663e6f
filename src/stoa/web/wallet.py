"""The wallet page's figures (frontend-and-board.md §1.6).

They are balances, STEEM POWER, savings, reward balances, the estimated account value at the median
feed price, and the transfer history.
"""

from __future__ import annotations

from typing import Any

from ..api.jsonrpc import RpcError
from ..api.reads import ChainReader
from ..api.rewards import feed
from ..chain import params
from ..chain.objects import MAX_TIME, Account
from ..protocol.types import format_time

HISTORY_OPS = {
    "transfer",
    "transfer_to_vesting",
    "withdraw_vesting",
    "delegate_vesting_shares",
    "claim_reward_balance",
    "transfer_to_savings",
    "transfer_from_savings",
    "fill_vesting_withdraw",
    "author_reward",
    "curation_reward",
    "comment_benefactor_reward",
    "interest",
    "fill_convert_request",
    "convert",
}
HISTORY_SCAN = 1000
HISTORY_SHOWN = 100


def steem_per_vests(reader: ChainReader) -> float:
    dgp = reader.dgp()
    fund, shares = dgp.total_vesting_fund_steem / 1e3, dgp.total_vesting_shares / 1e6
    return fund / shares if shares else 0.0


def price_per_steem(reader: ChainReader) -> float:
    """The median feed price in SBD per STEEM (1.0 before any feed)."""
    try:
        history = feed(reader.state)
    except RpcError:  # no feed yet on a young network
        return 1.0
    return history.current_median_base / history.current_median_quote if history.current_median_quote else 1.0


def figures(reader: ChainReader, account: Account) -> dict[str, Any]:
    """Every number the wallet page prints, in whole units."""
    rate = steem_per_vests(reader)
    price = price_per_steem(reader)
    steem, sbd = account.balance / 1000, account.sbd_balance / 1000
    power = account.vesting_shares / 1e6 * rate
    savings_steem, savings_sbd = account.savings_balance / 1000, account.savings_sbd_balance / 1000
    return {
        "steem": steem,
        "sbd": sbd,
        "steem_power": power,
        "vests": account.vesting_shares / 1e6,
        "delegated_out": account.delegated_vesting_shares / 1e6 * rate,
        "delegated_in": account.received_vesting_shares / 1e6 * rate,
        "savings_steem": savings_steem,
        "savings_sbd": savings_sbd,
        "reward_steem": account.reward_steem_balance / 1000,
        "reward_sbd": account.reward_sbd_balance / 1000,
        "reward_vests": account.reward_vesting_balance / 1e6,
        "reward_sp": account.reward_vesting_steem / 1000,
        "estimated_value": (steem + power + savings_steem) * price + sbd + savings_sbd,
        "next_power_down": (
            format_time(account.next_vesting_withdrawal) if account.next_vesting_withdrawal < MAX_TIME else None
        ),
        "power_down_rate": account.vesting_withdraw_rate / 1e6 * rate,
        "steem_per_vests": rate,
        "power_down_weeks": params.VESTING_WITHDRAW_INTERVALS,
        "undelegate_days": params.DELEGATION_RETURN_PERIOD // 86_400,
    }


def history(reader: ChainReader, name: str) -> list[dict[str, Any]]:
    """The account's wallet operations, newest first."""
    entries = reader.account_history(name, -1, HISTORY_SCAN)
    found = []
    for _, entry in reversed(entries):
        kind, body = entry["op"]
        if kind in HISTORY_OPS:
            found.append({"time": entry["timestamp"], "kind": kind, "text": describe(kind, body)})
    return found[:HISTORY_SHOWN]


def describe(kind: str, op: dict[str, Any]) -> str:
    """One history line, in the wallet's words."""
    if kind == "transfer":
        memo = f" — {op['memo']}" if op.get("memo") and not str(op["memo"]).startswith("#") else ""
        return f"Transfer {op['amount']} from {op['from']} to {op['to']}{memo}"
    if kind == "transfer_to_vesting":
        return f"Power up {op['amount']} from {op['from']} to {op['to'] or op['from']}"
    if kind == "withdraw_vesting":
        return f"Start power down of {op['vesting_shares']}"
    if kind == "delegate_vesting_shares":
        return f"Delegate {op['vesting_shares']} from {op['delegator']} to {op['delegatee']}"
    if kind == "claim_reward_balance":
        return f"Claim rewards: {op['reward_steem']}, {op['reward_sbd']} and {op['reward_vests']}"
    detail = ", ".join(f"{k}: {v}" for k, v in op.items() if isinstance(v, str | int) and k != "json")
    return f"{kind.replace('_', ' ').capitalize()} ({detail})"
