"""The social index's tables: posts, tags, votes, follows, reblogs, blogs, accounts.

Posts are stored with their rendered HTML.

(The notification and community tables are created here too; their modules define them.)

They live in the node's database but outside consensus (not in the state digest); everything in
them is derived from applied operations, so `stoa index rebuild` can always recreate them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

DDL = [
    """CREATE TABLE IF NOT EXISTS posts (
        id INTEGER PRIMARY KEY, author TEXT NOT NULL, permlink TEXT NOT NULL,
        parent_author TEXT NOT NULL, parent_permlink TEXT NOT NULL, root_author TEXT NOT NULL,
        root_permlink TEXT NOT NULL, category TEXT NOT NULL, depth INTEGER NOT NULL,
        title TEXT NOT NULL, body TEXT NOT NULL, json_metadata TEXT NOT NULL, body_html TEXT NOT NULL,
        preview TEXT NOT NULL, image TEXT, tags TEXT NOT NULL,
        created INTEGER NOT NULL, updated INTEGER NOT NULL, active INTEGER NOT NULL,
        children INTEGER NOT NULL DEFAULT 0, is_deleted INTEGER NOT NULL DEFAULT 0,
        net_rshares INTEGER NOT NULL DEFAULT 0, abs_rshares INTEGER NOT NULL DEFAULT 0,
        total_votes INTEGER NOT NULL DEFAULT 0, net_votes INTEGER NOT NULL DEFAULT 0,
        pending_payout INTEGER NOT NULL DEFAULT 0, total_payout_value INTEGER NOT NULL DEFAULT 0,
        curator_payout_value INTEGER NOT NULL DEFAULT 0, author_rewards INTEGER NOT NULL DEFAULT 0,
        is_paidout INTEGER NOT NULL DEFAULT 0, payout_at INTEGER NOT NULL,
        sc_trend REAL NOT NULL DEFAULT 0, sc_hot REAL NOT NULL DEFAULT 0,
        max_accepted_payout INTEGER NOT NULL DEFAULT 1000000000, percent_steem_dollars INTEGER NOT NULL DEFAULT 10000,
        allow_replies INTEGER NOT NULL DEFAULT 1, allow_votes INTEGER NOT NULL DEFAULT 1,
        allow_curation_rewards INTEGER NOT NULL DEFAULT 1, beneficiaries TEXT NOT NULL DEFAULT '[]',
        reblogs INTEGER NOT NULL DEFAULT 0,
        active_votes TEXT NOT NULL DEFAULT '[]', neg_rshares INTEGER NOT NULL DEFAULT 0,
        community TEXT, is_muted INTEGER NOT NULL DEFAULT 0, is_pinned INTEGER NOT NULL DEFAULT 0,
        UNIQUE (author, permlink))""",
    "CREATE INDEX IF NOT EXISTS posts_parent ON posts (parent_author, parent_permlink, id)",
    "CREATE INDEX IF NOT EXISTS posts_root ON posts (root_author, root_permlink, id)",
    "CREATE INDEX IF NOT EXISTS posts_created ON posts (depth, created DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS posts_trend ON posts (depth, is_paidout, sc_trend DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS posts_hot ON posts (depth, is_paidout, sc_hot DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS posts_author ON posts (author, depth, created DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS posts_payout ON posts (is_paidout, payout_at, id)",
    "CREATE INDEX IF NOT EXISTS posts_community ON posts (community, depth, created DESC, id DESC)"
    " WHERE community IS NOT NULL",
    """CREATE TABLE IF NOT EXISTS post_tags (
        tag TEXT NOT NULL, post_id INTEGER NOT NULL, PRIMARY KEY (tag, post_id))""",
    "CREATE INDEX IF NOT EXISTS post_tags_post ON post_tags (post_id)",
    """CREATE TABLE IF NOT EXISTS post_votes (
        post_id INTEGER NOT NULL, voter TEXT NOT NULL, rshares INTEGER NOT NULL, percent INTEGER NOT NULL,
        weight INTEGER NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (post_id, voter))""",
    "CREATE INDEX IF NOT EXISTS post_votes_voter ON post_votes (voter, time)",
    """CREATE TABLE IF NOT EXISTS follows (
        follower TEXT NOT NULL, following TEXT NOT NULL, state INTEGER NOT NULL, created INTEGER NOT NULL,
        PRIMARY KEY (follower, following))""",
    "CREATE INDEX IF NOT EXISTS follows_following ON follows (following, state, follower)",
    """CREATE TABLE IF NOT EXISTS reblogs (
        account TEXT NOT NULL, post_id INTEGER NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (account, post_id))""",
    "CREATE INDEX IF NOT EXISTS reblogs_post ON reblogs (post_id)",
    """CREATE TABLE IF NOT EXISTS blog_entries (
        account TEXT NOT NULL, entry_id INTEGER NOT NULL, post_id INTEGER NOT NULL, created INTEGER NOT NULL,
        PRIMARY KEY (account, entry_id), UNIQUE (account, post_id))""",
    "CREATE INDEX IF NOT EXISTS blog_entries_post ON blog_entries (post_id)",
    """CREATE TABLE IF NOT EXISTS profiles (
        account TEXT PRIMARY KEY, created INTEGER NOT NULL, json_metadata TEXT NOT NULL DEFAULT '',
        posting_json_metadata TEXT NOT NULL DEFAULT '', post_count INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL)""",
    # every account the index knows of: the network's genesis accounts (given to `create`, since no
    # operation makes them) and those the account-creating operations made; never the chain's `accounts`
    "CREATE TABLE IF NOT EXISTS known_accounts (name TEXT PRIMARY KEY) WITHOUT ROWID",
]

INDEX_TABLES = (
    "posts",
    "post_tags",
    "post_votes",
    "follows",
    "reblogs",
    "blog_entries",
    "profiles",
    "known_accounts",
    "notifications",
    "notification_reads",
    "notification_reputations",
    "notification_votes",
    "notification_progress",
    "communities",
    "community_roles",
    "community_subscriptions",
    "community_flags",
)

FOLLOW_NONE = 0
FOLLOW_BLOG = 1
FOLLOW_IGNORE = 2


# Raise with every change to the tables: a node finding another version rebuilds the index.
VERSION = 4


def stored_version(db: sqlite3.Connection) -> int | None:
    """The schema version the index was written with; None for a database without an index."""
    db.execute("CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    found = db.execute("SELECT value FROM index_meta WHERE key = 'version'").fetchone()
    if found is not None:
        return int(found[0])
    has_posts = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'posts'").fetchone()
    return 1 if has_posts else None  # version 1 kept no version row


def create(db: sqlite3.Connection, genesis_accounts: Iterable[str] = ()) -> None:
    """Create the index's tables if missing, knowing the network's genesis accounts (see `known_accounts`)."""
    for statement in DDL:
        db.execute(statement)
    # here: these modules import ingest, which imports this module
    from .communities import create_tables as create_community_tables
    from .notifications import create_tables

    create_tables(db)
    create_community_tables(db)
    db.execute("CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.execute("INSERT OR REPLACE INTO index_meta (key, value) VALUES ('version', ?)", (VERSION,))
    db.executemany("INSERT OR IGNORE INTO known_accounts (name) VALUES (?)", [(name,) for name in genesis_accounts])


def drop(db: sqlite3.Connection) -> None:
    for table in INDEX_TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}")
