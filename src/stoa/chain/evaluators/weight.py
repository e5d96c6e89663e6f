"""STEEM POWER bookkeeping every evaluator shares: vesting, mana, and witness vote weight.

An account's election weight is its own VESTS plus the VESTS proxied to it; it counts for the
witnesses it votes for, or travels up its proxy chain (at most 4 levels), as steemd's
adjust_proxied_witness_votes does. Every change of VESTS goes through here.
"""

from __future__ import annotations

import orjson

from .. import params
from ..errors import ChainError
from ..objects import Account, DynamicGlobalProperties, Witness
from ..state import ACCOUNTS, WITNESS_VOTES, WITNESSES, State
from .common import regenerate_mana, steem_to_vests


def grant_mana(dgp: DynamicGlobalProperties, account: Account, now: int, vests: int) -> None:
    """util::update_manabar with new mana: regenerate both bars, then add `vests` worth of mana."""
    regenerate_mana(dgp, account, now)
    account.voting_mana += vests
    account.downvote_mana += vests * dgp.downvote_pool_percent // params.PERCENT_100


def take_mana(dgp: DynamicGlobalProperties, account: Account, vests: int) -> None:
    """manabar::use_mana for `vests` of voting mana and its share of downvote mana; never below 0."""
    account.voting_mana = max(account.voting_mana - vests, 0)
    account.downvote_mana = max(account.downvote_mana - vests * dgp.downvote_pool_percent // params.PERCENT_100, 0)


def create_vesting(state: State, dgp: DynamicGlobalProperties, account: Account, steem: int, now: int) -> int:
    """Power up: `steem` becomes VESTS of `account`, with as much mana and election weight. Returns the VESTS.

    The caller saves `account` and `dgp` afterwards (and any account it changed before, first)."""
    vests = steem_to_vests(dgp, steem)
    grant_mana(dgp, account, now, vests)
    account.vesting_shares += vests
    dgp.total_vesting_fund_steem += steem
    dgp.total_vesting_shares += vests
    adjust_proxied_witness_votes(state, account, vests)
    return vests


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


def require_witness(state: State, owner: str, field: str) -> Witness:
    found = state.witness(owner)
    if found is None:
        raise ChainError(field, "unknown-witness", f"@{owner} is not a witness (it has never sent witness_update)")
    return found
