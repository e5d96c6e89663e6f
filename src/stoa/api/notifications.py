"""bridge.account_notifications and bridge.unread_notifications over the index's notifications
(hivemind.md §2.1 item 6): messages and urls as hivemind writes them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import orjson

from ..index.notifications import DEFAULT_SCORE
from ..protocol.types import format_time
from .jsonrpc import Dispatcher, invalid_params, named
from .reads import ChainReader
from .social import account_param, page_limit

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
}
PARAMS = {
    "account_notifications": ("account", "min_score", "last_id", "limit"),
    "unread_notifications": ("account", "min_score"),
}
# A notification about a post shows while that post does (not after it is deleted, nor for a new
# post written later at the same permlink).
VISIBLE = (
    "(n.post_author = '' OR EXISTS (SELECT 1 FROM posts p WHERE p.author = n.post_author"
    " AND p.permlink = n.post_permlink AND p.created <= n.created))"
)


def message(kind: str, src: str, payload: dict[str, Any]) -> str:
    """hivemind's get_notify_message for the personal types, plus `transfer`."""
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
    )


def url(src: str, post_author: str, post_permlink: str) -> str:
    return f"@{post_author}/{post_permlink}" if post_permlink else f"@{src}"


def existing_account(reader: ChainReader, value: Any) -> str:
    name = account_param(value)
    if reader.state.account(name) is None:
        raise invalid_params(f"account {name!r} does not exist")
    return name


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
    last_id = last_id_param(query.get("last_id"))
    limit = page_limit(query.get("limit"), MAX_PAGE, MAX_PAGE)
    db = reader.state.db
    if not has_table(db):
        return []
    rows = db.execute(
        "SELECT n.id, n.type, n.score, n.created, n.src, n.post_author, n.post_permlink, n.payload"
        f" FROM notifications n WHERE n.dst = ? AND n.id < ? AND n.score >= ? AND {VISIBLE}"
        " ORDER BY n.id DESC LIMIT ?",
        (account, NEWEST if last_id is None else last_id, min_score, limit),
    ).fetchall()
    notes = []
    for note_id, kind, score, created, src, author, permlink, payload in rows:
        notes.append(
            {
                "id": str(note_id),
                "type": kind,
                "score": score,
                "date": format_time(created),
                "msg": message(kind, src, orjson.loads(payload)),
                "url": url(src, author, permlink),
            }
        )
    return notes


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
        (account, lastread, min_score),
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
        "bridge.unread_notifications",
        lambda params: unread_notifications(reader, checked(params, "unread_notifications")),
    )
