"""Consensus state in SQLite: tables, typed row access, savepoints for undo, and the state digest.

One connection writes (the node's writer thread); each block is one DB transaction and each
transaction inside it one savepoint, so a failing transaction rolls back to exactly where it began.
Read-only connections (WAL) serve the API without waiting for the writer. The store is behind this
module's small surface (Table.get/insert/update/delete/scan, State.transaction/savepoint/digest) so
that a PostgreSQL store can implement the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from .errors import ChainError
from .objects import (
    Account,
    BlockSummary,
    Comment,
    CommentVote,
    ConvertRequest,
    DelegationExpiration,
    DynamicGlobalProperties,
    FeedHistory,
    LimitOrder,
    RecentTransaction,
    Reputation,
    RewardFund,
    SavingsWithdraw,
    VestingDelegation,
    WithdrawRoute,
    Witness,
    WitnessSchedule,
    WitnessVote,
)
from .writeback import BASE_EXECUTE, BASE_EXECUTEMANY, MISSING, TableRows, WriterConnection

T = TypeVar("T")

# The sqlite3 module binds bytes and bool only after looking for an adapter and failing twice with
# AttributeError; with adapters registered it finds one at once (bytes(b) is b itself).
sqlite3.register_adapter(bytes, bytes)
sqlite3.register_adapter(bool, int)
SQL_TYPES = {"int": "INTEGER", "str": "TEXT", "bytes": "BLOB", "bool": "INTEGER"}


def as_tuple_getter(names: list[str] | tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the named attributes of an object as a tuple."""
    getter = operator.attrgetter(*names)
    if len(names) > 1:
        return getter
    return lambda obj: (getter(obj),)


class Table(Generic[T]):
    """A table whose rows are instances of a dataclass, keyed by some of its fields."""

    def __init__(
        self,
        name: str,
        cls: type[T],
        key: tuple[str, ...],
        indexes: tuple[str, ...] = (),
        cached: bool = False,
        clustered: bool = False,
    ) -> None:
        self.name = name
        self.clustered = clustered  # rows stored in key order (WITHOUT ROWID): range scans by key read one tree
        self.cached = cached  # the writer keeps its rows in the write-back cache (writeback.py)
        self._last_db: sqlite3.Connection | None = None  # the writer last seen, and its cached rows
        self._last_rows: TableRows | None = None
        self.cls = cls
        self.key = key
        self.indexes = indexes
        self.columns = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        # An object's row and key: one C call (attrgetter) each, with no Python frame when the row or
        # key has several columns; single values are wrapped in a tuple.
        self.row: Callable[[T], tuple[Any, ...]] = as_tuple_getter(self.columns)
        self.key_of: Callable[[T], tuple[Any, ...]] = as_tuple_getter(key)
        self._key_positions = tuple(self.columns.index(k) for k in key)
        self._types = {f.name: SQL_TYPES[str(f.type)] for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        cols = ", ".join(self.columns)
        where = " AND ".join(f"{k} = ?" for k in key)
        self.sql_get = f"SELECT {cols} FROM {name} WHERE {where}"
        self.sql_insert = f"INSERT INTO {name} ({cols}) VALUES ({', '.join('?' for _ in self.columns)})"
        self.sql_update = f"UPDATE {name} SET {', '.join(f'{c} = ?' for c in self.columns)} WHERE {where}"
        self.sql_delete = f"DELETE FROM {name} WHERE {where}"
        changes = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c not in key)
        self.sql_upsert = f"{self.sql_insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {changes}"
        self.sql_all = f"SELECT {cols} FROM {name} ORDER BY {', '.join(key)}"

    def ddl(self) -> list[str]:
        columns = ", ".join(f"{c} {self._types[c]} NOT NULL" for c in self.columns)
        layout = " WITHOUT ROWID" if self.clustered else ""
        key = ", ".join(self.key)
        statements = [f"CREATE TABLE IF NOT EXISTS {self.name} ({columns}, PRIMARY KEY ({key})){layout}"]
        statements += [
            f"CREATE INDEX IF NOT EXISTS {self.name}_{index.replace(', ', '_')} ON {self.name} ({index})"
            for index in self.indexes
        ]
        return statements

    def _row_key(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(row[at] for at in self._key_positions)

    def _rows(self, db: sqlite3.Connection) -> TableRows | None:
        """This table's cached rows when `db` is the writer's connection and the table is cached."""
        if db is self._last_db:  # the writer, nearly always: one comparison instead of three lookups
            return self._last_rows
        rows = None
        if self.cached and type(db) is WriterConnection:
            rows = db.cache.register(self)
            self._last_db, self._last_rows = db, rows
        return rows

    def get(self, db: sqlite3.Connection, *key: Any) -> T | None:
        rows = self._rows(db)
        found = BASE_EXECUTE(db, self.sql_get, key).fetchone() if rows is None else self._cached(db, rows, key)
        return None if found is None else self.cls(*found)

    def _cached(self, db: sqlite3.Connection, rows: TableRows, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
        found = rows.rows.get(key, MISSING)
        if found is MISSING:
            if rows.complete and key[:-1] in rows.complete:
                found = rows.rows[key] = None
            else:
                found = rows.rows[key] = BASE_EXECUTE(db, self.sql_get, key).fetchone()
        return found  # type: ignore[no-any-return]

    def mark_complete(self, db: sqlite3.Connection, prefix: tuple[Any, ...]) -> None:
        """Every row whose key starts with `prefix` (the key less its last column) is already in the
        writer's cache: the writer has just made what they belong to. Looking up one that is not
        there then asks SQLite nothing."""
        rows = self._rows(db)
        if rows is not None:
            rows.complete.add(prefix)

    def insert(self, db: sqlite3.Connection, obj: T) -> None:
        """Add a row; a row with the same key already there is an IntegrityError, as in SQLite."""
        rows = self._rows(db)
        if rows is None:
            BASE_EXECUTE(db, self.sql_insert, self.row(obj))
            return
        key = self.key_of(obj)
        if self._cached(db, rows, key) is not None:
            raise sqlite3.IntegrityError(f"UNIQUE constraint failed: {self.name} {key}")
        rows.cache.write(rows, key, self.row(obj))

    def put(self, db: sqlite3.Connection, obj: T) -> None:
        """Add or replace a row without first asking whether it exists (rows known to be new)."""
        rows = self._rows(db)
        if rows is None:
            BASE_EXECUTE(db, self.sql_upsert, self.row(obj))
        else:
            rows.cache.write(rows, self.key_of(obj), self.row(obj))

    def update(self, db: sqlite3.Connection, obj: T) -> None:
        rows = self._rows(db)
        if rows is None:
            BASE_EXECUTE(db, self.sql_update, (*self.row(obj), *self.key_of(obj)))
        else:
            rows.cache.write(rows, self.key_of(obj), self.row(obj))

    def update_many(self, db: sqlite3.Connection, objs: Iterable[T]) -> None:
        """Write many rows back: into the cache, or in one executemany."""
        if self._rows(db) is None:
            BASE_EXECUTEMANY(db, self.sql_update, [(*self.row(obj), *self.key_of(obj)) for obj in objs])
        else:
            for obj in objs:
                self.update(db, obj)

    def delete(self, db: sqlite3.Connection, obj: T) -> None:
        rows = self._rows(db)
        if rows is None:
            BASE_EXECUTE(db, self.sql_delete, self.key_of(obj))
        else:
            rows.cache.write(rows, self.key_of(obj), None)

    def due(self, db: sqlite3.Connection, column: str, moment: int, order: tuple[str, ...]) -> list[T]:
        """Rows whose time `column` is at most `moment`, sorted by `order`: SQL's answer merged with the
        cache's pending rows, so end-of-block steps see every change without flushing it."""
        sql = f"SELECT {', '.join(self.columns)} FROM {self.name} WHERE {column} <= ? ORDER BY {', '.join(order)}"
        found = BASE_EXECUTE(db, sql, (moment,)).fetchall()
        rows = self._rows(db)
        if rows is not None and rows.pending:
            found = [row for row in found if self._row_key(row) not in rows.pending]
            at = self.columns.index(column)
            earliest = rows.earliest_pending(at)
            if earliest is not None and earliest <= moment:
                found += [row for key in rows.pending if (row := rows.rows[key]) is not None and row[at] <= moment]
            order_at = [self.columns.index(c) for c in order]
            found.sort(key=lambda row: [row[i] for i in order_at])
        return [self.cls(*row) for row in found]

    def scan(self, db: sqlite3.Connection, where: str = "", params: tuple[Any, ...] = (), limit: int = -1) -> list[T]:
        """Rows matching a WHERE clause written by our code (never user text; values go in params)."""
        sql = f"SELECT {', '.join(self.columns)} FROM {self.name}"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {', '.join(self.key)} LIMIT ?"
        rows = self._rows(db)
        if rows is not None:
            rows.cache.flush()
        return [self.cls(*found) for found in BASE_EXECUTE(db, sql, (*params, limit))]


DGP = Table("dgp", DynamicGlobalProperties, ("id",))
ACCOUNTS = Table("accounts", Account, ("name",), ("id", "next_vesting_withdrawal"), cached=True)
COMMENTS = Table(
    "comments", Comment, ("author", "permlink"), ("id", "cashout_time", "parent_author, parent_permlink"), cached=True
)
COMMENT_VOTES = Table(
    "comment_votes", CommentVote, ("author", "permlink", "voter"), ("voter",), cached=True, clustered=True
)
WITNESSES = Table("witnesses", Witness, ("owner",), ("votes",))
WITNESS_VOTES = Table("witness_votes", WitnessVote, ("account", "witness"), ("witness",))
BLOCK_SUMMARY = Table("block_summary", BlockSummary, ("slot",))
TRANSACTIONS = Table("transactions", RecentTransaction, ("trx_id",), ("expiration",), cached=True, clustered=True)
DELEGATIONS = Table("vesting_delegations", VestingDelegation, ("delegator", "delegatee"), ("delegatee",))
DELEGATION_EXPIRATIONS = Table("delegation_expirations", DelegationExpiration, ("id",), ("expiration",))
WITHDRAW_ROUTES = Table("withdraw_routes", WithdrawRoute, ("from_account", "to_account"))
SAVINGS_WITHDRAWS = Table("savings_withdraws", SavingsWithdraw, ("from_account", "request_id"), ("complete",))
LIMIT_ORDERS = Table("limit_orders", LimitOrder, ("seller", "orderid"), ("expiration",))
REWARD_FUNDS = Table("reward_funds", RewardFund, ("name",))
FEED_HISTORY = Table("feed_history", FeedHistory, ("id",))
WITNESS_SCHEDULE = Table("witness_schedule", WitnessSchedule, ("id",))
CONVERT_REQUESTS = Table("convert_requests", ConvertRequest, ("owner", "requestid"), ("conversion_date",))

CONSENSUS_TABLES: tuple[Table[Any], ...] = (
    DGP,
    ACCOUNTS,
    COMMENTS,
    COMMENT_VOTES,
    WITNESSES,
    WITNESS_VOTES,
    BLOCK_SUMMARY,
    TRANSACTIONS,
    DELEGATIONS,
    DELEGATION_EXPIRATIONS,
    WITHDRAW_ROUTES,
    SAVINGS_WITHDRAWS,
    LIMIT_ORDERS,
    CONVERT_REQUESTS,
    WITNESS_SCHEDULE,
    REWARD_FUNDS,
    FEED_HISTORY,
)

REPUTATIONS = Table("reputations", Reputation, ("account",), cached=True)  # not consensus: outside the digest

# An operation's id is its block number and its place in the block, so a block's operations are one
# range of the table's own key and need no index of their own.
OP_INDEX_BITS = 28  # up to 268 million operations a block, 34 billion blocks


def block_op_ids(block_num: int) -> range:
    """The ids the operations of block `block_num` may take."""
    return range(block_num << OP_INDEX_BITS, (block_num + 1) << OP_INDEX_BITS)


# What the node remembers beside consensus: every applied operation (real and virtual), each
# account's history, and where each transaction landed. Rebuilt by replay like everything else.
HISTORY_DDL = [
    """CREATE TABLE IF NOT EXISTS operations (
        id INTEGER PRIMARY KEY, block_num INTEGER NOT NULL, trx_in_block INTEGER NOT NULL,
        op_in_trx INTEGER NOT NULL, virtual_op INTEGER NOT NULL, trx_id TEXT NOT NULL,
        timestamp INTEGER NOT NULL, op TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS account_history (
        account TEXT NOT NULL, seq INTEGER NOT NULL, op_id INTEGER NOT NULL, PRIMARY KEY (account, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS transaction_index (
        trx_id TEXT PRIMARY KEY, block_num INTEGER NOT NULL, trx_num INTEGER NOT NULL) WITHOUT ROWID""",
    # the market history: one row per fill (market_history_plugin's order_history_object)
    """CREATE TABLE IF NOT EXISTS market_fills (id INTEGER PRIMARY KEY, time INTEGER NOT NULL,
        steem INTEGER NOT NULL, sbd INTEGER NOT NULL, taker_sold TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS market_fills_time ON market_fills (time)",
]


# The shape of the tables above. A database written under another version is not migrated: it is
# discarded and derived again from the block log, which is the durable record.
STATE_VERSION = 5


def discard_outdated(path: Path) -> bool:
    """Delete a state database whose tables have another shape than this version's; True if it did."""
    if not path.exists():
        return False
    probe = sqlite3.connect(path)
    try:
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        found = probe.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = ?", (DGP.name,)).fetchone()[0]
    finally:
        probe.close()
    if version == STATE_VERSION or not found:  # the same shape, or no chain yet (the index may be there)
        return False
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return True


def connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN ourselves), WAL journal."""
    if readonly:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, factory=WriterConnection)
        db.execute("PRAGMA journal_mode = WAL")
        # The block log is the durable record; a DB that loses its last commits is replayed from it.
        db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")
    return db


class State:
    """Typed access to consensus state over one connection (the writer's, or a reader's)."""

    def __init__(self, db: sqlite3.Connection, writer: bool = False) -> None:
        self.db = db
        self.writer = writer
        self.rows = db.cache if isinstance(db, WriterConnection) else None
        self._savepoints = 0
        # The writer keeps one copy of each single-row object (global properties, reward fund, feed,
        # schedule), which evaluators change and save; every rollback drops the copies.
        self._singletons: dict[str, Any] = {}
        # Derived, non-consensus lookups (history heads) the writer may remember; dropped on rollback too.
        self.memo: dict[str, dict[Any, Any]] = {}

    @classmethod
    def open(cls, path: Path | str) -> State:
        """The writer's state, with the schema created if the database is new."""
        db = connect(path)
        for table in CONSENSUS_TABLES:
            for statement in table.ddl():
                db.execute(statement)
        for statement in [*REPUTATIONS.ddl(), *HISTORY_DDL]:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {STATE_VERSION}")
        return cls(db, writer=True)

    @classmethod
    def reader(cls, path: Path | str) -> State:
        """A read-only view on its own connection: it never waits for the writer (WAL)."""
        return cls(connect(path, readonly=True))

    def close(self) -> None:
        self.db.close()

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")
        if self.rows is not None:
            self.rows.rolled_back()
        self._forget()

    def commit(self) -> None:
        if self.rows is not None:
            self.rows.flush()
        self.db.execute("COMMIT")
        if self.rows is not None:
            self.rows.committed()

    def _forget(self) -> None:
        self._singletons.clear()
        self.memo.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One block: all of it commits, or none of it."""
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """One transaction inside a block: on an exception, every change since entry is undone."""
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        self.db.execute(f"SAVEPOINT {name}")
        if self.rows is not None:
            self.rows.mark()
        try:
            yield
        except BaseException:
            self.db.execute(f"ROLLBACK TO {name}")
            self.db.execute(f"RELEASE {name}")
            if self.rows is not None:
                self.rows.undo()
            self._forget()
            raise
        finally:
            self._savepoints -= 1
        self.db.execute(f"RELEASE {name}")
        if self.rows is not None:
            self.rows.release()

    # --- typed access ------------------------------------------------------------------------

    def _singleton(self, table: Table[T], key: Any, what: str) -> T:
        found: T | None = self._singletons.get(table.name)
        if found is not None:
            return found
        found = table.get(self.db, key)
        if found is None:
            raise ChainError("", "no-genesis", f"the state holds no {what} yet")
        if self.writer:
            self._singletons[table.name] = found
        return found

    def dgp(self) -> DynamicGlobalProperties:
        """The global properties (the writer's cached copy: change it, then save it with DGP.update)."""
        return self._singleton(DGP, 0, "chain")

    def has_chain(self) -> bool:
        return DGP.get(self.db, 0) is not None

    def account(self, name: str) -> Account | None:
        return ACCOUNTS.get(self.db, name)

    def require_account(self, name: str, field: str) -> Account:
        found = ACCOUNTS.get(self.db, name)
        if found is None:
            raise ChainError(field, "unknown-account", f"account {name!r} does not exist")
        return found

    def comment(self, author: str, permlink: str) -> Comment | None:
        return COMMENTS.get(self.db, author, permlink)

    def require_comment(self, author: str, permlink: str, field: str = "permlink") -> Comment:
        found = COMMENTS.get(self.db, author, permlink)
        if found is None:
            raise ChainError(field, "unknown-comment", f"no post or comment @{author}/{permlink}")
        return found

    def witness(self, owner: str) -> Witness | None:
        return WITNESSES.get(self.db, owner)

    def reward_fund(self) -> RewardFund:
        return self._singleton(REWARD_FUNDS, "post", "reward fund")

    def feed(self) -> FeedHistory:
        return self._singleton(FEED_HISTORY, 0, "feed history")

    def schedule(self) -> WitnessSchedule:
        return self._singleton(WITNESS_SCHEDULE, 0, "witness schedule")

    def count(self, table: Table[Any], where: str = "", params: tuple[Any, ...] = ()) -> int:
        sql = f"SELECT COUNT(*) FROM {table.name}" + (f" WHERE {where}" if where else "")
        return int(self.db.execute(sql, params).fetchone()[0])

    def next_id(self, table: Table[Any]) -> int:
        rows = table._rows(self.db)
        if rows is not None:
            return rows.take_id(self.db)
        return int(self.db.execute(f"SELECT COALESCE(MAX(id), -1) + 1 FROM {table.name}").fetchone()[0])

    # --- digest ------------------------------------------------------------------------------

    def digest(self) -> str:
        """sha256 over every consensus row in key order: equal digests mean equal states."""
        hasher = hashlib.sha256()
        for table in CONSENSUS_TABLES:
            hasher.update(table.name.encode())
            for found in self.db.execute(table.sql_all):
                hasher.update(orjson.dumps([v.hex() if isinstance(v, bytes) else v for v in found]))
        return hasher.hexdigest()
