"""Economics (protocol.md §4, Steem HF21): reward curves, voting mana and rshares, the cashout split,
inflation, the median price feed and the SBD print rate, conversions and reputation.

Expected values are worked out here from the reference's formulas, not read back from the code under
test: every curve, price conversion and payout split below has its own small implementation in this
file (`ref_*`, `CashoutModel`), and the hand arithmetic behind the constants is shown in comments.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stoa.chain import params, reputation
from stoa.chain.economics.curves import approx_sqrt, convergent_linear, convergent_square_root
from stoa.chain.economics.payout import author_claim
from stoa.chain.economics.rewards import block_issuance, inflation_rate_bp, pay_split
from stoa.chain.economics.sbd import sbd_print_rate
from stoa.chain.evaluators.social import apply_lockout, spend_mana
from stoa.chain.genesis import genesis_properties, new_genesis
from stoa.chain.objects import MAX_TIME, Account, Comment, CommentVote, DynamicGlobalProperties, new_account
from stoa.chain.state import COMMENT_VOTES, COMMENTS, State
from stoa.protocol import Asset, Authority, Price, PrivateKey
from stoa.protocol.operations import (
    AuthorReward,
    Beneficiary,
    ClaimRewardBalance,
    CommentBenefactorReward,
    CommentOptions,
    CommentPayoutBeneficiaries,
    CommentReward,
    Convert,
    CurationReward,
    DelegateVestingShares,
    EffectiveCommentVote,
    FeedPublish,
    FillConvertRequest,
    ProducerReward,
    Vote,
)
from stoa.protocol.operations import Comment as CommentOp

from .conftest import INIT_KEY, DevChain, account, rejected, role_key, virtual_ops

PCT = 10_000
S = 2_000_000_000_000  # content_constant s (HF21)
DAY = 86_400
MAX_PAYOUT = 1_000_000_000  # 1000000.000 SBD, the default max_accepted_payout


# --- independent implementations of the reference formulas (protocol.md §4.3 – §4.7) -------------


def ref_approx_sqrt(x: int) -> int:
    """§4.3 pseudo-code, transcribed: m = msb index, z = m >> 1, …"""
    if x == 0:
        return 0
    m = len(bin(x)) - 3  # index of the most significant bit
    z = m >> 1
    mant_x = x & ((1 << m) - 1)
    hi = (1 << z) if m % 2 == 1 else 0
    lo = (mant_x >> (m - z)) & 0xFFFFFFFFFFFFFFFF
    return (1 << z) | ((hi | lo) >> 1)


def ref_convergent_linear(r: int) -> int:
    return ((r + S) * (r + S) - S * S) // (r + 4 * S)


def ref_convergent_square_root(r: int) -> int:
    return r // ref_approx_sqrt(r + 2 * S)


def ref_to_sbd(steem: int, price: tuple[int, int]) -> int:
    """STEEM × price (base SBD / quote STEEM), rounded down like steemd's asset * price."""
    return steem * price[0] // price[1]


def ref_to_steem(sbd: int, price: tuple[int, int]) -> int:
    return sbd * price[1] // price[0]


def ref_print_rate(sbd_supply: int, virtual_supply: int, price: tuple[int, int]) -> int:
    """§4.7: percent_sbd rounded to nearest (HF21); 100 % up to 9 %, 0 from 10 %, linear between."""
    percent = (ref_to_steem(sbd_supply, price) * PCT + virtual_supply // 2) // virtual_supply
    if percent <= 900:
        return PCT
    if percent >= 1000:
        return 0
    return (1000 - percent) * PCT // 100


@dataclasses.dataclass
class Issued:
    content: int
    vesting: int
    treasury: int
    witness: int


def ref_issuance(virtual_supply: int, block_num: int, weight: int = 1, normalization: int = 1) -> Issued:
    """§4.2, one block of process_funds."""
    rate = max(978 - block_num // 250_000, 95)
    new = virtual_supply * rate // (PCT * 10_512_000)
    content = new * 6500 // PCT
    vesting = new * 1500 // PCT
    treasury = new * 1000 // PCT
    witness = (new - content - vesting - treasury) * 21 * weight // normalization
    return Issued(content, vesting, treasury, witness)


def ref_used_mana(mana: int, weight: int) -> int:
    """§4.4: ceil((mana × |w| × 86400 // 10000) / (10 × 432000))."""
    return -(-(mana * abs(weight) * 86_400 // PCT) // (10 * 432_000))


# --- helpers ----------------------------------------------------------------------------------


def posting(name: str) -> list[PrivateKey]:
    return [role_key(name, "posting")]


def active(name: str) -> list[PrivateKey]:
    return [role_key(name, "active")]


def comment_of(chain: DevChain, author: str, permlink: str) -> Comment:
    found = chain.state.comment(author, permlink)
    assert found is not None
    return found


def vote_of(chain: DevChain, author: str, permlink: str, voter: str) -> CommentVote:
    found = COMMENT_VOTES.get(chain.state.db, author, permlink, voter)
    assert found is not None
    return found


def apply_next(chain: DevChain, *ops: Any, keys: list[PrivateKey] | None = None) -> int:
    """Push and produce the block exactly one slot after the head (no wall clock); returns its number."""
    pending = chain.push(*ops, keys=keys)
    chain.node.generate_blocks(1)
    assert pending.error is None, pending.error
    assert pending.block_num == chain.state.dgp().head_block_number
    return pending.block_num


def apply_at(chain: DevChain, when: int, *ops: Any, keys: list[PrivateKey] | None = None) -> int:
    """Apply `ops` in a block whose time is exactly `when` (a slot at least two slots ahead)."""
    chain.node.generate_blocks_until(when - params.BLOCK_INTERVAL)
    assert chain.state.dgp().time == when - params.BLOCK_INTERVAL
    return apply_next(chain, *ops, keys=keys)


def post(chain: DevChain, author: str, permlink: str, options: CommentOptions | None = None) -> Comment:
    ops: list[Any] = [CommentOp("", "news", author, permlink, "Title", "Body", "{}")]
    if options is not None:
        ops.append(options)
    apply_next(chain, *ops, keys=posting(author))
    return comment_of(chain, author, permlink)


def options(
    author: str,
    permlink: str,
    payout: int = MAX_PAYOUT,
    percent: int = PCT,
    curation: bool = True,
    beneficiaries: tuple[tuple[str, int], ...] = (),
) -> CommentOptions:
    extensions: tuple[Any, ...] = ()
    if beneficiaries:
        routes = CommentPayoutBeneficiaries(tuple(Beneficiary(name, weight) for name, weight in beneficiaries))
        extensions = ((0, routes),)
    return CommentOptions(author, permlink, Asset(payout, "SBD"), percent, True, curation, extensions)


def delegated_voter(chain: DevChain, name: str, vests: int) -> None:
    """An account with no VESTS of its own and exactly `vests` delegated by initminer: its voting mana
    is exactly `vests` (and its downvote mana a quarter of it), whatever the share price."""
    chain.create_account(name, steem=0, vest=0)
    apply_next(chain, DelegateVestingShares("initminer", name, Asset(vests, "VESTS")))
    voter = account(chain, name)
    assert (voter.voting_mana, voter.downvote_mana) == (vests, vests * 2500 // PCT)


def unit_dgp() -> DynamicGlobalProperties:
    genesis = new_genesis("unit", True, INIT_KEY, now=0)
    return genesis_properties(genesis, 300_000_000_000, 50_000_000_000 * 1_000_000)


def unit_voter(vests: int, voting: int, downvote: int, now: int = 1_000) -> Account:
    empty = Authority(1)
    voter = new_account("voter", 9, empty, empty, empty, "", "", 0, "")
    voter.vesting_shares = vests
    voter.voting_mana, voter.voting_mana_time = voting, now
    voter.downvote_mana, voter.downvote_mana_time = downvote, now
    return voter


# --- curves (§4.3) ------------------------------------------------------------------------------

APPROX_SQRT_BY_HAND = [
    (0, 0),  # x == 0 → 0
    (1, 1),  # m=0 z=0 mant=0 hi=0 lo=0 → 1|0
    (2, 1),  # m=1 z=0 mant=0 hi=1 lo=0 → 1|(1>>1)=1
    (3, 1),  # m=1 z=0 mant=1 hi=1 lo=1>>1=0 → 1|(1>>1)=1   (isqrt is 1 too)
    (4, 2),  # m=2 z=1 mant=0 → 2
    (5, 2),  # m=2 z=1 mant=1 hi=0 lo=1>>1=0 → 2
    (8, 3),  # m=3 z=1 mant=0 hi=2 lo=0 → 2|(2>>1)=3   (isqrt(8)=2: not exact)
    (12, 3),  # m=3 z=1 mant=4 hi=2 lo=4>>2=1 → 2|(3>>1)=3
    (16, 4),  # 2^4: m=4 z=2 → 4
    (1 << 40, 1 << 20),  # even powers of two are exact
    (1 << 41, (1 << 20) | (1 << 19)),  # odd power 2^(2k+1): m odd, hi=2^k → 2^k + 2^(k-1) = 1.5·2^k
    (1_000_000, 1_000),  # m=19 z=9 mant=475712 hi=512 lo=475712>>10=464 → 512|((512|464)>>1)=512|488=1000
    (2**64 - 1, 2**32 - 1),  # m=63 z=31 mant=2^63-1 hi=2^31 lo=2^31-1 → 2^31|((2^32-1)>>1) = 2^32-1
    (2**127, 2**63 + 2**62),  # m=127 z=63 mant=0 hi=2^63 → 2^63|2^62
    (2**127 + 2**126, 2**63 + 2**62 + 2**61),  # mant=2^126 lo=2^126>>64=2^62 → 2^63|((2^63+2^62)>>1)
    (2**128 - 1, 2**64 - 1),  # uint128 max: m=127 hi=2^63 lo=2^63-1 → 2^63|(2^64-1)>>1 = 2^64-1
]


@pytest.mark.parametrize(("x", "expected"), APPROX_SQRT_BY_HAND)
def test_approx_sqrt_by_hand(x: int, expected: int) -> None:
    assert approx_sqrt(x) == expected
    assert ref_approx_sqrt(x) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_approx_sqrt_is_the_reference_pseudocode_bit_for_bit(x: int) -> None:
    assert approx_sqrt(x) == ref_approx_sqrt(x)


def test_approx_sqrt_at_every_power_of_two_and_its_neighbours() -> None:
    for bit in range(128):
        for x in (2**bit - 1, 2**bit, 2**bit + 1):
            if x < 2**128:
                assert approx_sqrt(x) == ref_approx_sqrt(x), x


def test_approx_sqrt_is_an_estimate_not_isqrt() -> None:
    # 2^41 = 2,199,023,255,552: the approximation gives 1.5 · 2^20 = 1,572,864, isqrt gives 1,482,910.
    assert approx_sqrt(2**41) == 1_572_864 != math.isqrt(2**41) == 1_482_910


def test_convergent_linear_by_hand() -> None:
    # r(r+2s)/(r+4s): 0 → 0; 1 → (2s+1)//(4s+1) = 0; small r ≈ r/2.
    assert convergent_linear(0) == 0
    assert convergent_linear(1) == 0
    # r = 10^6: 10^6 · 4,000,001,000,000 // 8,000,001,000,000 = 4,000,001,000,000,000,000 // 8,000,001,000,000
    #         = 500,000.06… → 500,000 (8,000,001,000,000 × 500,000 = 4,000,000,500,000,000,000 ≤ the numerator)
    assert convergent_linear(1_000_000) == 500_000
    # §4.4 worked example: r = 19,950,000,000
    #   (r+s)² − s² = r(r+2s) = 19,950,000,000 × 4,019,950,000,000 = 80,198,002,500,000,000,000,000
    #   r + 4s = 8,019,950,000,000  →  80,198,002,500,000,000,000,000 // 8,019,950,000,000 = 9,999,813,278
    assert convergent_linear(19_950_000_000) == 9_999_813_278
    # large r → r: r = 10^18: 10^18 · (10^18 + 4·10^12) // (10^18 + 8·10^12)
    #   = 10^18 · 1,000,004 / 1,000,008 = 10^18 − 4·10^18/1,000,008 = 10^18 − 3,999,968,000,256 (rounded down)
    assert convergent_linear(10**18) == 10**18 - 3_999_968_000_256 == 999_996_000_031_999_744
    for r in (0, 1, 7, 10**6, 19_950_000_000, 10**15, 10**18, 2**63 - 1):
        assert convergent_linear(r) == ref_convergent_linear(r)


def test_convergent_square_root_by_hand() -> None:
    # r // approx_sqrt(r + 2s); 2s = 4·10^12.
    assert convergent_square_root(0) == 0
    assert convergent_square_root(1) == 0  # 1 // approx_sqrt(4,000,000,000,001) = 1 // 2,002,250
    # approx_sqrt(4·10^12): m=41 (2^41 = 2,199,023,255,552), z=20, mant = 1,800,976,744,448,
    # hi = 2^20 = 1,048,576, lo = mant >> 21 = 858,772 → (1,048,576|858,772) >> 1 = 1,907,348 >> 1 = 953,674
    # → 2^20|953,674 = 2,002,250 (isqrt would be 2,000,000)
    assert approx_sqrt(4 * 10**12) == 2_002_250
    # worked example: 4,019,950,000,000: m=41 z=20 mant=1,820,926,744,448 lo = mant >> 21 = 868,285
    # → 1,048,576 | (1,916,861 >> 1 = 958,430) = 2,007,006 (isqrt 2,004,981); 19,950,000,000 // 2,007,006 = 9,940
    assert approx_sqrt(4_019_950_000_000) == 2_007_006
    assert convergent_square_root(19_950_000_000) == 9_940
    # large r = 10^18: x = 10^18 + 4·10^12, m=59 z=29 mant=423,543,247,696,576,512 hi=2^29=536,870,912
    # lo = mant >> 30 = 394,455,387 → 536,870,912 | (931,326,299 >> 1 = 465,663,149) = 1,002,534,061
    # (isqrt 1,000,001,999); 10^18 // 1,002,534,061 = 997,472,344
    assert approx_sqrt(10**18 + 4 * 10**12) == 1_002_534_061
    assert convergent_square_root(10**18) == 997_472_344
    for r in (0, 1, 7, 10**6, 19_950_000_000, 10**15, 10**18, 2**63 - 1):
        assert convergent_square_root(r) == ref_convergent_square_root(r)


# --- mana and rshares (§4.4), on the evaluator's own functions -----------------------------------


def test_worked_example_full_mana_full_vote() -> None:
    # 1,000,000 VESTS = 10^12 VESTS satoshis, full mana, 100 %:
    #   used = ceil((10^12 × 10000 × 86400 // 10000) / (10 × 432000)) = ceil(86,400 × 10^12 / 4,320,000) = 2·10^10
    #   rshares = 20,000,000,000 − 50,000,000 (dust) = 19,950,000,000
    dgp = unit_dgp()
    voter = unit_voter(10**12, 10**12, 10**12 // 4)
    assert ref_used_mana(10**12, PCT) == 20_000_000_000
    assert spend_mana(dgp, voter, PCT, 1_000) == 19_950_000_000
    assert voter.voting_mana == 10**12 - 20_000_000_000
    assert voter.downvote_mana == 10**12 // 4  # an upvote leaves the downvote pool alone
    assert convergent_linear(19_950_000_000) == 9_999_813_278


def test_partial_vote_rounds_mana_up() -> None:
    # mana 10^12, weight 1 (0.01 %): 10^12 × 1 × 86400 // 10000 = 8,640,000,000,000, / 4,320,000 = 2,000,000
    dgp = unit_dgp()
    voter = unit_voter(10**12, 10**12, 0)
    assert spend_mana(dgp, voter, 1, 1_000) == 0  # 2,000,000 used, all of it dust
    assert voter.voting_mana == 10**12 - 2_000_000
    # mana 10^12 + 1: 86,400,000,000,086,400 // 10000 = 8,640,000,000,008; / 4,320,000 = 2,000,000.0000019
    # → ceil 2,000,001
    voter = unit_voter(10**12 + 1, 10**12 + 1, 0)
    assert spend_mana(dgp, voter, 1, 1_000) == 0
    assert voter.voting_mana == 10**12 + 1 - 2_000_001
    # mana 999,999: 999,999 × 10000 × 86400 // 10000 = 86,399,913,600 / 4,320,000 = 19,999.98 → ceil 20,000
    voter = unit_voter(999_999, 999_999, 0)
    assert ref_used_mana(999_999, PCT) == 20_000
    spend_mana(dgp, voter, PCT, 1_000)
    assert voter.voting_mana == 999_999 - 20_000


def test_dust_threshold() -> None:
    dgp = unit_dgp()
    # 2,500,000,000 VESTS sat × 2 % = 50,000,000 used → exactly the dust threshold → 0 rshares
    voter = unit_voter(2_500_000_000, 2_500_000_000, 0)
    assert spend_mana(dgp, voter, PCT, 1_000) == 0
    assert voter.voting_mana == 2_450_000_000  # the mana is still spent
    # 50 more VESTS sat: used = ceil(2,500,000,050 / 50) = 50,000,001 → 1 rshare
    voter = unit_voter(2_500_000_050, 2_500_000_050, 0)
    assert spend_mana(dgp, voter, PCT, 1_000) == 1
    # a downvote below the threshold is 0 too (not −0 rshares that count)
    voter = unit_voter(2_500_000_000, 2_500_000_000, 625_000_000)
    assert spend_mana(dgp, voter, -PCT, 1_000) == 0


def test_mana_regenerates_linearly_over_five_days() -> None:
    dgp = unit_dgp()
    # half the mana, 2.5 days later: + 10^12 × 216,000 // 432,000 = 5·10^11 → full again
    voter = unit_voter(10**12, 5 * 10**11, 0, now=0)
    spend_mana(dgp, voter, PCT, 216_000)
    assert voter.voting_mana == 10**12 - 20_000_000_000
    # 1 hour after an empty bar: 10^12 × 3600 // 432000 = 8,333,333,333 → used = ceil(8,333,333,333/50) = 166,666,667
    voter = unit_voter(10**12, 0, 0, now=0)
    assert spend_mana(dgp, voter, PCT, 3_600) == 166_666_667 - 50_000_000
    assert voter.voting_mana == 8_333_333_333 - 166_666_667
    # the downvote bar regenerates towards 25 %: 2.5·10^11 × 3600 // 432000 = 2,083,333,333
    assert voter.downvote_mana == 2_083_333_333


def test_downvote_uses_the_downvote_pool_first() -> None:
    dgp = unit_dgp()
    # full bars: voting 10^12, downvote 2.5·10^11. base = max(2.5·10^11 × 10000 // 2500, 10^12) = 10^12
    # used = 2·10^10 ≤ downvote mana → all of it from the downvote pool
    voter = unit_voter(10**12, 10**12, 25 * 10**10)
    assert spend_mana(dgp, voter, -PCT, 1_000) == -19_950_000_000
    assert (voter.voting_mana, voter.downvote_mana) == (10**12, 23 * 10**10)


def test_downvote_beyond_the_pool_takes_the_rest_from_voting_mana() -> None:
    dgp = unit_dgp()
    # downvote bar almost empty (10^10), voting full: base = max(4·10^10, 10^12) = 10^12, used 2·10^10:
    # 10^10 from the downvote bar (now 0) and the remaining 10^10 from voting mana
    voter = unit_voter(10**12, 10**12, 10**10)
    assert spend_mana(dgp, voter, -PCT, 1_000) == -19_950_000_000
    assert (voter.voting_mana, voter.downvote_mana) == (10**12 - 10**10, 0)


def test_downvote_base_is_the_scaled_downvote_bar_when_larger() -> None:
    dgp = unit_dgp()
    # voting mana drained to 10^11, downvote bar full at 2.5·10^11: base = max(2.5·10^11 × 4, 10^11) = 10^12
    # → 50 % downvote uses ceil(10^12 × 5000 × 86400 // 10000 / 4,320,000) = 10^10, all from the pool
    voter = unit_voter(10**12, 10**11, 25 * 10**10)
    assert spend_mana(dgp, voter, -5_000, 1_000) == -(10**10 - 50_000_000)
    assert (voter.voting_mana, voter.downvote_mana) == (10**11, 24 * 10**10)


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (43_200, 19_950_000_000),  # exactly 12 h left: not < 12 h, unscaled
        (43_201, 19_950_000_000),
        (43_199, 19_950_000_000 * 43_199 // 43_200),  # = 19,949,538,194
        (21_600, 9_975_000_000),  # 6 h: half
        (3, 1_385_416),  # 19,950,000,000 × 3 // 43,200 = 59,850,000,000 // 43,200 = 1,385,416
        (0, 0),
    ],
)
def test_upvote_lockout_scales_by_time_left(left: int, expected: int) -> None:
    assert apply_lockout(19_950_000_000, left) == expected
    assert apply_lockout(-19_950_000_000, left) == -expected


# --- votes through a real chain (§4.4, §4.5) ---------------------------------------------------


def test_worked_example_through_the_chain(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**12)  # exactly 1,000,000 VESTS of mana
    target = post(chain, "alice", "post")
    block = apply_next(chain, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    vote = vote_of(chain, "alice", "post", "dave")
    assert vote.rshares == 19_950_000_000
    assert account(chain, "dave").voting_mana == 10**12 - 20_000_000_000
    target = comment_of(chain, "alice", "post")
    assert (target.net_rshares, target.abs_rshares, target.vote_rshares, target.net_votes) == (
        19_950_000_000,
        19_950_000_000,
        19_950_000_000,
        1,
    )
    assert author_claim(target) == 9_999_813_278
    # curation: W = convergent_square_root; w_max = W(19,950,000,000) − W(0) = 9,940 − 0, discounted by the
    # reverse auction: 3 s after the post → 9,940 × 3 // 300 = 99; the comment's total keeps the undiscounted 9,940
    elapsed = vote.last_update - target.created
    assert elapsed == 3
    assert vote.weight == 9_940 * 3 // 300 == 99
    assert target.total_vote_weight == 9_940
    (effect,) = virtual_ops(chain, EffectiveCommentVote, block)
    assert (effect.voter, effect.weight, effect.rshares, effect.total_vote_weight) == (
        "dave",
        99,
        19_950_000_000,
        9_940,
    )


def test_initminer_full_vote_rshares_from_its_mana(chain: DevChain) -> None:
    chain.create_account("alice")
    post(chain, "alice", "post")
    before = account(chain, "initminer")
    now = chain.state.dgp().time + params.BLOCK_INTERVAL
    maximum = before.vesting_shares  # no delegations, no power down
    mana = min(before.voting_mana + maximum * (now - before.voting_mana_time) // 432_000, maximum)
    used = ref_used_mana(mana, PCT)
    block = apply_next(chain, Vote("initminer", "alice", "post", PCT))
    assert vote_of(chain, "alice", "post", "initminer").rshares == used - 50_000_000
    (reward,) = virtual_ops(chain, ProducerReward, block)  # the producer's vested pay adds as much mana
    assert account(chain, "initminer").voting_mana == mana - used + reward.vesting_shares.amount


def test_zero_weight_vote_needs_an_existing_vote(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    post(chain, "alice", "post")
    rejected(chain, Vote("bob", "alice", "post", 0), keys=posting("bob"), rule="zero")
    apply_next(chain, Vote("bob", "alice", "post", PCT), keys=posting("bob"))
    chain.node.generate_blocks(1)
    rejected(chain, Vote("bob", "alice", "post", PCT), keys=posting("bob"), rule="same-vote")
    apply_next(chain, Vote("bob", "alice", "post", 0), keys=posting("bob"))  # removing it is fine
    vote = vote_of(chain, "alice", "post", "bob")
    target = comment_of(chain, "alice", "post")
    assert (vote.rshares, vote.vote_percent, vote.num_changes) == (0, 0, 1)
    assert (target.net_rshares, target.net_votes) == (0, 0)


def test_downvote_through_the_chain(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**12)
    post(chain, "alice", "post")
    apply_next(chain, Vote("dave", "alice", "post", -PCT), keys=posting("dave"))
    dave = account(chain, "dave")
    # base = max(2.5·10^11 × 4, 10^12) = 10^12 → used 2·10^10, all of it from the downvote pool
    assert (dave.voting_mana, dave.downvote_mana) == (10**12, 25 * 10**10 - 2 * 10**10)
    vote = vote_of(chain, "alice", "post", "dave")
    target = comment_of(chain, "alice", "post")
    assert (vote.rshares, vote.weight) == (-19_950_000_000, 0)
    assert (target.net_rshares, target.abs_rshares, target.vote_rshares) == (-19_950_000_000, 19_950_000_000, 0)
    assert (target.net_votes, target.total_vote_weight) == (-1, 0)


def test_upvote_lockout_through_the_chain(chain: DevChain) -> None:
    chain.create_account("alice")
    for name in ("dave", "erin", "frank"):
        delegated_voter(chain, name, 10**12)
    cashout = post(chain, "alice", "post").cashout_time
    apply_at(chain, cashout - 43_200, Vote("erin", "alice", "post", PCT), keys=posting("erin"))
    apply_at(chain, cashout - 21_600, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    apply_at(chain, cashout - 3, Vote("frank", "alice", "post", -PCT), keys=posting("frank"))
    assert vote_of(chain, "alice", "post", "erin").rshares == 19_950_000_000  # 12 h left: not locked out
    assert vote_of(chain, "alice", "post", "dave").rshares == 9_975_000_000  # 6 h left: × 21600 / 43200
    assert vote_of(chain, "alice", "post", "frank").rshares == -1_385_416  # 3 s left: × 3 / 43200
    # the mana is spent in full all the same
    assert account(chain, "dave").voting_mana == 10**12 - 2 * 10**10


def test_vote_change_replaces_rshares_and_earns_no_curation(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**12)
    created = post(chain, "alice", "post").created
    apply_at(chain, created + 300, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    first = vote_of(chain, "alice", "post", "dave")
    assert (first.rshares, first.weight) == (19_950_000_000, 9_940)  # full weight after 300 s
    assert comment_of(chain, "alice", "post").total_vote_weight == 9_940
    # 3 s later, 50 %: mana = 9.8·10^11 + 10^12 × 3 // 432000 = 980,006,944,444
    # used = ceil(980,006,944,444 × 5000 × 86400 // 10000 / 4,320,000) = ceil(423,363,000,000,000 / 4,320,000)
    mana = 10**12 - 2 * 10**10 + 10**12 * 3 // 432_000
    assert mana == 980_006_944_444
    used = ref_used_mana(mana, 5_000)
    assert used == 9_800_069_445  # 423,363,000,000,000 … / 4,320,000 = 9,800,069,444.4 → rounded up
    apply_next(chain, Vote("dave", "alice", "post", 5_000), keys=posting("dave"))
    changed = vote_of(chain, "alice", "post", "dave")
    target = comment_of(chain, "alice", "post")
    new_rshares = used - 50_000_000
    assert (changed.rshares, changed.weight, changed.num_changes, changed.vote_percent) == (new_rshares, 0, 1, 5_000)
    assert target.net_rshares == new_rshares  # net_rshares += new − old
    assert target.abs_rshares == 19_950_000_000 + new_rshares  # abs_rshares += |new|
    assert target.total_vote_weight == 0  # the old curation weight is removed
    assert target.net_votes == 1


def test_vote_change_leaves_vote_rshares_alone(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**12)
    created = post(chain, "alice", "post").created
    apply_at(chain, created + 300, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    apply_next(chain, Vote("dave", "alice", "post", 5_000), keys=posting("dave"))
    # steemd: the change branch touches net_rshares, abs_rshares, net_votes and total_vote_weight only, so
    # vote_rshares (which later votes' curation weight W(vote_rshares) is measured against) stays 19,950,000,000
    assert comment_of(chain, "alice", "post").vote_rshares == 19_950_000_000


def test_curation_weight_without_curation_rewards(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**12)
    created = post(chain, "alice", "post", options("alice", "post", curation=False)).created
    apply_at(chain, created + 300, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    assert vote_of(chain, "alice", "post", "dave").weight == 0
    target = comment_of(chain, "alice", "post")
    assert (target.total_vote_weight, target.vote_rshares) == (0, 19_950_000_000)


# steemd's hf20_vote_evaluator: `if( old_weight >= new_weight ) cv.weight = 0; else { cv.weight = new − old; … }`
# and cv.weight / total_vote_weight are uint64. convergent_square_root is not monotonic: approx_sqrt(r + 2s) steps
# up by one at r = 1,315,684,352, where r // approx_sqrt falls from 657 to 656. x = r + 2s = 4,001,315,684,351:
# m=41 z=20, mant = x − 2^41 = 1,802,292,428,799, lo = mant >> 21 = 859,399 → 2^20 | ((2^20 + 859,399) >> 1)
# = 1,048,576 | 953,987 = 2,002,563; one more rshare makes mant …800, lo 859,400 → 2,002,564:
#   W(1,315,684,351) = 1,315,684,351 // 2,002,563 = 657;  W(1,315,684,352) = 1,315,684,352 // 2,002,564 = 656
# Voter "dave" has 68,284,217,550 VESTS of mana → used ceil(/50) = 1,365,684,351 → 1,315,684,351 rshares;
# voter "erin" has 2,500,000,050 → used 50,000,001 → 1 rshare, which takes vote_rshares across the step.
CURATION_STEP_DAVE = 68_284_217_550
CURATION_STEP_ERIN = 2_500_000_050


def curation_step_setup(chain: DevChain) -> Comment:
    chain.create_account("alice")
    delegated_voter(chain, "dave", CURATION_STEP_DAVE)
    delegated_voter(chain, "erin", CURATION_STEP_ERIN)
    created = post(chain, "alice", "post").created
    apply_at(chain, created + 300, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    apply_next(chain, Vote("erin", "alice", "post", PCT), keys=posting("erin"))
    return comment_of(chain, "alice", "post")


def test_curation_curve_steps_down() -> None:
    assert approx_sqrt(1_315_684_351 + 2 * S) == 2_002_563
    assert approx_sqrt(1_315_684_352 + 2 * S) == 2_002_564
    assert convergent_square_root(1_315_684_351) == 657
    assert convergent_square_root(1_315_684_352) == 656


def test_curation_weight_is_never_negative(chain: DevChain) -> None:
    target = curation_step_setup(chain)
    assert vote_of(chain, "alice", "post", "dave").rshares == 1_315_684_351
    assert vote_of(chain, "alice", "post", "erin").rshares == 1
    assert target.vote_rshares == 1_315_684_352
    assert vote_of(chain, "alice", "post", "erin").weight == 0
    assert target.total_vote_weight == 657


# --- the cashout split (§4.3, §4.5, §4.6), recomputed from the state just before it -------------

REWARD_FIELDS = ("reward_sbd_balance", "reward_steem_balance", "reward_vesting_balance", "reward_vesting_steem")


class CashoutModel:
    """Everything the next block (the cashout block of one comment, and nothing else due) should do
    to the pool, the reward balances and the supplies, worked out from the reference rules over a
    snapshot of the state taken just before it."""

    def __init__(self, chain: DevChain, author: str, permlink: str) -> None:
        state = chain.state
        self.dgp = copy.copy(state.dgp())  # the writer's cached copy is mutated by the next block
        self.fund = copy.copy(state.reward_fund())  # (so is the reward fund)
        self.comment = comment_of(chain, author, permlink)
        self.votes = COMMENT_VOTES.scan(state.db, "author = ? AND permlink = ?", (author, permlink))
        feed = state.feed()
        self.price = (feed.current_median_base, feed.current_median_quote)
        self.block_num = self.dgp.head_block_number + 1
        self.now = self.dgp.time + params.BLOCK_INTERVAL
        assert self.comment.cashout_time == self.now
        assert self.block_num % 1200, "the median feed would move in the cashout block"
        assert state.count(COMMENTS, "cashout_time <= ?", (self.now,)) == 1
        names = {author, "initminer"} | {vote.voter for vote in self.votes}
        names |= {name for name, _ in self.beneficiaries()}
        self.before = {name: account(chain, name) for name in names}
        self.compute()

    def beneficiaries(self) -> list[tuple[str, int]]:
        return [(name, weight) for name, weight in orjson.loads(self.comment.beneficiaries)]

    def vest(self, name: str, steem: int) -> int:
        """create_vesting to the reward balance, at (total + pending shares) / (total + pending STEEM)."""
        vests = steem * (self.tvs + self.pending_vests) // (self.tvf + self.pending_steem)
        self.pending_vests += vests
        self.pending_steem += steem
        self.rewards[name][2] += vests
        self.rewards[name][3] += steem
        return vests

    def split(self, name: str, tokens: int) -> tuple[int, int, int]:
        """percent_steem_dollars / 2 through create_sbd (print rate, median price), the rest vested."""
        sbd_part = tokens * self.comment.percent_steem_dollars // (2 * PCT)
        to_sbd = self.print_rate * sbd_part // PCT
        sbd = ref_to_sbd(to_sbd, self.price)
        liquid = sbd_part - to_sbd
        self.rewards[name][0] += sbd
        self.rewards[name][1] += liquid
        self.supply -= to_sbd
        self.sbd_supply += sbd
        return sbd, liquid, self.vest(name, tokens - sbd_part)

    def compute(self) -> None:
        dgp, fund, target, price = self.dgp, self.fund, self.comment, self.price
        # update_virtual_supply, then process_funds (§4.1, §4.2)
        virtual = dgp.current_supply + ref_to_steem(dgp.current_sbd_supply, price)
        self.print_rate = ref_print_rate(dgp.current_sbd_supply, virtual, price)
        issued = ref_issuance(virtual, self.block_num)
        self.pool = fund.reward_balance + issued.content
        self.tvf = dgp.total_vesting_fund_steem + issued.vesting
        self.tvs = dgp.total_vesting_shares
        self.producer_vests = issued.witness * self.tvs // self.tvf
        self.tvf += issued.witness
        self.tvs += self.producer_vests
        self.supply = dgp.current_supply + issued.content + issued.vesting + issued.witness
        self.sbd_supply = dgp.current_sbd_supply + ref_to_sbd(issued.treasury, price)
        self.pending_vests = dgp.pending_rewarded_vesting_shares
        self.pending_steem = dgp.pending_rewarded_vesting_steem
        # process_comment_cashout: decay, then this block's claims, then the payout
        recent = int(fund.recent_claims)
        claims = recent - recent * (self.now - fund.last_update) // (15 * DAY)
        claim = ref_convergent_linear(target.net_rshares) * target.reward_weight // PCT if target.net_rshares > 0 else 0
        self.claims = claims + claim
        raw = self.pool * claim // self.claims if claim else 0
        self.raw_payout = raw
        payout = 0 if ref_to_sbd(raw, price) < 20 else raw
        payout = min(payout, ref_to_steem(target.max_accepted_payout, price))
        self.payout = payout
        self.rewards: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.curation_rewards: dict[str, int] = defaultdict(int)
        self.curation_vops: list[tuple[str, int]] = []
        self.benefactor_vops: list[tuple[str, int, int, int]] = []
        self.author_vop: tuple[int, int, int] | None = None
        self.unclaimed = 0
        self.author_tokens = 0
        if payout:
            curation = payout * 5000 // PCT
            unclaimed = curation
            if target.allow_curation_rewards and target.total_vote_weight > 0:
                for vote in sorted((v for v in self.votes if v.weight > 0), key=lambda v: (-v.weight, v.voter)):
                    share = curation * vote.weight // target.total_vote_weight
                    if share > 0:
                        unclaimed -= share
                        self.curation_rewards[vote.voter] += share
                        self.curation_vops.append((vote.voter, self.vest(vote.voter, share)))
            author_tokens = payout - curation
            paid = 0
            for name, weight in self.beneficiaries():
                tokens = author_tokens * weight // PCT
                self.benefactor_vops.append((name, *self.split(name, tokens)))
                paid += tokens
            self.author_tokens = author_tokens - paid
            self.author_vop = self.split(target.author, self.author_tokens)
            self.unclaimed = unclaimed
        self.claimed = payout - self.unclaimed if payout else 0
        self.reward_balance_after = self.pool - self.claimed

    def check(self, chain: DevChain) -> None:
        """Produce the cashout block and compare it with the model."""
        chain.node.generate_blocks(1)
        state = chain.state
        block = self.block_num
        assert state.dgp().head_block_number == block
        fund = state.reward_fund()
        assert (fund.reward_balance, int(fund.recent_claims), fund.last_update) == (
            self.reward_balance_after,
            self.claims,
            self.now,
        )
        dgp = state.dgp()
        assert (dgp.total_vesting_shares, dgp.total_vesting_fund_steem) == (self.tvs, self.tvf)
        assert (dgp.pending_rewarded_vesting_shares, dgp.pending_rewarded_vesting_steem) == (
            self.pending_vests,
            self.pending_steem,
        )
        assert (dgp.current_supply, dgp.current_sbd_supply) == (self.supply, self.sbd_supply)
        for name, before in self.before.items():
            after = account(chain, name)
            delta = [getattr(after, f) - getattr(before, f) for f in REWARD_FIELDS]
            assert delta == self.rewards.get(name, [0, 0, 0, 0]), name
            assert after.curation_rewards - before.curation_rewards == self.curation_rewards.get(name, 0), name
        author = self.comment.author
        assert account(chain, author).posting_rewards - self.before[author].posting_rewards == self.author_tokens
        curations = virtual_ops(chain, CurationReward, block)
        assert [(op.curator, op.reward.amount) for op in curations] == self.curation_vops
        assert all((op.comment_author, op.comment_permlink) == (author, self.comment.permlink) for op in curations)
        benefactors = virtual_ops(chain, CommentBenefactorReward, block)
        assert [
            (op.benefactor, op.sbd_payout.amount, op.steem_payout.amount, op.vesting_payout.amount)
            for op in benefactors
        ] == self.benefactor_vops
        authors = virtual_ops(chain, AuthorReward, block)
        comments = virtual_ops(chain, CommentReward, block)
        if self.author_vop is None:
            assert (authors, comments, benefactors) == ([], [], [])
        else:
            (op,) = authors
            assert (op.sbd_payout.amount, op.steem_payout.amount, op.vesting_payout.amount) == self.author_vop
            (reward,) = comments
            assert reward.payout.amount == ref_to_sbd(self.claimed, self.price)
        (producer,) = virtual_ops(chain, ProducerReward, block)
        assert producer.vesting_shares.amount == self.producer_vests
        closed = comment_of(chain, author, self.comment.permlink)
        assert closed.cashout_time == MAX_TIME
        assert closed.last_payout == self.now
        assert (closed.net_rshares, closed.abs_rshares, closed.vote_rshares, closed.total_vote_weight) == (
            min(self.comment.net_rshares, 0),
            0,
            0,
            0,
        )
        assert closed.author_rewards == self.comment.author_rewards + self.author_tokens


def cash_out(chain: DevChain, author: str, permlink: str) -> CashoutModel:
    """Jump to the slot before the comment's cashout, model the cashout block, produce it and check it."""
    chain.node.generate_blocks_until(comment_of(chain, author, permlink).cashout_time - params.BLOCK_INTERVAL)
    model = CashoutModel(chain, author, permlink)
    model.check(chain)
    return model


def voted_post(chain: DevChain, post_options: CommentOptions | None = None, blocks: int = 1500) -> None:
    """alice's post, voted by dave (10,000,000 delegated VESTS, after 30 s: a tenth of its curation weight),
    bob (5,000 STEEM POWER, after 300 s: full weight) and initminer (after bob: the bulk of the claim);
    `blocks` blocks fill the pool before the cashout."""
    chain.create_account("alice")
    chain.create_account("bob", vest=5_000_000)
    chain.create_account("carol")
    delegated_voter(chain, "dave", 10**13)
    created = post(chain, "alice", "post", post_options).created
    apply_at(chain, created + 30, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    apply_at(chain, created + 300, Vote("bob", "alice", "post", PCT), keys=posting("bob"))
    apply_next(chain, Vote("initminer", "alice", "post", PCT))
    chain.node.generate_blocks(blocks)


def test_cashout_split_to_the_satoshi(chain: DevChain) -> None:
    voted_post(chain, options("alice", "post", beneficiaries=(("carol", 2_500),)))
    votes = {vote.voter: vote for vote in COMMENT_VOTES.scan(chain.state.db)}
    r_dave, r_bob, r_init = (votes[name].rshares for name in ("dave", "bob", "initminer"))
    # dave voted first, 30 s in: 10^13 mana → 2·10^11 used → 199,950,000,000 rshares; w_max = W(r) − W(0)
    # = 199,950,000,000 // approx_sqrt(4,199,950,000,000); x: m=41 z=20 mant=2,000,926,744,448 lo=954,116
    # → 2^20 | ((2^20 + 954,116) >> 1 = 1,001,346) = 2,049,922 → W = 97,540, discounted to 30/300 → 9,754
    assert r_dave == 199_950_000_000
    assert approx_sqrt(4_199_950_000_000) == 2_049_922
    assert votes["dave"].weight == 97_540 * 30 // 300 == 9_754
    # bob and initminer after 300 s: the undiscounted increments of W over the running vote_rshares
    assert votes["bob"].weight == ref_convergent_square_root(r_dave + r_bob) - 97_540
    w_all = ref_convergent_square_root(r_dave + r_bob + r_init)
    assert votes["initminer"].weight == w_all - ref_convergent_square_root(r_dave + r_bob)
    assert comment_of(chain, "alice", "post").total_vote_weight == w_all
    model = cash_out(chain, "alice", "post")
    # the scenario really exercises every part of the split
    assert model.payout > 0 and model.author_tokens > 0 and model.unclaimed > 0
    assert [name for name, _ in model.curation_vops] == ["initminer", "bob", "dave"]  # heaviest first
    assert len(model.benefactor_vops) == 1
    assert model.author_vop is not None and model.author_vop[0] > 0 and model.author_vop[2] > 0
    assert model.print_rate == PCT and model.author_vop[1] == 0  # all of the SBD half printed as SBD
    # curation is half the payout; the auction's discount (dave voted after 30 of 300 s) stays in the pool
    assert model.claimed + model.unclaimed == model.payout


def test_pay_split_below_the_full_print_rate() -> None:
    # print rate 50 %, price 0.500 SBD/STEEM (1000 SBD sat per 2000 STEEM sat), 2,003 STEEM sat of author tokens:
    #   percent_steem_dollars 10000 → sbd_part = 2,003 × 10000 // 20000 = 1,001; to_sbd = 5000 × 1,001 // 10000 = 500
    #   → 500 × 1000 // 2000 = 250 SBD sat; liquid = 1,001 − 500 = 501; vested 2,003 − 1,001 = 1,002 STEEM sat
    #   at (tvs + pending)/(tvf + pending) = 5·10^16 / 5·10^10 = 10^6 VESTS sat per STEEM sat → 1,002,000,000 VESTS
    dgp = dataclasses.replace(unit_dgp(), sbd_print_rate=5_000)
    author = unit_voter(0, 0, 0)
    supply, sbd_supply = dgp.current_supply, dgp.current_sbd_supply
    assert pay_split(dgp, author, 2_003, PCT, (1_000, 2_000)) == (250, 501, 1_002_000_000)
    assert (author.reward_sbd_balance, author.reward_steem_balance) == (250, 501)
    assert (author.reward_vesting_balance, author.reward_vesting_steem) == (1_002_000_000, 1_002)
    assert (dgp.current_supply, dgp.current_sbd_supply) == (supply - 500, sbd_supply + 250)
    assert (dgp.pending_rewarded_vesting_shares, dgp.pending_rewarded_vesting_steem) == (1_002_000_000, 1_002)
    # percent_steem_dollars 5000: sbd_part = 2,003 × 5000 // 20000 = 500; to_sbd 250 → 125 SBD sat; liquid 250
    author = unit_voter(0, 0, 0)
    sbd, liquid, _ = pay_split(dgp, author, 2_003, 5_000, (1_000, 2_000))
    assert (sbd, liquid, author.reward_vesting_steem) == (125, 250, 1_503)


def test_cashout_after_claims_and_a_second_post(chain: DevChain) -> None:
    """A second cashout, after the first's rewards were claimed (pending VESTS move into the fund)."""
    voted_post(chain, blocks=50)
    cash_out(chain, "alice", "post")
    alice = account(chain, "alice")
    apply_next(
        chain,
        ClaimRewardBalance(
            "alice",
            Asset(alice.reward_steem_balance, "STEEM"),
            Asset(alice.reward_sbd_balance, "SBD"),
            Asset(alice.reward_vesting_balance // 2, "VESTS"),
        ),
        keys=posting("alice"),
    )
    created = post(chain, "alice", "second").created
    apply_at(chain, created + 300, Vote("initminer", "alice", "second", PCT))
    chain.node.generate_blocks(30)
    model = cash_out(chain, "alice", "second")
    assert model.payout > 0 and model.dgp.pending_rewarded_vesting_shares > 0


def test_payout_below_the_minimum_pays_nothing(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**14)  # 100,000,000 VESTS → a claim of ≈ 1.2·10^12 against ≈ 8·10^16
    post(chain, "alice", "post")
    apply_next(chain, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    chain.node.generate_blocks(300)
    chain.node.generate_blocks_until(comment_of(chain, "alice", "post").cashout_time - params.BLOCK_INTERVAL)
    model = CashoutModel(chain, "alice", "post")
    assert 0 < ref_to_sbd(model.raw_payout, model.price) < 20  # worth something, but less than 0.020 SBD
    assert model.payout == 0
    model.check(chain)  # nothing paid, the comment closed, the pool keeps its STEEM
    assert chain.state.reward_fund().reward_balance == model.pool
    # the claim still joins recent_claims (steemd adds every due comment with net_rshares > 0)
    recent = int(model.fund.recent_claims)
    decayed = recent - recent * (model.now - model.fund.last_update) // (15 * DAY)
    assert int(chain.state.reward_fund().recent_claims) == decayed + ref_convergent_linear(model.comment.net_rshares)


def test_declined_payout_pays_nothing(chain: DevChain) -> None:
    voted_post(chain, options("alice", "post", payout=0), blocks=50)
    chain.node.generate_blocks_until(comment_of(chain, "alice", "post").cashout_time - params.BLOCK_INTERVAL)
    model = CashoutModel(chain, "alice", "post")
    assert ref_to_sbd(model.raw_payout, model.price) >= 20  # would have been paid
    assert model.payout == 0
    model.check(chain)


def test_payout_capped_at_max_accepted_payout(chain: DevChain) -> None:
    voted_post(chain, options("alice", "post", payout=100), blocks=400)  # 0.100 SBD
    chain.node.generate_blocks_until(comment_of(chain, "alice", "post").cashout_time - params.BLOCK_INTERVAL)
    model = CashoutModel(chain, "alice", "post")
    assert model.raw_payout > 100 and model.payout == 100  # 0.100 SBD at 1:1 = 100 STEEM satoshis
    model.check(chain)


def test_full_beneficiary_null_takes_everything_from_the_author(chain: DevChain) -> None:
    voted_post(chain, options("alice", "post", beneficiaries=(("null", PCT),)), blocks=50)
    alice = account(chain, "alice")
    model = cash_out(chain, "alice", "post")
    assert model.author_tokens == 0 and model.author_vop == (0, 0, 0)
    assert [getattr(account(chain, "alice"), f) for f in REWARD_FIELDS] == [getattr(alice, f) for f in REWARD_FIELDS]
    (benefactor,) = model.benefactor_vops
    # all of the SBD half is printed as SBD (print rate 100 %), so no liquid STEEM
    assert benefactor[0] == "null" and benefactor[1] > 0 and benefactor[2] == 0 and benefactor[3] > 0
    null = account(chain, "null")
    assert null.reward_sbd_balance == benefactor[1] and null.reward_vesting_balance == benefactor[3]


def test_percent_steem_dollars_zero_vests_everything(chain: DevChain) -> None:
    voted_post(chain, options("alice", "post", percent=0), blocks=50)
    model = cash_out(chain, "alice", "post")
    alice = account(chain, "alice")
    assert (alice.reward_sbd_balance, alice.reward_steem_balance) == (0, 0)
    assert alice.reward_vesting_steem == model.author_tokens > 0
    assert model.author_vop is not None and model.author_vop[:2] == (0, 0)


def test_curation_disabled_returns_to_the_pool(chain: DevChain) -> None:
    voted_post(chain, options("alice", "post", curation=False), blocks=50)
    assert comment_of(chain, "alice", "post").total_vote_weight == 0
    model = cash_out(chain, "alice", "post")
    assert model.curation_vops == []
    curation = model.payout * 5000 // PCT
    assert model.unclaimed == curation > 0
    assert chain.state.reward_fund().reward_balance == model.pool - (model.payout - curation)
    assert all(account(chain, name).curation_rewards == 0 for name in ("initminer", "bob", "dave"))


def test_curators_never_share_more_than_the_curation_tokens(chain: DevChain) -> None:
    curation_step_setup(chain)
    # initminer's downvote changed into an upvote: a large claim, and (a changed vote) no curation weight
    apply_next(chain, Vote("initminer", "alice", "post", -PCT))
    apply_next(chain, Vote("initminer", "alice", "post", PCT))
    assert comment_of(chain, "alice", "post").net_rshares > 10**14
    chain.node.generate_blocks(1000)
    chain.node.generate_blocks_until(comment_of(chain, "alice", "post").cashout_time - params.BLOCK_INTERVAL)
    model = CashoutModel(chain, "alice", "post")
    curation = model.payout * 5000 // PCT
    assert curation > 656 * 3  # large enough for one 656th of it to show
    before = account(chain, "dave").curation_rewards
    chain.node.generate_blocks(1)
    assert account(chain, "dave").curation_rewards - before <= curation


# --- inflation (§4.2) -----------------------------------------------------------------------------


def test_inflation_rate_narrows_to_its_floor() -> None:
    assert [inflation_rate_bp(n) for n in (0, 249_999, 250_000, 500_000)] == [978, 978, 977, 976]
    # 978 − n // 250,000 reaches 95 at n = (978 − 95) × 250,000 = 220,750,000 and stays there
    assert [inflation_rate_bp(n) for n in (220_749_999, 220_750_000, 10**10)] == [96, 95, 95]


def test_block_issuance_by_hand() -> None:
    dgp = dataclasses.replace(unit_dgp(), virtual_supply=300_000_000_000)
    # new = 300,000,000,000 × 978 // (10000 × 10,512,000) = 293,400,000,000,000 // 105,120,000,000 = 2,791
    # content 2,791 × 6500 // 10000 = 1,814; vesting × 1500 → 418; treasury × 1000 → 279;
    # witness 2,791 − 1,814 − 418 − 279 = 280, × 21 × weight // normalization
    issued = block_issuance(dgp, 1, 1, 1)
    assert (issued.content, issued.vesting, issued.treasury, issued.witness) == (1_814, 418, 279, 280 * 21)
    assert block_issuance(dgp, 1, 1, 25).witness == 235  # an elected witness of 20 + 1 backup: 5,880 // 25
    assert block_issuance(dgp, 1, 5, 25).witness == 1_176  # the timeshare backup: 280 × 21 × 5 // 25
    # at block 250,000 the rate is 977: 293,100,000,000,000 // 105,120,000,000 = 2,788
    assert block_issuance(dgp, 250_000, 1, 1).content == 2_788 * 6500 // PCT == 1_812
    issued = ref_issuance(300_000_000_000, 1)
    assert (issued.content, issued.vesting, issued.treasury, issued.witness) == (1_814, 418, 279, 5_880)


def test_one_block_of_inflation_on_the_chain(chain: DevChain) -> None:
    chain.node.generate_blocks(5)
    dgp = copy.copy(chain.state.dgp())
    fund = copy.copy(chain.state.reward_fund())
    treasury = account(chain, "steem.dao").sbd_balance
    price = (1_000, 1_000)  # the genesis median
    virtual = dgp.current_supply + ref_to_steem(dgp.current_sbd_supply, price)
    issued = ref_issuance(virtual, dgp.head_block_number + 1)
    chain.node.generate_blocks(1)
    after = chain.state.dgp()
    assert chain.state.reward_fund().reward_balance == fund.reward_balance + issued.content
    assert account(chain, "steem.dao").sbd_balance == treasury + ref_to_sbd(issued.treasury, price)
    assert after.current_supply == dgp.current_supply + issued.content + issued.vesting + issued.witness
    assert after.current_sbd_supply == dgp.current_sbd_supply + ref_to_sbd(issued.treasury, price)
    # the vesting share goes into the fund (raising STEEM per VESTS), then the producer's pay is vested at that price
    vests = issued.witness * dgp.total_vesting_shares // (dgp.total_vesting_fund_steem + issued.vesting)
    (reward,) = virtual_ops(chain, ProducerReward, after.head_block_number)
    assert (reward.producer, reward.vesting_shares.amount) == ("initminer", vests)
    assert after.total_vesting_fund_steem == dgp.total_vesting_fund_steem + issued.vesting + issued.witness
    assert after.total_vesting_shares == dgp.total_vesting_shares + vests
    assert after.virtual_supply == after.current_supply + ref_to_steem(after.current_sbd_supply, price)


def test_reward_fund_grows_by_the_content_share_every_block(chain: DevChain) -> None:
    for _ in range(10):
        dgp = copy.copy(chain.state.dgp())
        balance = chain.state.reward_fund().reward_balance
        virtual = dgp.current_supply + ref_to_steem(dgp.current_sbd_supply, (1_000, 1_000))
        chain.node.generate_blocks(1)
        content = ref_issuance(virtual, dgp.head_block_number + 1).content
        assert chain.state.reward_fund().reward_balance == balance + content


# --- the median feed and the print rate (§4.7) --------------------------------------------------


def feed(base: int, quote: int) -> FeedPublish:
    return FeedPublish("initminer", Price(Asset(base, "SBD"), Asset(quote, "STEEM")))


def blocks_to(chain: DevChain, number: int) -> None:
    chain.node.generate_blocks(number - chain.state.dgp().head_block_number)
    assert chain.state.dgp().head_block_number == number


def median(chain: DevChain) -> tuple[int, int]:
    found = chain.state.feed()
    return found.current_median_base, found.current_median_quote


def test_median_feed_updates_hourly_from_the_history(chain: DevChain) -> None:
    apply_next(chain, feed(500, 1_000))  # 0.500 SBD per STEEM; one scheduled witness: one feed suffices
    blocks_to(chain, 1_199)
    assert median(chain) == (1_000, 1_000) and chain.state.feed().history() == []  # the genesis price
    blocks_to(chain, 1_200)
    assert chain.state.feed().history() == [[500, 1_000]]
    assert median(chain) == (500, 1_000)
    apply_next(chain, feed(1_500, 1_000))
    blocks_to(chain, 2_400)
    # history [0.5, 1.5]: the median is sorted[2 // 2] = the higher one
    assert chain.state.feed().history() == [[500, 1_000], [1_500, 1_000]]
    assert median(chain) == (1_500, 1_000)
    apply_next(chain, feed(2_000, 2_000))  # 1.000, written differently
    blocks_to(chain, 3_600)
    # sorted by value 0.5 < 1.0 < 1.5 → sorted[1] = 2000/2000
    assert median(chain) == (2_000, 2_000)


def test_feeds_older_than_a_week_are_ignored(chain: DevChain) -> None:
    apply_next(chain, feed(500, 1_000))
    published = chain.state.dgp().time
    chain.node.generate_blocks_until(published + 7 * DAY)
    blocks_to(chain, 1_200)
    assert chain.state.feed().history() == []
    assert median(chain) == (1_000, 1_000)


def test_median_is_floored_at_ten_percent_sbd(chain: DevChain) -> None:
    apply_next(chain, feed(1, 1_000_000_000))  # 0.001 SBD per 1,000,000.000 STEEM: far below the floor
    blocks_to(chain, 1_199)
    dgp = chain.state.dgp()
    sbd, supply = dgp.current_sbd_supply, dgp.current_supply
    assert sbd > 0  # the treasury's SBD
    blocks_to(chain, 1_200)
    # HF14: price ≥ 9 × sbd_supply / current_supply, read when the median is updated (before this block's
    # inflation), so SBD stays at most 10 % of the market cap
    assert chain.state.feed().history() == [[1, 1_000_000_000]]
    assert median(chain) == (9 * sbd, supply)


@pytest.mark.parametrize(
    ("sbd", "expected"),
    [
        (80_000_000, PCT),  # 8 %: (80,000,000 × 10000 + 500,000,000) // 10^9 = 800 ≤ 900 → 100 %
        (90_000_000, PCT),  # 9 %: 900 → 100 %
        (92_500_000, 7_500),  # 9.25 %: 925 → (1000 − 925) × 10000 // 100 = 7,500
        (95_000_000, 5_000),  # 9.5 %: 950 → 5,000
        (94_996_000, 5_000),  # 9.4996 % rounds to 950 (HF21 rounds to nearest; truncating gives 949 → 5,100)
        (99_949_999, 100),  # 9.9949999 %: (999,499,990,000 + 500,000,000) // 10^9 = 999 → 100
        (99_950_000, 0),  # 9.995 %: 999.5 rounds up to 1000 → 0
        (100_000_000, 0),  # 10 %: 1000 → 0
    ],
)
def test_sbd_print_rate(sbd: int, expected: int) -> None:
    dgp = dataclasses.replace(unit_dgp(), virtual_supply=1_000_000_000, current_sbd_supply=sbd)
    assert sbd_print_rate(dgp, (1_000, 1_000)) == expected
    assert ref_print_rate(sbd, 1_000_000_000, (1_000, 1_000)) == expected
    # the same share of the virtual supply at 0.500 SBD/STEEM takes half as many SBD
    half = dataclasses.replace(dgp, current_sbd_supply=sbd // 2)
    assert sbd_print_rate(half, (500, 1_000)) == expected


# --- conversions (§4.7) ---------------------------------------------------------------------------


def test_convert_sbd_at_the_median_after_three_and_a_half_days(chain: DevChain) -> None:
    chain.create_account("alice")
    apply_next(chain, feed(1_000, 2_000))  # 0.500 SBD per STEEM
    created = post(chain, "alice", "post").created
    apply_at(chain, created + 300, Vote("initminer", "alice", "post", PCT))
    blocks_to(chain, 1_200)
    assert median(chain) == (1_000, 2_000)
    cash_out(chain, "alice", "post")  # percent_steem_dollars 10000 at 0.500: half the author's half as SBD
    earned = account(chain, "alice").reward_sbd_balance
    assert earned > 0
    claim = ClaimRewardBalance("alice", Asset(0, "STEEM"), Asset(earned, "SBD"), Asset(0, "VESTS"))
    apply_next(chain, claim, keys=posting("alice"))
    alice = account(chain, "alice")
    assert (alice.sbd_balance, alice.reward_sbd_balance) == (earned, 0)
    amount = earned - 1 if earned > 1 else earned
    sbd_before = chain.state.dgp().current_sbd_supply
    apply_next(chain, Convert("alice", 7, Asset(amount, "SBD")), keys=active("alice"))
    requested = chain.state.dgp().time
    assert account(chain, "alice").sbd_balance == earned - amount
    # the SBD leaves the account (into the request) but is still SBD in circulation until paid
    assert chain.state.dgp().current_sbd_supply >= sbd_before
    chain.node.generate_blocks_until(requested + 84 * 3600 - 3)
    assert virtual_ops(chain, FillConvertRequest, chain.state.dgp().head_block_number) == []
    balance = account(chain, "alice").balance
    dgp = copy.copy(chain.state.dgp())
    price = median(chain)
    virtual = dgp.current_supply + ref_to_steem(dgp.current_sbd_supply, price)
    issued = ref_issuance(virtual, dgp.head_block_number + 1)
    chain.node.generate_blocks(1)  # 3.5 days after the request
    assert chain.state.dgp().time == requested + 84 * 3600
    (fill,) = virtual_ops(chain, FillConvertRequest, chain.state.dgp().head_block_number)
    steem = amount * 2_000 // 1_000  # SBD × (quote STEEM / base SBD)
    assert (fill.owner, fill.requestid, fill.amount_in, fill.amount_out) == (
        "alice",
        7,
        Asset(amount, "SBD"),
        Asset(steem, "STEEM"),
    )
    assert account(chain, "alice").balance == balance + steem
    after = chain.state.dgp()
    minted = issued.content + issued.vesting + issued.witness
    assert after.current_supply == dgp.current_supply + minted + steem
    assert after.current_sbd_supply == dgp.current_sbd_supply + ref_to_sbd(issued.treasury, price) - amount
    assert chain.state.count(COMMENTS) == 1  # (nothing else was due)


# --- reputation (§4.9) ----------------------------------------------------------------------------


@pytest.fixture
def rep_state(tmp_path: Path) -> State:
    state = State.open(tmp_path / "rep.db")
    yield state
    state.close()


def set_rep(state: State, name: str, value: int) -> None:
    """Bring `name`'s reputation to `value` by votes: an upvote from a fresh account, or a downvote from a
    judge whose reputation is higher than anyone's."""
    delta = value - reputation.reputation(state, name)
    if delta >= 0:
        reputation.apply_vote(state, f"giver{value}", name, None, delta * 64)
        return
    if reputation.reputation(state, "judge") <= 10**9:
        reputation.apply_vote(state, "judgemaker", "judge", None, 10**12 * 64)
    reputation.apply_vote(state, "judge", name, None, delta * 64)
    assert reputation.reputation(state, name) == value


def test_reputation_moves_by_rshares_over_64(rep_state: State) -> None:
    reputation.apply_vote(rep_state, "bob", "alice", None, 6_400)  # 6,400 >> 6 = 100
    assert reputation.reputation(rep_state, "alice") == 100
    reputation.apply_vote(rep_state, "carol", "alice", None, 63)  # 63 >> 6 = 0
    assert reputation.reputation(rep_state, "alice") == 100
    reputation.apply_vote(rep_state, "alice", "bob", None, -6_401)  # alice (100) > bob (0): −6,401 >> 6 = −101
    assert reputation.reputation(rep_state, "bob") == -101


def test_negative_reputation_voters_move_nobody(rep_state: State) -> None:
    set_rep(rep_state, "eve", -1)
    reputation.apply_vote(rep_state, "eve", "alice", None, 64_000)
    reputation.apply_vote(rep_state, "eve", "alice", None, -64_000)
    assert reputation.reputation(rep_state, "alice") == 0


def test_downvote_counts_only_from_a_higher_reputation(rep_state: State) -> None:
    set_rep(rep_state, "alice", 1_000)
    set_rep(rep_state, "bob", 1_000)
    reputation.apply_vote(rep_state, "bob", "alice", None, -64_000)  # equal: no effect
    assert reputation.reputation(rep_state, "alice") == 1_000
    set_rep(rep_state, "bob", 1_001)
    reputation.apply_vote(rep_state, "bob", "alice", None, -64_000)  # higher: −1,000
    assert reputation.reputation(rep_state, "alice") == 0
    reputation.apply_vote(rep_state, "carol", "bob", None, -64_000)  # carol 0 < bob 1,001: no effect
    assert reputation.reputation(rep_state, "bob") == 1_001


def test_vote_change_first_removes_the_old_effect(rep_state: State) -> None:
    reputation.apply_vote(rep_state, "bob", "alice", None, 6_400)
    reputation.apply_vote(rep_state, "bob", "alice", 6_400, 12_800)  # 100 − 100 + 200
    assert reputation.reputation(rep_state, "alice") == 200
    # bob (0) changes to a downvote of alice (200): the old +200 goes, the downvote does not count
    reputation.apply_vote(rep_state, "bob", "alice", 12_800, -6_400)
    assert reputation.reputation(rep_state, "alice") == 0
    # an old downvote is removed only when it counted: the voter's rep must exceed author_rep − old_delta
    set_rep(rep_state, "carol", 50)
    set_rep(rep_state, "dan", 40)
    reputation.apply_vote(rep_state, "carol", "dan", None, -640)  # 50 > 40: dan 40 − 10 = 30
    assert reputation.reputation(rep_state, "dan") == 30
    reputation.apply_vote(rep_state, "carol", "dan", -640, 640)  # 50 > 30 − (−10) = 40: +10, then +10
    assert reputation.reputation(rep_state, "dan") == 50


def test_reputation_through_the_chain(chain: DevChain) -> None:
    chain.create_account("alice")
    delegated_voter(chain, "dave", 10**12)
    post(chain, "alice", "post")
    apply_next(chain, Vote("dave", "alice", "post", PCT), keys=posting("dave"))
    assert reputation.reputation(chain.state, "alice") == 19_950_000_000 >> 6 == 311_718_750
    apply_next(chain, Vote("dave", "alice", "post", 5_000), keys=posting("dave"))
    new = vote_of(chain, "alice", "post", "dave").rshares
    assert reputation.reputation(chain.state, "alice") == new >> 6


@pytest.mark.parametrize(
    ("raw", "score"),
    [
        (0, 25.0),
        (10**12, 52.0),  # log10 = 12 → (12 − 9) × 9 + 25
        (-(10**12), -2.0),  # −(3 × 9) + 25
        (10**9, 25.0),  # log10 = 9 → 0
        (-5, 25.0),  # below 10^9 the score stays 25 either way
        (10**10, 34.0),
        (311_718_750, 25.0),
        (2 * 10**13, round((math.log10(2 * 10**13) - 9) * 9 + 25, 2)),  # 61.71
    ],
)
def test_display_score(raw: int, score: float) -> None:
    assert reputation.display_score(raw) == score
