"""The writer's write-back row cache: hot rows stay in memory.

Their changes reach SQLite in one batch per table just before the block commits.

Undo follows the database's own: while a savepoint is open every change is journaled, and rolling
the savepoint back restores the cached rows (and re-queues rows a mid-savepoint flush wrote, since
SQLite undid those writes too); rolling the whole transaction back forgets every row written since
the last commit. Clean rows stay cached across blocks, up to a bound.

SQL written elsewhere stays correct: a SELECT that names a cached table first flushes the pending
rows; a write to a cached table drops that table's cached rows, and is refused inside a savepoint,
where the journal could not undo it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

Key = tuple[Any, ...]
Row = tuple[Any, ...] | None  # None: the row does not exist
MISSING: Any = object()  # not cached
MAX_CACHED_ROWS = 50_000  # about 100 MB of rows
WRITE_TARGET = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)\s+(\w+)", re.IGNORECASE
)
BASE_EXECUTE = sqlite3.Connection.execute
BASE_EXECUTEMANY = sqlite3.Connection.executemany


class CachedTable(Protocol):
    """What the cache needs of a table: its name and its upsert and delete statements."""

    name: str
    columns: list[str]
    sql_upsert: str
    sql_delete: str


@dataclass
class TableRows:
    """One table's cached rows, those not yet written, and those written since the last commit."""

    table: CachedTable
    cache: RowCache
    rows: dict[Key, Row] = field(default_factory=dict)
    pending: set[Key] = field(default_factory=set)
    written: set[Key] = field(default_factory=set)
    next_id: int | None = None  # the next free `id`, once asked for
    # key prefixes (the key less its last column) whose every row is cached, so a missing row with
    # such a prefix needs no query: rows made for something the writer itself created (`Table.
    # mark_complete`). Forgetting one of its rows (undo, rollback) ends that knowledge.
    complete: set[Key] = field(default_factory=set)
    # column index → the smallest value among pending rows, for the columns `earliest_pending` was asked
    # about (time columns end-of-block steps look up); kept current by `write`, forgotten on undo
    earliest: dict[int, Any] = field(default_factory=dict)

    def earliest_pending(self, column: int) -> Any:
        """The smallest value of `column` among the pending rows that exist (None if there are none)."""
        if column not in self.earliest:
            values = [row[column] for key in self.pending if (row := self.rows[key]) is not None]
            self.earliest[column] = min(values, default=None)
        return self.earliest[column]

    def take_id(self, db: sqlite3.Connection) -> int:
        """The next free value of the table's `id` column, counting rows not yet written."""
        if self.next_id is None:
            stored = BASE_EXECUTE(db, f"SELECT COALESCE(MAX(id), -1) + 1 FROM {self.table.name}").fetchone()[0]
            column = self.table.columns.index("id")
            waiting = [row[column] + 1 for key in self.pending if (row := self.rows[key]) is not None]
            self.next_id = max([int(stored), *waiting])
        taken = self.next_id
        self.next_id += 1
        return taken


def forget(rows: TableRows, key: Key) -> None:
    """Drop a cached row so that the next read asks SQLite; its prefix is no longer known complete."""
    rows.rows.pop(key, None)
    rows.complete.discard(key[:-1])


@dataclass
class Mark:
    journal_length: int
    flushes: int


class RowCache:
    """The cached rows of every hot table on one writer connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.tables: dict[str, TableRows] = {}
        self.journal: list[tuple[TableRows, Key, Row, bool]] = []
        self.marks: list[Mark] = []
        self.flushes = 0
        self.names: re.Pattern[str] | None = None

    def register(self, table: CachedTable) -> TableRows:
        found = self.tables.get(table.name)
        if found is None:
            found = self.tables[table.name] = TableRows(table, self)
            self.names = re.compile(r"\b(?:" + "|".join(map(re.escape, self.tables)) + r")\b")
        return found

    # --- rows ----------------------------------------------------------------------------------

    def write(self, rows: TableRows, key: Key, row: Row) -> None:
        if not self.db.in_transaction:  # autocommit (tools, tests): write through at once
            rows.rows[key] = row
            BASE_EXECUTE(self.db, rows.table.sql_delete if row is None else rows.table.sql_upsert, row or key)
            return
        if self.marks:
            self.journal.append((rows, key, rows.rows.get(key, MISSING), key in rows.pending))
        rows.rows[key] = row
        rows.pending.add(key)
        rows.written.add(key)
        if row is not None and rows.earliest:
            for column, floor in rows.earliest.items():
                if floor is None or row[column] < floor:
                    rows.earliest[column] = row[column]

    def flush(self) -> None:
        """Write every pending row: upserts for rows that exist, deletes for rows that don't."""
        for rows in self.tables.values():
            if rows.pending:
                self._flush_table(rows)

    def _flush_table(self, rows: TableRows) -> None:
        upserts: list[tuple[Any, ...]] = []
        deletes: list[Key] = []
        for key in rows.pending:
            row = rows.rows[key]
            if row is None:
                deletes.append(key)
            else:
                upserts.append(row)
        if deletes:
            BASE_EXECUTEMANY(self.db, rows.table.sql_delete, deletes)
        if upserts:
            BASE_EXECUTEMANY(self.db, rows.table.sql_upsert, upserts)
        rows.pending.clear()
        rows.earliest.clear()
        self.flushes += 1

    # --- savepoints and transactions -----------------------------------------------------------

    def mark(self) -> None:
        self.marks.append(Mark(len(self.journal), self.flushes))

    def release(self) -> None:
        self.marks.pop()
        if not self.marks:
            self.journal.clear()

    def undo(self) -> None:
        """The savepoint rolled back: restore what it changed."""
        mark = self.marks.pop()
        while len(self.journal) > mark.journal_length:
            rows, key, old, was_pending = self.journal.pop()
            if old is MISSING:
                forget(rows, key)
            else:
                rows.rows[key] = old
            if was_pending:
                rows.pending.add(key)
            else:
                rows.pending.discard(key)
        for rows in self.tables.values():
            rows.next_id = None
            rows.earliest.clear()
            if self.flushes != mark.flushes:  # SQLite undid rows written since the mark: write them again
                rows.pending.update(key for key in rows.written if key in rows.rows)
        if not self.marks:
            self.journal.clear()

    def committed(self) -> None:
        total = 0
        for rows in self.tables.values():
            rows.written.clear()
            total += len(rows.rows)
        if total > MAX_CACHED_ROWS:
            for rows in self.tables.values():
                rows.rows.clear()
                rows.complete.clear()

    def rolled_back(self) -> None:
        """The whole transaction rolled back: forget every row written since the last commit."""
        for rows in self.tables.values():
            for key in rows.written:
                forget(rows, key)
            rows.written.clear()
            rows.pending.clear()
            rows.next_id = None
            rows.earliest.clear()
        self.journal.clear()
        self.marks.clear()

    # --- SQL written elsewhere -----------------------------------------------------------------

    def before_sql(self, sql: str) -> None:
        target = WRITE_TARGET.match(sql)
        if target is not None:
            self._before_write(target.group(1))
        elif self.names is not None and any(rows.pending for rows in self.tables.values()):
            for name in set(self.names.findall(sql)):
                if self.tables[name].pending:
                    self._flush_table(self.tables[name])

    def _before_write(self, table: str) -> None:
        rows = self.tables.get(table)
        if rows is None:
            return
        if self.marks:
            raise RuntimeError(f"{table} is cached: write it through its Table inside a transaction, not with SQL")
        if rows.pending:
            self._flush_table(rows)
        rows.rows.clear()
        rows.complete.clear()
        rows.next_id = None


class WriterConnection(sqlite3.Connection):
    """The writer's connection: SQLite plus the row cache in front of the hot tables."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache = RowCache(self)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.cache.before_sql(sql)
        return BASE_EXECUTE(self, sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        self.cache.before_sql(sql)
        return BASE_EXECUTEMANY(self, sql, parameters)
