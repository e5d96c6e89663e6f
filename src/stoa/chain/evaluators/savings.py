"""Savings evaluators, and the end-of-block step that pays withdrawals whose time has come.

The evaluators are transfer_to_savings, transfer_from_savings (3 days later) and its cancellation.
"""

from __future__ import annotations

from ...protocol import Asset
from ...protocol.operations import (
    CancelTransferFromSavings,
    FillTransferFromSavings,
    TransferFromSavings,
    TransferToSavings,
)
from .. import params
from ..apply import ApplyContext, end_of_block, evaluates
from ..errors import ChainError
from ..objects import SavingsWithdraw
from ..state import ACCOUNTS, SAVINGS_WITHDRAWS
from .common import deposit, move, spend


@evaluates(TransferToSavings)
def transfer_to_savings(ctx: ApplyContext, op: TransferToSavings) -> None:
    """transfer_to_savings_evaluator: liquid STEEM or SBD of `from` goes at once into `to`'s savings."""
    move(ctx.state, op.from_, op.to, op.amount, to_savings=True)


@evaluates(TransferFromSavings)
def transfer_from_savings(ctx: ApplyContext, op: TransferFromSavings) -> None:
    """transfer_from_savings_evaluator: at most 100 pending requests per account, each request_id
    once; the amount leaves savings now and reaches `to`'s liquid balance 3 days later."""
    state = ctx.state
    sender = state.require_account(op.from_, "from")
    state.require_account(op.to, "to")
    if sender.savings_withdraw_requests >= params.SAVINGS_WITHDRAW_REQUEST_LIMIT:
        raise ChainError(
            "from",
            "request-limit",
            f"@{sender.name} already has {params.SAVINGS_WITHDRAW_REQUEST_LIMIT} pending savings withdrawals;"
            " wait for one to complete or cancel one",
        )
    if SAVINGS_WITHDRAWS.get(state.db, op.from_, op.request_id) is not None:
        raise ChainError(
            "request_id", "duplicate-request", f"@{sender.name} already has savings withdrawal #{op.request_id} pending"
        )
    spend(sender, op.amount, savings=True)
    sender.savings_withdraw_requests += 1
    ACCOUNTS.update(state.db, sender)
    complete = ctx.now + params.SAVINGS_WITHDRAW_TIME
    withdraw = SavingsWithdraw(op.from_, op.request_id, op.to, op.memo, op.amount.amount, op.amount.symbol, complete)
    SAVINGS_WITHDRAWS.insert(state.db, withdraw)


@evaluates(CancelTransferFromSavings)
def cancel_transfer_from_savings(ctx: ApplyContext, op: CancelTransferFromSavings) -> None:
    """cancel_transfer_from_savings_evaluator: the pending request's amount returns to `from`'s savings."""
    state = ctx.state
    withdraw = SAVINGS_WITHDRAWS.get(state.db, op.from_, op.request_id)
    if withdraw is None:
        raise ChainError(
            "request_id", "unknown-request", f"@{op.from_} has no pending savings withdrawal #{op.request_id}"
        )
    sender = state.require_account(op.from_, "from")
    deposit(sender, Asset(withdraw.amount, withdraw.symbol), savings=True)
    sender.savings_withdraw_requests -= 1
    ACCOUNTS.update(state.db, sender)
    SAVINGS_WITHDRAWS.delete(state.db, withdraw)


@end_of_block
def process_savings_withdraws(ctx: ApplyContext) -> None:
    """process_savings_withdraws: pay every request whose time has come, earliest first."""
    state = ctx.state
    due = SAVINGS_WITHDRAWS.scan(state.db, "complete <= ?", (ctx.now,))
    for withdraw in sorted(due, key=lambda row: (row.complete, row.from_account, row.request_id)):
        amount = Asset(withdraw.amount, withdraw.symbol)
        recipient = state.require_account(withdraw.to_account, "to")
        deposit(recipient, amount)
        ACCOUNTS.update(state.db, recipient)
        sender = state.require_account(withdraw.from_account, "from")
        sender.savings_withdraw_requests -= 1
        ACCOUNTS.update(state.db, sender)
        SAVINGS_WITHDRAWS.delete(state.db, withdraw)
        ctx.emit(FillTransferFromSavings(sender.name, recipient.name, amount, withdraw.request_id, withdraw.memo))
