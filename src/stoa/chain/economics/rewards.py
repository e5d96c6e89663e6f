"""Inflation and content rewards: process_funds every block, and the 7-day cashout.

Posts and comments cash out with an author, curator and beneficiary split (protocol.md §4.2, §4.3,
§4.5, §4.6).

All arithmetic is on Python integers, which are exact where steemd uses uint128. Rewards go to
reward balances (claim_reward_balance moves them); the chain's own operations are recorded as
virtual operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import orjson

from ...protocol import Asset
from ...protocol.asset import SBD, STEEM, VESTS
from ...protocol.operations import (
    AuthorReward,
    CommentBenefactorReward,
    CommentPayoutUpdate,
    CommentReward,
    CurationReward,
    ProducerReward,
)
from .. import params
from ..apply import ApplyContext, end_of_block
from ..evaluators.weight import create_vesting
from ..objects import MAX_TIME, Account, Comment, DynamicGlobalProperties, RewardFund
from ..state import ACCOUNTS, COMMENTS, DGP, REWARD_FUNDS, State
from .curves import convergent_linear
from .payout import author_claim, comment_payout, decayed_claims
from .sbd import Price, median_price, refresh_virtual_supply, steem_to_sbd

# --- inflation (process_funds) -----------------------------------------------------------------


def inflation_rate_bp(block_num: int) -> int:
    """9.78 % a year at the start, 0.01 % less every 250,000 blocks, never below 0.95 %."""
    return max(
        params.INFLATION_RATE_START_BP - block_num // params.INFLATION_NARROWING_PERIOD, params.INFLATION_RATE_STOP_BP
    )


@dataclass(frozen=True)
class Issuance:
    content: int
    vesting: int
    treasury: int
    witness: int


def block_issuance(dgp: DynamicGlobalProperties, block_num: int, witness_weight: int, normalization: int) -> Issuance:
    """This block's new STEEM and its split; the producer's share is scaled by its schedule weight."""
    new_steem = dgp.virtual_supply * inflation_rate_bp(block_num) // (params.PERCENT_100 * params.BLOCKS_PER_YEAR)
    content = new_steem * dgp.content_reward_percent // params.PERCENT_100
    vesting = new_steem * dgp.vesting_reward_percent // params.PERCENT_100
    treasury = new_steem * dgp.sps_fund_percent // params.PERCENT_100
    witness = new_steem - content - vesting - treasury
    witness = witness * MAX_WITNESSES * witness_weight // max(normalization, 1)
    return Issuance(content, vesting, treasury, witness)


MAX_WITNESSES = 21
TIMESHARE_WEIGHT = 5


@end_of_block
def process_funds(ctx: ApplyContext) -> None:
    """Mint this block's STEEM: the reward pool, the vesting fund (raising STEEM per VESTS), the
    treasury (as SBD at the median price) and the producer's pay (vested: producer_reward)."""
    state = ctx.state
    dgp = state.dgp()
    schedule = state.schedule()
    timeshare = dgp.current_witness == schedule.timeshare_witness
    issued = block_issuance(dgp, ctx.block_num, TIMESHARE_WEIGHT if timeshare else 1, schedule.pay_normalization())
    fund = state.reward_fund()
    fund.reward_balance += issued.content
    REWARD_FUNDS.update(state.db, fund)
    treasury_sbd = steem_to_sbd(issued.treasury, median_price(state.feed()))
    if treasury_sbd:
        treasury = state.require_account(params.TREASURY_ACCOUNT, "treasury")
        treasury.sbd_balance += treasury_sbd
        ACCOUNTS.update(state.db, treasury)
    dgp.total_vesting_fund_steem += issued.vesting
    dgp.current_supply += issued.content + issued.vesting + issued.witness
    dgp.current_sbd_supply += treasury_sbd
    dgp.sps_interval_ledger += treasury_sbd
    producer = state.require_account(dgp.current_witness, "witness")
    vests = create_vesting(state, dgp, producer, issued.witness, ctx.now)
    ACCOUNTS.update(state.db, producer)
    refresh_virtual_supply(state, dgp)
    DGP.update(state.db, dgp)
    ctx.emit(ProducerReward(producer.name, Asset(vests, VESTS)))


# --- paying rewards into reward balances -------------------------------------------------------


def reward_vesting(dgp: DynamicGlobalProperties, account: Account, steem: int) -> int:
    """create_vesting(to_reward_balance): VESTS held for a later claim, priced with what is pending."""
    shares = dgp.total_vesting_shares + dgp.pending_rewarded_vesting_shares
    fund = dgp.total_vesting_fund_steem + dgp.pending_rewarded_vesting_steem
    vests = steem * shares // fund if fund and shares else steem * params.VESTS_PER_STEEM_AT_GENESIS
    account.reward_vesting_balance += vests
    account.reward_vesting_steem += steem
    dgp.pending_rewarded_vesting_shares += vests
    dgp.pending_rewarded_vesting_steem += steem
    return vests


def reward_sbd(dgp: DynamicGlobalProperties, account: Account, steem: int, price: Price) -> tuple[int, int]:
    """create_sbd(to_reward_balance): the print rate's share as SBD at the median, the rest as STEEM."""
    to_sbd = dgp.sbd_print_rate * steem // params.PERCENT_100
    sbd = steem_to_sbd(to_sbd, price)
    liquid = steem - to_sbd
    account.reward_sbd_balance += sbd
    account.reward_steem_balance += liquid
    dgp.current_sbd_supply += sbd
    dgp.current_supply -= to_sbd
    return sbd, liquid


def pay_split(
    dgp: DynamicGlobalProperties, account: Account, steem: int, percent_sbd: int, price: Price
) -> tuple[int, int, int]:
    """Half (at 100 % percent_steem_dollars) through create_sbd, the rest vested: (sbd, steem, vests)."""
    sbd_part = steem * percent_sbd // (2 * params.PERCENT_100)
    sbd, liquid = reward_sbd(dgp, account, sbd_part, price)
    vests = reward_vesting(dgp, account, steem - sbd_part)
    return sbd, liquid, vests


# --- cashout (process_comment_cashout) ---------------------------------------------------------


@end_of_block
def process_comment_cashout(ctx: ApplyContext) -> None:
    """Every comment whose 7 days are up is paid from the pool, all against the same pool balance and
    the same recent claims (to which all of this block's claims are added first), in steemd's order:
    by cashout time, then age."""
    state = ctx.state
    fund = state.reward_fund()
    claims = decayed_claims(fund, ctx.now)
    fund.last_update = ctx.now
    due = due_comments(state, ctx.now)
    claims += sum(author_claim(comment) for comment in due)
    awarded = 0
    if due:
        cashout = Cashout(ctx, fund.reward_balance, claims, due)
        awarded = sum(cashout.pay(comment) for comment in due)
        cashout.finish()
    fund.recent_claims = str(claims)
    fund.reward_balance -= awarded
    REWARD_FUNDS.update(state.db, fund)


def due_comments(state: State, now: int) -> list[Comment]:
    return COMMENTS.due(state.db, "cashout_time", now, ("cashout_time", "id"))


class Cashout:
    """One block's payouts: everything it reads is loaded in a few queries and everything it changes
    is written back in one batch per table, so a block that pays many comments stays fast."""

    def __init__(self, ctx: ApplyContext, pool: int, claims: int, due: list[Comment]) -> None:
        self.ctx = ctx
        self.state = ctx.state
        self.dgp = ctx.state.dgp()
        self.price = median_price(ctx.state.feed())
        self.pool = pool
        self.claims = claims
        self.votes = curation_votes(ctx.state, ctx.now)
        self.due = due
        self.accounts = load_accounts(ctx.state, self.names_paid())

    def names_paid(self) -> set[str]:
        names = {comment.author for comment in self.due}
        names.update(voter for entries in self.votes.values() for _, voter, _ in entries)
        for comment in self.due:
            names.update(name for name, _ in orjson.loads(comment.beneficiaries))
        return names

    def account(self, name: str) -> Account:
        found = self.accounts.get(name)
        if found is None:
            found = self.accounts[name] = self.state.require_account(name, "account")
        return found

    def pay(self, comment: Comment) -> int:
        """cashout_comment_helper: pay one comment; returns the STEEM taken from the pool."""
        payout = comment_payout(self.pool, self.claims, comment, self.price)
        claimed = 0
        if payout:
            curation = payout * params.PERCENT_CURATION_REWARDS // params.PERCENT_100
            unclaimed = self.pay_curators(comment, curation)
            author_tokens = payout - curation
            author_tokens -= self.pay_beneficiaries(comment, author_tokens)
            self.pay_author(comment, author_tokens)
            claimed = payout - unclaimed
            self.ctx.emit(
                CommentReward(comment.author, comment.permlink, Asset(steem_to_sbd(claimed, self.price), SBD))
            )
            comment.total_payout_value += steem_to_sbd(author_tokens, self.price)
            comment.curator_payout_value += steem_to_sbd(curation - unclaimed, self.price)
        close_comment(comment, self.ctx.now)
        self.ctx.emit(CommentPayoutUpdate(comment.author, comment.permlink))
        return claimed

    def pay_curators(self, comment: Comment, tokens: int) -> int:
        """Each voter's share of the curation tokens by curation weight, heaviest first; returns what
        is left unclaimed (it stays in the pool, HF20)."""
        if not comment.allow_curation_rewards or comment.total_vote_weight <= 0 or not tokens:
            return tokens
        # a million times in a big block: everything the loop touches is a local
        unclaimed, total, dgp, accounts = tokens, comment.total_vote_weight, self.dgp, self.accounts
        record, position, author, permlink = (
            self.ctx.history.append,
            self.ctx.position(),
            comment.author,
            comment.permlink,
        )
        for _, voter, weight in self.votes.get(comment.id, ()):
            claim = tokens * weight // total
            if claim <= 0:
                continue
            unclaimed -= claim
            curator = accounts[voter]
            vests = reward_vesting(dgp, curator, claim)
            curator.curation_rewards += claim
            record((*position, CurationReward(voter, Asset(vests, VESTS), author, permlink)))
        return unclaimed

    def pay_beneficiaries(self, comment: Comment, tokens: int) -> int:
        """Each beneficiary's share of the author tokens, split like the author's; returns the total."""
        paid = 0
        for name, weight in orjson.loads(comment.beneficiaries):
            share = tokens * weight // params.PERCENT_100
            sbd, liquid, vests = pay_split(
                self.dgp, self.account(name), share, comment.percent_steem_dollars, self.price
            )
            self.ctx.emit(
                CommentBenefactorReward(
                    name, comment.author, comment.permlink, Asset(sbd, SBD), Asset(liquid, STEEM), Asset(vests, VESTS)
                )
            )
            paid += share
        return paid

    def pay_author(self, comment: Comment, tokens: int) -> None:
        author = self.account(comment.author)
        sbd, liquid, vests = pay_split(self.dgp, author, tokens, comment.percent_steem_dollars, self.price)
        author.posting_rewards += tokens
        comment.author_rewards += tokens
        self.ctx.emit(
            AuthorReward(comment.author, comment.permlink, Asset(sbd, SBD), Asset(liquid, STEEM), Asset(vests, VESTS))
        )

    def finish(self) -> None:
        ACCOUNTS.update_many(self.state.db, self.accounts.values())
        COMMENTS.update_many(self.state.db, self.due)
        refresh_virtual_supply(self.state, self.dgp)
        DGP.update(self.state.db, self.dgp)


def load_accounts(state: State, names: set[str]) -> dict[str, Account]:
    """Many accounts in a few queries."""
    ordered = sorted(names)
    found: dict[str, Account] = {}
    columns = ", ".join(ACCOUNTS.columns)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        query = f"SELECT {columns} FROM accounts WHERE name IN ({', '.join('?' * len(chunk))})"
        found.update((row[0], Account(*row)) for row in state.db.execute(query, chunk))
    return found


def curation_votes(state: State, now: int) -> dict[int, list[tuple[int, str, int]]]:
    """The curation-earning votes of every comment due at `now`, by comment id, heaviest first.

    Ties go by name. Each vote is the row as read, (comment id, voter, weight): a million votes cost
    no more objects than SQLite hands over.
    """
    rows = state.db.execute(
        "SELECT c.id, v.voter, v.weight FROM comments c"
        " JOIN comment_votes v ON v.author = c.author AND v.permlink = c.permlink"
        " WHERE c.cashout_time <= ? AND v.weight > 0 ORDER BY c.id, v.weight DESC, v.voter",
        (now,),
    )
    return {comment_id: list(entries) for comment_id, entries in groupby(rows, key=itemgetter(0))}


def close_comment(comment: Comment, now: int) -> None:
    """After its payout a comment holds no rshares and never pays again; later votes move nothing."""
    if comment.net_rshares > 0:
        comment.net_rshares = 0
    comment.abs_rshares = 0
    comment.vote_rshares = 0
    comment.total_vote_weight = 0
    comment.cashout_time = MAX_TIME
    comment.last_payout = now


# --- genesis and the API ------------------------------------------------------------------------


def genesis_reward_fund(genesis_vests: int, now: int) -> RewardFund:
    """The "post" fund, its recent claims seeded as if the genesis stake had voted all its mana for
    the 15-day decay window, so the first post shares the pool instead of taking all of it."""
    daily_rshares = genesis_vests * 86400 // params.VOTING_MANA_REGENERATION_SECONDS
    seed = convergent_linear(daily_rshares) * params.RECENT_CLAIMS_DECAY_SECONDS // 86400
    return RewardFund(
        name="post",
        reward_balance=0,
        recent_claims=str(seed),
        last_update=now,
        content_constant=str(params.CONTENT_CONSTANT),
        percent_curation_rewards=params.PERCENT_CURATION_REWARDS,
        percent_content_rewards=params.PERCENT_100,
        author_reward_curve="convergent_linear",
        curation_reward_curve="convergent_square_root",
    )
