"""Feed the social index from a block's applied operations (the chain's `AppliedBlock`).

Only operations and virtual operations reach here, never the chain's tables: posts come from
`comment`, `delete_comment` and `comment_options`; votes and rshares from `vote` and
`effective_comment_vote`; payouts from `comment_reward` and `comment_payout_update`; follows and
reblogs from `custom_json` id `follow`; profiles and known accounts from the account operations. The
accounts a network starts with are made by no operation: the node gives the index its genesis
(`prepare`, `rebuild`), whose accounts it knows from the start.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import orjson

from ..chain import params
from ..chain.apply import AppliedBlock
from ..chain.genesis import Genesis
from ..chain.state import OP_INDEX_BITS
from ..protocol.operations import (
    AccountCreate,
    AccountCreateWithDelegation,
    AccountUpdate,
    CommentOptions,
    CommentPayoutUpdate,
    CommentReward,
    CreateClaimedAccount,
    CustomJson,
    DeleteComment,
    EffectiveCommentVote,
    Operation,
    Vote,
)
from ..protocol.operations import Comment as CommentOp
from .render import render_body
from .schema import FOLLOW_BLOG, FOLLOW_IGNORE, FOLLOW_NONE

MAX_TAGS = 8
PAIDOUT_NEVER = 0xFFFFFFFF
CASHOUT_SECONDS = 7 * 24 * 3600

Handler = Callable[[sqlite3.Connection, int, Any], None]


def ingest(block: AppliedBlock) -> None:
    """Apply every operation of the block to the index, in order."""
    for _trx_id, _trx_in_block, _op_in_trx, _virtual, op in block.operations:
        apply_operation(block.db, block.timestamp, op)


def apply_operation(db: sqlite3.Connection, now: int, op: Operation) -> None:
    """One operation: the read model's handler, then whoever follows operations (notifications)."""
    handler = HANDLERS.get(type(op))
    if handler is not None:
        handler(db, now, op)
    for follower in FOLLOWERS:
        follower(db, now, op)


# Modules that derive more from every operation after the read model saw it (notifications).
FOLLOWERS: list[Callable[[sqlite3.Connection, int, Operation], None]] = []


# --- posts --------------------------------------------------------------------------------------


def tags_of(category: str, json_metadata: str) -> list[str]:
    """The category and json_metadata.tags: lower-case, without '#', at most 32 chars, unique, first 8."""
    tags = [category]
    try:
        metadata = orjson.loads(json_metadata) if json_metadata else {}
    except orjson.JSONDecodeError:
        metadata = {}
    listed = metadata.get("tags") if isinstance(metadata, dict) else None
    if isinstance(listed, list):
        tags.extend(tag for tag in listed if isinstance(tag, str))
    clean: list[str] = []
    for tag in tags:
        tag = tag.strip().lower().lstrip("#")[:32]
        if tag and tag not in clean:
            clean.append(tag)
    return clean[:MAX_TAGS]


def post_id(db: sqlite3.Connection, author: str, permlink: str) -> int | None:
    found = db.execute("SELECT id FROM posts WHERE author = ? AND permlink = ?", (author, permlink)).fetchone()
    return None if found is None else int(found[0])


def on_comment(db: sqlite3.Connection, now: int, op: CommentOp) -> None:
    rendered = render_body(op.body, op.json_metadata)
    existing = db.execute(
        "SELECT id, is_deleted, category FROM posts WHERE author = ? AND permlink = ?", (op.author, op.permlink)
    ).fetchone()
    if existing is not None and not existing[1]:
        db.execute(
            "UPDATE posts SET title = ?, body = ?, json_metadata = ?, body_html = ?, preview = ?, image = ?,"
            " tags = ?, updated = ?, active = ? WHERE id = ?",
            (
                op.title,
                op.body,
                op.json_metadata,
                rendered.html,
                rendered.text,
                rendered.image,
                orjson.dumps(tags_of(existing[2], op.json_metadata)).decode(),
                now,
                now,
                existing[0],
            ),
        )
        write_tags(db, existing[0], tags_of(existing[2], op.json_metadata))
        return
    if existing is not None:  # a deleted permlink written again: a new post
        forget_post(db, existing[0])
    create_post(db, now, op, rendered)


INSERT_POST = (
    "INSERT INTO posts (id, author, permlink, parent_author, parent_permlink, root_author, root_permlink,"
    " category, depth, title, body, json_metadata, body_html, preview, image, tags, created, updated,"
    " active, payout_at, sc_trend, sc_hot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class NewPost(NamedTuple):
    """Where a new post or comment sits: itself, its parent, its root, category and depth."""

    author: str
    permlink: str
    parent_author: str
    parent_permlink: str
    root_author: str
    root_permlink: str
    category: str
    depth: int


def post_values(
    post_id: int | None,
    at: NewPost,
    title: str,
    body: str,
    json_metadata: str,
    rendered: Any,
    tags: list[str],
    now: int,
) -> tuple[Any, ...]:
    """INSERT_POST's values for a new post (post_id None lets the database number it)."""
    return (
        post_id,
        *at,
        title,
        body,
        json_metadata,
        rendered.html,
        rendered.text,
        rendered.image,
        orjson.dumps(tags).decode(),
        now,
        now,
        now,
        now + CASHOUT_SECONDS,
        *scores(0, now, at.depth),
    )


def create_post(db: sqlite3.Connection, now: int, op: CommentOp, rendered: Any) -> None:
    parent = None
    if op.parent_author:
        parent = db.execute(
            "SELECT id, root_author, root_permlink, category, depth FROM posts WHERE author = ? AND permlink = ?",
            (op.parent_author, op.parent_permlink),
        ).fetchone()
    root_author, root_permlink = (parent[1], parent[2]) if parent else (op.author, op.permlink)
    category = parent[3] if parent else op.parent_permlink
    depth = parent[4] + 1 if parent else 0
    tags = tags_of(category, op.json_metadata)
    row = NewPost(
        op.author, op.permlink, op.parent_author, op.parent_permlink, root_author, root_permlink, category, depth
    )
    cursor = db.execute(INSERT_POST, post_values(None, row, op.title, op.body, op.json_metadata, rendered, tags, now))
    new_id = int(cursor.lastrowid or 0)
    write_tags(db, new_id, tags)
    if depth == 0:
        add_blog_entry(db, op.author, new_id, now)
    touch_ancestors(db, op.parent_author, op.parent_permlink, now, +1)
    db.execute("UPDATE profiles SET post_count = post_count + 1, active = ? WHERE account = ?", (now, op.author))


def write_tags(db: sqlite3.Connection, post: int, tags: list[str]) -> None:
    db.execute("DELETE FROM post_tags WHERE post_id = ?", (post,))
    db.executemany("INSERT INTO post_tags (tag, post_id) VALUES (?, ?)", [(tag, post) for tag in tags])


def touch_ancestors(db: sqlite3.Connection, author: str, permlink: str, now: int, delta: int) -> None:
    """Every ancestor gains (or loses) a descendant and, on a new reply, becomes active."""
    while author:
        row = db.execute(
            "SELECT parent_author, parent_permlink FROM posts WHERE author = ? AND permlink = ?", (author, permlink)
        ).fetchone()
        if row is None:
            return
        db.execute(
            "UPDATE posts SET children = children + ?, active = CASE WHEN ? > 0 THEN ? ELSE active END"
            " WHERE author = ? AND permlink = ?",
            (delta, delta, now, author, permlink),
        )
        author, permlink = row


def on_delete(db: sqlite3.Connection, now: int, op: DeleteComment) -> None:
    row = db.execute(
        "SELECT id, parent_author, parent_permlink FROM posts WHERE author = ? AND permlink = ? AND is_deleted = 0",
        (op.author, op.permlink),
    ).fetchone()
    if row is None:
        return
    forget_post(db, row[0])
    touch_ancestors(db, row[1], row[2], now, -1)


def forget_post(db: sqlite3.Connection, post: int) -> None:
    db.execute("DELETE FROM posts WHERE id = ?", (post,))
    for table in ("post_tags", "post_votes", "reblogs", "blog_entries", "community_flags"):
        db.execute(f"DELETE FROM {table} WHERE post_id = ?", (post,))


def on_options(db: sqlite3.Connection, now: int, op: CommentOptions) -> None:
    beneficiaries = [[route.account, route.weight] for route in op.beneficiaries()]
    db.execute(
        "UPDATE posts SET max_accepted_payout = ?, percent_steem_dollars = ?, allow_votes = ?,"
        " allow_curation_rewards = ?, beneficiaries = ? WHERE author = ? AND permlink = ?",
        (
            op.max_accepted_payout.amount,
            op.percent_steem_dollars,
            int(op.allow_votes),
            int(op.allow_curation_rewards),
            orjson.dumps(beneficiaries).decode(),
            op.author,
            op.permlink,
        ),
    )


# --- votes and payouts --------------------------------------------------------------------------


def scores(rshares: int, created: int, depth: int) -> tuple[float, float]:
    """hivemind's trending and hot scores (steemd's tags plugin); 0 for comments."""
    if depth > 0:
        return 0.0, 0.0
    mod = rshares / 10_000_000
    order = math.log10(max(abs(mod), 1))
    sign = 1 if mod > 0 else -1
    return sign * order + created / 240_000, sign * order + created / 10_000


def on_vote(db: sqlite3.Connection, now: int, op: Vote) -> None:
    """The vote's percent and time (its rshares come with effective_comment_vote, which the chain
    records just before the vote itself)."""
    post = post_id(db, op.author, op.permlink)
    if post is None:
        return
    db.execute(
        "INSERT INTO post_votes (post_id, voter, rshares, percent, weight, time) VALUES (?, ?, 0, ?, 0, ?)"
        " ON CONFLICT (post_id, voter) DO UPDATE SET percent = excluded.percent, time = excluded.time",
        (post, op.voter, op.weight, now),
    )


def on_effective_vote(db: sqlite3.Connection, now: int, op: EffectiveCommentVote) -> None:
    row = db.execute(
        "SELECT id, created, depth FROM posts WHERE author = ? AND permlink = ?", (op.author, op.permlink)
    ).fetchone()
    if row is None:
        return
    db.execute(
        "INSERT INTO post_votes (post_id, voter, rshares, percent, weight, time) VALUES (?, ?, ?, 0, ?, ?)"
        " ON CONFLICT (post_id, voter) DO UPDATE SET rshares = excluded.rshares, weight = excluded.weight,"
        " time = excluded.time",
        (row[0], op.voter, op.rshares, op.weight, now),
    )
    net, absolute, total, positive, negative = db.execute(
        "SELECT COALESCE(SUM(rshares), 0), COALESCE(SUM(ABS(rshares)), 0), COUNT(*),"
        " SUM(rshares > 0), SUM(rshares < 0) FROM post_votes WHERE post_id = ?",
        (row[0],),
    ).fetchone()
    trend, hot = scores(net, row[1], row[2])
    db.execute(
        "UPDATE posts SET net_rshares = ?, abs_rshares = ?, total_votes = ?, net_votes = ?, pending_payout = ?,"
        " sc_trend = ?, sc_hot = ? WHERE id = ?",
        (net, absolute, total, (positive or 0) - (negative or 0), op.pending_payout.amount, trend, hot, row[0]),
    )
    refresh_active_votes(db, "id = ?", (row[0],))


# Each post keeps its bridge `active_votes` as ready JSON (voter and rshares, most rshares first) and
# the sum of its downvotes, so ranked lists never read every vote of every post.
ACTIVE_VOTES = (
    "UPDATE posts SET active_votes = (SELECT COALESCE(json_group_array(json(entry)), '[]') FROM ("
    " SELECT json_object('voter', voter, 'rshares',"
    " CASE WHEN ABS(rshares) > 4294967295 THEN CAST(rshares AS TEXT) ELSE rshares END) AS entry"
    " FROM post_votes WHERE post_id = posts.id ORDER BY rshares DESC, voter)),"
    " neg_rshares = (SELECT COALESCE(SUM(rshares), 0) FROM post_votes WHERE post_id = posts.id AND rshares < 0)"
    " WHERE {where}"
)


def refresh_active_votes(db: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> None:
    """Rewrite the cached active votes of the posts matching `where` (a clause our code wrote)."""
    db.execute(ACTIVE_VOTES.format(where=where), params)


def on_comment_reward(db: sqlite3.Connection, now: int, op: CommentReward) -> None:
    db.execute(
        "UPDATE posts SET total_payout_value = total_payout_value + ? WHERE author = ? AND permlink = ?",
        (op.payout.amount, op.author, op.permlink),
    )


def on_payout_update(db: sqlite3.Connection, now: int, op: CommentPayoutUpdate) -> None:
    db.execute(
        "UPDATE posts SET is_paidout = 1, payout_at = ?, pending_payout = 0, sc_trend = 0, sc_hot = 0"
        " WHERE author = ? AND permlink = ?",
        (now, op.author, op.permlink),
    )


# --- follows, reblogs, blogs --------------------------------------------------------------------


def on_custom_json(db: sqlite3.Connection, now: int, op: CustomJson) -> None:
    """custom_json `follow`: ["follow", {follower, following, what}] or ["reblog", {account, author, permlink}]."""
    if op.id != "follow":
        return
    try:
        payload = orjson.loads(op.json)
    except orjson.JSONDecodeError:
        return
    if isinstance(payload, dict):  # the oldest form: a bare follow object
        payload = ["follow", payload]
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[1], dict)):
        return
    action, body = payload
    signer = (op.required_posting_auths or op.required_auths or ("",))[0]
    if action == "follow":
        follow(db, now, signer, body)
    elif action == "reblog":
        reblog(db, now, signer, body)


def follow(db: sqlite3.Connection, now: int, signer: str, body: dict[str, Any]) -> None:
    follower, following, what = body.get("follower"), body.get("following"), body.get("what")
    if follower != signer or not isinstance(following, str) or follower == following or not isinstance(what, list):
        return
    state = follow_state(what)
    if state == FOLLOW_NONE:
        db.execute("DELETE FROM follows WHERE follower = ? AND following = ?", (follower, following))
        return
    db.execute(
        "INSERT INTO follows (follower, following, state, created) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (follower, following) DO UPDATE SET state = excluded.state",
        (follower, following, state, now),
    )


def follow_state(what: Sequence[str]) -> int:
    """The follow table's state for a follow operation's `what` list ([] unfollows)."""
    return FOLLOW_BLOG if "blog" in what else FOLLOW_IGNORE if "ignore" in what else FOLLOW_NONE


def reblog(db: sqlite3.Connection, now: int, signer: str, body: dict[str, Any]) -> None:
    account, author, permlink = body.get("account"), body.get("author"), body.get("permlink")
    if account != signer or not isinstance(author, str) or not isinstance(permlink, str) or account == author:
        return
    row = db.execute(
        "SELECT id FROM posts WHERE author = ? AND permlink = ? AND depth = 0", (author, permlink)
    ).fetchone()
    if row is None:
        return
    if body.get("delete") == "delete":
        if db.execute("DELETE FROM reblogs WHERE account = ? AND post_id = ?", (account, row[0])).rowcount:
            db.execute("DELETE FROM blog_entries WHERE account = ? AND post_id = ?", (account, row[0]))
            db.execute("UPDATE posts SET reblogs = reblogs - 1 WHERE id = ?", (row[0],))
        return
    inserted = db.execute(
        "INSERT OR IGNORE INTO reblogs (account, post_id, created) VALUES (?, ?, ?)", (account, row[0], now)
    ).rowcount
    if inserted:
        add_blog_entry(db, account, row[0], now)
        db.execute("UPDATE posts SET reblogs = reblogs + 1 WHERE id = ?", (row[0],))


def add_blog_entry(db: sqlite3.Connection, account: str, post: int, now: int) -> None:
    """A post on the account's blog (its own, or a reblog), numbered from 0 as steemd's blog entries are."""
    db.execute(
        "INSERT OR IGNORE INTO blog_entries (account, entry_id, post_id, created)"
        " SELECT ?, COALESCE(MAX(entry_id) + 1, 0), ?, ? FROM blog_entries WHERE account = ?",
        (account, post, now, account),
    )


# --- accounts and profiles ----------------------------------------------------------------------

INSERT_PROFILE = "INSERT OR IGNORE INTO profiles (account, created, json_metadata, active) VALUES (?, ?, ?, ?)"
INSERT_KNOWN = "INSERT OR IGNORE INTO known_accounts (name) VALUES (?)"


def genesis_accounts(genesis: Genesis) -> tuple[str, ...]:
    """The accounts `chain.genesis.create_genesis_state` makes for this genesis: the init account, the
    system accounts and a dev network's board account."""
    board = (genesis.board_account,) if genesis.board_account else ()
    return (genesis.init_account, params.NULL_ACCOUNT, params.TEMP_ACCOUNT, params.TREASURY_ACCOUNT, *board)


def known_account(db: sqlite3.Connection, name: str) -> bool:
    """Whether the account exists, as the index knows it (a genesis account or one an operation created)."""
    return db.execute("SELECT 1 FROM known_accounts WHERE name = ?", (name,)).fetchone() is not None


def on_account_created(db: sqlite3.Connection, now: int, op: Any) -> None:
    db.execute(INSERT_PROFILE, (op.new_account_name, now, op.json_metadata, now))
    db.execute(INSERT_KNOWN, (op.new_account_name,))


def on_account_update(db: sqlite3.Connection, now: int, op: AccountUpdate) -> None:
    db.execute(
        "INSERT INTO profiles (account, created, json_metadata, active) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (account) DO UPDATE SET json_metadata = excluded.json_metadata, active = excluded.active",
        (op.account, now, op.json_metadata, now),
    )


HANDLERS: dict[type[Operation], Handler] = {
    CommentOp: on_comment,
    DeleteComment: on_delete,
    CommentOptions: on_options,
    Vote: on_vote,
    EffectiveCommentVote: on_effective_vote,
    CommentReward: on_comment_reward,
    CommentPayoutUpdate: on_payout_update,
    CustomJson: on_custom_json,
    AccountCreate: on_account_created,
    AccountCreateWithDelegation: on_account_created,
    CreateClaimedAccount: on_account_created,
    AccountUpdate: on_account_update,
}


def rebuild(db: sqlite3.Connection, genesis: Genesis, progress: Callable[[int, int], None] | None = None) -> int:
    """Drop the index and derive it again from the network's genesis and the node's recorded
    operations, block by block."""
    from ..protocol.operations import OPERATION
    from .schema import create, drop

    drop(db)
    create(db, genesis_accounts(genesis))
    last = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM operations").fetchone()[0]) >> OP_INDEX_BITS
    rows = db.execute("SELECT block_num, timestamp, op FROM operations ORDER BY id")
    for block_num, timestamp, raw in rows.fetchall():
        apply_operation(db, timestamp, OPERATION.parse(orjson.loads(raw)))
        if progress is not None:
            progress(block_num, last)
    return last


def prepare(db: sqlite3.Connection, genesis: Genesis) -> bool:
    """Make the index's tables of the network with this genesis current: when they were written by
    another version of its schema, derive the whole index again from the recorded operations. Returns
    True when it rebuilt."""
    from .schema import VERSION, create, stored_version

    if stored_version(db) in (None, VERSION):
        create(db, genesis_accounts(genesis))
        return False
    db.execute("BEGIN IMMEDIATE")
    rebuild(db, genesis)  # drops the tables and creates them at this version
    db.execute("COMMIT")
    return True


from . import communities, notifications  # noqa: F401, E402
