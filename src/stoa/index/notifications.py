"""Notifications: who replied to, mentioned, voted on, followed, reblogged or paid whom.

See hivemind.md §2.1 and §5.

Derived like the rest of the index from applied operations only: this module follows every
operation right after the read model handled it (`ingest.FOLLOWERS`), so it sees the post, vote,
follow or reblog as the read model now has it.

- `reply` / `reply_comment`: a new reply to one of dst's posts / comments (src is the replier).
- `mention`: @dst, an account the index knows (`ingest.known_account`), in the body of a new post or
  comment (never on edits, never the author or the parent's author, who gets the reply); a post
  mentioning more accounts than its author's score allows (5 below 30, 10 below 60, else 25) notifies
  nobody, and each mention scores `score - min(score, 2 × (mentions - 1))` (classic hivemind's rule).
- `vote`: an upvote (positive rshares, from effective_comment_vote) on dst's post or comment, once
  per voter and post. Its value is the post's pending payout shared by rshares, and it scores as
  hivemind's `calculate_notify_vote_score`: 25 per digit of the value in milli-SBD past the first,
  at most 100; votes worth less than $0.020 score 0 (hivemind drops them; we keep them, shown only
  with min_score=0).
- `follow`, `reblog`: a new blog follow of dst / a new reblog of dst's post (custom_json `follow`).
- `transfer`: a transfer to dst, with the amount and memo.

Every other type scores by the source account's reputation, as hivemind's `reputation_score`:
`max(log10|raw| - 9, 0) × sign × 7.5 + 25`, rounded (25 for a new account); sources scoring 0 or
less notify nobody, and neither does anyone dst ignores (follow state `ignore`). The raw reputation
is the one the source had when the operation applied: this module keeps its own copy of the chain's
`reputations` (same rule, `stoa.chain.reputation`, followed from effective_comment_vote), because
the chain's table holds today's values and a rebuild must score as the live index did.

A custom_json `notify` `["setLastRead", {"date": "YYYY-MM-DDTHH:MM:SS"}]` (not after its block's
time) sets its signer's last-read time, which `bridge.unread_notifications` counts from.

A notification's id is its block order: `created << 20` plus its position among its block's
notifications, so ids are the same however often the index is rebuilt, newest first is id order,
and they stay exact in a JavaScript number until the year 2242. When history is replayed over
tables that were not dropped (`ingest.rebuild` before `schema.drop` knows these tables), the first
block at or before the last one followed empties them first, so a replay reproduces them exactly.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Callable
from typing import Any

import orjson

from ..chain.reputation import display_score
from ..protocol.errors import ProtocolError
from ..protocol.operations import Comment as CommentOp
from ..protocol.operations import (
    CommentPayoutUpdate,
    CustomJson,
    DeleteComment,
    EffectiveCommentVote,
    Operation,
    Transfer,
)
from ..protocol.types import parse_time
from .ingest import FOLLOWERS, known_account
from .render import render_body
from .schema import FOLLOW_BLOG, FOLLOW_IGNORE

TABLES = (
    "notifications",
    "notification_reads",
    "notification_reputations",
    "notification_votes",
    "notification_progress",
)
DDL = [
    """CREATE TABLE IF NOT EXISTS notifications (
        id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL, score INTEGER NOT NULL,
        created INTEGER NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, post_author TEXT NOT NULL DEFAULT '',
        post_permlink TEXT NOT NULL DEFAULT '', payload TEXT NOT NULL DEFAULT '{}',
        community TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS notifications_dst ON notifications (dst, id)",
    "CREATE INDEX IF NOT EXISTS notifications_community ON notifications (community, id) WHERE community != ''",
    "CREATE INDEX IF NOT EXISTS notifications_post ON notifications (post_author, post_permlink, type, dst)",
    # setLastRead marks
    "CREATE TABLE IF NOT EXISTS notification_reads (account TEXT PRIMARY KEY, lastread INTEGER NOT NULL)",
    # reputation as of the operation being followed, and the rshares of each live vote it came from
    "CREATE TABLE IF NOT EXISTS notification_reputations (account TEXT PRIMARY KEY, reputation INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS notification_votes (
        author TEXT NOT NULL, permlink TEXT NOT NULL, voter TEXT NOT NULL, rshares INTEGER NOT NULL,
        PRIMARY KEY (author, permlink, voter))""",
    # the time of the last block followed (a block at or before it means history is being replayed)
    "CREATE TABLE IF NOT EXISTS notification_progress (id INTEGER PRIMARY KEY CHECK (id = 0), block_time INTEGER)",
]

TYPES = ("reply", "reply_comment", "mention", "vote", "follow", "reblog", "transfer")
ID_SHIFT = 20  # id = (created << 20) + seq; blocks are 3 s apart, so a block has room for 3 million
DEFAULT_SCORE = 25
MIN_VOTE_VALUE = 20  # milli-SBD: hivemind's $0.020
SET_LAST_READ_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")

Handler = Callable[[sqlite3.Connection, int, Any], None]

# The block each connection last saw (by id: sqlite3 connections take no weak references).
_block_seen: dict[int, int] = {}


def create_tables(db: sqlite3.Connection) -> None:
    """Create the notification tables if missing (schema.create calls this with the other index tables)."""
    for statement in DDL:
        db.execute(statement)


create = create_tables


def drop_tables(db: sqlite3.Connection) -> None:
    for table in TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}")


# --- scores -------------------------------------------------------------------------------------


def reputation_score(raw: int) -> int:
    """hivemind's reputation_score: the 25-centred reputation scaled by 7.5 instead of 9 (so that the
    highest possible reputation scores 100), rounded half away from zero; 25 for raw 0."""
    scaled = (display_score(raw) - 25) * 7.5 / 9 + 25
    rounded = math.floor(scaled + 0.5) if scaled >= 0 else -math.floor(-scaled + 0.5)
    return min(100, int(rounded))


def vote_score(contribution: int) -> int:
    """hivemind's calculate_notify_vote_score for a vote worth `contribution` milli-SBD ($1 scores 75);
    0 below $0.020."""
    if contribution < MIN_VOTE_VALUE:
        return 0
    return min(100, (len(str(contribution)) - 1) * 25)


def mention_limit(score: int) -> int:
    """How many accounts a post may mention and still notify them, by its author's score."""
    return 5 if score < 30 else 10 if score < 60 else 25


def raw_reputation(db: sqlite3.Connection, account: str) -> int:
    found = db.execute("SELECT reputation FROM notification_reputations WHERE account = ?", (account,)).fetchone()
    return int(found[0]) if found else 0


def source_score(db: sqlite3.Connection, account: str) -> int:
    return reputation_score(raw_reputation(db, account))


def _counts(voter_rep: int, author_rep: int, rshares: int) -> bool:
    """stoa.chain.reputation's rule: a voter with negative reputation moves nobody's; a downvote counts
    only from a voter reputed above the author."""
    return voter_rep >= 0 and (rshares >= 0 or voter_rep > author_rep)


def follow_reputation(db: sqlite3.Connection, op: EffectiveCommentVote) -> None:
    """What the vote did to its author's reputation (stoa.chain.reputation.apply_vote, step by step)."""
    voter_rep, author_rep = raw_reputation(db, op.voter), raw_reputation(db, op.author)
    found = db.execute(
        "SELECT rshares FROM notification_votes WHERE author = ? AND permlink = ? AND voter = ?",
        (op.author, op.permlink, op.voter),
    ).fetchone()
    if found is not None:
        delta = int(found[0]) >> 6
        if _counts(voter_rep, author_rep - delta, int(found[0])):
            author_rep -= delta
        if op.voter == op.author:
            voter_rep = author_rep
    if _counts(voter_rep, author_rep, op.rshares):
        author_rep += op.rshares >> 6
    db.execute(
        "INSERT INTO notification_reputations (account, reputation) VALUES (?, ?)"
        " ON CONFLICT (account) DO UPDATE SET reputation = excluded.reputation",
        (op.author, author_rep),
    )
    db.execute(
        "INSERT INTO notification_votes (author, permlink, voter, rshares) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (author, permlink, voter) DO UPDATE SET rshares = excluded.rshares",
        (op.author, op.permlink, op.voter, op.rshares),
    )


# --- following operations -----------------------------------------------------------------------


def on_operation(db: sqlite3.Connection, now: int, op: Operation) -> None:
    """`ingest.FOLLOWERS` entry: the notifications (and last-read marks) one applied operation makes."""
    handler = HANDLERS.get(type(op))
    if handler is None:
        return
    try:
        _follow(db, now, op, handler)
    except sqlite3.OperationalError as error:
        if "no such table: notification" not in str(error):
            raise
        create_tables(db)  # a database indexed before notifications existed; the first touch creates them
        _follow(db, now, op, handler)


def _follow(db: sqlite3.Connection, now: int, op: Operation, handler: Handler) -> None:
    if _block_seen.get(id(db)) != now:
        begin_block(db, now)
        if len(_block_seen) > 64:
            _block_seen.clear()
        _block_seen[id(db)] = now
    handler(db, now, op)


def begin_block(db: sqlite3.Connection, now: int) -> None:
    """The first followed operation of a block. A block no later than the last one followed means the
    history is being replayed from its start (ingest.rebuild) over tables it did not drop: start over."""
    found = db.execute("SELECT block_time FROM notification_progress WHERE id = 0").fetchone()
    if found is not None and found[0] is not None and now <= found[0]:
        for table in TABLES:
            db.execute(f"DELETE FROM {table}")
    db.execute(
        "INSERT INTO notification_progress (id, block_time) VALUES (0, ?)"
        " ON CONFLICT (id) DO UPDATE SET block_time = excluded.block_time",
        (now,),
    )


def notify(
    db: sqlite3.Connection,
    now: int,
    kind: str,
    score: int,
    src: str,
    dst: str,
    post: tuple[str, str] = ("", ""),
    payload: dict[str, Any] | None = None,
    community: str = "",
) -> None:
    """Store one notification, numbered after the block's others (`community` for the community ones)."""
    base = now << ID_SHIFT
    last = db.execute("SELECT MAX(id) FROM notifications WHERE id >= ?", (base,)).fetchone()[0]
    seq = 0 if last is None else int(last) - base + 1
    db.execute(
        "INSERT INTO notifications (id, seq, type, score, created, src, dst, post_author, post_permlink, payload,"
        " community) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            base + seq,
            seq,
            kind,
            score,
            now,
            src,
            dst,
            post[0],
            post[1],
            orjson.dumps(payload or {}).decode(),
            community,
        ),
    )


def ignores(db: sqlite3.Connection, account: str, source: str) -> bool:
    """Whether `account` ignores (mutes) `source`: then nothing from source reaches them."""
    return (
        db.execute(
            "SELECT 1 FROM follows WHERE follower = ? AND following = ? AND state = ?",
            (account, source, FOLLOW_IGNORE),
        ).fetchone()
        is not None
    )


def notified(
    db: sqlite3.Connection, kind: str, dst: str, post: tuple[str, str], since: int, src: str | None = None
) -> bool:
    """Whether dst already has a `kind` notification about the post (from src), made at or after `since`."""
    sql = (
        "SELECT 1 FROM notifications WHERE post_author = ? AND post_permlink = ? AND type = ? AND dst = ?"
        " AND created >= ?"
    )
    params: list[Any] = [post[0], post[1], kind, dst, since]
    if src is not None:
        sql += " AND src = ?"
        params.append(src)
    return db.execute(sql + " LIMIT 1", params).fetchone() is not None


def created_now(db: sqlite3.Connection, now: int, op: CommentOp) -> tuple[int, int] | None:
    """(id, depth) of the post a comment operation created in this block; None for an edit (posts keep
    their creation time) or a comment the index did not take."""
    row = db.execute(
        "SELECT id, created, depth FROM posts WHERE author = ? AND permlink = ?", (op.author, op.permlink)
    ).fetchone()
    return None if row is None or row[1] != now else (int(row[0]), int(row[2]))


def on_comment(db: sqlite3.Connection, now: int, op: CommentOp) -> None:
    """A new post or reply: `reply` / `reply_comment` to the parent's author, `mention` to whom it names.
    Edits notify nobody, so a mention is notified once, when the post is written."""
    row = created_now(db, now, op)
    if row is None:
        return
    post = (op.author, op.permlink)
    score = source_score(db, op.author)
    if score <= 0:
        return
    parent = op.parent_author
    if parent and parent != op.author and not ignores(db, parent, op.author):
        kind = "reply" if row[1] <= 1 else "reply_comment"
        if not notified(db, kind, parent, post, now):
            notify(db, now, kind, score, op.author, parent, post)
    if "@" in op.body or "＠" in op.body:
        mention(db, now, op, score)


def mention(db: sqlite3.Connection, now: int, op: CommentOp, score: int) -> None:
    named = render_body(op.body, op.json_metadata).mentions
    accounts = [name for name in named if name not in (op.author, op.parent_author) and known_account(db, name)]
    if not accounts or len(accounts) > mention_limit(score):
        return  # more mentions than the author's standing allows: likely spam, nobody is notified
    each = score - min(score, 2 * (len(accounts) - 1))
    if each <= 0:
        return
    post = (op.author, op.permlink)
    for name in accounts:
        if not ignores(db, name, op.author) and not notified(db, "mention", name, post, now):
            notify(db, now, "mention", each, op.author, name, post, {"mentions": len(accounts)})


def on_effective_vote(db: sqlite3.Connection, now: int, op: EffectiveCommentVote) -> None:
    """An upvote: `vote` to the author, once per voter and post, scored by what the vote is worth.
    Every vote also moves the author's reputation."""
    follow_reputation(db, op)
    if op.rshares <= 0 or op.voter == op.author:
        return
    row = db.execute(
        "SELECT id, created, abs_rshares FROM posts WHERE author = ? AND permlink = ?", (op.author, op.permlink)
    ).fetchone()
    if row is None:
        return
    post = (op.author, op.permlink)
    if notified(db, "vote", op.author, post, row[1], op.voter) or ignores(db, op.author, op.voter):
        return
    upvoted = int(
        db.execute(
            "SELECT COALESCE(SUM(rshares), 0) FROM post_votes WHERE post_id = ? AND rshares > 0", (row[0],)
        ).fetchone()[0]
    )
    pending = op.pending_payout.amount  # milli-SBD: the post's whole pending payout after this vote
    value = pending * op.rshares // upvoted if upvoted else 0
    contribution = pending * op.rshares // row[2] if row[2] else 0
    notify(
        db, now, "vote", vote_score(contribution), op.voter, op.author, post, {"rshares": op.rshares, "value": value}
    )


def on_custom_json(db: sqlite3.Connection, now: int, op: CustomJson) -> None:
    """`follow` (new blog follows, new reblogs) and `notify` (setLastRead)."""
    if op.id not in ("follow", "notify"):
        return
    try:
        payload = orjson.loads(op.json)
    except orjson.JSONDecodeError:
        return
    if op.id == "follow" and isinstance(payload, dict):  # the oldest form: a bare follow object
        payload = ["follow", payload]
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[1], dict)):
        return
    action, body = payload
    signer = (op.required_posting_auths or op.required_auths or ("",))[0]
    if op.id == "notify":
        if action == "setLastRead":
            set_last_read(db, now, signer, body)
    elif action == "follow":
        followed(db, now, signer, body)
    elif action == "reblog":
        reblogged(db, now, signer, body)


def followed(db: sqlite3.Connection, now: int, signer: str, body: dict[str, Any]) -> None:
    follower, following = body.get("follower"), body.get("following")
    if follower != signer or not isinstance(following, str) or follower == following:
        return
    row = db.execute(
        "SELECT state, created FROM follows WHERE follower = ? AND following = ?", (follower, following)
    ).fetchone()
    if row is None or row[0] != FOLLOW_BLOG or row[1] != now:
        return  # not a blog follow begun now (an unfollow, an ignore, or a follow that already was)
    if db.execute(
        "SELECT 1 FROM notifications WHERE dst = ? AND id >= ? AND type = 'follow' AND src = ?",
        (following, now << ID_SHIFT, follower),
    ).fetchone():
        return  # followed again in the same block
    score = source_score(db, follower)
    if score > 0 and not ignores(db, following, follower):
        notify(db, now, "follow", score, follower, following)


def reblogged(db: sqlite3.Connection, now: int, signer: str, body: dict[str, Any]) -> None:
    account, author, permlink = body.get("account"), body.get("author"), body.get("permlink")
    if account != signer or not isinstance(author, str) or not isinstance(permlink, str) or account == author:
        return
    if body.get("delete") == "delete":
        return
    row = db.execute(
        "SELECT r.created FROM reblogs r JOIN posts p ON p.id = r.post_id"
        " WHERE r.account = ? AND p.author = ? AND p.permlink = ? AND p.depth = 0",
        (account, author, permlink),
    ).fetchone()
    post = (author, permlink)
    if row is None or row[0] != now or notified(db, "reblog", author, post, now, account):
        return
    score = source_score(db, account)
    if score > 0 and not ignores(db, author, account):
        notify(db, now, "reblog", score, account, author, post)


def set_last_read(db: sqlite3.Connection, now: int, signer: str, body: dict[str, Any]) -> None:
    date = body.get("date")
    if not signer or not isinstance(date, str) or not SET_LAST_READ_DATE.fullmatch(date):
        return
    try:
        moment = parse_time(date)
    except ProtocolError:
        return
    if moment > now:
        return  # hivemind: a last-read time may not be in the future of its block
    db.execute(
        "INSERT INTO notification_reads (account, lastread) VALUES (?, ?)"
        " ON CONFLICT (account) DO UPDATE SET lastread = excluded.lastread",
        (signer, moment),
    )


def on_transfer(db: sqlite3.Connection, now: int, op: Transfer) -> None:
    if op.from_ == op.to:
        return
    score = source_score(db, op.from_)
    if score > 0 and not ignores(db, op.to, op.from_):
        notify(db, now, "transfer", score, op.from_, op.to, payload={"amount": str(op.amount), "memo": op.memo})


def on_delete(db: sqlite3.Connection, now: int, op: DeleteComment) -> None:
    """A deleted comment takes its votes along (a new one at its permlink starts without)."""
    db.execute("DELETE FROM notification_votes WHERE author = ? AND permlink = ?", (op.author, op.permlink))


def on_paid_out(db: sqlite3.Connection, now: int, op: CommentPayoutUpdate) -> None:
    """After its payout a comment's votes move no reputation: their rshares need no keeping."""
    db.execute("DELETE FROM notification_votes WHERE author = ? AND permlink = ?", (op.author, op.permlink))


HANDLERS: dict[type[Operation], Handler] = {
    CommentOp: on_comment,
    DeleteComment: on_delete,
    CommentPayoutUpdate: on_paid_out,
    EffectiveCommentVote: on_effective_vote,
    CustomJson: on_custom_json,
    Transfer: on_transfer,
}

FOLLOWERS.append(on_operation)
