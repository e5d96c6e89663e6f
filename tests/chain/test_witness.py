"""Witnesses: declaring one, voting, proxies (and the weight they carry), price feeds."""

from __future__ import annotations

import orjson

from stoa.chain.evaluators.common import steem_to_vests
from stoa.chain.objects import Witness
from stoa.chain.state import WITNESS_VOTES
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.asset import Price
from stoa.protocol.operations import (
    AccountCreate,
    AccountWitnessProxy,
    AccountWitnessVote,
    ChainProperties,
    DeclineVotingRights,
    FeedPublish,
    Operation,
    TransferToVesting,
    WithdrawVesting,
    WitnessUpdate,
)

from .conftest import INIT_KEY, DevChain, account, rejected, role_key


def active(name: str) -> list[PrivateKey]:
    return [role_key(name, "active")]


def witness(chain: DevChain, owner: str) -> Witness:
    found = chain.state.witness(owner)
    assert found is not None
    return found


def proxied(chain: DevChain, name: str) -> list[int]:
    votes: list[int] = orjson.loads(account(chain, name).proxied_vsf_votes)
    return votes


def props(fee: int = 3000, block_size: int = 131072, rate: int = 0) -> ChainProperties:
    return ChainProperties(Asset(fee, "STEEM"), block_size, rate)


def declare(name: str, url: str = "https://example.com", **kwargs: int) -> WitnessUpdate:
    key = role_key(name, "memo").public_key  # any key: these witnesses never produce
    return WitnessUpdate(name, url, key, props(**kwargs), Asset(0, "STEEM"))


def make_witnesses(chain: DevChain, *names: str) -> None:
    """Bare accounts, each declared a witness, in two blocks."""
    fee = Asset(chain.node.genesis.account_creation_fee, "STEEM")
    ops: list[Operation] = []
    for name in names:
        ops.append(
            AccountCreate.with_keys(fee, "initminer", name, lambda role, name=name: role_key(name, role).public_key)
        )
    chain.apply(*ops)
    chain.apply(*(declare(name) for name in names), keys=[key for name in names for key in active(name)])


# --- witness_update -----------------------------------------------------------------------------


def test_witness_update_creates_then_updates(chain: DevChain) -> None:
    chain.create_account("bob")
    chain.apply(declare("bob", fee=5000, block_size=65536, rate=1000), keys=active("bob"))
    bob = witness(chain, "bob")
    assert (bob.url, bob.signing_key, bob.votes) == (
        "https://example.com",
        str(role_key("bob", "memo").public_key),
        0,
    )
    assert (bob.account_creation_fee, bob.maximum_block_size, bob.sbd_interest_rate) == (5000, 65536, 1000)
    assert bob.created == chain.state.dgp().time
    chain.apply(declare("bob", url="https://bob.example", fee=4000), keys=active("bob"))
    bob = witness(chain, "bob")
    assert (bob.url, bob.account_creation_fee, bob.maximum_block_size) == ("https://bob.example", 4000, 131072)


def test_witness_update_rejections(chain: DevChain) -> None:
    chain.create_account("bob")
    rejected(chain, declare("bob", fee=1_000_000_001), keys=active("bob"), rule="fee")
    rejected(chain, declare("bob", block_size=2 * 1024 * 1024 + 1), keys=active("bob"), rule="block-size")
    rejected(chain, declare("nobody"), keys=active("nobody"), rule="unknown-account")


# --- account_witness_vote -----------------------------------------------------------------------


def test_vote_and_unvote(chain: DevChain) -> None:
    alice_vests = chain.create_account("alice")
    make_witnesses(chain, "bob")
    assert account(chain, "alice").vesting_shares == alice_vests
    chain.apply(AccountWitnessVote("alice", "bob", True), keys=active("alice"))
    assert witness(chain, "bob").votes == alice_vests
    assert account(chain, "alice").witnesses_voted_for == 1
    assert WITNESS_VOTES.get(chain.state.db, "alice", "bob") is not None
    chain.apply(AccountWitnessVote("alice", "bob", False), keys=active("alice"))
    assert witness(chain, "bob").votes == 0
    assert account(chain, "alice").witnesses_voted_for == 0
    assert WITNESS_VOTES.get(chain.state.db, "alice", "bob") is None


def test_votes_follow_steem_power(chain: DevChain) -> None:
    alice_vests = chain.create_account("alice")
    make_witnesses(chain, "bob")
    chain.apply(AccountWitnessVote("alice", "bob", True), keys=active("alice"))
    assert witness(chain, "bob").votes == alice_vests
    chain.apply(WithdrawVesting("alice", Asset(13_000_000, "VESTS")), keys=active("alice"))
    chain.node.generate_blocks_until(account(chain, "alice").next_vesting_withdrawal)
    assert account(chain, "alice").vesting_shares == alice_vests - 1_000_000  # the first installment was paid
    assert witness(chain, "bob").votes == alice_vests - 1_000_000


def test_vote_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("carol")
    names = [f"wit{index:02d}" for index in range(31)]
    make_witnesses(chain, *names)
    key = active("alice")
    rejected(chain, AccountWitnessVote("alice", "carol", True), keys=key, rule="unknown-witness")
    rejected(chain, AccountWitnessVote("alice", "wit00", False), keys=key, rule="no-vote")
    chain.apply(*(AccountWitnessVote("alice", name, True) for name in names[:30]), keys=key)
    assert account(chain, "alice").witnesses_voted_for == 30
    rejected(chain, AccountWitnessVote("alice", "wit00", True), keys=key, rule="already-voted")
    rejected(chain, AccountWitnessVote("alice", "wit30", True), keys=key, rule="vote-limit")
    chain.apply(AccountWitnessProxy("carol", "alice"), keys=active("carol"))
    rejected(chain, AccountWitnessVote("carol", "wit00", True), keys=active("carol"), rule="proxy-set")
    chain.apply(AccountWitnessProxy("carol", ""), keys=active("carol"))
    chain.apply(DeclineVotingRights("carol", True), keys=[role_key("carol", "owner")])
    rejected(chain, AccountWitnessVote("carol", "wit00", True), keys=active("carol"), rule="declined")


# --- account_witness_proxy ----------------------------------------------------------------------


def test_proxy_carries_weight_up_the_chain(chain: DevChain) -> None:
    alice, carol, dave = (chain.create_account(name) for name in ("alice", "carol", "dave"))
    assert len({alice, carol, dave}) == 3  # bought at three share prices: no weight can pass for another
    make_witnesses(chain, "bob")
    chain.apply(AccountWitnessVote("alice", "bob", True), keys=active("alice"))
    chain.apply(AccountWitnessProxy("carol", "alice"), keys=active("carol"))
    assert proxied(chain, "alice") == [carol, 0, 0, 0]
    assert witness(chain, "bob").votes == alice + carol
    chain.apply(AccountWitnessProxy("dave", "carol"), keys=active("dave"))
    assert proxied(chain, "carol") == [dave, 0, 0, 0]
    assert proxied(chain, "alice") == [carol, dave, 0, 0]
    assert witness(chain, "bob").votes == alice + carol + dave

    chain.apply(AccountWitnessProxy("carol", ""), keys=active("carol"))  # carol's weight and dave's leave alice
    assert proxied(chain, "alice") == [0, 0, 0, 0]
    assert witness(chain, "bob").votes == alice
    assert account(chain, "carol").proxy == ""


def test_setting_a_proxy_clears_own_votes(chain: DevChain) -> None:
    chain.create_account("alice")
    carol_vests = chain.create_account("carol")
    make_witnesses(chain, "bob")
    chain.apply(AccountWitnessVote("carol", "bob", True), keys=active("carol"))
    assert witness(chain, "bob").votes == carol_vests
    chain.apply(AccountWitnessProxy("carol", "alice"), keys=active("carol"))
    assert witness(chain, "bob").votes == 0
    assert account(chain, "carol").witnesses_voted_for == 0
    assert WITNESS_VOTES.scan(chain.state.db, "account = ?", ("carol",)) == []
    assert proxied(chain, "alice") == [carol_vests, 0, 0, 0]


def test_proxy_rejections(chain: DevChain) -> None:
    for name in ("a-one", "b-two", "c-three", "d-four", "e-five"):
        chain.create_account(name, steem=0, vest=1_000)
    rejected(chain, AccountWitnessProxy("a-one", ""), keys=active("a-one"), rule="proxy-unchanged")
    rejected(chain, AccountWitnessProxy("a-one", "nobody"), keys=active("a-one"), rule="unknown-account")
    chain.apply(AccountWitnessProxy("d-four", "e-five"), keys=active("d-four"))
    chain.apply(AccountWitnessProxy("c-three", "d-four"), keys=active("c-three"))
    chain.apply(AccountWitnessProxy("b-two", "c-three"), keys=active("b-two"))  # b → c → d → e: 4 accounts
    rejected(chain, AccountWitnessProxy("a-one", "b-two"), keys=active("a-one"), rule="proxy-depth")
    rejected(chain, AccountWitnessProxy("e-five", "b-two"), keys=active("e-five"), rule="proxy-loop")
    rejected(chain, AccountWitnessProxy("b-two", "c-three"), keys=active("b-two"), rule="proxy-unchanged")
    chain.apply(DeclineVotingRights("a-one", True), keys=[role_key("a-one", "owner")])
    rejected(chain, AccountWitnessProxy("a-one", "e-five"), keys=active("a-one"), rule="declined")


# --- feed_publish -------------------------------------------------------------------------------


def test_feed_publish(chain: DevChain) -> None:
    chain.apply(FeedPublish("initminer", Price(Asset(250, "SBD"), Asset(1_000, "STEEM"))))
    initminer = witness(chain, "initminer")
    assert (initminer.sbd_exchange_rate_base, initminer.sbd_exchange_rate_quote) == (250, 1_000)
    assert initminer.last_sbd_exchange_update == chain.state.dgp().time


def test_feed_publish_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    feed = Price(Asset(250, "SBD"), Asset(1_000, "STEEM"))
    rejected(chain, FeedPublish("alice", feed), keys=active("alice"), rule="not-witness")
    inverted = Price(Asset(1_000, "STEEM"), Asset(250, "SBD"))
    rejected(chain, FeedPublish("initminer", inverted), keys=[INIT_KEY], rule="feed-symbol")


def test_power_up_counts_for_voted_witnesses_and_unvote_returns_to_zero(chain: DevChain) -> None:
    alice_vests = chain.create_account("alice")
    make_witnesses(chain, "bob")
    chain.apply(AccountWitnessVote("alice", "bob", True), keys=active("alice"))
    before = witness(chain, "bob").votes
    assert before == alice_vests
    bought = steem_to_vests(chain.state.dgp(), 1_000)  # the head's share price, which the power-up is applied at
    chain.apply(TransferToVesting("alice", "alice", Asset(1_000, "STEEM")), keys=active("alice"))
    assert account(chain, "alice").vesting_shares == alice_vests + bought
    assert witness(chain, "bob").votes == before + bought
    chain.apply(AccountWitnessVote("alice", "bob", False), keys=active("alice"))
    assert witness(chain, "bob").votes == 0
