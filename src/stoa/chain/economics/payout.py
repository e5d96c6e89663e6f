"""What the reward pool pays a comment (protocol.md §4.3).

It works out the comment's claim, its share of the pool, the minimum and the cap. Shared by the
cashout and by everything that shows a pending payout.
"""

from __future__ import annotations

from .. import params
from ..objects import MAX_TIME, Comment, RewardFund
from ..state import State
from .curves import convergent_linear
from .sbd import Price, median_price, sbd_to_steem, steem_to_sbd


def decayed_claims(fund: RewardFund, now: int) -> int:
    claims = int(fund.recent_claims)
    elapsed = now - fund.last_update
    return claims - claims * elapsed // params.RECENT_CLAIMS_DECAY_SECONDS


def author_claim(comment: Comment) -> int:
    """The claim a comment makes on the pool: the author curve of its net rshares, times its weight."""
    if comment.net_rshares <= 0:
        return 0
    return convergent_linear(comment.net_rshares) * comment.reward_weight // params.PERCENT_100


def comment_payout(pool: int, claims: int, comment: Comment, price: Price) -> int:
    """What the pool pays one comment in STEEM: its share of the pool, 0 under 0.020 SBD, capped at
    its max_accepted_payout."""
    claim = author_claim(comment)
    if not claim or not claims:
        return 0
    payout = pool * claim // claims
    if steem_to_sbd(payout, price) < params.MIN_PAYOUT_SBD:
        return 0
    return min(payout, sbd_to_steem(comment.max_accepted_payout, price))


def pending_payout(state: State, comment: Comment) -> int:
    """What the comment would be paid (STEEM) if it cashed out now with no more votes."""
    if comment.cashout_time == MAX_TIME:
        return 0
    fund = state.reward_fund()
    claims = decayed_claims(fund, state.dgp().time) + author_claim(comment)
    return comment_payout(fund.reward_balance, claims, comment, median_price(state.feed()))
