"""Savings: deposits, 3-day withdrawals, their cancellation and payment."""

from __future__ import annotations

from stoa.chain.state import ACCOUNTS, SAVINGS_WITHDRAWS
from stoa.protocol import Asset, PrivateKey
from stoa.protocol.operations import (
    CancelTransferFromSavings,
    FillTransferFromSavings,
    TransferFromSavings,
    TransferToSavings,
)

from .conftest import DevChain, account, rejected, role_key, virtual_ops

THREE_DAYS = 3 * 24 * 3600


def active(name: str) -> list[PrivateKey]:
    return [role_key(name, "active")]


def steem(amount: int) -> Asset:
    return Asset(amount, "STEEM")


def test_transfer_to_savings(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    give_sbd(chain, "alice", 5_000)
    chain.apply(
        TransferToSavings("alice", "bob", steem(30_000), "for later"),
        TransferToSavings("alice", "alice", Asset(5_000, "SBD"), ""),
        keys=active("alice"),
    )
    alice, bob = account(chain, "alice"), account(chain, "bob")
    assert (alice.balance, alice.sbd_balance, alice.savings_sbd_balance) == (70_000, 0, 5_000)
    assert (bob.balance, bob.savings_balance) == (100_000, 30_000)


def give_sbd(chain: DevChain, name: str, amount: int) -> None:
    """SBD only comes from rewards and conversions, which this chain does not pay yet: write it in."""
    found = account(chain, name)
    found.sbd_balance += amount
    ACCOUNTS.update(chain.state.db, found)


def test_withdrawal_is_paid_after_three_days(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    chain.apply(TransferToSavings("alice", "alice", steem(30_000), ""), keys=active("alice"))
    chain.apply(TransferFromSavings("alice", 7, "bob", steem(10_000), "rent"), keys=active("alice"))
    alice = account(chain, "alice")
    assert (alice.savings_balance, alice.savings_withdraw_requests) == (20_000, 1)
    withdraw = SAVINGS_WITHDRAWS.get(chain.state.db, "alice", 7)
    assert withdraw is not None
    assert (withdraw.to_account, withdraw.amount, withdraw.memo) == ("bob", 10_000, "rent")
    assert withdraw.complete == chain.state.dgp().time + THREE_DAYS

    chain.node.generate_blocks_until(withdraw.complete - 3)
    assert account(chain, "bob").balance == 100_000
    chain.node.generate_blocks(1)
    assert account(chain, "bob").balance == 110_000
    assert account(chain, "alice").savings_withdraw_requests == 0
    assert SAVINGS_WITHDRAWS.get(chain.state.db, "alice", 7) is None
    assert virtual_ops(chain, FillTransferFromSavings) == [
        FillTransferFromSavings("alice", "bob", steem(10_000), 7, "rent")
    ]


def test_cancel_returns_the_amount_to_savings(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.apply(TransferToSavings("alice", "alice", steem(30_000), ""), keys=active("alice"))
    chain.apply(TransferFromSavings("alice", 1, "alice", steem(10_000), ""), keys=active("alice"))
    chain.apply(CancelTransferFromSavings("alice", 1), keys=active("alice"))
    alice = account(chain, "alice")
    assert (alice.savings_balance, alice.savings_withdraw_requests, alice.balance) == (30_000, 0, 70_000)
    assert SAVINGS_WITHDRAWS.get(chain.state.db, "alice", 1) is None
    chain.node.generate_blocks_until(chain.state.dgp().time + THREE_DAYS + 3)
    assert account(chain, "alice").balance == 70_000


def test_savings_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    key = active("alice")
    rejected(chain, TransferToSavings("alice", "alice", steem(100_001), ""), keys=key, rule="funds")
    rejected(chain, TransferToSavings("alice", "nobody", steem(1), ""), keys=key, rule="unknown-account")
    chain.apply(TransferToSavings("alice", "alice", steem(1_000), ""), keys=key)
    rejected(chain, TransferFromSavings("alice", 1, "alice", steem(1_001), ""), keys=key, rule="funds")
    rejected(chain, TransferFromSavings("alice", 1, "nobody", steem(1), ""), keys=key, rule="unknown-account")
    rejected(chain, CancelTransferFromSavings("alice", 1), keys=key, rule="unknown-request")
    chain.apply(*(TransferFromSavings("alice", index, "alice", steem(1), "") for index in range(100)), keys=key)
    assert account(chain, "alice").savings_withdraw_requests == 100
    rejected(chain, TransferFromSavings("alice", 100, "alice", steem(1), ""), keys=key, rule="request-limit")
    chain.apply(CancelTransferFromSavings("alice", 99), keys=key)
    rejected(chain, TransferFromSavings("alice", 0, "alice", steem(1), ""), keys=key, rule="duplicate-request")
