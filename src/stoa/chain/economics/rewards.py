"""Inflation and content rewards: process_funds every block, and the 7-day cashout of posts and
comments with its author, curator and beneficiary split (protocol.md §4.2, §4.3, §4.5, §4.6).

All arithmetic is on Python integers, which are exact where steemd uses uint128. Rewards go to
reward balances (claim_reward_balance moves them); the chain's own operations are recorded as
virtual operations.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from ..state import ACCOUNTS, COMMENT_VOTES, COMMENTS, DGP, REWARD_FUNDS
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
    the same recent claims (to which all of this block's claims are added first)."""
    state = ctx.state
    fund = state.reward_fund()
    claims = decayed_claims(fund, ctx.now)
    fund.last_update = ctx.now
    due = COMMENTS.scan(state.db, "cashout_time <= ?", (ctx.now,))
    claims += sum(author_claim(comment) for comment in due)
    awarded = 0
    if due:
        dgp = state.dgp()
        price = median_price(state.feed())
        for comment in due:
            awarded += cash_out(ctx, dgp, fund.reward_balance, claims, comment, price)
        refresh_virtual_supply(state, dgp)
        DGP.update(state.db, dgp)
    fund.recent_claims = str(claims)
    fund.reward_balance -= awarded
    REWARD_FUNDS.update(state.db, fund)


def cash_out(
    ctx: ApplyContext, dgp: DynamicGlobalProperties, pool: int, claims: int, comment: Comment, price: Price
) -> int:
    """cashout_comment_helper: pay one comment; returns the STEEM taken from the pool."""
    payout = comment_payout(pool, claims, comment, price)
    claimed = 0
    if payout:
        curation = payout * params.PERCENT_CURATION_REWARDS // params.PERCENT_100
        unclaimed = pay_curators(ctx, dgp, comment, curation)
        author_tokens = payout - curation
        author_tokens -= pay_beneficiaries(ctx, dgp, comment, author_tokens, price)
        pay_author(ctx, dgp, comment, author_tokens, price)
        claimed = payout - unclaimed
        ctx.emit(CommentReward(comment.author, comment.permlink, Asset(steem_to_sbd(claimed, price), SBD)))
        comment.total_payout_value += steem_to_sbd(author_tokens, price)
        comment.curator_payout_value += steem_to_sbd(curation - unclaimed, price)
    close_comment(ctx, comment)
    return claimed


def pay_curators(ctx: ApplyContext, dgp: DynamicGlobalProperties, comment: Comment, tokens: int) -> int:
    """Each voter's share of the curation tokens by curation weight, heaviest first; returns what is
    left unclaimed (it stays in the pool, HF20)."""
    if not comment.allow_curation_rewards or comment.total_vote_weight <= 0 or not tokens:
        return tokens
    unclaimed = tokens
    votes = COMMENT_VOTES.scan(
        ctx.state.db, "author = ? AND permlink = ? AND weight > 0", (comment.author, comment.permlink)
    )
    votes.sort(key=lambda vote: (-vote.weight, vote.voter))
    for vote in votes:
        claim = tokens * vote.weight // comment.total_vote_weight
        if claim <= 0:
            continue
        unclaimed -= claim
        curator = ctx.state.require_account(vote.voter, "voter")
        vests = reward_vesting(dgp, curator, claim)
        curator.curation_rewards += claim
        ACCOUNTS.update(ctx.state.db, curator)
        ctx.emit(CurationReward(vote.voter, Asset(vests, VESTS), comment.author, comment.permlink))
    return unclaimed


def pay_beneficiaries(
    ctx: ApplyContext, dgp: DynamicGlobalProperties, comment: Comment, tokens: int, price: Price
) -> int:
    """Each beneficiary's share of the author tokens, split like the author's; returns the total."""
    paid = 0
    for name, weight in orjson.loads(comment.beneficiaries):
        share = tokens * weight // params.PERCENT_100
        account = ctx.state.require_account(name, "beneficiary")
        sbd, liquid, vests = pay_split(dgp, account, share, comment.percent_steem_dollars, price)
        ACCOUNTS.update(ctx.state.db, account)
        ctx.emit(
            CommentBenefactorReward(
                name, comment.author, comment.permlink, Asset(sbd, SBD), Asset(liquid, STEEM), Asset(vests, VESTS)
            )
        )
        paid += share
    return paid


def pay_author(ctx: ApplyContext, dgp: DynamicGlobalProperties, comment: Comment, tokens: int, price: Price) -> None:
    author = ctx.state.require_account(comment.author, "author")
    sbd, liquid, vests = pay_split(dgp, author, tokens, comment.percent_steem_dollars, price)
    author.posting_rewards += tokens
    ACCOUNTS.update(ctx.state.db, author)
    comment.author_rewards += tokens
    ctx.emit(AuthorReward(comment.author, comment.permlink, Asset(sbd, SBD), Asset(liquid, STEEM), Asset(vests, VESTS)))


def close_comment(ctx: ApplyContext, comment: Comment) -> None:
    """After its payout a comment holds no rshares and never pays again; votes still recorded later move nothing."""
    if comment.net_rshares > 0:
        comment.net_rshares = 0
    comment.abs_rshares = 0
    comment.vote_rshares = 0
    comment.total_vote_weight = 0
    comment.cashout_time = MAX_TIME
    comment.last_payout = ctx.now
    COMMENTS.update(ctx.state.db, comment)
    ctx.emit(CommentPayoutUpdate(comment.author, comment.permlink))


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
