"""Consensus objects: one slotted dataclass per table row, fields in column order.

Amounts are integer satoshis (STEEM and SBD 3 decimals, VESTS 6). Times are seconds since the epoch.
Authorities are stored packed (their wire bytes). Values wider than 64 bits are kept as decimal text.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from ..protocol import Authority

MAX_TIME = 0xFFFFFFFF  # steemd's time_point_sec::maximum(): "never"


@dataclass(slots=True)
class DynamicGlobalProperties:
    head_block_number: int
    head_block_id: bytes
    time: int
    current_witness: str
    total_pow: int
    num_pow_witnesses: int
    virtual_supply: int
    current_supply: int
    confidential_supply: int
    current_sbd_supply: int
    confidential_sbd_supply: int
    total_vesting_fund_steem: int
    total_vesting_shares: int
    total_reward_fund_steem: int
    total_reward_shares2: str
    pending_rewarded_vesting_shares: int
    pending_rewarded_vesting_steem: int
    sbd_interest_rate: int
    sbd_print_rate: int
    maximum_block_size: int
    current_aslot: int
    recent_slots_filled: str
    participation_count: int
    last_irreversible_block_num: int
    vote_power_reserve_rate: int
    delegation_return_period: int
    reverse_auction_seconds: int
    available_account_subsidies: int
    sbd_stop_percent: int
    sbd_start_percent: int
    next_maintenance_time: int
    last_budget_time: int
    content_reward_percent: int
    vesting_reward_percent: int
    sps_fund_percent: int
    sps_interval_ledger: int
    downvote_pool_percent: int
    id: int = 0


@dataclass(slots=True)
class Account:
    name: str
    id: int
    owner: bytes
    active: bytes
    posting: bytes
    memo_key: str
    json_metadata: str
    posting_json_metadata: str
    proxy: str
    created: int
    creator: str
    recovery_account: str
    last_owner_update: int
    last_account_update: int
    can_vote: bool
    balance: int
    savings_balance: int
    sbd_balance: int
    savings_sbd_balance: int
    savings_withdraw_requests: int
    reward_steem_balance: int
    reward_sbd_balance: int
    reward_vesting_balance: int
    reward_vesting_steem: int
    vesting_shares: int
    delegated_vesting_shares: int
    received_vesting_shares: int
    vesting_withdraw_rate: int
    next_vesting_withdrawal: int
    withdrawn: int
    to_withdraw: int
    withdraw_routes: int
    voting_mana: int
    voting_mana_time: int
    downvote_mana: int
    downvote_mana_time: int
    last_post: int
    last_root_post: int
    last_post_edit: int
    last_vote_time: int
    post_count: int
    posting_rewards: int
    curation_rewards: int
    witnesses_voted_for: int
    proxied_vsf_votes: str  # JSON list of 4 ints (proxy depth 1..4)
    pending_claimed_accounts: int

    def authority(self, role: str) -> Authority:
        return Authority.from_bytes(getattr(self, role))


@dataclass(slots=True)
class Comment:
    author: str
    permlink: str
    id: int
    parent_author: str
    parent_permlink: str
    category: str
    root_author: str
    root_permlink: str
    depth: int
    children: int
    created: int
    last_update: int
    active: int
    last_payout: int
    cashout_time: int
    net_rshares: int
    abs_rshares: int
    vote_rshares: int
    total_vote_weight: int
    net_votes: int
    reward_weight: int
    max_accepted_payout: int
    percent_steem_dollars: int
    allow_replies: bool
    allow_votes: bool
    allow_curation_rewards: bool
    beneficiaries: str  # JSON [[account, weight], …]
    author_rewards: int
    total_payout_value: int
    curator_payout_value: int


@dataclass(slots=True)
class CommentVote:
    author: str
    permlink: str
    voter: str
    weight: int  # curation weight
    rshares: int
    vote_percent: int
    last_update: int
    num_changes: int


@dataclass(slots=True)
class Witness:
    owner: str
    created: int
    url: str
    votes: int
    virtual_last_update: str
    virtual_position: str
    virtual_scheduled_time: str
    total_missed: int
    last_aslot: int
    last_confirmed_block_num: int
    signing_key: str
    account_creation_fee: int
    maximum_block_size: int
    sbd_interest_rate: int
    sbd_exchange_rate_base: int
    sbd_exchange_rate_quote: int
    last_sbd_exchange_update: int
    running_version: str
    hardfork_version_vote: str
    hardfork_time_vote: int


@dataclass(slots=True)
class WitnessVote:
    account: str
    witness: str


@dataclass(slots=True)
class BlockSummary:
    slot: int
    block_id: bytes


@dataclass(slots=True)
class RecentTransaction:
    trx_id: bytes
    expiration: int


@dataclass(slots=True)
class Reputation:
    """An author's raw reputation (the reputation plugin's; not consensus)."""

    account: str
    reputation: int


@dataclass(slots=True)
class VestingDelegation:
    delegator: str
    delegatee: str
    vesting_shares: int
    min_delegation_time: int


@dataclass(slots=True)
class DelegationExpiration:
    id: int
    delegator: str
    vesting_shares: int
    expiration: int


@dataclass(slots=True)
class WithdrawRoute:
    from_account: str
    to_account: str
    percent: int
    auto_vest: bool


@dataclass(slots=True)
class SavingsWithdraw:
    from_account: str
    request_id: int
    to_account: str
    memo: str
    amount: int
    symbol: str
    complete: int


@dataclass(slots=True)
class LimitOrder:
    seller: str
    orderid: int
    created: int
    expiration: int
    for_sale: int
    sell_symbol: str
    price_base: int  # sell_price = base (sell symbol) / quote (the other symbol)
    price_quote: int
    id: int = 0  # allocation order: among orders at one price the older one is matched first


@dataclass(slots=True)
class ConvertRequest:
    owner: str
    requestid: int
    amount: int  # SBD
    conversion_date: int


def new_account(
    name: str,
    account_id: int,
    owner: Authority,
    active: Authority,
    posting: Authority,
    memo_key: str,
    json_metadata: str,
    created: int,
    creator: str,
) -> Account:
    """A freshly created account: empty balances, full (empty) mana, recovery by its creator."""
    return Account(
        name=name,
        id=account_id,
        owner=owner.to_bytes(),
        active=active.to_bytes(),
        posting=posting.to_bytes(),
        memo_key=memo_key,
        json_metadata=json_metadata,
        posting_json_metadata="",
        proxy="",
        created=created,
        creator=creator,
        recovery_account=creator,
        last_owner_update=0,
        last_account_update=created,
        can_vote=True,
        balance=0,
        savings_balance=0,
        sbd_balance=0,
        savings_sbd_balance=0,
        savings_withdraw_requests=0,
        reward_steem_balance=0,
        reward_sbd_balance=0,
        reward_vesting_balance=0,
        reward_vesting_steem=0,
        vesting_shares=0,
        delegated_vesting_shares=0,
        received_vesting_shares=0,
        vesting_withdraw_rate=0,
        next_vesting_withdrawal=MAX_TIME,
        withdrawn=0,
        to_withdraw=0,
        withdraw_routes=0,
        voting_mana=0,
        voting_mana_time=created,
        downvote_mana=0,
        downvote_mana_time=created,
        last_post=0,
        last_root_post=0,
        last_post_edit=0,
        last_vote_time=0,
        post_count=0,
        posting_rewards=0,
        curation_rewards=0,
        witnesses_voted_for=0,
        proxied_vsf_votes="[0,0,0,0]",
        pending_claimed_accounts=0,
    )


def new_witness(owner: str, created: int, url: str, signing_key: str, fee: int, block_size: int, rate: int) -> Witness:
    return Witness(
        owner=owner,
        created=created,
        url=url,
        votes=0,
        virtual_last_update="0",
        virtual_position="0",
        virtual_scheduled_time=str((1 << 128) - 1),
        total_missed=0,
        last_aslot=0,
        last_confirmed_block_num=0,
        signing_key=signing_key,
        account_creation_fee=fee,
        maximum_block_size=block_size,
        sbd_interest_rate=rate,
        sbd_exchange_rate_base=0,
        sbd_exchange_rate_quote=0,
        last_sbd_exchange_update=0,
        running_version="0.0.0",
        hardfork_version_vote="0.0.0",
        hardfork_time_vote=0,
    )


@dataclass(slots=True)
class WitnessSchedule:
    """Who produces which slot (witness_schedule_object), and the median of their proposed properties."""

    current_shuffled_witnesses: str  # JSON list of names, in slot order
    current_virtual_time: str
    next_shuffle_block_num: int
    account_creation_fee: int
    maximum_block_size: int
    sbd_interest_rate: int
    timeshare_witness: str = ""  # the runner-up given a slot this round, if any
    id: int = 0

    def witnesses(self) -> list[str]:
        names: list[str] = orjson.loads(self.current_shuffled_witnesses)
        return names

    def pay_normalization(self) -> int:
        """witness_pay_normalization_factor: elected witnesses weigh 1, the timeshare runner 5."""
        count = len(self.witnesses())
        return count + 4 if self.timeshare_witness else count


@dataclass(slots=True)
class RewardFund:
    """reward_fund_object: the content reward pool and the claims it is shared by."""

    name: str
    reward_balance: int
    recent_claims: str  # uint128 as decimal text
    last_update: int
    content_constant: str
    percent_curation_rewards: int
    percent_content_rewards: int
    author_reward_curve: str
    curation_reward_curve: str


@dataclass(slots=True)
class FeedHistory:
    """feed_history_object: the median price in force (SBD per STEEM) and the hourly medians behind it."""

    current_median_base: int  # SBD satoshis
    current_median_quote: int  # STEEM satoshis
    price_history: str  # JSON [[base, quote], …], oldest first
    id: int = 0

    def history(self) -> list[list[int]]:
        entries: list[list[int]] = orjson.loads(self.price_history)
        return entries
