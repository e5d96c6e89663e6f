"""Witness evaluators: witness_update, account_witness_vote, account_witness_proxy, feed_publish.

Also the witness vote weight bookkeeping every change of STEEM POWER goes through (steemd's
adjust_proxied_witness_votes): an account's weight is its own VESTS plus the VESTS proxied to it,
and it counts for the witnesses it votes for, or travels up its proxy chain (at most 4 levels).
"""

from __future__ import annotations

import orjson

from ...protocol.asset import SBD, STEEM
from ...protocol.operations import AccountWitnessProxy, AccountWitnessVote, FeedPublish, WitnessUpdate
from .. import params
from ..apply import ApplyContext, evaluates
from ..errors import ChainError
from ..objects import Account, Witness, WitnessVote, new_witness
from ..state import ACCOUNTS, WITNESS_VOTES, WITNESSES, State

MAX_ACCOUNT_CREATION_FEE = 1_000_000_000  # STEEM_MAX_ACCOUNT_CREATION_FEE: 1000000.000 STEEM
SOFT_MAX_BLOCK_SIZE = 2 * 1024 * 1024  # STEEM_SOFT_MAX_BLOCK_SIZE


def proxied_votes(account: Account) -> list[int]:
    """The VESTS proxied to `account`, by depth (1..4)."""
    votes: list[int] = orjson.loads(account.proxied_vsf_votes)
    return votes


def vote_weight(account: Account) -> int:
    """witness_vote_weight(): own VESTS plus everything proxied to the account."""
    return account.vesting_shares + sum(proxied_votes(account))


def weight_by_depth(account: Account) -> list[int]:
    """The account's whole weight as the per-depth delta adjust_proxied_witness_votes takes."""
    return [account.vesting_shares, *proxied_votes(account)]


def adjust_proxied_witness_votes(state: State, account: Account, delta: int | list[int]) -> None:
    """Add `delta` VESTS (or a per-depth delta) to what `account` weighs in witness elections.

    Every account up the proxy chain records the change at its depth; the account at the end of
    the chain (depth < 4) moves its witnesses' votes. `account` itself is not written: save it first.
    """
    deltas = delta if isinstance(delta, list) else [delta] + [0] * params.MAX_PROXY_RECURSION_DEPTH
    depth = 0
    while account.proxy:
        if depth >= params.MAX_PROXY_RECURSION_DEPTH:
            return  # nested deeper than 4: the weight does not propagate
        account = state.require_account(account.proxy, "proxy")
        votes = proxied_votes(account)
        for index in range(params.MAX_PROXY_RECURSION_DEPTH - depth):
            votes[index + depth] += deltas[index]
        account.proxied_vsf_votes = orjson.dumps(votes).decode()
        ACCOUNTS.update(state.db, account)
        depth += 1
    adjust_witness_votes(state, account.name, sum(deltas[: params.MAX_PROXY_RECURSION_DEPTH - depth + 1]))


def adjust_witness_votes(state: State, voter: str, delta: int) -> None:
    """Every witness `voter` votes for gains `delta` votes."""
    for vote in WITNESS_VOTES.scan(state.db, "account = ?", (voter,)):
        adjust_witness_vote(state, vote.witness, delta)


def adjust_witness_vote(state: State, owner: str, delta: int) -> None:
    witness = require_witness(state, owner, "witness")
    witness.votes += delta
    WITNESSES.update(state.db, witness)


def clear_witness_votes(state: State, account: Account) -> None:
    """Forget the account's witness votes (their weight must already have been taken away)."""
    state.db.execute(f"DELETE FROM {WITNESS_VOTES.name} WHERE account = ?", (account.name,))
    account.witnesses_voted_for = 0


def withdraw_all_votes(state: State, account: Account) -> None:
    """Take the account's whole weight out of the election: from its proxy chain or its witnesses."""
    adjust_proxied_witness_votes(state, account, [-amount for amount in weight_by_depth(account)])


def require_witness(state: State, owner: str, field: str) -> Witness:
    found = state.witness(owner)
    if found is None:
        raise ChainError(field, "unknown-witness", f"@{owner} is not a witness (it has never sent witness_update)")
    return found


@evaluates(WitnessUpdate)
def witness_update(ctx: ApplyContext, op: WitnessUpdate) -> None:
    """witness_update_evaluator (HF20 rules): the proposed account creation fee may be at most
    1000000.000 STEEM and the proposed block size at most 2 MiB. The op's own `fee` is not charged."""
    state = ctx.state
    state.require_account(op.owner, "owner")
    props = op.props
    if props.account_creation_fee.amount > MAX_ACCOUNT_CREATION_FEE:
        raise ChainError("props.account_creation_fee", "fee", "account creation fee may be at most 1000000.000 STEEM")
    if props.maximum_block_size > SOFT_MAX_BLOCK_SIZE:
        raise ChainError(
            "props.maximum_block_size", "block-size", f"maximum block size may be at most {SOFT_MAX_BLOCK_SIZE} bytes"
        )
    witness = state.witness(op.owner)
    fee, size, rate = props.account_creation_fee.amount, props.maximum_block_size, props.sbd_interest_rate
    if witness is None:
        WITNESSES.insert(state.db, new_witness(op.owner, ctx.now, op.url, str(op.block_signing_key), fee, size, rate))
        return
    witness.url = op.url
    witness.signing_key = str(op.block_signing_key)
    witness.account_creation_fee, witness.maximum_block_size, witness.sbd_interest_rate = fee, size, rate
    WITNESSES.update(state.db, witness)


@evaluates(AccountWitnessVote)
def account_witness_vote(ctx: ApplyContext, op: AccountWitnessVote) -> None:
    """account_witness_vote_evaluator: approve (at most 30 witnesses) or withdraw a vote; an account
    with a proxy cannot vote, nor one that declined its voting rights. The witness gains or loses
    the voter's own VESTS plus the VESTS proxied to the voter."""
    state = ctx.state
    voter = state.require_account(op.account, "account")
    if voter.proxy:
        raise ChainError(
            "account", "proxy-set", f"@{voter.name} votes through proxy @{voter.proxy}; clear the proxy before voting"
        )
    if op.approve and not voter.can_vote:
        raise ChainError("account", "declined", f"@{voter.name} has declined its voting rights")
    witness = require_witness(state, op.witness, "witness")
    existing = WITNESS_VOTES.get(state.db, voter.name, witness.owner)
    if existing is None:
        if not op.approve:
            raise ChainError("approve", "no-vote", f"@{voter.name} does not vote for @{witness.owner}; nothing to undo")
        if voter.witnesses_voted_for >= params.MAX_ACCOUNT_WITNESS_VOTES:
            raise ChainError(
                "witness", "vote-limit", f"@{voter.name} already votes for {params.MAX_ACCOUNT_WITNESS_VOTES} witnesses"
            )
        WITNESS_VOTES.insert(state.db, WitnessVote(voter.name, witness.owner))
        voter.witnesses_voted_for += 1
        witness.votes += vote_weight(voter)
    else:
        if op.approve:
            raise ChainError("approve", "already-voted", f"@{voter.name} already votes for @{witness.owner}")
        WITNESS_VOTES.delete(state.db, existing)
        voter.witnesses_voted_for -= 1
        witness.votes -= vote_weight(voter)
    ACCOUNTS.update(state.db, voter)
    WITNESSES.update(state.db, witness)


@evaluates(AccountWitnessProxy)
def account_witness_proxy(ctx: ApplyContext, op: AccountWitnessProxy) -> None:
    """account_witness_proxy_evaluator: the proxy must change and the account may vote; a new proxy
    must exist, must not lead back to the account, and the chain from the account may hold at most
    4 accounts. The account's weight leaves its old proxy chain (or its witnesses, whose votes are
    cleared) and joins the new chain."""
    state = ctx.state
    account = state.require_account(op.account, "account")
    if account.proxy == op.proxy:
        raise ChainError("proxy", "proxy-unchanged", f"@{account.name}'s proxy is already {op.proxy or 'unset'}")
    if not account.can_vote:
        raise ChainError("account", "declined", f"@{account.name} has declined its voting rights and cannot proxy")
    if op.proxy:
        check_proxy_chain(state, account.name, op.proxy)
    withdraw_all_votes(state, account)
    if op.proxy:
        clear_witness_votes(state, account)
    account.proxy = op.proxy
    ACCOUNTS.update(state.db, account)
    if op.proxy:
        adjust_proxied_witness_votes(state, account, weight_by_depth(account))


def check_proxy_chain(state: State, name: str, proxy: str) -> None:
    """The chain name → proxy → … must not loop and may hold at most 4 accounts."""
    current = state.require_account(proxy, "proxy")
    chain = {name, current.name}
    while current.proxy:
        current = state.require_account(current.proxy, "proxy")
        if current.name in chain:
            raise ChainError("proxy", "proxy-loop", f"proxying to @{proxy} would create a proxy loop")
        chain.add(current.name)
        if len(chain) > params.MAX_PROXY_RECURSION_DEPTH:
            raise ChainError(
                "proxy",
                "proxy-depth",
                f"@{proxy}'s proxy chain is too long: at most {params.MAX_PROXY_RECURSION_DEPTH} accounts may chain",
            )


@evaluates(FeedPublish)
def feed_publish(ctx: ApplyContext, op: FeedPublish) -> None:
    """feed_publish_evaluator (HF20): the price must be SBD per STEEM (base SBD, quote STEEM) and the
    publisher a witness; the rate and the time are stored on the witness."""
    rate = op.exchange_rate
    if (rate.base.symbol, rate.quote.symbol) != (SBD, STEEM):
        raise ChainError(
            "exchange_rate", "feed-symbol", "a price feed must have base SBD and quote STEEM (SBD per STEEM)"
        )
    witness = ctx.state.witness(op.publisher)
    if witness is None:
        raise ChainError("publisher", "not-witness", f"only witnesses publish price feeds; @{op.publisher} is not one")
    witness.sbd_exchange_rate_base = rate.base.amount
    witness.sbd_exchange_rate_quote = rate.quote.amount
    witness.last_sbd_exchange_update = ctx.now
    WITNESSES.update(ctx.state.db, witness)
