"""STEEM POWER: power down and its routes, delegation and its return, reward claims."""

from __future__ import annotations

from dataclasses import replace

from stoa.chain.evaluators.common import steem_to_vests, vests_to_steem
from stoa.chain.node import Node
from stoa.chain.objects import MAX_TIME
from stoa.chain.state import ACCOUNTS, DELEGATION_EXPIRATIONS, DELEGATIONS, DGP, WITHDRAW_ROUTES
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.operations import (
    AccountCreate,
    AccountWitnessVote,
    ClaimRewardBalance,
    Comment,
    DelegateVestingShares,
    FillVestingWithdraw,
    ProducerReward,
    ReturnVestingDelegation,
    SetWithdrawVestingRoute,
    Vote,
    WithdrawVesting,
)

from .conftest import DevChain, account, rejected, role_key, virtual_ops

WEEK = 7 * 24 * 3600


def active(name: str) -> list[PrivateKey]:
    return [role_key(name, "active")]


def vests(amount: int) -> Asset:
    return Asset(amount, "VESTS")


def create_accounts(chain: DevChain, *names: str) -> None:
    """Bare accounts (no funds), all in one block."""
    fee = Asset(chain.node.genesis.account_creation_fee, "STEEM")
    ops = []
    for name in names:
        ops.append(
            AccountCreate.with_keys(fee, "initminer", name, lambda role, name=name: role_key(name, role).public_key)
        )
    chain.apply(*ops)


def witness_votes(chain: DevChain, owner: str) -> int:
    found = chain.state.witness(owner)
    assert found is not None
    return found.votes


def minimum_delegation(chain: DevChain) -> int:
    """The median account creation fee / 3 in VESTS at the head's share price, which a pushed
    delegation is checked against (inflation lowers it a little every block)."""
    return steem_to_vests(chain.state.dgp(), chain.state.schedule().account_creation_fee // 3)


def producer_vests(chain: DevChain) -> int:
    """The VESTS the head block paid its producer (process_funds)."""
    head = chain.state.dgp().head_block_number
    [reward] = virtual_ops(chain, ProducerReward, head)
    return int(reward.vesting_shares.amount)


def priced_fills(chain: DevChain) -> list[FillVestingWithdraw]:
    """The head block's fill_vesting_withdraw operations, each checked to have paid exactly
    vests_to_steem(dgp, vests) at the DGP of its own moment in the block.

    Those moments are recovered walking back from the DGP after the block: a payment in STEEM takes
    exactly that STEEM and those VESTS out of the vesting fund (an auto-vested route only moves VESTS
    between accounts), and nothing after the installments in a block touches the fund."""
    dgp = chain.state.dgp()
    fills: list[FillVestingWithdraw] = virtual_ops(chain, FillVestingWithdraw, dgp.head_block_number)
    for fill in reversed(fills):
        if fill.deposited.symbol == "VESTS":
            assert fill.deposited == fill.withdrawn
            continue
        dgp = replace(
            dgp,
            total_vesting_fund_steem=dgp.total_vesting_fund_steem + fill.deposited.amount,
            total_vesting_shares=dgp.total_vesting_shares + fill.withdrawn.amount,
        )
        assert fill.deposited == Asset(vests_to_steem(dgp, fill.withdrawn.amount), "STEEM"), fill
    return fills


# --- withdraw_vesting ---------------------------------------------------------------------------


def test_power_down_pays_thirteen_weekly_installments(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.apply(WithdrawVesting("alice", vests(held)), keys=active("alice"))
    alice = account(chain, "alice")
    start = chain.state.dgp().time
    rate = -(-held // 13)
    assert (alice.vesting_shares, alice.vesting_withdraw_rate, alice.to_withdraw, alice.withdrawn) == (
        held,
        rate,
        held,
        0,
    )
    assert alice.next_vesting_withdrawal == start + WEEK

    chain.node.generate_blocks_until(start + WEEK - 3)
    assert account(chain, "alice").vesting_shares == held
    assert virtual_ops(chain, FillVestingWithdraw) == []
    shares_before = chain.state.dgp().total_vesting_shares
    chain.node.generate_blocks(1)
    alice = account(chain, "alice")
    [fill] = priced_fills(chain)
    assert virtual_ops(chain, FillVestingWithdraw) == [fill]
    assert (fill.from_account, fill.to_account, fill.withdrawn) == ("alice", "alice", vests(rate))
    assert alice.vesting_shares == held - rate
    assert alice.balance == 100_000 + fill.deposited.amount > 100_000
    assert alice.next_vesting_withdrawal == start + 2 * WEEK
    # the installment's VESTS leave the supply; the only VESTS the block adds are its producer's pay
    assert chain.state.dgp().total_vesting_shares == shares_before - rate + producer_vests(chain)

    chain.node.generate_blocks_until(start + 13 * WEEK)  # one block: every installment due is paid in it
    alice = account(chain, "alice")
    fills = virtual_ops(chain, FillVestingWithdraw)
    assert fills[1:] == priced_fills(chain)  # the 12 others, each at the share price of its moment
    assert [f.withdrawn for f in fills] == [vests(rate)] * 12 + [vests(held - 12 * rate)]
    assert all((f.from_account, f.to_account) == ("alice", "alice") for f in fills)
    assert (alice.vesting_shares, alice.withdrawn, alice.vesting_withdraw_rate) == (0, held, 0)
    assert alice.next_vesting_withdrawal == MAX_TIME
    assert alice.balance == 100_000 + sum(f.deposited.amount for f in fills)


def test_power_down_can_be_changed_and_cancelled(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.apply(WithdrawVesting("alice", vests(held)), keys=active("alice"))
    chain.apply(WithdrawVesting("alice", vests(13_000_000)), keys=active("alice"))
    alice = account(chain, "alice")
    assert (alice.vesting_withdraw_rate, alice.to_withdraw) == (1_000_000, 13_000_000)
    chain.apply(WithdrawVesting("alice", vests(0)), keys=active("alice"))
    alice = account(chain, "alice")
    assert (alice.vesting_withdraw_rate, alice.to_withdraw, alice.withdrawn) == (0, 0, 0)
    assert alice.next_vesting_withdrawal == MAX_TIME
    chain.node.generate_blocks_until(chain.state.dgp().time + WEEK)
    assert account(chain, "alice").vesting_shares == held
    assert virtual_ops(chain, FillVestingWithdraw) == []


def test_power_down_rejections(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.create_account("bob")
    error = rejected(chain, WithdrawVesting("alice", vests(held + 1)), keys=active("alice"), rule="funds")
    assert "not delegated away" in error.message
    rejected(chain, WithdrawVesting("alice", vests(0)), keys=active("alice"), rule="no-change")
    chain.apply(WithdrawVesting("alice", vests(26)), keys=active("alice"))
    rejected(chain, WithdrawVesting("alice", vests(25)), keys=active("alice"), rule="no-change")  # same rate, 2
    chain.apply(WithdrawVesting("alice", vests(0)), keys=active("alice"))
    chain.apply(DelegateVestingShares("alice", "bob", vests(held // 2)), keys=active("alice"))
    rejected(chain, WithdrawVesting("alice", vests(held - held // 2 + 1)), keys=active("alice"), rule="funds")


# --- set_withdraw_vesting_route -----------------------------------------------------------------


def test_routes_split_each_installment(chain: DevChain) -> None:
    alice_vests, bob_vests, carol_vests = (chain.create_account(name) for name in ("alice", "bob", "carol"))
    chain.apply(
        SetWithdrawVestingRoute("alice", "bob", 3000, False),
        SetWithdrawVestingRoute("alice", "carol", 2000, True),
        keys=active("alice"),
    )
    assert account(chain, "alice").withdraw_routes == 2
    chain.apply(WithdrawVesting("alice", vests(13_000_000_000)), keys=active("alice"))
    chain.node.generate_blocks_until(account(chain, "alice").next_vesting_withdrawal)
    fills = priced_fills(chain)  # bob's and alice's STEEM each at the share price of its moment
    assert virtual_ops(chain, FillVestingWithdraw) == fills
    assert [(f.to_account, f.withdrawn.amount) for f in fills] == [
        ("carol", 200_000_000),
        ("bob", 300_000_000),
        ("alice", 500_000_000),
    ]
    assert fills[0].deposited == vests(200_000_000)
    assert [f.deposited.symbol for f in fills[1:]] == ["STEEM", "STEEM"]
    assert account(chain, "carol").vesting_shares == carol_vests + 200_000_000
    assert account(chain, "bob").vesting_shares == bob_vests
    assert account(chain, "bob").balance == 100_000 + fills[1].deposited.amount
    assert account(chain, "alice").balance == 100_000 + fills[2].deposited.amount
    assert account(chain, "alice").vesting_shares == alice_vests - 1_000_000_000


def test_routes_change_and_removal(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    chain.apply(SetWithdrawVestingRoute("alice", "bob", 3000, False), keys=active("alice"))
    chain.apply(SetWithdrawVestingRoute("alice", "bob", 10000, True), keys=active("alice"))
    route = WITHDRAW_ROUTES.get(chain.state.db, "alice", "bob")
    assert route is not None and (route.percent, route.auto_vest) == (10000, True)
    chain.apply(SetWithdrawVestingRoute("alice", "bob", 0, False), keys=active("alice"))
    assert WITHDRAW_ROUTES.get(chain.state.db, "alice", "bob") is None
    assert account(chain, "alice").withdraw_routes == 0


def test_route_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    names = [f"route{index}" for index in range(11)]
    create_accounts(chain, *names)
    key = active("alice")
    rejected(chain, SetWithdrawVestingRoute("alice", "route0", 0, False), keys=key, rule="zero-route")
    rejected(chain, SetWithdrawVestingRoute("alice", "nobody", 100, False), keys=key, rule="unknown-account")
    chain.apply(*(SetWithdrawVestingRoute("alice", name, 100, False) for name in names[:10]), keys=key)
    rejected(chain, SetWithdrawVestingRoute("alice", "route10", 100, False), keys=key, rule="route-limit")
    rejected(chain, SetWithdrawVestingRoute("alice", "route0", 9200, False), keys=key, rule="percent")


# --- delegate_vesting_shares --------------------------------------------------------------------


def test_delegation_moves_vests_and_mana(chain: DevChain) -> None:
    alice_vests = chain.create_account("alice")
    bob_vests = chain.create_account("bob")
    chain.apply(DelegateVestingShares("alice", "bob", vests(10**10)), keys=active("alice"))
    alice, bob = account(chain, "alice"), account(chain, "bob")
    assert (alice.vesting_shares, bob.vesting_shares) == (alice_vests, bob_vests)  # lent VESTS stay alice's own
    assert (alice.delegated_vesting_shares, bob.received_vesting_shares) == (10**10, 10**10)
    assert (alice.voting_mana, alice.downvote_mana) == (alice_vests - 10**10, (alice_vests - 10**10) // 4)
    assert (bob.voting_mana, bob.downvote_mana) == (bob_vests + 10**10, (bob_vests + 10**10) // 4)
    delegation = DELEGATIONS.get(chain.state.db, "alice", "bob")
    assert delegation is not None and delegation.vesting_shares == 10**10

    chain.apply(DelegateVestingShares("alice", "bob", vests(2 * 10**10)), keys=active("alice"))
    assert account(chain, "bob").received_vesting_shares == 2 * 10**10
    assert account(chain, "alice").delegated_vesting_shares == 2 * 10**10


def test_lowered_delegation_returns_after_five_days(chain: DevChain) -> None:
    alice_vests = chain.create_account("alice")
    bob_vests = chain.create_account("bob")
    chain.apply(DelegateVestingShares("alice", "bob", vests(2 * 10**10)), keys=active("alice"))
    chain.apply(DelegateVestingShares("alice", "bob", vests(5 * 10**9)), keys=active("alice"))
    now = chain.state.dgp().time
    bob = account(chain, "bob")
    assert bob.received_vesting_shares == 5 * 10**9
    assert bob.voting_mana == bob_vests + 5 * 10**9
    assert account(chain, "alice").delegated_vesting_shares == 2 * 10**10  # not back yet
    [expiration] = DELEGATION_EXPIRATIONS.scan(chain.state.db)
    assert (expiration.delegator, expiration.vesting_shares) == ("alice", 15 * 10**9)
    assert expiration.expiration == now + 5 * 24 * 3600

    chain.node.generate_blocks_until(expiration.expiration)
    assert account(chain, "alice").delegated_vesting_shares == 2 * 10**10  # returned strictly after
    chain.node.generate_blocks(1)
    alice = account(chain, "alice")
    assert alice.delegated_vesting_shares == 5 * 10**9
    assert alice.voting_mana == alice_vests - 5 * 10**9  # regenerated to its maximum: the returned VESTS' mana
    assert virtual_ops(chain, ReturnVestingDelegation) == [ReturnVestingDelegation("alice", vests(15 * 10**9))]
    assert DELEGATION_EXPIRATIONS.scan(chain.state.db) == []

    chain.apply(DelegateVestingShares("alice", "bob", vests(0)), keys=active("alice"))
    assert DELEGATIONS.get(chain.state.db, "alice", "bob") is None
    assert account(chain, "bob").received_vesting_shares == 0
    assert DELEGATION_EXPIRATIONS.scan(chain.state.db)[0].vesting_shares == 5 * 10**9


def test_delegation_rejections(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.create_account("bob")
    key = active("alice")
    minimum = minimum_delegation(chain)  # 3.000 STEEM / 3: 10**9 VESTS at the genesis share price, fewer since
    assert 0 < minimum < 10**9
    rejected(chain, DelegateVestingShares("alice", "bob", vests(minimum - 1)), keys=key, rule="minimum")
    rejected(chain, DelegateVestingShares("alice", "bob", vests(held + 1)), keys=key, rule="funds")
    rejected(chain, DelegateVestingShares("alice", "nobody", vests(minimum)), keys=key, rule="unknown-account")
    delegated = 2 * minimum
    chain.apply(DelegateVestingShares("alice", "bob", vests(delegated)), keys=key)
    minimum = minimum_delegation(chain)  # the share price has moved with the new block
    rejected(chain, DelegateVestingShares("alice", "bob", vests(delegated)), keys=key, rule="minimum")  # no change
    rejected(chain, DelegateVestingShares("alice", "bob", vests(delegated + 1)), keys=key, rule="minimum")
    rejected(chain, DelegateVestingShares("alice", "bob", vests(minimum - 1)), keys=key, rule="minimum")
    error = rejected(chain, DelegateVestingShares("alice", "bob", vests(held + 1)), keys=key, rule="funds")
    assert "voting mana" in error.message
    chain.apply(DelegateVestingShares("alice", "bob", vests(minimum)), keys=key)  # exactly the minimum is left
    assert account(chain, "bob").received_vesting_shares == minimum


def test_delegation_needs_downvote_mana(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.create_account("bob")
    chain.apply(Comment("", "news", "bob", "post", "Post", "Body", "{}"), keys=[role_key("bob", "posting")])
    chain.apply(Vote("alice", "bob", "post", -10000), keys=[role_key("alice", "posting")])
    # a full downvote used 2 % of the voting mana's worth from the downvote pool (a quarter of it)
    error = rejected(
        chain, DelegateVestingShares("alice", "bob", vests(held * 95 // 100)), keys=active("alice"), rule="funds"
    )
    assert "downvote mana" in error.message


def test_no_delegation_of_vests_being_powered_down(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.create_account("bob")
    chain.apply(WithdrawVesting("alice", vests(held)), keys=active("alice"))
    minimum = minimum_delegation(chain)
    rejected(chain, DelegateVestingShares("alice", "bob", vests(minimum)), keys=active("alice"), rule="funds")


# --- claim_reward_balance -----------------------------------------------------------------------


def grant_rewards(chain: DevChain, name: str, steem: int, sbd: int, vests_: int, vesting_steem: int) -> None:
    """Rewards as the payout would leave them (written straight into the state between blocks)."""
    found = account(chain, name)
    found.reward_steem_balance, found.reward_sbd_balance = steem, sbd
    found.reward_vesting_balance, found.reward_vesting_steem = vests_, vesting_steem
    ACCOUNTS.update(chain.state.db, found)
    dgp = chain.state.dgp()
    dgp.pending_rewarded_vesting_shares += vests_
    dgp.pending_rewarded_vesting_steem += vesting_steem
    DGP.update(chain.state.db, dgp)


def test_claim_rewards(chain: DevChain) -> None:
    held = chain.create_account("alice")
    chain.apply(AccountWitnessVote("alice", "initminer", True), keys=active("alice"))
    grant_rewards(chain, "alice", 1_000, 2_000, 3 * 10**9, 3_000)
    dgp = replace(chain.state.dgp())  # a copy: the node keeps changing its own
    votes = witness_votes(chain, "initminer")
    posting = [role_key("alice", "posting")]
    pending = chain.push(
        ClaimRewardBalance("alice", Asset(400, "STEEM"), Asset(2_000, "SBD"), vests(10**9)), keys=posting
    )
    # the claim alone, in the pending session: the block's own steps (inflation) have not run yet
    during = replace(chain.state.dgp())
    assert during.total_vesting_shares == dgp.total_vesting_shares + 10**9
    assert during.total_vesting_fund_steem == dgp.total_vesting_fund_steem + 1_000
    assert during.pending_rewarded_vesting_shares == dgp.pending_rewarded_vesting_shares - 10**9
    assert during.pending_rewarded_vesting_steem == dgp.pending_rewarded_vesting_steem - 1_000
    chain.node.produce_block()
    assert pending.error is None and pending.block_num
    alice = account(chain, "alice")
    assert (alice.balance, alice.reward_steem_balance) == (100_400, 600)
    assert (alice.sbd_balance, alice.reward_sbd_balance) == (2_000, 0)
    assert (alice.vesting_shares, alice.reward_vesting_balance, alice.reward_vesting_steem) == (
        held + 10**9,
        2 * 10**9,
        2_000,
    )
    assert alice.voting_mana == held + 10**9
    after = chain.state.dgp()
    assert after.total_vesting_shares == during.total_vesting_shares + producer_vests(chain)  # plus the block's pay
    assert after.total_vesting_fund_steem > during.total_vesting_fund_steem  # and the STEEM minted into the fund
    assert after.pending_rewarded_vesting_shares == dgp.pending_rewarded_vesting_shares - 10**9
    assert after.pending_rewarded_vesting_steem == dgp.pending_rewarded_vesting_steem - 1_000
    assert witness_votes(chain, "initminer") == votes + 10**9  # alice's claimed VESTS; initminer votes for no one

    chain.apply(ClaimRewardBalance("alice", Asset(0, "STEEM"), Asset(0, "SBD"), vests(2 * 10**9)), keys=posting)
    alice = account(chain, "alice")
    assert (alice.reward_vesting_balance, alice.reward_vesting_steem) == (0, 0)
    assert chain.state.dgp().pending_rewarded_vesting_steem == dgp.pending_rewarded_vesting_steem - 3_000


def test_claim_reward_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    grant_rewards(chain, "alice", 1_000, 2_000, 3 * 10**9, 3_000)
    posting = [role_key("alice", "posting")]
    zero_steem, zero_sbd, zero_vests = Asset(0, "STEEM"), Asset(0, "SBD"), vests(0)
    for op, field in (
        (ClaimRewardBalance("alice", Asset(1_001, "STEEM"), zero_sbd, zero_vests), "reward_steem"),
        (ClaimRewardBalance("alice", zero_steem, Asset(2_001, "SBD"), zero_vests), "reward_sbd"),
        (ClaimRewardBalance("alice", zero_steem, zero_sbd, vests(3 * 10**9 + 1)), "reward_vests"),
    ):
        error = rejected(chain, op, keys=posting, rule="funds")
        assert error.field.endswith(field)


def test_replay_repeats_the_block_steps(chain: DevChain) -> None:
    """Installments, routes and delegation returns come out the same when the block log is replayed."""
    chain.create_account("alice")
    chain.create_account("bob")
    chain.apply(SetWithdrawVestingRoute("alice", "bob", 2500, True), keys=active("alice"))
    chain.apply(WithdrawVesting("alice", vests(account(chain, "alice").vesting_shares // 2)), keys=active("alice"))
    chain.apply(DelegateVestingShares("alice", "bob", vests(10**10)), keys=active("alice"))
    chain.apply(DelegateVestingShares("alice", "bob", vests(0)), keys=active("alice"))
    start = chain.state.dgp().time
    chain.node.generate_blocks_until(start + WEEK)
    chain.node.generate_blocks_until(start + 2 * WEEK)
    assert len(virtual_ops(chain, FillVestingWithdraw)) == 4
    assert len(virtual_ops(chain, ReturnVestingDelegation)) == 1
    digest, data_dir = chain.state.digest(), chain.node.data_dir
    chain.node.stop()
    for path in data_dir.glob("state.db*"):
        path.unlink()
    chain.node = Node(data_dir, block_mode="manual")
    assert chain.state.digest() == digest
