"""STEEM POWER evaluators, and what the chain does for them each block.

The evaluators are withdraw_vesting (power down), set_withdraw_vesting_route,
delegate_vesting_shares and claim_reward_balance. Each block the chain pays power-down installments
and returns expired delegations.

Mana follows steemd after HF22 (which only fixed how delegations scale downvote mana, on Steem and
Hive alike): VESTS gained add as much voting mana (and a quarter as much downvote mana).
"""

from __future__ import annotations

from ...protocol import Asset
from ...protocol.asset import SBD, STEEM, VESTS
from ...protocol.operations import (
    ClaimRewardBalance,
    DelegateVestingShares,
    FillVestingWithdraw,
    ReturnVestingDelegation,
    SetWithdrawVestingRoute,
    WithdrawVesting,
)
from .. import params
from ..apply import ApplyContext, end_of_block, evaluates
from ..errors import ChainError
from ..objects import MAX_TIME, Account, DelegationExpiration, DynamicGlobalProperties, VestingDelegation, WithdrawRoute
from ..state import ACCOUNTS, DELEGATION_EXPIRATIONS, DELEGATIONS, DGP, WITHDRAW_ROUTES, State
from .accounts import state_fee
from .common import effective_vests, regenerate_mana, steem_to_vests, vests_to_steem
from .weight import adjust_proxied_witness_votes, grant_mana, take_mana

# --- power down ---------------------------------------------------------------------------------


@evaluates(WithdrawVesting)
def withdraw_vesting(ctx: ApplyContext, op: WithdrawVesting) -> None:
    """withdraw_vesting_evaluator (HF21): power down at most the VESTS not delegated away, in 13
    weekly installments of amount/13 rounded up, the first a week from now; 0 VESTS cancels. The
    operation must change the withdraw rate."""
    state = ctx.state
    account = state.require_account(op.account, "account")
    amount = op.vesting_shares.amount
    own = account.vesting_shares - account.delegated_vesting_shares
    if own < amount:
        raise ChainError(
            "vesting_shares",
            "funds",
            f"@{account.name} has {Asset(own, VESTS)} not delegated away, not enough to power down {op.vesting_shares}",
        )
    rate = -(-amount // params.VESTING_WITHDRAW_INTERVALS)
    if rate == account.vesting_withdraw_rate:
        problem = "is not powering down" if rate == 0 else "already powers down at this rate"
        raise ChainError("vesting_shares", "no-change", f"@{account.name} {problem}; this would change nothing")
    account.vesting_withdraw_rate = rate
    account.next_vesting_withdrawal = ctx.now + params.VESTING_WITHDRAW_INTERVAL_SECONDS if amount else MAX_TIME
    account.to_withdraw = amount
    account.withdrawn = 0
    ACCOUNTS.update(state.db, account)


@evaluates(SetWithdrawVestingRoute)
def set_withdraw_vesting_route(ctx: ApplyContext, op: SetWithdrawVestingRoute) -> None:
    """set_withdraw_vesting_route_evaluator: create, change or (percent 0) remove a route; an account
    has at most 10 routes, and together they take at most 100 % of each installment."""
    state = ctx.state
    source = state.require_account(op.from_account, "from_account")
    state.require_account(op.to_account, "to_account")
    route = WITHDRAW_ROUTES.get(state.db, op.from_account, op.to_account)
    if route is None:
        if op.percent == 0:
            raise ChainError("percent", "zero-route", f"@{source.name} has no route to @{op.to_account} to remove")
        if source.withdraw_routes >= params.MAX_WITHDRAW_ROUTES:
            raise ChainError(
                "to_account", "route-limit", f"@{source.name} already has {params.MAX_WITHDRAW_ROUTES} withdraw routes"
            )
        WITHDRAW_ROUTES.insert(state.db, WithdrawRoute(op.from_account, op.to_account, op.percent, op.auto_vest))
        source.withdraw_routes += 1
    elif op.percent == 0:
        WITHDRAW_ROUTES.delete(state.db, route)
        source.withdraw_routes -= 1
    else:
        WITHDRAW_ROUTES.update(state.db, WithdrawRoute(op.from_account, op.to_account, op.percent, op.auto_vest))
    total = sum(r.percent for r in WITHDRAW_ROUTES.scan(state.db, "from_account = ?", (source.name,)))
    if total > params.PERCENT_100:
        raise ChainError("percent", "percent", f"@{source.name}'s routes would take {total / 100:g} %, more than 100 %")
    ACCOUNTS.update(state.db, source)


@end_of_block
def return_expired_delegations(ctx: ApplyContext) -> None:
    """clear_expired_delegations: VESTS of a lowered delegation go back to the delegator (with mana)."""
    state = ctx.state
    dgp = state.dgp()
    expired = DELEGATION_EXPIRATIONS.scan(state.db, "expiration < ?", (ctx.now,))
    for expiration in sorted(expired, key=lambda row: (row.expiration, row.id)):
        delegator = state.require_account(expiration.delegator, "delegator")
        grant_mana(dgp, delegator, ctx.now, expiration.vesting_shares)
        delegator.delegated_vesting_shares -= expiration.vesting_shares
        ACCOUNTS.update(state.db, delegator)
        DELEGATION_EXPIRATIONS.delete(state.db, expiration)
        ctx.emit(ReturnVestingDelegation(delegator.name, Asset(expiration.vesting_shares, VESTS)))


@end_of_block
def process_vesting_withdrawals(ctx: ApplyContext) -> None:
    """process_vesting_withdrawals: pay every installment due, earliest first. After a jump in time
    an account is paid once for every week that has passed, as steemd does."""
    while (name := next_due_withdrawal(ctx.state, ctx.now)) is not None:
        pay_installment(ctx, name)


def next_due_withdrawal(state: State, now: int) -> str | None:
    due = ACCOUNTS.due(state.db, "next_vesting_withdrawal", now, ("next_vesting_withdrawal", "name"))
    return due[0].name if due else None


def installment(account: Account) -> int:
    """This week's VESTS: the rate, or what remains of to_withdraw; never more than the account holds."""
    if account.to_withdraw - account.withdrawn < account.vesting_withdraw_rate:
        return min(account.vesting_shares, account.to_withdraw % account.vesting_withdraw_rate)
    return min(account.vesting_shares, account.vesting_withdraw_rate)


def pay_installment(ctx: ApplyContext, name: str) -> None:
    """One installment: routes first (auto-vested ones, then the others), the remainder to the owner
    as STEEM at the share price; fill_vesting_withdraw for each; the next one a week later."""
    state = ctx.state
    dgp = state.dgp()
    amount = installment(state.require_account(name, "account"))
    routes = WITHDRAW_ROUTES.scan(state.db, "from_account = ?", (name,))
    routed = sum(pay_route(ctx, dgp, route, amount) for route in routes if route.auto_vest)
    routed += sum(pay_route(ctx, dgp, route, amount) for route in routes if not route.auto_vest)
    account = state.require_account(name, "account")  # read again: a route may lead back to it
    remainder = amount - routed
    steem = vests_to_steem(dgp, remainder)
    account.vesting_shares -= amount
    account.balance += steem
    account.withdrawn += amount
    if account.withdrawn >= account.to_withdraw or account.vesting_shares == 0:
        account.vesting_withdraw_rate = 0
        account.next_vesting_withdrawal = MAX_TIME
    else:
        account.next_vesting_withdrawal += params.VESTING_WITHDRAW_INTERVAL_SECONDS
    ACCOUNTS.update(state.db, account)
    dgp.total_vesting_fund_steem -= steem
    dgp.total_vesting_shares -= remainder
    DGP.update(state.db, dgp)
    if amount:
        adjust_proxied_witness_votes(state, account, -amount)
    ctx.emit(FillVestingWithdraw(name, name, Asset(remainder, VESTS), Asset(steem, STEEM)))


def pay_route(ctx: ApplyContext, dgp: DynamicGlobalProperties, route: WithdrawRoute, amount: int) -> int:
    """The route's percent of the installment, as VESTS (auto_vest) or STEEM. Returns the VESTS routed."""
    vests = amount * route.percent // params.PERCENT_100
    if vests == 0:
        return 0
    state = ctx.state
    recipient = state.require_account(route.to_account, "to_account")
    if route.auto_vest:
        deposited = Asset(vests, VESTS)
        recipient.vesting_shares += vests
    else:
        deposited = Asset(vests_to_steem(dgp, vests), STEEM)
        recipient.balance += deposited.amount
        dgp.total_vesting_fund_steem -= deposited.amount
        dgp.total_vesting_shares -= vests
    ACCOUNTS.update(state.db, recipient)
    if route.auto_vest:
        adjust_proxied_witness_votes(state, recipient, vests)
    ctx.emit(FillVestingWithdraw(route.from_account, route.to_account, Asset(vests, VESTS), deposited))
    return vests


# --- delegation ---------------------------------------------------------------------------------


@evaluates(DelegateVestingShares)
def delegate_vesting_shares(ctx: ApplyContext, op: DelegateVestingShares) -> None:
    """delegate_vesting_shares_evaluator (HF20–22): a delegator can lend only VESTS whose voting and
    downvote mana it has now, never received VESTS nor VESTS being powered down. A new delegation is
    at least the median account creation fee / 3 worth of VESTS, a change at least fee / 30, and a
    lowered one keeps at least fee / 3 (or is removed with 0). Lent VESTS carry their mana to the
    delegatee; VESTS taken back leave the delegatee (and their mana) at once and return to the
    delegator after the delegation return period (5 days)."""
    state = ctx.state
    delegator = state.require_account(op.delegator, "delegator")
    delegatee = state.require_account(op.delegatee, "delegatee")
    dgp = state.dgp()
    regenerate_mana(dgp, delegator, ctx.now)
    amount = op.vesting_shares.amount
    delegation = DELEGATIONS.get(state.db, op.delegator, op.delegatee)
    if delegation is None:
        require_minimum(amount, minimum_delegation(state, dgp, 3), "delegate at least")
        require_delegable(dgp, delegator, amount)
        lend(ctx, dgp, delegator, delegatee, amount)
        DELEGATIONS.insert(state.db, VestingDelegation(op.delegator, op.delegatee, amount, ctx.now))
        return
    change = amount - delegation.vesting_shares
    if amount:
        require_minimum(abs(change), minimum_delegation(state, dgp, 30), "change a delegation by at least")
    if change >= 0:
        require_delegable(dgp, delegator, change)
        lend(ctx, dgp, delegator, delegatee, change)
    else:
        if amount:
            require_minimum(amount, minimum_delegation(state, dgp, 3), "leave delegated at least")
        take_back(ctx, dgp, delegator, delegatee, delegation, -change)
    delegation.vesting_shares = amount
    if amount:
        DELEGATIONS.update(state.db, delegation)
    else:
        DELEGATIONS.delete(state.db, delegation)


def minimum_delegation(state: State, dgp: DynamicGlobalProperties, divisor: int) -> int:
    """The median account creation fee / divisor, in VESTS at the current share price."""
    return steem_to_vests(dgp, state_fee(state) // divisor)


def require_minimum(amount: int, minimum: int, what: str) -> None:
    if amount < minimum:
        raise ChainError("vesting_shares", "minimum", f"you must {what} {Asset(minimum, VESTS)}")


def require_delegable(dgp: DynamicGlobalProperties, delegator: Account, vests: int) -> None:
    """steemd's available shares: current voting and downvote mana, of own VESTS only, less every
    VESTS still to be powered down after this week's installment."""
    own = effective_vests(delegator) - delegator.received_vesting_shares
    percent = dgp.downvote_pool_percent
    downvote = delegator.voting_mana  # without a downvote pool steemd counts the voting mana twice
    if percent:
        downvote = delegator.downvote_mana * params.PERCENT_100 // percent + params.PERCENT_100 // percent - 1
    available = {"voting": min(delegator.voting_mana, own), "downvote": min(downvote, own)}
    remaining = delegator.to_withdraw - delegator.withdrawn
    if delegator.next_vesting_withdrawal != MAX_TIME and remaining > delegator.vesting_withdraw_rate:
        for kind in available:
            available[kind] -= remaining - delegator.vesting_withdraw_rate
    for kind, have in available.items():
        if have < vests:
            raise ChainError(
                "vesting_shares",
                "funds",
                f"@{delegator.name} has {kind} mana for {Asset(have, VESTS)}, not for {Asset(vests, VESTS)}",
            )


def lend(ctx: ApplyContext, dgp: DynamicGlobalProperties, delegator: Account, delegatee: Account, vests: int) -> None:
    """The delegator spends the VESTS' mana; the delegatee gains the VESTS and as much mana."""
    delegator.delegated_vesting_shares += vests
    take_mana(dgp, delegator, vests)
    grant_mana(dgp, delegatee, ctx.now, vests)
    delegatee.received_vesting_shares += vests
    ACCOUNTS.update(ctx.state.db, delegator)
    ACCOUNTS.update(ctx.state.db, delegatee)


def take_back(
    ctx: ApplyContext,
    dgp: DynamicGlobalProperties,
    delegator: Account,
    delegatee: Account,
    delegation: VestingDelegation,
    vests: int,
) -> None:
    """The delegatee loses the VESTS and their mana now; the delegator gets them back after the
    return period, and not before the delegation's minimum time."""
    state = ctx.state
    regenerate_mana(dgp, delegatee, ctx.now)
    delegatee.received_vesting_shares -= vests
    take_mana(dgp, delegatee, vests)
    ACCOUNTS.update(state.db, delegator)
    ACCOUNTS.update(state.db, delegatee)
    expiration = max(ctx.now + dgp.delegation_return_period, delegation.min_delegation_time)
    DELEGATION_EXPIRATIONS.insert(
        state.db, DelegationExpiration(state.next_id(DELEGATION_EXPIRATIONS), delegator.name, vests, expiration)
    )


# --- rewards ------------------------------------------------------------------------------------


@evaluates(ClaimRewardBalance)
def claim_reward_balance(ctx: ApplyContext, op: ClaimRewardBalance) -> None:
    """claim_reward_balance_evaluator: claim at most what each reward balance holds. STEEM and SBD
    become liquid; VESTS join the account's STEEM POWER (with their mana and witness weight), taking
    their share of reward_vesting_steem out of the DGP's pending rewarded counters into the fund."""
    state = ctx.state
    account = state.require_account(op.account, "account")
    held = {
        "reward_steem": Asset(account.reward_steem_balance, STEEM),
        "reward_sbd": Asset(account.reward_sbd_balance, SBD),
        "reward_vests": Asset(account.reward_vesting_balance, VESTS),
    }
    for field, have in held.items():
        claim = getattr(op, field)
        if claim.amount > have.amount:
            raise ChainError(field, "funds", f"@{account.name} has {have} of this reward to claim, not {claim}")
    vests = op.reward_vests.amount
    if vests == account.reward_vesting_balance:
        steem = account.reward_vesting_steem
    else:
        steem = vests * account.reward_vesting_steem // account.reward_vesting_balance
    account.reward_steem_balance -= op.reward_steem.amount
    account.reward_sbd_balance -= op.reward_sbd.amount
    account.balance += op.reward_steem.amount
    account.sbd_balance += op.reward_sbd.amount
    dgp = state.dgp()
    grant_mana(dgp, account, ctx.now, vests)
    account.vesting_shares += vests
    account.reward_vesting_balance -= vests
    account.reward_vesting_steem -= steem
    ACCOUNTS.update(state.db, account)
    dgp.total_vesting_shares += vests
    dgp.total_vesting_fund_steem += steem
    dgp.pending_rewarded_vesting_shares -= vests
    dgp.pending_rewarded_vesting_steem -= steem
    DGP.update(state.db, dgp)
    adjust_proxied_witness_votes(state, account, vests)
