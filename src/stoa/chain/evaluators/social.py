"""Social evaluators: comment (posts, replies, edits) and vote (mana, rshares, curation weight)."""

from __future__ import annotations

from ...protocol import Asset
from ...protocol.asset import SBD
from ...protocol.operations import Comment as CommentOp
from ...protocol.operations import EffectiveCommentVote, Vote
from ...protocol.rules import validate_new_permlink
from .. import params, reputation
from ..apply import ApplyContext, evaluates
from ..economics.curves import convergent_square_root
from ..economics.payout import pending_payout
from ..economics.sbd import median_price, steem_to_sbd
from ..errors import ChainError
from ..objects import MAX_TIME, Account, Comment, CommentVote, DynamicGlobalProperties
from ..state import ACCOUNTS, COMMENT_VOTES, COMMENTS, State
from .common import regenerate_mana

DEFAULT_MAX_ACCEPTED_PAYOUT = 1_000_000_000  # 1000000.000 SBD


@evaluates(CommentOp)
def comment(ctx: ApplyContext, op: CommentOp) -> None:
    """comment_evaluator (HF21): create a post or reply, or edit one."""
    state = ctx.state
    author = state.require_account(op.author, "author")
    parent = None
    if op.parent_author:
        parent = state.require_comment(op.parent_author, op.parent_permlink, "parent_permlink")
        if parent.depth + 1 >= params.MAX_COMMENT_DEPTH:
            raise ChainError(
                "parent_permlink", "depth", f"comment would be nested {parent.depth + 1} deep; the maximum is 65534"
            )
    existing = state.comment(op.author, op.permlink)
    if existing is None:
        create_comment(ctx, author, parent, op)
    else:
        edit_comment(ctx, author, existing, op)


def create_comment(ctx: ApplyContext, author: Account, parent: Comment | None, op: CommentOp) -> None:
    state = ctx.state
    validate_new_permlink(op.permlink)
    if parent is None:
        if ctx.now - author.last_root_post < params.MIN_ROOT_COMMENT_INTERVAL:
            raise ChainError("", "interval", "you may only post once every 5 minutes")
        author.last_root_post = ctx.now
    else:
        if ctx.now - author.last_post < params.MIN_REPLY_INTERVAL:
            raise ChainError("", "interval", "you may only comment once every 3 seconds")
        if not parent.allow_replies:
            raise ChainError("parent_permlink", "replies", "the parent comment does not allow replies")
    author.last_post = ctx.now
    author.post_count += 1
    ACCOUNTS.update(state.db, author)
    COMMENTS.insert(state.db, new_comment(state, op, parent, ctx.now))
    COMMENT_VOTES.mark_complete(state.db, (op.author, op.permlink))  # a new comment has no votes yet
    while parent is not None:  # every ancestor gains a descendant and becomes active
        parent.children += 1
        parent.active = ctx.now
        COMMENTS.update(state.db, parent)
        parent = state.comment(parent.parent_author, parent.parent_permlink) if parent.parent_author else None


def new_comment(state: State, op: CommentOp, parent: Comment | None, now: int) -> Comment:
    return Comment(
        author=op.author,
        permlink=op.permlink,
        id=state.next_id(COMMENTS),
        parent_author=op.parent_author,
        parent_permlink=op.parent_permlink,
        category=parent.category if parent else op.parent_permlink,
        root_author=parent.root_author if parent else op.author,
        root_permlink=parent.root_permlink if parent else op.permlink,
        depth=parent.depth + 1 if parent else 0,
        children=0,
        created=now,
        last_update=now,
        active=now,
        last_payout=0,
        cashout_time=now + params.CASHOUT_WINDOW_SECONDS,
        net_rshares=0,
        abs_rshares=0,
        vote_rshares=0,
        total_vote_weight=0,
        net_votes=0,
        reward_weight=params.PERCENT_100,
        max_accepted_payout=DEFAULT_MAX_ACCEPTED_PAYOUT,
        percent_steem_dollars=params.PERCENT_100,
        allow_replies=True,
        allow_votes=True,
        allow_curation_rewards=True,
        beneficiaries="[]",
        author_rewards=0,
        total_payout_value=0,
        curator_payout_value=0,
    )


def edit_comment(ctx: ApplyContext, author: Account, existing: Comment, op: CommentOp) -> None:
    if (existing.parent_author, existing.parent_permlink) != (op.parent_author, op.parent_permlink):
        raise ChainError("parent_permlink", "parent", "an edit cannot change the parent of a comment")
    if ctx.now - author.last_post_edit < params.MIN_COMMENT_EDIT_INTERVAL:
        raise ChainError("", "interval", "you may only edit once every 3 seconds")
    author.last_post_edit = ctx.now
    existing.last_update = ctx.now
    existing.active = ctx.now
    ACCOUNTS.update(ctx.state.db, author)
    COMMENTS.update(ctx.state.db, existing)


@evaluates(Vote)
def vote(ctx: ApplyContext, op: Vote) -> None:
    """hf20_vote_evaluator: spend mana, turn it into rshares, record the vote and its curation weight."""
    state = ctx.state
    target = state.require_comment(op.author, op.permlink)
    voter = state.require_account(op.voter, "voter")
    previous = COMMENT_VOTES.get(state.db, op.author, op.permlink, op.voter)
    if not voter.can_vote:
        raise ChainError("voter", "declined", "voter has declined their voting rights")
    if op.weight > 0 and not target.allow_votes:
        raise ChainError("weight", "votes-disabled", "votes are not allowed on this comment")
    if target.cashout_time == MAX_TIME:
        record_late_vote(ctx, op, previous)
        return
    if ctx.now - voter.last_vote_time < params.MIN_VOTE_INTERVAL:
        raise ChainError("", "interval", "you can only vote once every 3 seconds")
    if previous is None and op.weight == 0:
        raise ChainError("weight", "zero", "vote weight cannot be 0 (there is no vote to remove)")
    if previous is not None:
        if previous.num_changes >= params.MAX_VOTE_CHANGES:
            raise ChainError("", "changes", "voter has used the maximum number of vote changes on this comment")
        if previous.vote_percent == op.weight:
            raise ChainError("weight", "same-vote", "your current vote on this comment is identical to this vote")
    dgp = state.dgp()
    rshares = spend_mana(dgp, voter, op.weight, ctx.now)
    rshares = apply_lockout(rshares, target.cashout_time - ctx.now)
    voter.last_vote_time = ctx.now
    ACCOUNTS.update(state.db, voter)
    reputation.apply_vote(state, op.voter, op.author, previous.rshares if previous else None, rshares)
    if previous is None:
        weight = add_vote(ctx, dgp, target, op, rshares)
    else:
        weight = change_vote(ctx, target, previous, op, rshares)
    pending = steem_to_sbd(pending_payout(state, target), median_price(state.feed()))
    ctx.emit(
        EffectiveCommentVote(
            op.voter, op.author, op.permlink, weight, rshares, target.total_vote_weight, Asset(pending, SBD)
        )
    )


def spend_mana(dgp: DynamicGlobalProperties, voter: Account, weight: int, now: int) -> int:
    """Use the voter's mana for a vote of `weight` and return the vote's rshares (signed)."""
    regenerate_mana(dgp, voter, now)
    if voter.voting_mana < 0:
        raise ChainError("voter", "mana", "account does not have enough mana to vote")
    denominator = dgp.vote_power_reserve_rate * params.VOTING_MANA_REGENERATION_SECONDS
    if weight >= 0:
        base = voter.voting_mana
    else:
        base = max(voter.downvote_mana * params.PERCENT_100 // dgp.downvote_pool_percent, voter.voting_mana)
    used = -(-(base * abs(weight) * 86400 // params.PERCENT_100) // denominator)  # ceiling division
    if weight >= 0:
        if used > voter.voting_mana:
            raise ChainError("voter", "mana", "account does not have enough mana to vote")
        voter.voting_mana -= used
    else:
        from_down = min(used, voter.downvote_mana)
        if used - from_down > voter.voting_mana:
            raise ChainError("voter", "mana", "account does not have enough mana to downvote")
        voter.downvote_mana -= from_down
        voter.voting_mana -= used - from_down
    magnitude = max(used - params.VOTE_DUST_THRESHOLD, 0)
    return magnitude if weight >= 0 else -magnitude


def apply_lockout(rshares: int, until_cashout: int) -> int:
    """In the last 12 hours before payout a vote counts in proportion to the time left."""
    if until_cashout < params.UPVOTE_LOCKOUT_SECONDS:
        magnitude = abs(rshares) * max(until_cashout, 0) // params.UPVOTE_LOCKOUT_SECONDS
        return magnitude if rshares >= 0 else -magnitude
    return rshares


def add_vote(ctx: ApplyContext, dgp: DynamicGlobalProperties, target: Comment, op: Vote, rshares: int) -> int:
    """Record a new vote; returns its curation weight (hf20_vote_evaluator: net_votes by the sign of
    the rshares; the curve's gain is the vote's full weight, none when the curve does not rise)."""
    weight = 0
    before = target.vote_rshares
    target.net_rshares += rshares
    target.abs_rshares += abs(rshares)
    target.net_votes += 1 if rshares > 0 else -1
    if rshares > 0:
        target.vote_rshares += rshares
        full = convergent_square_root(target.vote_rshares) - convergent_square_root(before)
        if target.allow_curation_rewards and full > 0:  # approx_sqrt makes the curve dip now and then
            elapsed = min(ctx.now - target.created, dgp.reverse_auction_seconds)
            weight = full * elapsed // dgp.reverse_auction_seconds if dgp.reverse_auction_seconds else full
            target.total_vote_weight += full
    COMMENTS.update(ctx.state.db, target)
    COMMENT_VOTES.insert(
        ctx.state.db, CommentVote(op.author, op.permlink, op.voter, weight, rshares, op.weight, ctx.now, 0)
    )
    return weight


def change_vote(ctx: ApplyContext, target: Comment, previous: CommentVote, op: Vote, rshares: int) -> int:
    """Replace a vote (hf20_vote_evaluator's change branch): net and abs rshares, net_votes by the
    signs of old and new rshares, the old curation weight removed; vote_rshares stays as it was. A
    changed vote earns no curation, so its weight is 0."""
    target.net_rshares += rshares - previous.rshares
    target.abs_rshares += abs(rshares)
    target.net_votes += sign(rshares) - sign(previous.rshares)
    target.total_vote_weight -= previous.weight
    COMMENTS.update(ctx.state.db, target)
    previous.rshares = rshares
    previous.vote_percent = op.weight
    previous.last_update = ctx.now
    previous.weight = 0  # a changed vote earns no curation
    previous.num_changes += 1
    COMMENT_VOTES.update(ctx.state.db, previous)
    return 0


def sign(value: int) -> int:
    return (value > 0) - (value < 0)


def record_late_vote(ctx: ApplyContext, op: Vote, previous: CommentVote | None) -> None:
    """After payout a vote is recorded but moves nothing."""
    if previous is None:
        COMMENT_VOTES.insert(ctx.state.db, CommentVote(op.author, op.permlink, op.voter, 0, 0, op.weight, ctx.now, 0))
    else:
        previous.vote_percent = op.weight
        previous.last_update = ctx.now
        COMMENT_VOTES.update(ctx.state.db, previous)
