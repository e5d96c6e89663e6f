"""verify_authority: posting vs active vs owner, weights, account authorities, irrelevant signatures."""

from __future__ import annotations

import pytest

from stoa.chain.authority import verify_authority
from stoa.chain.errors import AuthorityError
from stoa.protocol import Asset, Authority, PrivateKey, PublicKey
from stoa.protocol.operations import AccountUpdate, Operation, Transfer, Vote

KEYS = {
    f"{name}-{role}": PrivateKey.from_password(name, role, "pw").public_key
    for name in ("alice", "bob", "carol", "dave")
    for role in ("owner", "active", "posting", "memo")
}


def single(name: str, role: str) -> Authority:
    return Authority.single_key(KEYS[f"{name}-{role}"])


AUTHORITIES: dict[tuple[str, str], Authority] = {
    (name, role): single(name, role)
    for name in ("alice", "bob", "carol", "dave")
    for role in ("owner", "active", "posting")
}
# bob's active needs two of three: his own key (1), carol's account (1), dave's key (1).
AUTHORITIES["bob", "active"] = Authority(
    2, (("carol", 1),), tuple(sorted(((KEYS["bob-active"], 1), (KEYS["dave-active"], 1))))
)
# carol's posting defers to dave's account, which defers to alice's: depth 2 from carol.
AUTHORITIES["carol", "posting"] = Authority(1, (("dave", 1),), ())
AUTHORITIES["dave", "posting"] = Authority(1, (("alice", 1),), ())


def verify(ops: list[Operation], *signers: str) -> None:
    verify_authority(
        ops,
        [KEYS[s] for s in signers],
        lambda name: AUTHORITIES[name, "active"],
        lambda name: AUTHORITIES[name, "owner"],
        lambda name: AUTHORITIES[name, "posting"],
    )


VOTE = Vote("alice", "bob", "post", 10000)
TRANSFER = Transfer("alice", "bob", Asset(1000, "STEEM"), "")
KEY_CHANGE = AccountUpdate("alice", single("alice", "active"), None, None, KEYS["alice-memo"], "")


@pytest.mark.parametrize("signer", ["alice-posting", "alice-active", "alice-owner"])
def test_posting_ops_accept_posting_active_or_owner(signer: str) -> None:
    verify([VOTE], signer)


def test_active_ops_refuse_the_posting_key() -> None:
    with pytest.raises(AuthorityError, match="missing active authority of alice") as caught:
        verify([TRANSFER], "alice-posting")
    assert caught.value.rule == "missing-active"


@pytest.mark.parametrize("signer", ["alice-active", "alice-owner"])
def test_active_ops_accept_active_or_owner(signer: str) -> None:
    verify([TRANSFER], signer)


def test_owner_ops_need_the_owner_key() -> None:
    verify([KEY_CHANGE], "alice-owner")
    with pytest.raises(AuthorityError, match="missing owner authority"):
        verify([KEY_CHANGE], "alice-active")


def test_posting_and_active_ops_cannot_mix() -> None:
    with pytest.raises(AuthorityError) as caught:
        verify([VOTE, TRANSFER], "alice-active")
    assert caught.value.rule == "mixed-authority"


def test_irrelevant_signatures_are_rejected() -> None:
    with pytest.raises(AuthorityError, match="unnecessary signature") as caught:
        verify([VOTE], "alice-posting", "bob-posting")
    assert caught.value.rule == "irrelevant"
    # posting already satisfies the vote, so an extra active signature of the same account is unused too
    with pytest.raises(AuthorityError, match="unnecessary"):
        verify([VOTE], "alice-posting", "alice-active")


def test_no_signature_at_all() -> None:
    with pytest.raises(AuthorityError, match="missing posting authority of alice"):
        verify([VOTE])


def test_weights_and_thresholds() -> None:
    bob_transfer = Transfer("bob", "alice", Asset(1, "STEEM"), "")
    verify([bob_transfer], "bob-active", "dave-active")
    verify([bob_transfer], "bob-active", "carol-active")  # carol's account counts through her active key
    with pytest.raises(AuthorityError, match="missing active authority of bob"):
        verify([bob_transfer], "bob-active")
    verify([bob_transfer], "bob-owner")


def test_account_auths_recurse_to_depth_two_only() -> None:
    carol_vote = Vote("carol", "bob", "post", 100)
    verify([carol_vote], "alice-posting")  # carol → dave → alice: depth 2
    deeper = dict(AUTHORITIES)
    deeper["alice", "posting"] = Authority(1, (("bob", 1),), ())
    with pytest.raises(AuthorityError, match="missing posting authority of carol"):
        verify_authority(
            [carol_vote],
            [KEYS["bob-posting"]],
            lambda name: deeper[name, "active"],
            lambda name: deeper[name, "owner"],
            lambda name: deeper[name, "posting"],
        )


def test_key_objects_compare_by_bytes() -> None:
    assert PublicKey(KEYS["alice-owner"].data) == KEYS["alice-owner"]
