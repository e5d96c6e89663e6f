"""What several evaluators share: balances by symbol, the vesting share price, voting mana."""

from __future__ import annotations

from ...protocol import Asset
from ...protocol.asset import SBD, STEEM, VESTS
from .. import params
from ..errors import ChainError
from ..objects import Account, DynamicGlobalProperties
from ..state import ACCOUNTS, State

LIQUID_FIELDS = {STEEM: "balance", SBD: "sbd_balance"}
SAVINGS_FIELDS = {STEEM: "savings_balance", SBD: "savings_sbd_balance"}


def spend(account: Account, amount: Asset, field: str = "amount", savings: bool = False) -> None:
    """Take `amount` from a liquid (or savings) balance, or fail naming what is missing."""
    attribute = (SAVINGS_FIELDS if savings else LIQUID_FIELDS)[amount.symbol]
    have = getattr(account, attribute)
    if have < amount.amount:
        kind = "savings" if savings else "balance"
        raise ChainError(
            field,
            "funds",
            f"@{account.name} has {Asset(have, amount.symbol)} in {kind}, not enough for {amount}",
        )
    setattr(account, attribute, have - amount.amount)


def move(state: State, sender_name: str, recipient_name: str, amount: Asset, to_savings: bool = False) -> None:
    """`amount` from the sender's liquid balance to the recipient's liquid (or savings) balance."""
    sender = state.require_account(sender_name, "from")
    recipient = sender if recipient_name == sender_name else state.require_account(recipient_name, "to")
    spend(sender, amount)
    deposit(recipient, amount, savings=to_savings)
    ACCOUNTS.update(state.db, sender)
    if recipient is not sender:
        ACCOUNTS.update(state.db, recipient)


def deposit(account: Account, amount: Asset, savings: bool = False) -> None:
    attribute = (SAVINGS_FIELDS if savings else LIQUID_FIELDS)[amount.symbol]
    setattr(account, attribute, getattr(account, attribute) + amount.amount)


def steem_to_vests(dgp: DynamicGlobalProperties, steem: int) -> int:
    """VESTS bought by `steem` satoshis at the current share price."""
    if dgp.total_vesting_fund_steem == 0 or dgp.total_vesting_shares == 0:
        return steem * params.VESTS_PER_STEEM_AT_GENESIS
    return steem * dgp.total_vesting_shares // dgp.total_vesting_fund_steem


def vests_to_steem(dgp: DynamicGlobalProperties, vests: int) -> int:
    if dgp.total_vesting_shares == 0:
        return vests // params.VESTS_PER_STEEM_AT_GENESIS
    return vests * dgp.total_vesting_fund_steem // dgp.total_vesting_shares


def effective_vests(account: Account) -> int:
    """Own + received − delegated VESTS, less this week's power-down installment while one runs."""
    vests = account.vesting_shares + account.received_vesting_shares - account.delegated_vesting_shares
    if account.to_withdraw > account.withdrawn:
        vests -= min(account.vesting_withdraw_rate, account.to_withdraw - account.withdrawn)
    return max(vests, 0)


def regenerate(current: int, last_update: int, maximum: int, now: int) -> int:
    """Mana after regenerating linearly to `maximum` over 5 days (util/manabar.hpp)."""
    elapsed = now - last_update
    if elapsed <= 0:
        return min(current, maximum)
    gained = max(maximum, 0) * elapsed // params.VOTING_MANA_REGENERATION_SECONDS
    return min(current + gained, maximum)


def regenerate_mana(dgp: DynamicGlobalProperties, account: Account, now: int) -> None:
    """Bring both manabars of `account` up to `now`."""
    maximum = effective_vests(account)
    account.voting_mana = regenerate(account.voting_mana, account.voting_mana_time, maximum, now)
    account.voting_mana_time = now
    down_max = maximum * dgp.downvote_pool_percent // params.PERCENT_100
    account.downvote_mana = regenerate(account.downvote_mana, account.downvote_mana_time, down_max, now)
    account.downvote_mana_time = now


def require_vests(asset: Asset, field: str) -> None:
    if asset.symbol != VESTS:
        raise ChainError(field, "symbol", f"must be VESTS, got {asset.symbol}")
