"""Witness evaluators: witness_update, account_witness_vote, account_witness_proxy, feed_publish.

The election weight they move is kept by evaluators/weight.py.
"""

from __future__ import annotations

from ...protocol.asset import SBD, STEEM
from ...protocol.operations import AccountWitnessProxy, AccountWitnessVote, FeedPublish, WitnessUpdate
from .. import params
from ..apply import ApplyContext, evaluates
from ..errors import ChainError
from ..objects import Account, WitnessVote, new_witness
from ..state import ACCOUNTS, WITNESS_VOTES, WITNESSES, State
from .weight import adjust_proxied_witness_votes, require_witness, vote_weight, weight_by_depth

MAX_ACCOUNT_CREATION_FEE = 1_000_000_000  # STEEM_MAX_ACCOUNT_CREATION_FEE: 1000000.000 STEEM
SOFT_MAX_BLOCK_SIZE = 2 * 1024 * 1024  # STEEM_SOFT_MAX_BLOCK_SIZE


def clear_witness_votes(state: State, account: Account) -> None:
    """Forget the account's witness votes (their weight must already have been taken away)."""
    state.db.execute(f"DELETE FROM {WITNESS_VOTES.name} WHERE account = ?", (account.name,))
    account.witnesses_voted_for = 0


def withdraw_all_votes(state: State, account: Account) -> None:
    """Take the account's whole weight out of the election: from its proxy chain or its witnesses."""
    adjust_proxied_witness_votes(state, account, [-amount for amount in weight_by_depth(account)])


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
