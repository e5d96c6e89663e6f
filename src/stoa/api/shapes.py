"""JSON shapes of chain objects as steemd's condenser_api and database_api print them.

condenser_api prints the legacy shapes, database_api the appbase ones.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..chain.objects import Account, Comment, CommentVote, DynamicGlobalProperties, Witness
from ..protocol import ASSET, Asset, Authority
from ..protocol.asset import SBD, STEEM, VESTS
from ..protocol.types import dump_int_json, format_time


def asset(amount: int, symbol: str, appbase: bool) -> Any:
    return ASSET.dump(Asset(amount, symbol), appbase)


def authority_json(packed: bytes) -> dict[str, Any]:
    return Authority.from_bytes(packed).to_json()


def manabar(current: int, last_update: int) -> dict[str, Any]:
    return {"current_mana": dump_int_json(current), "last_update_time": last_update}


def account_json(
    account: Account, appbase: bool, witness_votes: list[str] | None = None, reputation: int = 0
) -> dict[str, Any]:
    """An account as get_accounts (legacy) or find_accounts (appbase) prints it."""
    a = account
    shape: dict[str, Any] = {
        "id": a.id,
        "name": a.name,
        "owner": authority_json(a.owner),
        "active": authority_json(a.active),
        "posting": authority_json(a.posting),
        "memo_key": a.memo_key,
        "json_metadata": a.json_metadata,
        "posting_json_metadata": a.posting_json_metadata,
        "proxy": a.proxy,
        "last_owner_update": format_time(a.last_owner_update),
        "last_account_update": format_time(a.last_account_update),
        "created": format_time(a.created),
        "mined": False,
        "recovery_account": a.recovery_account,
        "last_account_recovery": format_time(0),
        "reset_account": "null",
        "comment_count": 0,
        "lifetime_vote_count": 0,
        "post_count": a.post_count,
        "can_vote": bool(a.can_vote),
        "voting_manabar": manabar(a.voting_mana, a.voting_mana_time),
        "downvote_manabar": manabar(a.downvote_mana, a.downvote_mana_time),
        "balance": asset(a.balance, STEEM, appbase),
        "savings_balance": asset(a.savings_balance, STEEM, appbase),
        "sbd_balance": asset(a.sbd_balance, SBD, appbase),
        "sbd_seconds": "0",
        "sbd_seconds_last_update": format_time(0),
        "sbd_last_interest_payment": format_time(0),
        "savings_sbd_balance": asset(a.savings_sbd_balance, SBD, appbase),
        "savings_sbd_seconds": "0",
        "savings_sbd_seconds_last_update": format_time(0),
        "savings_sbd_last_interest_payment": format_time(0),
        "savings_withdraw_requests": a.savings_withdraw_requests,
        "reward_sbd_balance": asset(a.reward_sbd_balance, SBD, appbase),
        "reward_steem_balance": asset(a.reward_steem_balance, STEEM, appbase),
        "reward_vesting_balance": asset(a.reward_vesting_balance, VESTS, appbase),
        "reward_vesting_steem": asset(a.reward_vesting_steem, STEEM, appbase),
        "vesting_shares": asset(a.vesting_shares, VESTS, appbase),
        "delegated_vesting_shares": asset(a.delegated_vesting_shares, VESTS, appbase),
        "received_vesting_shares": asset(a.received_vesting_shares, VESTS, appbase),
        "vesting_withdraw_rate": asset(a.vesting_withdraw_rate, VESTS, appbase),
        "next_vesting_withdrawal": format_time(a.next_vesting_withdrawal),
        "withdrawn": dump_int_json(a.withdrawn),
        "to_withdraw": dump_int_json(a.to_withdraw),
        "withdraw_routes": a.withdraw_routes,
        "curation_rewards": a.curation_rewards,
        "posting_rewards": a.posting_rewards,
        "proxied_vsf_votes": orjson.loads(a.proxied_vsf_votes),
        "witnesses_voted_for": a.witnesses_voted_for,
        "last_post": format_time(a.last_post),
        "last_root_post": format_time(a.last_root_post),
        "last_post_edit": format_time(a.last_post_edit),
        "last_vote_time": format_time(a.last_vote_time),
        "post_bandwidth": 0,
        "pending_claimed_accounts": a.pending_claimed_accounts,
    }
    if not appbase:
        shape["vesting_balance"] = asset(0, STEEM, appbase)
        shape["reputation"] = dump_int_json(reputation)
        shape["transfer_history"] = []
        shape["market_history"] = []
        shape["post_history"] = []
        shape["vote_history"] = []
        shape["other_history"] = []
        shape["witness_votes"] = witness_votes or []
        shape["tags_usage"] = []
        shape["guest_bloggers"] = []
    return shape


def dgp_json(dgp: DynamicGlobalProperties, appbase: bool) -> dict[str, Any]:
    """get_dynamic_global_properties in either form."""
    d = dgp
    return {
        "id": 0,
        "head_block_number": d.head_block_number,
        "head_block_id": d.head_block_id.hex(),
        "time": format_time(d.time),
        "current_witness": d.current_witness,
        "total_pow": d.total_pow,
        "num_pow_witnesses": d.num_pow_witnesses,
        "virtual_supply": asset(d.virtual_supply, STEEM, appbase),
        "current_supply": asset(d.current_supply, STEEM, appbase),
        "confidential_supply": asset(d.confidential_supply, STEEM, appbase),
        "init_sbd_supply": asset(0, SBD, appbase),
        "current_sbd_supply": asset(d.current_sbd_supply, SBD, appbase),
        "confidential_sbd_supply": asset(d.confidential_sbd_supply, SBD, appbase),
        "total_vesting_fund_steem": asset(d.total_vesting_fund_steem, STEEM, appbase),
        "total_vesting_shares": asset(d.total_vesting_shares, VESTS, appbase),
        "total_reward_fund_steem": asset(d.total_reward_fund_steem, STEEM, appbase),
        "total_reward_shares2": d.total_reward_shares2,
        "pending_rewarded_vesting_shares": asset(d.pending_rewarded_vesting_shares, VESTS, appbase),
        "pending_rewarded_vesting_steem": asset(d.pending_rewarded_vesting_steem, STEEM, appbase),
        "sbd_interest_rate": d.sbd_interest_rate,
        "sbd_print_rate": d.sbd_print_rate,
        "maximum_block_size": d.maximum_block_size,
        "required_actions_partition_percent": 0,
        "current_aslot": d.current_aslot,
        "recent_slots_filled": d.recent_slots_filled,
        "participation_count": d.participation_count,
        "last_irreversible_block_num": d.last_irreversible_block_num,
        "vote_power_reserve_rate": d.vote_power_reserve_rate,
        "delegation_return_period": d.delegation_return_period,
        "reverse_auction_seconds": d.reverse_auction_seconds,
        "available_account_subsidies": d.available_account_subsidies,
        "sbd_stop_percent": d.sbd_stop_percent,
        "sbd_start_percent": d.sbd_start_percent,
        "next_maintenance_time": format_time(d.next_maintenance_time),
        "last_budget_time": format_time(d.last_budget_time),
        "content_reward_percent": d.content_reward_percent,
        "vesting_reward_percent": d.vesting_reward_percent,
        "sps_fund_percent": d.sps_fund_percent,
        "sps_interval_ledger": asset(d.sps_interval_ledger, SBD, appbase),
        "downvote_pool_percent": d.downvote_pool_percent,
    }


def chain_properties_json(fee: int, block_size: int, interest_rate: int, appbase: bool) -> dict[str, Any]:
    return {
        "account_creation_fee": asset(fee, STEEM, appbase),
        "maximum_block_size": block_size,
        "sbd_interest_rate": interest_rate,
    }


def witness_json(witness: Witness, appbase: bool) -> dict[str, Any]:
    w = witness
    return {
        "id": 0,
        "owner": w.owner,
        "created": format_time(w.created),
        "url": w.url,
        "votes": dump_int_json(w.votes),
        "virtual_last_update": w.virtual_last_update,
        "virtual_position": w.virtual_position,
        "virtual_scheduled_time": w.virtual_scheduled_time,
        "total_missed": w.total_missed,
        "last_aslot": w.last_aslot,
        "last_confirmed_block_num": w.last_confirmed_block_num,
        "pow_worker": 0,
        "signing_key": w.signing_key,
        "props": chain_properties_json(w.account_creation_fee, w.maximum_block_size, w.sbd_interest_rate, appbase),
        "sbd_exchange_rate": {
            "base": asset(w.sbd_exchange_rate_base, SBD, appbase),
            "quote": asset(w.sbd_exchange_rate_quote, STEEM, appbase),
        },
        "last_sbd_exchange_update": format_time(w.last_sbd_exchange_update),
        "last_work": "0" * 64,
        "running_version": w.running_version,
        "hardfork_version_vote": w.hardfork_version_vote,
        "hardfork_time_vote": format_time(w.hardfork_time_vote),
        "available_witness_account_subsidies": 0,
    }


def comment_object_json(comment: Comment) -> dict[str, Any]:
    """A comment's consensus fields, as database_api.find_comments prints them (NAI assets)."""
    c = comment
    return {
        "id": c.id,
        "author": c.author,
        "permlink": c.permlink,
        "category": c.category,
        "parent_author": c.parent_author,
        "parent_permlink": c.parent_permlink,
        "root_author": c.root_author,
        "root_permlink": c.root_permlink,
        "depth": c.depth,
        "children": c.children,
        "created": format_time(c.created),
        "last_update": format_time(c.last_update),
        "active": format_time(c.active),
        "last_payout": format_time(c.last_payout),
        "cashout_time": format_time(c.cashout_time),
        "net_rshares": dump_int_json(c.net_rshares),
        "abs_rshares": dump_int_json(c.abs_rshares),
        "vote_rshares": dump_int_json(c.vote_rshares),
        "total_vote_weight": dump_int_json(c.total_vote_weight),
        "net_votes": c.net_votes,
        "reward_weight": c.reward_weight,
        "max_accepted_payout": asset(c.max_accepted_payout, SBD, True),
        "percent_steem_dollars": c.percent_steem_dollars,
        "allow_replies": bool(c.allow_replies),
        "allow_votes": bool(c.allow_votes),
        "allow_curation_rewards": bool(c.allow_curation_rewards),
        "beneficiaries": [{"account": a, "weight": w} for a, w in orjson.loads(c.beneficiaries)],
        "author_rewards": c.author_rewards,
        "total_payout_value": asset(c.total_payout_value, SBD, True),
        "curator_payout_value": asset(c.curator_payout_value, SBD, True),
    }


def vote_object_json(vote: CommentVote) -> dict[str, Any]:
    """A vote as database_api.find_votes prints it."""
    return {
        "voter": vote.voter,
        "author": vote.author,
        "permlink": vote.permlink,
        "weight": dump_int_json(vote.weight),
        "rshares": dump_int_json(vote.rshares),
        "vote_percent": vote.vote_percent,
        "last_update": format_time(vote.last_update),
        "num_changes": vote.num_changes,
    }
