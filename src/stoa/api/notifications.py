"""bridge.account_notifications, post_notifications and unread_notifications, over the index.

They read the index's notifications (hivemind.md §2.1 item 6); messages and urls are as hivemind
writes them.

Only the last 90 days (before the head block) show, as in hivemind. A community account's
notifications are also every notification of its community, at any score (classic hivemind).
`post_notifications` lists what was notified about a post: votes on it, mentions in it, its reblogs
and moderation, and the replies to it (hivemind's dst_post_id).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import orjson

from ..index.communities import exists
from ..index.notifications import DEFAULT_SCORE
from ..protocol.types import format_time
from .jsonrpc import Dispatcher, invalid_params, named
from .posts import fetch_post
from .reads import ChainReader
from .social import existing_account, page_limit

MAX_PAGE = 100
NEWEST = (1 << 63) - 1  # above every id
MESSAGES = {
    "reply": "{src} replied to your post",
    "reply_comment": "{src} replied to your comment",
    "mention": "{src} mentioned you{others}",
    "vote": "{src} voted on your post{value}",
    "follow": "{src} followed you",
    "reblog": "{src} reblogged your post",
    "transfer": "{src} sent you {amount}{memo}",
    # the community ones (hivemind HEAD's texts)
    "new_community": "{dst} was created",
    "set_role": "{src} set your role to {text}",
    "set_props": "{src} set properties {text}",
    "set_title": "{src} set your title to {text}",
    "mute_post": "{src} muted your post - {text}",
    "unmute_post": "{src} unmuted your post - {text}",
    "pin_post": "{src} pinned your post",
    "unpin_post": "{src} unpinned your post",
    "flag_post": "{src} flagged a post - {text}",
    "subscribe": "{src} subscribed to {community}",
    "error": "error: {text}",
}
PARAMS = {
    "account_notifications": ("account", "min_score", "last_id", "limit"),
    "post_notifications": ("author", "permlink", "min_score", "last_id", "limit"),
    "unread_notifications": ("account", "min_score"),
}
WINDOW = 90 * 24 * 3600
REPLIES = "('reply', 'reply_comment')"
COLUMNS = (
    "n.id, n.type, n.score, n.created, n.src, n.dst, n.post_author, n.post_permlink, n.payload, n.community,"
    " COALESCE(NULLIF(c.title, ''), n.community)"
)
# A notification about a post shows while that post does (not after it is deleted, nor for a new
# post written later at the same permlink).
VISIBLE = (
    "(n.post_author = '' OR EXISTS (SELECT 1 FROM posts p WHERE p.author = n.post_author"
    " AND p.permlink = n.post_permlink AND p.created <= n.created))"
)


def message(kind: str, src: str, dst: str, payload: dict[str, Any], community: str) -> str:
    """hivemind's get_notify_message, plus `transfer`."""
    others = int(payload.get("mentions") or 1) - 1
    value = int(payload.get("value") or 0)  # milli-SBD
    memo = str(payload.get("memo") or "")
    cents = (value + 5) // 10
    return MESSAGES[kind].format(
        src=f"@{src}",
        others="" if others < 1 else " and 1 other" if others == 1 else f" and {others} others",
        value=f" (${cents // 100}.{cents % 100:02d})" if value >= 10 else "",
        amount=payload.get("amount", ""),
        memo=f" - {memo}" if memo and not memo.startswith("#") else "",  # encrypted memos stay out
        dst=f"@{dst}",
        text=payload.get("text", "null"),
        community=community,
    )


def url(src: str, dst: str, post: tuple[str, str], community: str) -> str:
    if post[1]:
        return f"@{post[0]}/{post[1]}"
    if community:
        return f"trending/{community}"
    return f"@{src or dst}"


def min_score_param(value: Any) -> int:
    score = DEFAULT_SCORE if value is None else value
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
        raise invalid_params(f"min_score must be an integer from 0 to 100, got {value!r}")
    return score


def last_id_param(value: Any) -> int | None:
    """The id of the last notification of the previous page (as a string, as ids are sent, or a number)."""
    if value is None or value == 0 or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_params(f"last_id must be a notification id (a non-negative integer), got {value!r}")
    return min(value, NEWEST)


def checked(params: Any, method: str) -> dict[str, Any]:
    query = named(params, method)
    for key in query:
        if key not in PARAMS[method]:
            raise invalid_params(f"{method} got an unexpected parameter {key!r}")
    return query


def has_table(db: sqlite3.Connection) -> bool:
    """False on a database no block has been indexed into since notifications exist."""
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notifications'").fetchone() is not None
    )


def account_notifications(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, Any]]:
    account = existing_account(reader, query.get("account"))
    min_score = min_score_param(query.get("min_score"))
    if account.startswith("hive-") and exists(reader.state.db, account):
        return page(reader, "(n.dst = ? OR n.community = ?)", (account, account), 0, query)
    return page(reader, "n.dst = ?", (account,), min_score, query)


def post_notifications(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, Any]]:
    author = existing_account(reader, query.get("author"), "author")
    post = fetch_post(reader.state.db, author, query.get("permlink"))
    where = (
        f"((n.post_author = ? AND n.post_permlink = ? AND n.type NOT IN {REPLIES}) OR (n.type IN {REPLIES}"
        " AND (n.post_author, n.post_permlink) IN"
        " (SELECT author, permlink FROM posts WHERE parent_author = ? AND parent_permlink = ?)))"
    )
    params = (author, post["permlink"]) * 2
    return page(reader, where, params, min_score_param(query.get("min_score")), query)


def page(
    reader: ChainReader, where: str, params: tuple[Any, ...], min_score: int, query: dict[str, Any]
) -> list[dict[str, Any]]:
    """One page of notifications matching `where` (our clause), newest first, of the last 90 days."""
    last_id = last_id_param(query.get("last_id"))
    limit = page_limit(query.get("limit"), MAX_PAGE, MAX_PAGE)
    db = reader.state.db
    if not has_table(db):
        return []
    rows = db.execute(
        f"SELECT {COLUMNS} FROM notifications n LEFT JOIN communities c ON c.name = n.community"
        f" WHERE {where} AND n.id < ? AND n.score >= ? AND n.created > ? AND {VISIBLE} ORDER BY n.id DESC LIMIT ?",
        (*params, NEWEST if last_id is None else last_id, min_score, window_start(reader), limit),
    ).fetchall()
    return [shaped(row) for row in rows]


def shaped(row: tuple[Any, ...]) -> dict[str, Any]:
    note_id, kind, score, created, src, dst, author, permlink, payload, community, title = row
    return {
        "id": str(note_id),
        "type": kind,
        "score": score,
        "date": format_time(created),
        "msg": message(kind, src, dst, orjson.loads(payload), title or ""),
        "url": url(src, dst, (author, permlink), community),
    }


def window_start(reader: ChainReader) -> int:
    """Notifications older than this (90 days before the head block) no longer show."""
    return reader.dgp().time - WINDOW


def unread_notifications(reader: ChainReader, query: dict[str, Any]) -> dict[str, Any]:
    account = existing_account(reader, query.get("account"))
    min_score = min_score_param(query.get("min_score"))
    db = reader.state.db
    if not has_table(db):
        return {"lastread": last_read_text(0), "unread": 0}
    found = db.execute("SELECT lastread FROM notification_reads WHERE account = ?", (account,)).fetchone()
    lastread = int(found[0]) if found else 0
    unread = db.execute(
        f"SELECT COUNT(*) FROM notifications n WHERE n.dst = ? AND n.created > ? AND n.score >= ? AND {VISIBLE}",
        (account, max(lastread, window_start(reader)), min_score),
    ).fetchone()[0]
    return {"lastread": last_read_text(lastread), "unread": int(unread)}


def last_read_text(seconds: int) -> str:
    """hivemind's `YYYY-MM-DD HH:MM:SS` (1970-01-01 00:00:00 for an account that never marked)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    dispatcher.add(
        "bridge.account_notifications",
        lambda params: account_notifications(reader, checked(params, "account_notifications")),
    )
    dispatcher.add(
        "bridge.post_notifications",
        lambda params: post_notifications(reader, checked(params, "post_notifications")),
    )
    dispatcher.add(
        "bridge.unread_notifications",
        lambda params: unread_notifications(reader, checked(params, "unread_notifications")),
    )
