"""Account evaluators: account_create, claim_account, create_claimed_account, account_update.

account_create_with_delegation is here too.
"""

from __future__ import annotations

from ...protocol import Asset
from ...protocol.asset import STEEM
from ...protocol.operations import (
    AccountCreate,
    AccountCreateWithDelegation,
    AccountUpdate,
    ClaimAccount,
    CreateClaimedAccount,
)
from ...protocol.rules import validate_account_name
from .. import params
from ..apply import ApplyContext, evaluates
from ..errors import ChainError
from ..objects import new_account
from ..state import ACCOUNTS, COMMENTS, DGP, State
from .common import deposit, spend, steem_to_vests
from .weight import create_vesting


def require_new_name(state: State, name: str) -> None:
    validate_account_name(name, "new_account_name")
    if state.account(name) is not None:
        raise ChainError("new_account_name", "account-exists", f"account {name!r} already exists")


NewAccountOp = AccountCreate | AccountCreateWithDelegation | CreateClaimedAccount


def check_authority_accounts(state: State, op: NewAccountOp | AccountUpdate) -> None:
    """Accounts named in the new authorities must exist (verify_authority_accounts_exist)."""
    for role in ("owner", "active", "posting"):
        authority = getattr(op, role)
        for name, _ in authority.account_auths if authority is not None else ():
            state.require_account(name, f"{role}.account_auths")


@evaluates(AccountCreate)
def account_create(ctx: ApplyContext, op: AccountCreate) -> None:
    """account_create_evaluator (HF20): the fee must equal the median account_creation_fee and is
    burned (paid to @null); the new account starts with no STEEM POWER."""
    state = ctx.state
    creator = state.require_account(op.creator, "creator")
    fee = state_fee(state)
    if op.fee.amount != fee:
        raise ChainError("fee", "fee", f"account creation fee must be exactly {Asset(fee, STEEM)}, got {op.fee}")
    require_new_name(state, op.new_account_name)
    check_authority_accounts(state, op)
    spend(creator, op.fee, "fee")
    ACCOUNTS.update(state.db, creator)
    null = state.require_account(params.NULL_ACCOUNT, "fee")
    deposit(null, op.fee)
    ACCOUNTS.update(state.db, null)
    create(ctx, op, 0, 0)


@evaluates(AccountCreateWithDelegation)
def account_create_with_delegation(ctx: ApplyContext, op: AccountCreateWithDelegation) -> None:
    """account_create_with_delegation_evaluator with its HF17 rules: fee ≥ the median fee, and
    5 × fee (as VESTS) + delegation ≥ 150 × the median fee (as VESTS). Steem HF20 retired this
    operation in favour of claimed accounts; Stoa keeps it, since clients still send it."""
    state = ctx.state
    creator = state.require_account(op.creator, "creator")
    fee = state_fee(state)
    if op.fee.amount < fee:
        raise ChainError("fee", "fee", f"account creation fee must be at least {Asset(fee, STEEM)}, got {op.fee}")
    dgp = state.dgp()
    target = steem_to_vests(
        dgp, fee * params.CREATE_ACCOUNT_WITH_STEEM_MODIFIER * params.CREATE_ACCOUNT_DELEGATION_RATIO
    )
    offered = steem_to_vests(dgp, op.fee.amount * params.CREATE_ACCOUNT_DELEGATION_RATIO) + op.delegation.amount
    if offered < target:
        raise ChainError("delegation", "delegation", f"fee and delegation are worth {offered} VESTS; {target} needed")
    require_new_name(state, op.new_account_name)
    check_authority_accounts(state, op)
    available = (
        creator.vesting_shares
        - creator.delegated_vesting_shares
        - max(0, min(creator.vesting_withdraw_rate, creator.to_withdraw - creator.withdrawn))
    )
    if available < op.delegation.amount:
        raise ChainError(
            "delegation", "funds", f"@{creator.name} cannot delegate {op.delegation}: not enough free VESTS"
        )
    spend(creator, op.fee, "fee")
    creator.delegated_vesting_shares += op.delegation.amount
    ACCOUNTS.update(state.db, creator)
    create(ctx, op, op.fee.amount, op.delegation.amount)
    if op.delegation.amount:
        state.db.execute(
            "INSERT INTO vesting_delegations (delegator, delegatee, vesting_shares, min_delegation_time)"
            " VALUES (?, ?, ?, ?)",
            (op.creator, op.new_account_name, op.delegation.amount, ctx.now + params.CREATE_ACCOUNT_DELEGATION_TIME),
        )


def state_fee(state: State) -> int:
    """The account creation fee in force: the median the scheduled witnesses propose."""
    return state.schedule().account_creation_fee


def create(ctx: ApplyContext, op: NewAccountOp, fee: int, delegation: int) -> None:
    """Insert the new account; a fee paid in STEEM becomes its STEEM POWER, a delegation its received VESTS."""
    state = ctx.state
    account = new_account(
        op.new_account_name,
        state.next_id(ACCOUNTS),
        op.owner,
        op.active,
        op.posting,
        str(op.memo_key),
        op.json_metadata,
        ctx.now,
        op.creator,
    )
    account.received_vesting_shares = delegation
    account.voting_mana += delegation
    if fee:
        dgp = state.dgp()
        create_vesting(state, dgp, account, fee, ctx.now)
        DGP.update(state.db, dgp)
    ACCOUNTS.insert(state.db, account)
    COMMENTS.mark_complete(state.db, (account.name,))  # a new account has written nothing yet


@evaluates(AccountUpdate)
def account_update(ctx: ApplyContext, op: AccountUpdate) -> None:
    """account_update_evaluator: owner changes at most twice an hour; new authorities must be possible."""
    state = ctx.state
    account = state.require_account(op.account, "account")
    check_authority_accounts(state, op)
    for role in ("owner", "active", "posting"):
        authority = getattr(op, role)
        if authority is not None and authority.is_impossible():
            raise ChainError(role, "impossible", f"the new {role} authority can never be satisfied")
    if op.owner is not None:
        if ctx.now - account.last_owner_update < params.OWNER_UPDATE_LIMIT:
            raise ChainError("owner", "owner-update", "owner authority can be updated only once an hour")
        account.owner = op.owner.to_bytes()
        account.last_owner_update = ctx.now
    if op.active is not None:
        account.active = op.active.to_bytes()
    if op.posting is not None:
        account.posting = op.posting.to_bytes()
    account.memo_key = str(op.memo_key)
    account.json_metadata = op.json_metadata
    account.last_account_update = ctx.now
    ACCOUNTS.update(state.db, account)


@evaluates(ClaimAccount)
def claim_account(ctx: ApplyContext, op: ClaimAccount) -> None:
    """claim_account_evaluator: pay exactly the median account creation fee (burned to @null) for
    one account-creation ticket. A fee of 0 claims a subsidised account with resource credits in
    steemd; this chain has no resource credits and no subsidy pool, so a 0 fee is rejected."""
    state = ctx.state
    creator = state.require_account(op.creator, "creator")
    if op.fee.amount == 0:
        raise ChainError(
            "fee", "no-subsidies", "this chain has no resource credits to claim an account with; pay the fee"
        )
    fee = state_fee(state)
    if op.fee.amount != fee:
        raise ChainError("fee", "fee", f"the claim fee must be exactly {Asset(fee, STEEM)}, got {op.fee}")
    spend(creator, op.fee, "fee")
    creator.pending_claimed_accounts += 1
    ACCOUNTS.update(state.db, creator)
    null = state.require_account(params.NULL_ACCOUNT, "fee")
    deposit(null, op.fee)
    ACCOUNTS.update(state.db, null)


@evaluates(CreateClaimedAccount)
def create_claimed_account(ctx: ApplyContext, op: CreateClaimedAccount) -> None:
    """create_claimed_account_evaluator: spends one of the creator's claimed tickets; accounts in the
    new authorities must exist. The new account starts with no STEEM POWER."""
    state = ctx.state
    creator = state.require_account(op.creator, "creator")
    if creator.pending_claimed_accounts <= 0:
        raise ChainError("creator", "no-claimed-accounts", f"@{creator.name} has no claimed accounts; claim one first")
    check_authority_accounts(state, op)
    require_new_name(state, op.new_account_name)
    creator.pending_claimed_accounts -= 1
    ACCOUNTS.update(state.db, creator)
    create(ctx, op, 0, 0)
