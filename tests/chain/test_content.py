"""Content and account housekeeping: delete_comment, comment_options, custom_json,
decline_voting_rights, claim_account and create_claimed_account."""

from __future__ import annotations

import orjson
import pytest

from stoa.chain.apply import ApplyContext
from stoa.chain.errors import ChainError
from stoa.chain.evaluators.content import custom_json
from stoa.chain.objects import MAX_TIME, Comment
from stoa.chain.state import COMMENT_VOTES, COMMENTS, WITNESS_VOTES
from stoa.protocol import Asset, Authority, PrivateKey
from stoa.protocol.operations import (
    AccountWitnessProxy,
    AccountWitnessVote,
    Beneficiary,
    ClaimAccount,
    CommentOptions,
    CommentPayoutBeneficiaries,
    CreateClaimedAccount,
    CustomJson,
    DeclineVotingRights,
    DeleteComment,
    Vote,
)
from stoa.protocol.operations import Comment as CommentOp

from .conftest import DevChain, account, rejected, role_key

MAX_PAYOUT = 1_000_000_000  # the default max_accepted_payout, 1000000.000 SBD


def keys(name: str, role: str) -> list[PrivateKey]:
    return [role_key(name, role)]


def comment(chain: DevChain, author: str, permlink: str) -> Comment:
    found = chain.state.comment(author, permlink)
    assert found is not None
    return found


def post(chain: DevChain, author: str, permlink: str, parent: tuple[str, str] = ("", "news")) -> None:
    op = CommentOp(parent[0], parent[1], author, permlink, "Title", "Body", "{}")
    chain.apply(op, keys=keys(author, "posting"))


def options(
    permlink: str = "post",
    payout: int = MAX_PAYOUT,
    percent: int = 10000,
    votes: bool = True,
    curation: bool = True,
    beneficiaries: tuple[tuple[str, int], ...] = (),
) -> CommentOptions:
    extensions = ()
    if beneficiaries:
        routes = CommentPayoutBeneficiaries(tuple(Beneficiary(name, weight) for name, weight in beneficiaries))
        extensions = ((0, routes),)
    return CommentOptions("bob", permlink, Asset(payout, "SBD"), percent, votes, curation, extensions)


# --- delete_comment -----------------------------------------------------------------------------


def test_delete_reply_then_post(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    post(chain, "bob", "post")
    post(chain, "alice", "reply", ("bob", "post"))
    post(chain, "bob", "deeper", ("alice", "reply"))
    assert comment(chain, "bob", "post").children == 2
    chain.apply(DeleteComment("bob", "deeper"), keys=keys("bob", "posting"))
    assert chain.state.comment("bob", "deeper") is None
    assert (comment(chain, "bob", "post").children, comment(chain, "alice", "reply").children) == (1, 0)
    assert comment(chain, "bob", "post").active == chain.state.dgp().time
    chain.apply(DeleteComment("alice", "reply"), keys=keys("alice", "posting"))
    chain.apply(Vote("alice", "bob", "post", -10000), keys=keys("alice", "posting"))
    chain.apply(DeleteComment("bob", "post"), keys=keys("bob", "posting"))
    assert chain.state.comment("bob", "post") is None
    assert COMMENT_VOTES.scan(chain.state.db, "author = ?", ("bob",)) == []


def test_delete_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    post(chain, "bob", "post")
    post(chain, "alice", "reply", ("bob", "post"))
    posting = keys("bob", "posting")
    rejected(chain, DeleteComment("bob", "nothing"), keys=posting, rule="unknown-comment")
    rejected(chain, DeleteComment("bob", "post"), keys=posting, rule="replies")
    chain.apply(Vote("bob", "alice", "reply", 10000), keys=posting)
    rejected(chain, DeleteComment("alice", "reply"), keys=keys("alice", "posting"), rule="net-rshares")
    paid = comment(chain, "alice", "reply")
    paid.cashout_time, paid.net_rshares = MAX_TIME, 0  # as the payout leaves it (not paid by this chain yet)
    COMMENTS.update(chain.state.db, paid)
    rejected(chain, DeleteComment("alice", "reply"), keys=keys("alice", "posting"), rule="paid-out")


# --- comment_options ----------------------------------------------------------------------------


def test_comment_options_lower_and_set_beneficiaries(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    post(chain, "bob", "post")
    op = options(payout=5_000, percent=0, curation=False, beneficiaries=(("alice", 1000), ("bob", 500)))
    chain.apply(op, keys=keys("bob", "posting"))
    stored = comment(chain, "bob", "post")
    assert (stored.max_accepted_payout, stored.percent_steem_dollars) == (5_000, 0)
    assert (stored.allow_votes, stored.allow_curation_rewards) == (True, False)
    assert orjson.loads(stored.beneficiaries) == [["alice", 1000], ["bob", 500]]
    chain.apply(options(payout=5_000, percent=0, votes=False, curation=False), keys=keys("bob", "posting"))
    assert not comment(chain, "bob", "post").allow_votes


def test_comment_options_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    post(chain, "bob", "post")
    posting = keys("bob", "posting")
    rejected(chain, options("nothing"), keys=posting, rule="unknown-comment")
    rejected(chain, options(beneficiaries=(("nobody", 100),)), keys=posting, rule="unknown-account")
    chain.apply(options(payout=5_000, percent=5000, votes=False, curation=False), keys=posting)
    lowered = {"payout": 5_000, "percent": 5000, "votes": False, "curation": False}
    for change, rule in (
        ({"votes": True}, "re-enable"),
        ({"curation": True}, "re-enable"),
        ({"payout": 5_001}, "raise"),
        ({"percent": 5001}, "raise"),
    ):
        rejected(chain, options(**{**lowered, **change}), keys=posting, rule=rule)
    chain.apply(options(**lowered, beneficiaries=(("alice", 100),)), keys=posting)
    again = options(**lowered, beneficiaries=(("bob", 100),))
    rejected(chain, again, keys=posting, rule="beneficiaries-set")


def test_comment_options_after_votes(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("bob")
    post(chain, "bob", "post")
    chain.apply(Vote("alice", "bob", "post", 10000), keys=keys("alice", "posting"))
    posting = keys("bob", "posting")
    rejected(chain, options(votes=False), keys=posting, rule="voted")
    rejected(chain, options(payout=5_000), keys=posting, rule="voted")
    rejected(chain, options(beneficiaries=(("alice", 100),)), keys=posting, rule="voted")
    chain.apply(options(percent=0), keys=posting)  # lowering the SBD share needs no fresh comment
    assert comment(chain, "bob", "post").percent_steem_dollars == 0


# --- custom_json --------------------------------------------------------------------------------


def test_custom_json_is_recorded(chain: DevChain) -> None:
    chain.create_account("alice")
    op = CustomJson((), ("alice",), "follow", '["follow",{"follower":"alice","following":"bob","what":["blog"]}]')
    pending = chain.apply(op, keys=keys("alice", "posting"))
    row = chain.state.db.execute("SELECT op FROM operations WHERE trx_id = ?", (pending.trx_id,)).fetchone()
    assert orjson.loads(row[0])[0] == "custom_json"


def apply_directly(chain: DevChain, op: CustomJson) -> ChainError:
    """Rules signature checking would reach first: call the evaluator itself."""
    dgp = chain.state.dgp()
    before = chain.state.digest()
    with pytest.raises(ChainError) as caught:
        custom_json(ApplyContext(chain.state, dgp.time + 3, dgp.head_block_number + 1), op)
    assert chain.state.digest() == before
    return caught.value


def test_custom_json_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    error = apply_directly(chain, CustomJson(("alice",), ("nobody",), "app", "{}"))
    assert (error.rule, error.field) == ("unknown-account", "required_posting_auths.0")
    many = tuple(f"user{index:02d}" for index in range(41))
    assert apply_directly(chain, CustomJson(many, (), "app", "{}")).rule == "membership"
    rejected(chain, CustomJson((), ("nobody",), "app", "{}"), keys=keys("alice", "posting"), rule="unknown-account")


def initminer_votes(chain: DevChain) -> int:
    found = chain.state.witness("initminer")
    assert found is not None
    return found.votes


# --- decline_voting_rights ----------------------------------------------------------------------


def test_decline_voting_rights_takes_effect_at_once(chain: DevChain) -> None:
    alice_vests = chain.create_account("alice")
    carol_vests = chain.create_account("carol")
    chain.create_account("bob")
    post(chain, "bob", "post")
    assert (account(chain, "alice").vesting_shares, account(chain, "carol").vesting_shares) == (
        alice_vests,
        carol_vests,
    )
    votes = initminer_votes(chain)
    chain.apply(AccountWitnessVote("alice", "initminer", True), keys=keys("alice", "active"))
    chain.apply(AccountWitnessProxy("carol", "alice"), keys=keys("carol", "active"))
    # initminer's producer pay grows its own VESTS, not its votes: it does not vote for itself
    assert initminer_votes(chain) == votes + alice_vests + carol_vests

    chain.apply(DeclineVotingRights("carol", True), keys=keys("carol", "owner"))
    carol = account(chain, "carol")
    assert (carol.can_vote, carol.proxy) == (False, "")
    assert orjson.loads(account(chain, "alice").proxied_vsf_votes) == [0, 0, 0, 0]
    chain.apply(DeclineVotingRights("alice", True), keys=keys("alice", "owner"))
    assert initminer_votes(chain) == votes
    assert WITNESS_VOTES.scan(chain.state.db, "account = ?", ("alice",)) == []
    assert account(chain, "alice").witnesses_voted_for == 0
    rejected(chain, Vote("alice", "bob", "post", 10000), keys=keys("alice", "posting"), rule="declined")


def test_decline_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    owner = keys("alice", "owner")
    error = rejected(chain, DeclineVotingRights("alice", False), keys=owner, rule="no-request")
    assert "declining is immediate" in error.message
    chain.apply(DeclineVotingRights("alice", True), keys=owner)
    rejected(chain, DeclineVotingRights("alice", True), keys=owner, rule="declined")


# --- claim_account / create_claimed_account -----------------------------------------------------


def new_claimed(name: str, creator: str = "alice", owner: Authority | None = None) -> CreateClaimedAccount:
    auths = {role: Authority.single_key(role_key(name, role).public_key) for role in ("owner", "active", "posting")}
    return CreateClaimedAccount(
        creator,
        name,
        owner or auths["owner"],
        auths["active"],
        auths["posting"],
        role_key(name, "memo").public_key,
        "{}",
    )


def test_claim_then_create_account(chain: DevChain) -> None:
    chain.create_account("alice")
    null_before = account(chain, "null").balance
    chain.apply(ClaimAccount("alice", Asset(3_000, "STEEM")), keys=keys("alice", "active"))
    alice = account(chain, "alice")
    assert (alice.balance, alice.pending_claimed_accounts) == (97_000, 1)
    assert account(chain, "null").balance == null_before + 3_000

    chain.apply(new_claimed("dave"), keys=keys("alice", "active"))
    dave = account(chain, "dave")
    assert (dave.creator, dave.recovery_account, dave.vesting_shares, dave.json_metadata) == ("alice", "alice", 0, "{}")
    assert dave.authority("active") == Authority.single_key(role_key("dave", "active").public_key)
    assert account(chain, "alice").pending_claimed_accounts == 0


def test_claim_account_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    chain.create_account("poor", steem=1_000, vest=0)
    active = keys("alice", "active")
    rejected(chain, ClaimAccount("alice", Asset(0, "STEEM")), keys=active, rule="no-subsidies")
    rejected(chain, ClaimAccount("alice", Asset(3_001, "STEEM")), keys=active, rule="fee")
    rejected(chain, ClaimAccount("poor", Asset(3_000, "STEEM")), keys=keys("poor", "active"), rule="funds")


def test_create_claimed_account_rejections(chain: DevChain) -> None:
    chain.create_account("alice")
    active = keys("alice", "active")
    rejected(chain, new_claimed("dave"), keys=active, rule="no-claimed-accounts")
    chain.apply(ClaimAccount("alice", Asset(3_000, "STEEM")), keys=active)
    rejected(chain, new_claimed("alice"), keys=active, rule="account-exists")
    odd_owner = Authority(1, (("nobody", 1),), ())
    rejected(chain, new_claimed("dave", owner=odd_owner), keys=active, rule="unknown-account")
