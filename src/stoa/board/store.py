"""The board's own SQLite database: its cursor, counters, badges, opt-outs and outbox.

It also keeps the posts the board may reply to. The outbox holds notifications, written before they
are broadcast, so a crash never sends one twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stats (
    account TEXT NOT NULL, kind TEXT NOT NULL, value INTEGER NOT NULL, level INTEGER NOT NULL,
    PRIMARY KEY (account, kind)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS posts (
    author TEXT NOT NULL, permlink TEXT NOT NULL, root INTEGER NOT NULL, created INTEGER NOT NULL,
    PRIMARY KEY (author, permlink)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS posts_latest ON posts (author, root, created);
CREATE TABLE IF NOT EXISTS post_days (account TEXT NOT NULL, day INTEGER NOT NULL, PRIMARY KEY (account, day))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, created INTEGER NOT NULL, years INTEGER NOT NULL,
    next_birthday INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS accounts_birthday ON accounts (next_birthday);
CREATE TABLE IF NOT EXISTS badges (
    account TEXT NOT NULL, kind TEXT NOT NULL, level INTEGER NOT NULL, earned INTEGER NOT NULL,
    block_num INTEGER NOT NULL,
    notification INTEGER,  -- NULL: not yet notified; 0: never will be (opted out, too old, nowhere to reply)
    PRIMARY KEY (account, kind, level));
CREATE INDEX IF NOT EXISTS badges_waiting ON badges (notification) WHERE notification IS NULL;
CREATE TABLE IF NOT EXISTS optouts (account TEXT PRIMARY KEY, since INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    purpose TEXT NOT NULL,              -- badges, stop or start
    permlink TEXT NOT NULL UNIQUE,
    parent_author TEXT NOT NULL,        -- for badges: chosen when sent (the latest post that still exists)
    parent_permlink TEXT NOT NULL,
    state TEXT NOT NULL,                -- pending, sent, cancelled, failed
    voted INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER NOT NULL DEFAULT 0,  -- block time before which it is not tried again
    created INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, retry_at);
"""


def open_store(path: Path) -> sqlite3.Connection:
    """The board's database (created on first use), in WAL mode so the web pages read while it writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def read_store(path: Path) -> sqlite3.Connection:
    """A read-only connection for the web pages."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def cursor(db: sqlite3.Connection) -> int:
    """The last block whose operations are in the database."""
    row = db.execute("SELECT value FROM meta WHERE key = 'cursor'").fetchone()
    return int(row[0]) if row else 0


def set_cursor(db: sqlite3.Connection, block_num: int) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)", (block_num,))


def opted_out(db: sqlite3.Connection, account: str) -> bool:
    return db.execute("SELECT 1 FROM optouts WHERE account = ?", (account,)).fetchone() is not None


@dataclass
class Outgoing:
    """One outbox row: a notification or a STOP/START confirmation to broadcast."""

    id: int
    account: str
    purpose: str
    permlink: str
    parent_author: str
    parent_permlink: str
    attempts: int
    created: int


def due(db: sqlite3.Connection, now: int, limit: int) -> list[Outgoing]:
    """Pending outbox rows whose retry time has come, oldest first."""
    rows = db.execute(
        "SELECT id, account, purpose, permlink, parent_author, parent_permlink, attempts, created FROM outbox"
        " WHERE state = 'pending' AND retry_at <= ? ORDER BY id LIMIT ?",
        (now, limit),
    )
    return [Outgoing(*row) for row in rows]


def settle(db: sqlite3.Connection, item: Outgoing, state: str, note: str, voted: bool = False) -> None:
    db.execute(
        "UPDATE outbox SET state = ?, note = ?, voted = ?, parent_author = ?, parent_permlink = ? WHERE id = ?",
        (state, note, int(voted), item.parent_author, item.parent_permlink, item.id),
    )


def postpone(db: sqlite3.Connection, item: Outgoing, retry_at: int, note: str) -> None:
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, retry_at = ?, note = ? WHERE id = ?", (retry_at, note, item.id)
    )


def badge_kinds(db: sqlite3.Connection, notification: int) -> list[tuple[str, int]]:
    """The (kind, level) pairs a notification announces, in the order they were earned."""
    rows = db.execute(
        "SELECT kind, level FROM badges WHERE notification = ? ORDER BY earned, rowid", (notification,)
    ).fetchall()
    return [(str(kind), int(level)) for kind, level in rows]


def latest_targets(db: sqlite3.Connection, account: str, limit: int = 5) -> list[str]:
    """The account's newest posts, then its newest comments: where a notification may go."""
    rows = db.execute(
        "SELECT permlink FROM posts WHERE author = ? ORDER BY root DESC, created DESC LIMIT ?", (account, limit)
    ).fetchall()
    return [str(row[0]) for row in rows]


def forget_post(db: sqlite3.Connection, author: str, permlink: str) -> None:
    db.execute("DELETE FROM posts WHERE author = ? AND permlink = ?", (author, permlink))


def status(db: sqlite3.Connection) -> dict[str, int]:
    """Where the board stands: its cursor and its outbox by state."""
    counts = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    return {
        "cursor": cursor(db),
        **{state: int(counts.get(state, 0)) for state in ("pending", "sent", "cancelled", "failed")},
    }
