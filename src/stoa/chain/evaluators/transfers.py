"""Transfer evaluators: transfer and transfer_to_vesting (power up)."""

from __future__ import annotations

from ...protocol.operations import Transfer, TransferToVesting
from ..apply import ApplyContext, evaluates
from ..state import ACCOUNTS, DGP
from .common import move, spend
from .weight import create_vesting


@evaluates(Transfer)
def transfer(ctx: ApplyContext, op: Transfer) -> None:
    """transfer_evaluator: the sender must hold the amount; the recipient must exist."""
    move(ctx.state, op.from_, op.to, op.amount)


@evaluates(TransferToVesting)
def transfer_to_vesting(ctx: ApplyContext, op: TransferToVesting) -> None:
    """transfer_to_vesting_evaluator: STEEM leaves `from` and becomes VESTS of `to` (or of `from`)."""
    state = ctx.state
    sender = state.require_account(op.from_, "from")
    spend(sender, op.amount)
    ACCOUNTS.update(state.db, sender)  # saved first: the recipient's proxy chain may pass through it
    recipient = sender if op.to in ("", op.from_) else state.require_account(op.to, "to")
    dgp = state.dgp()
    create_vesting(state, dgp, recipient, op.amount.amount, ctx.now)
    DGP.update(state.db, dgp)
    ACCOUNTS.update(state.db, recipient)
