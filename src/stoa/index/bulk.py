"""Bulk loading of the social index: what applying the blocks would write, written in batches.

It is for benchmarks and imports.

`load` takes plain tuples (the `*Row` named tuples below document their fields; any tuple in that order
will do) for accounts, posts and comments, votes, follows and reblogs, and writes the index's rows with
`executemany`, one DB transaction per batch. Every derived field comes from the functions ingestion
uses: `render.render_body` for the HTML, preview and image, `ingest.tags_of` for the tags, and
`ingest.scores` for trending and hot. Identical (body, json_metadata) pairs are rendered once
(`render_body` is pure), so a loader fed a few body templates spends little time rendering.

"Equal" means: for operations the loader covers, given in chain order, the rows of every table it
writes (`TABLES`: posts, post_tags, post_votes, follows, reblogs, blog_entries, profiles,
known_accounts) are equal, column by column and including post ids and timestamps, to what
`ingest.ingest` writes when the same operations are applied in blocks at the given times, provided the
index was created knowing the network's genesis accounts, as `ingest.prepare` creates it
(`schema.create(db, ingest.genesis_accounts(genesis))`). `tests/index/test_bulk.py` checks this
against a real node. The notification and community tables (also in `schema.INDEX_TABLES`, written by
the notifications and communities followers of ingestion) are left as they are: a bulk-loaded network
has no notifications and no communities, so it refuses accounts named `hive-1NNNN` (ingestion would
make those communities) and its posts stay outside any. The covered operations are:

- account creation (a profiles row and a known_accounts row; the chain's own `accounts` rows are not
  the index's to write);
- a new post or comment (`comment` on a new permlink): the posts row with its rendered HTML, preview,
  image, tags, root, category, depth, payout time and scores, its post_tags, a blog entry for a root
  post, `children` and `active` of every ancestor, and the author's profile post count;
- a vote, given with the chain's `effective_comment_vote` (rshares, curation weight and pending
  payout): the post_votes row (a repeated vote replaces the earlier one) and the post's aggregates
  and scores, recomputed from all its votes as ingestion does after each vote;
- a follow, ignore or unfollow (custom_json `follow`);
- a reblog (custom_json `follow` ["reblog", …]): the reblogs row, a blog entry and the post's count.

Not covered (use ingestion for these): edits (a permlink that exists raises `sqlite3.IntegrityError`),
deletes, comment_options, reblog deletions, account updates, payouts and votes after payout (which the
chain records without an `effective_comment_vote`), and notifications.

What "chain order" requires: posts after their parents; each post's votes in the order they were cast,
after the post; reblogs after the post. Streams are otherwise independent, except that a blog's entries
are numbered in time order across posts and reblogs, and where an account's post and reblog share a
block time the loader numbers the post first. Ancestors' `active` and a profile's `active` take the
time of the last reply or post given.

Run it on a database no node is serving: with `rebuild_indexes` (the default) it drops the index
tables' secondary indexes during the load and recreates them with `schema.create` afterwards, and it
turns `PRAGMA synchronous` off until it returns.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from .communities import REGISTERS
from .ingest import (
    INSERT_KNOWN,
    INSERT_POST,
    INSERT_PROFILE,
    NewPost,
    follow_state,
    post_values,
    refresh_active_votes,
    scores,
    tags_of,
)
from .render import RenderedBody, render_body
from .schema import DDL, FOLLOW_NONE, create

T = TypeVar("T")

# The index tables the loader writes (the rest of schema.INDEX_TABLES are the notifications').
TABLES = ("posts", "post_tags", "post_votes", "follows", "reblogs", "blog_entries", "profiles", "known_accounts")

DEFAULT_BATCH = 20_000
RENDER_MEMO_LIMIT = 100_000
LOAD_CACHE_KIB = 1_048_576  # PRAGMA cache_size during the load: 1 GiB

Progress = Callable[[str, int], None]


class AccountRow(NamedTuple):
    """An account_create (or its variants): its name, block time and json_metadata."""

    name: str
    time: int
    json_metadata: str = ""


class PostRow(NamedTuple):
    """A `comment` operation creating a post (parent_author "" and parent_permlink the category) or a
    reply, and its block time."""

    author: str
    permlink: str
    parent_author: str
    parent_permlink: str
    title: str
    body: str
    json_metadata: str
    time: int


class VoteRow(NamedTuple):
    """A `vote` (percent is its weight, -10000..10000) with what the chain's `effective_comment_vote`
    said about it: rshares, curation weight and the post's pending payout (SBD satoshis)."""

    voter: str
    author: str
    permlink: str
    percent: int
    rshares: int
    weight: int
    pending_payout: int
    time: int


class FollowRow(NamedTuple):
    """custom_json `follow` ["follow", {follower, following, what}], signed by the follower."""

    follower: str
    following: str
    what: Sequence[str]
    time: int


class ReblogRow(NamedTuple):
    """custom_json `follow` ["reblog", {account, author, permlink}], signed by the account."""

    account: str
    author: str
    permlink: str
    time: int


@dataclass
class Loaded:
    """Rows written per table (inputs ingestion would ignore are not counted)."""

    profiles: int = 0
    posts: int = 0
    post_tags: int = 0
    post_votes: int = 0
    follows: int = 0
    reblogs: int = 0
    blog_entries: int = 0


# A post the loader knows: id, parent_author, parent_permlink, root_author, root_permlink, category, depth, created.
Known = tuple[int, str, str, str, str, str, int, int]

UPSERT_VOTE = (
    "INSERT INTO post_votes (post_id, voter, rshares, percent, weight, time) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (post_id, voter) DO UPDATE SET rshares = excluded.rshares, percent = excluded.percent,"
    " weight = excluded.weight, time = excluded.time"
)
# The same statements as ingest.follow.
UPSERT_FOLLOW = (
    "INSERT INTO follows (follower, following, state, created) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (follower, following) DO UPDATE SET state = excluded.state"
)
DELETE_FOLLOW = "DELETE FROM follows WHERE follower = ? AND following = ?"


def load(
    db: sqlite3.Connection,
    *,
    accounts: Iterable[tuple[str, int, str]] = (),
    posts: Iterable[tuple[str, str, str, str, str, str, str, int]] = (),
    votes: Iterable[tuple[str, str, str, int, int, int, int, int]] = (),
    follows: Iterable[tuple[str, str, Sequence[str], int]] = (),
    reblogs: Iterable[tuple[str, str, str, int]] = (),
    batch_size: int = DEFAULT_BATCH,
    rebuild_indexes: bool = True,
    progress: Progress | None = None,
) -> Loaded:
    """Write what ingesting these operations would into the index tables of `db` (which must exist,
    see `schema.create`, and may already hold rows). `db` must be in autocommit mode with no open
    transaction; the loader commits every `batch_size` rows. Streams are read once, in this order:
    accounts, posts, reblogs, votes, follows."""
    if db.in_transaction:
        raise ValueError("the bulk loader commits its own batches: call it outside a transaction")
    loader = _Loader(db, batch_size, progress)
    with _load_settings(db, rebuild_indexes):
        loader.accounts(accounts)
        loader.posts(posts)
        loader.reblogs(reblogs)
        loader.votes(votes)
        loader.follows(follows)
        loader.finish()
    return loader.loaded


def secondary_indexes() -> list[str]:
    """The names of the index tables' secondary indexes, from the schema's DDL."""
    prefix = "CREATE INDEX IF NOT EXISTS "
    return [statement[len(prefix) :].split()[0] for statement in DDL if statement.startswith(prefix)]


@contextmanager
def _load_settings(db: sqlite3.Connection, rebuild_indexes: bool) -> Iterator[None]:
    synchronous = db.execute("PRAGMA synchronous").fetchone()[0]
    cache_size = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
    try:
        if rebuild_indexes:
            for name in secondary_indexes():
                db.execute(f"DROP INDEX IF EXISTS {name}")
        yield
    finally:
        if rebuild_indexes:
            db.execute("BEGIN IMMEDIATE")
            create(db)
            db.execute("COMMIT")
        db.execute(f"PRAGMA synchronous = {int(synchronous)}")
        db.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _batches(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _Loader:
    def __init__(self, db: sqlite3.Connection, batch_size: int, progress: Progress | None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.db = db
        self.batch_size = batch_size
        self.progress = progress
        self.loaded = Loaded()
        self.known: dict[tuple[str, str], Known] = {}
        self.had_posts = self._has_rows("posts")
        self.had_reblogs = self._has_rows("reblogs")
        self.had_blogs = self._has_rows("blog_entries")
        self.next_id = int(db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM posts").fetchone()[0])
        self.renders: dict[tuple[str, str], RenderedBody] = {}
        self.children: dict[int, int] = {}  # replies gained per post id
        self.active: dict[int, int] = {}  # time of its latest reply
        self.post_counts: dict[str, int] = {}
        self.last_post: dict[str, int] = {}
        self.reblog_counts: dict[int, int] = {}
        self.reblogged: set[tuple[str, int]] = set()
        self.blog: list[tuple[int, int, int, str, int]] = []  # (time, post 0 / reblog 1, sequence, account, post id)
        self.pending: dict[int, int] = {}  # post id -> pending payout of its latest vote

    # --- helpers ---------------------------------------------------------------------------------

    def _has_rows(self, table: str) -> bool:
        return bool(self.db.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        """Many rows in transactions of at most batch_size rows."""
        for batch in _batches(rows, self.batch_size):
            with self._transaction():
                self.db.executemany(sql, batch)

    def _report(self, stage: str, done: int) -> None:
        if self.progress is not None:
            self.progress(stage, done)

    def _find(self, author: str, permlink: str) -> Known | None:
        found = self.known.get((author, permlink))
        if found is None and self.had_posts:
            row = self.db.execute(
                "SELECT id, parent_author, parent_permlink, root_author, root_permlink, category, depth, created"
                " FROM posts WHERE author = ? AND permlink = ?",
                (author, permlink),
            ).fetchone()
            if row is not None:
                found = (int(row[0]), row[1], row[2], row[3], row[4], row[5], int(row[6]), int(row[7]))
                self.known[(author, permlink)] = found
        return found

    def _render(self, body: str, json_metadata: str) -> RenderedBody:
        key = (body, json_metadata)
        rendered = self.renders.get(key)
        if rendered is None:
            rendered = render_body(body, json_metadata)
            if len(self.renders) >= RENDER_MEMO_LIMIT:
                self.renders.clear()
            self.renders[key] = rendered
        return rendered

    # --- streams ---------------------------------------------------------------------------------

    def accounts(self, rows: Iterable[tuple[str, int, str]]) -> None:
        """ingest.on_account_created."""
        for batch in _batches(rows, self.batch_size):
            communities = [name for name, _, _ in batch if REGISTERS.fullmatch(name)]
            if communities:
                raise ValueError(f"the bulk loader makes no communities; {communities[0]} would be one")
            with self._transaction():
                self.db.executemany(INSERT_PROFILE, [(name, now, metadata, now) for name, now, metadata in batch])
                self.db.executemany(INSERT_KNOWN, [(name,) for name, _, _ in batch])
            self.loaded.profiles += len(batch)
            self._report("accounts", self.loaded.profiles)

    def posts(self, rows: Iterable[tuple[str, str, str, str, str, str, str, int]]) -> None:
        """ingest.create_post, for permlinks new to the index."""
        for batch in _batches(rows, self.batch_size):
            post_rows: list[tuple[object, ...]] = []
            tag_rows: list[tuple[str, int]] = []
            for author, permlink, parent_author, parent_permlink, title, body, json_metadata, now in batch:
                if (author, permlink) in self.known:
                    raise sqlite3.IntegrityError(f"@{author}/{permlink} is loaded already (edits are not bulk-loaded)")
                parent = self._find(parent_author, parent_permlink) if parent_author else None
                if parent is not None:
                    root_author, root_permlink, category, depth = parent[3], parent[4], parent[5], parent[6] + 1
                else:
                    root_author, root_permlink, category, depth = author, permlink, parent_permlink, 0
                rendered = self._render(body, json_metadata)
                tags = tags_of(category, json_metadata)
                post = self.next_id
                self.next_id += 1
                at = NewPost(
                    author, permlink, parent_author, parent_permlink, root_author, root_permlink, category, depth
                )
                post_rows.append(post_values(post, at, title, body, json_metadata, rendered, tags, now))
                tag_rows.extend((tag, post) for tag in tags)
                self.known[(author, permlink)] = (
                    post,
                    parent_author,
                    parent_permlink,
                    root_author,
                    root_permlink,
                    category,
                    depth,
                    now,
                )
                if depth == 0:
                    self.blog.append((now, 0, len(self.blog), author, post))
                self._touch_ancestors(parent_author, parent_permlink, now)
                self.post_counts[author] = self.post_counts.get(author, 0) + 1
                self.last_post[author] = now
            with self._transaction():
                self.db.executemany(INSERT_POST, post_rows)
                self.db.executemany("INSERT INTO post_tags (tag, post_id) VALUES (?, ?)", tag_rows)
            self.loaded.posts += len(post_rows)
            self.loaded.post_tags += len(tag_rows)
            self._report("posts", self.loaded.posts)

    def _touch_ancestors(self, author: str, permlink: str, now: int) -> None:
        """ingest.touch_ancestors for a new reply, remembered until `finish`."""
        while author:
            ancestor = self._find(author, permlink)
            if ancestor is None:
                return
            self.children[ancestor[0]] = self.children.get(ancestor[0], 0) + 1
            self.active[ancestor[0]] = now
            author, permlink = ancestor[1], ancestor[2]

    def reblogs(self, rows: Iterable[tuple[str, str, str, int]]) -> None:
        """ingest.reblog (not its deletions)."""
        for batch in _batches(rows, self.batch_size):
            written: list[tuple[str, int, int]] = []
            for account, author, permlink, now in batch:
                if account == author:
                    continue
                post = self._find(author, permlink)
                if post is None or post[6] != 0 or (account, post[0]) in self.reblogged:
                    continue
                self.reblogged.add((account, post[0]))
                if (
                    self.had_reblogs
                    and self.db.execute(
                        "SELECT 1 FROM reblogs WHERE account = ? AND post_id = ?", (account, post[0])
                    ).fetchone()
                ):
                    continue
                written.append((account, post[0], now))
                self.reblog_counts[post[0]] = self.reblog_counts.get(post[0], 0) + 1
                self.blog.append((now, 1, len(self.blog), account, post[0]))
            with self._transaction():
                self.db.executemany("INSERT INTO reblogs (account, post_id, created) VALUES (?, ?, ?)", written)
            self.loaded.reblogs += len(written)
            self._report("reblogs", self.loaded.reblogs)

    def votes(self, rows: Iterable[tuple[str, str, str, int, int, int, int, int]]) -> None:
        """ingest.on_effective_vote then ingest.on_vote; the posts' aggregates are written in `finish`."""
        for batch in _batches(rows, self.batch_size):
            written: list[tuple[int, str, int, int, int, int]] = []
            for voter, author, permlink, percent, rshares, weight, pending_payout, now in batch:
                post = self._find(author, permlink)
                if post is None:
                    continue
                written.append((post[0], voter, rshares, percent, weight, now))
                self.pending[post[0]] = pending_payout
            with self._transaction():
                self.db.executemany(UPSERT_VOTE, written)
            self.loaded.post_votes += len(written)
            self._report("votes", self.loaded.post_votes)

    def follows(self, rows: Iterable[tuple[str, str, Sequence[str], int]]) -> None:
        """ingest.follow: runs of follows and of unfollows, each run with ingestion's own statement."""
        for batch in _batches(rows, self.batch_size):
            valid = [
                (follower, following, follow_state(what), now)
                for follower, following, what, now in batch
                if follower != following and isinstance(what, list | tuple)
            ]
            with self._transaction():
                for deleting, run in itertools.groupby(valid, key=lambda row: row[2] == FOLLOW_NONE):
                    if deleting:
                        self.db.executemany(DELETE_FOLLOW, [(row[0], row[1]) for row in run])
                    else:
                        self.db.executemany(UPSERT_FOLLOW, list(run))
            self.loaded.follows += len(valid)
            self._report("follows", self.loaded.follows)

    # --- what depends on everything loaded --------------------------------------------------------

    def finish(self) -> None:
        self._write(
            "UPDATE posts SET children = children + ?, active = ? WHERE id = ?",
            [(count, self.active[post], post) for post, count in self.children.items()],
        )
        self._write(
            "UPDATE profiles SET post_count = post_count + ?, active = ? WHERE account = ?",
            [(count, self.last_post[name], name) for name, count in self.post_counts.items()],
        )
        self._write(
            "UPDATE posts SET reblogs = reblogs + ? WHERE id = ?",
            [(count, post) for post, count in self.reblog_counts.items()],
        )
        self._blog_entries()
        self._vote_aggregates()

    def _blog_entries(self) -> None:
        """ingest.add_blog_entry in time order: each blog numbered on from its last entry."""
        next_entry: dict[str, int] = {}
        rows: list[tuple[object, ...]] = []
        for now, _kind, _sequence, account, post in sorted(self.blog):
            entry = next_entry.get(account)
            if entry is None:
                entry = 0
                if self.had_blogs:
                    entry = int(
                        self.db.execute(
                            "SELECT COALESCE(MAX(entry_id) + 1, 0) FROM blog_entries WHERE account = ?", (account,)
                        ).fetchone()[0]
                    )
            next_entry[account] = entry + 1
            rows.append((account, entry, post, now))
        self._write(
            "INSERT OR IGNORE INTO blog_entries (account, entry_id, post_id, created) VALUES (?, ?, ?, ?)", rows
        )
        self.loaded.blog_entries += len(rows)
        self.blog.clear()

    def _vote_aggregates(self) -> None:
        """ingest.on_effective_vote's totals and scores, from every vote of each voted post."""
        voted = sorted(self.pending)
        for batch in _batches(voted, self.batch_size):
            updates: list[tuple[object, ...]] = []
            with self._transaction():
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS bulk_voted (id INTEGER PRIMARY KEY)")
                self.db.execute("DELETE FROM bulk_voted")
                self.db.executemany("INSERT INTO bulk_voted (id) VALUES (?)", [(post,) for post in batch])
                totals = self.db.execute(
                    "SELECT p.id, p.created, p.depth, COALESCE(SUM(v.rshares), 0), COALESCE(SUM(ABS(v.rshares)), 0),"
                    " COUNT(*), SUM(v.rshares > 0), SUM(v.rshares < 0) FROM bulk_voted b"
                    " JOIN posts p ON p.id = b.id JOIN post_votes v ON v.post_id = b.id GROUP BY p.id"
                ).fetchall()
                for post, created, depth, net, absolute, total, positive, negative in totals:
                    trend, hot = scores(net, created, depth)
                    updates.append(
                        (net, absolute, total, (positive or 0) - (negative or 0), self.pending[post], trend, hot, post)
                    )
                self.db.executemany(
                    "UPDATE posts SET net_rshares = ?, abs_rshares = ?, total_votes = ?, net_votes = ?,"
                    " pending_payout = ?, sc_trend = ?, sc_hot = ? WHERE id = ?",
                    updates,
                )
                refresh_active_votes(self.db, "id IN (SELECT id FROM bulk_voted)", ())
                self.db.execute("DROP TABLE bulk_voted")
            self._report("vote totals", len(updates))
