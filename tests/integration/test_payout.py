"""End to end through beem: a post, votes at different times, seven days later the rewards match
the reference split to the satoshi, and beem's claim_reward_balance moves them."""

from __future__ import annotations

from typing import Any

import pytest
from beem import Steem
from beem.account import Account
from beemgraphenebase.account import PasswordKey

from stoa.chain.economics.curves import convergent_linear
from stoa.protocol.types import format_time as _time
from stoa.protocol.types import parse_time

from .conftest import INIT_WIF, RunningNode

PERCENT = 10000
DECAY_SECONDS = 15 * 24 * 3600
NAMES = ("alice", "bob", "carol")


def keys_of(name: str) -> list[str]:
    return [str(PasswordKey(name, f"{name}-payout-pw", role).get_private_key()) for role in ("active", "posting")]


def amount(value: Any) -> int:
    """Satoshis of a legacy asset string."""
    number = str(value).split()[0]
    whole, _, fraction = number.partition(".")
    return int(whole + fraction)


@pytest.fixture(scope="module")
def steem(node: RunningNode) -> Steem:
    keys = [INIT_WIF, *(key for name in NAMES for key in keys_of(name))]
    return Steem(node=node.url, keys=keys, num_retries=0, timeout=30, blocking=True)


def accounts(node: RunningNode) -> dict[str, dict[str, Any]]:
    found = node.call("condenser_api.get_accounts", [[*NAMES, "initminer"]])
    return {entry["name"]: entry for entry in found}


def test_payout_split_and_claim(steem: Steem, node: RunningNode) -> None:
    for name in NAMES:
        steem.create_account(name, creator="initminer", password=f"{name}-payout-pw", storekeys=False)
    init = Account("initminer", blockchain_instance=steem)
    init.transfer_to_vesting(100, to="bob")
    steem.post(
        "Paid",
        "A post that earns",
        author="alice",
        permlink="paid",
        tags=["news"],
        beneficiaries=[{"account": "carol", "weight": 1000}],
    )
    steem.vote(100, "@alice/paid", account="bob")
    created = parse_time(node.call("condenser_api.get_dynamic_global_properties")["time"])
    node.call("debug_node_api.debug_generate_blocks_until", {"head_block_time": _time(created + 120)})
    steem.vote(100, "@alice/paid", account="initminer")

    comment = node.call("database_api.find_comments", {"comments": [["alice", "paid"]]})["comments"][0]
    cashout = parse_time(comment["cashout_time"])
    node.call("debug_node_api.debug_generate_blocks_until", {"head_block_time": _time(cashout - 3)})

    # Everything the cashout block will use, read just before it.
    fund = node.call("condenser_api.get_reward_fund", ["post"])
    dgp = node.call("condenser_api.get_dynamic_global_properties")
    price = node.call("condenser_api.get_current_median_history_price")
    votes = node.call("database_api.find_votes", {"author": "alice", "permlink": "paid"})["votes"]
    before = accounts(node)

    node.call("debug_node_api.debug_generate_blocks", {"count": 1})
    head = node.call("condenser_api.get_dynamic_global_properties")
    assert parse_time(head["time"]) == cashout

    # The reference split (protocol.md §4.2–4.6), worked out here from what was read above.
    virtual_supply = amount(dgp["virtual_supply"])
    new_steem = virtual_supply * max(978 - head["head_block_number"] // 250000, 95) // (PERCENT * 10_512_000)
    pool = amount(fund["reward_balance"]) + new_steem * dgp["content_reward_percent"] // PERCENT
    claims = int(fund["recent_claims"])
    claims -= claims * (cashout - parse_time(fund["last_update"])) // DECAY_SECONDS
    claim = convergent_linear(int(comment["net_rshares"]))
    claims += claim
    payout = pool * claim // claims
    base, quote = amount(price["base"]), amount(price["quote"])
    assert payout * base // quote >= 20, "the test post must clear the 0.020 SBD minimum"
    curation = payout * 5000 // PERCENT
    total_weight = int(comment["total_vote_weight"])
    curators = {vote["voter"]: curation * int(vote["weight"]) // total_weight for vote in votes}
    author_tokens = payout - curation
    shares = {"carol": author_tokens * 1000 // PERCENT}
    shares["alice"] = author_tokens - shares["carol"]

    after = accounts(node)
    for name, tokens in shares.items():
        sbd_part = tokens * 10000 // (2 * PERCENT)
        to_sbd = head["sbd_print_rate"] * sbd_part // PERCENT
        assert amount(after[name]["reward_sbd_balance"]) == to_sbd * base // quote, name
        assert amount(after[name]["reward_steem_balance"]) == sbd_part - to_sbd, name
        assert amount(after[name]["reward_vesting_steem"]) == tokens - sbd_part, name
    for name, reward in curators.items():
        gained = amount(after[name]["reward_vesting_steem"]) - amount(before[name]["reward_vesting_steem"])
        assert gained == reward, name
    assert curators["initminer"] > curators["bob"] >= 0  # the reverse auction cut the early vote

    history = node.call("condenser_api.get_ops_in_block", [head["head_block_number"], True])
    kinds = {entry["op"][0] for entry in history}
    assert {"author_reward", "curation_reward", "comment_benefactor_reward", "comment_reward"} <= kinds

    alice = Account("alice", blockchain_instance=steem)
    reward = after["alice"]
    alice.claim_reward_balance()  # with no amounts beem claims everything outstanding
    claimed = accounts(node)["alice"]
    assert amount(claimed["reward_sbd_balance"]) == amount(claimed["reward_vesting_balance"]) == 0
    assert amount(claimed["sbd_balance"]) == amount(after["alice"]["sbd_balance"]) + amount(
        reward["reward_sbd_balance"]
    )
    assert amount(claimed["vesting_shares"]) == (
        amount(after["alice"]["vesting_shares"]) + amount(reward["reward_vesting_balance"])
    )
