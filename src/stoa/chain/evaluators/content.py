"""Content and account-housekeeping evaluators.

They are delete_comment, comment_options, custom_json, decline_voting_rights, claim_account and
create_claimed_account.
"""

from __future__ import annotations

import orjson

from ...protocol import Asset
from ...protocol.asset import SBD
from ...protocol.operations import (
    CommentOptions,
    CustomJson,
    DeclineVotingRights,
    DeleteComment,
)
from ..apply import ApplyContext, evaluates
from ..errors import ChainError
from ..objects import MAX_TIME, Comment
from ..state import ACCOUNTS, COMMENT_VOTES, COMMENTS
from .witness import clear_witness_votes, withdraw_all_votes

MAX_AUTHORITY_MEMBERSHIP = 40  # STEEM_MAX_AUTHORITY_MEMBERSHIP


@evaluates(DeleteComment)
def delete_comment(ctx: ApplyContext, op: DeleteComment) -> None:
    """delete_comment_evaluator (HF19): only a comment without replies, not yet paid out, whose
    net_rshares are not positive. Its votes go with it; every ancestor loses a descendant."""
    state = ctx.state
    comment = state.require_comment(op.author, op.permlink)
    if comment.children:
        raise ChainError("permlink", "replies", "a comment with replies cannot be deleted")
    if comment.cashout_time == MAX_TIME:
        raise ChainError("permlink", "paid-out", "a comment that has been paid out cannot be deleted")
    if comment.net_rshares > 0:
        raise ChainError("permlink", "net-rshares", "a comment with net positive votes cannot be deleted")
    for vote in COMMENT_VOTES.scan(state.db, "author = ? AND permlink = ?", (comment.author, comment.permlink)):
        COMMENT_VOTES.delete(state.db, vote)
    parent = state.comment(comment.parent_author, comment.parent_permlink) if comment.parent_author else None
    while parent is not None:
        parent.children -= 1
        parent.active = ctx.now
        COMMENTS.update(state.db, parent)
        parent = state.comment(parent.parent_author, parent.parent_permlink) if parent.parent_author else None
    COMMENTS.delete(state.db, comment)


@evaluates(CommentOptions)
def comment_options(ctx: ApplyContext, op: CommentOptions) -> None:
    """comment_options_evaluator: options may only be lowered (max_accepted_payout,
    percent_steem_dollars) or switched off (allow_votes, allow_curation_rewards), and switching off
    or lowering the payout needs a comment without rshares. Beneficiaries are set once, before any
    vote, and must exist."""
    state = ctx.state
    comment = state.require_comment(op.author, op.permlink)
    restricts = not op.allow_votes or not op.allow_curation_rewards
    if (restricts or op.max_accepted_payout.amount < comment.max_accepted_payout) and comment.abs_rshares:
        raise ChainError("", "voted", "these options can only be set before the comment has votes (rshares)")
    check_only_lowered(comment, op)
    comment.max_accepted_payout = op.max_accepted_payout.amount
    comment.percent_steem_dollars = op.percent_steem_dollars
    comment.allow_votes = op.allow_votes
    comment.allow_curation_rewards = op.allow_curation_rewards
    beneficiaries = op.beneficiaries()
    if beneficiaries:
        if comment.beneficiaries != "[]":
            raise ChainError("extensions", "beneficiaries-set", "the comment already has beneficiaries")
        if comment.abs_rshares:
            raise ChainError("extensions", "voted", "beneficiaries can only be set before the comment has votes")
        for index, route in enumerate(beneficiaries):
            state.require_account(route.account, f"extensions.0.beneficiaries.{index}.account")
        comment.beneficiaries = orjson.dumps([[route.account, route.weight] for route in beneficiaries]).decode()
    COMMENTS.update(state.db, comment)


def check_only_lowered(comment: Comment, op: CommentOptions) -> None:
    if op.allow_curation_rewards and not comment.allow_curation_rewards:
        raise ChainError("allow_curation_rewards", "re-enable", "curation rewards cannot be re-enabled")
    if op.allow_votes and not comment.allow_votes:
        raise ChainError("allow_votes", "re-enable", "voting cannot be re-enabled")
    if op.max_accepted_payout.amount > comment.max_accepted_payout:
        raise ChainError(
            "max_accepted_payout",
            "raise",
            f"max_accepted_payout can only be lowered; it is {Asset(comment.max_accepted_payout, SBD)}",
        )
    if op.percent_steem_dollars > comment.percent_steem_dollars:
        raise ChainError(
            "percent_steem_dollars",
            "raise",
            f"percent_steem_dollars can only be lowered; it is {comment.percent_steem_dollars}",
        )


@evaluates(CustomJson)
def custom_json(ctx: ApplyContext, op: CustomJson) -> None:
    """custom_json_evaluator (HF20): at most 40 accounts, each existing. The chain interprets no
    custom_json itself; applying it records it in the history for the applications that do."""
    names = len(op.required_auths) + len(op.required_posting_auths)
    if names > MAX_AUTHORITY_MEMBERSHIP:
        raise ChainError(
            "required_auths", "membership", f"{names} accounts named; at most {MAX_AUTHORITY_MEMBERSHIP} may sign"
        )
    for field in ("required_auths", "required_posting_auths"):
        for index, name in enumerate(getattr(op, field)):
            ctx.state.require_account(name, f"{field}.{index}")


@evaluates(DeclineVotingRights)
def decline_voting_rights(ctx: ApplyContext, op: DeclineVotingRights) -> None:
    """decline_voting_rights_evaluator, simplified: steemd files a request that takes effect 30 days
    later and can be cancelled until then. This chain has no table for such requests, so declining
    takes effect at once, as process_decline_voting_rights would then apply it: the account's
    witness votes and proxy go, its weight leaves the election, and it can never vote again.
    decline=false (cancelling a pending request) is therefore always rejected."""
    state = ctx.state
    account = state.require_account(op.account, "account")
    if not op.decline:
        raise ChainError(
            "decline", "no-request", "there is no pending request to cancel: on this chain declining is immediate"
        )
    if not account.can_vote:
        raise ChainError("account", "declined", f"@{account.name} has already declined its voting rights")
    withdraw_all_votes(state, account)
    clear_witness_votes(state, account)
    account.can_vote = False
    account.proxy = ""
    ACCOUNTS.update(state.db, account)
