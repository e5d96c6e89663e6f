"""The writer's row cache keeps SQLite's semantics: savepoints undo, rollbacks forget, SQL sees pending rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stoa.chain.objects import RecentTransaction
from stoa.chain.state import TRANSACTIONS, State


def tx(n: int, expiration: int = 100) -> RecentTransaction:
    return RecentTransaction(n.to_bytes(20, "big"), expiration)


def stored(path: Path) -> dict[bytes, int]:
    """What another connection sees: committed rows only."""
    reader = sqlite3.connect(path)
    try:
        return {bytes(k): e for k, e in reader.execute("SELECT trx_id, expiration FROM transactions")}
    finally:
        reader.close()


@pytest.fixture
def state(tmp_path: Path) -> State:
    return State.open(tmp_path / "state.db")


def expiration_of(state: State, n: int) -> int | None:
    found = TRANSACTIONS.get(state.db, tx(n).trx_id)
    return None if found is None else found.expiration


def test_rows_reach_sqlite_at_commit_only(state: State, tmp_path: Path) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
        assert stored(tmp_path / "state.db") == {}
        assert expiration_of(state, 1) == 100
    assert stored(tmp_path / "state.db") == {tx(1).trx_id: 100}


def test_savepoint_rollback_restores_rows(state: State, tmp_path: Path) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
        with pytest.raises(ValueError), state.savepoint():
            TRANSACTIONS.update(state.db, tx(1, 200))
            TRANSACTIONS.insert(state.db, tx(2))
            raise ValueError
        assert (expiration_of(state, 1), expiration_of(state, 2)) == (100, None)
    assert stored(tmp_path / "state.db") == {tx(1).trx_id: 100}


def test_savepoint_rollback_after_a_flush_writes_the_rows_again(state: State, tmp_path: Path) -> None:
    """SQL that reads a cached table flushes pending rows; SQLite's undo of the savepoint takes those
    writes back too, so the rows written before the savepoint must be written again at commit."""
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
        with pytest.raises(ValueError), state.savepoint():
            TRANSACTIONS.insert(state.db, tx(2))
            assert state.count(TRANSACTIONS) == 2  # flushes
            raise ValueError
        assert state.count(TRANSACTIONS) == 1
    assert stored(tmp_path / "state.db") == {tx(1).trx_id: 100}


def test_rollback_forgets_written_rows_and_keeps_committed_ones(state: State) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
    state.begin()
    TRANSACTIONS.update(state.db, tx(1, 300))
    TRANSACTIONS.insert(state.db, tx(2))
    state.rollback()
    assert (expiration_of(state, 1), expiration_of(state, 2)) == (100, None)


def test_duplicate_insert_is_an_integrity_error(state: State) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
    with state.transaction():
        with pytest.raises(sqlite3.IntegrityError):
            TRANSACTIONS.insert(state.db, tx(1))  # committed before
        TRANSACTIONS.insert(state.db, tx(2))
        with pytest.raises(sqlite3.IntegrityError):
            TRANSACTIONS.insert(state.db, tx(2))  # still pending


def test_deletes_reach_sqlite(state: State, tmp_path: Path) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
        TRANSACTIONS.insert(state.db, tx(2))
    with state.transaction():
        TRANSACTIONS.delete(state.db, tx(1))
        assert expiration_of(state, 1) is None
    assert stored(tmp_path / "state.db") == {tx(2).trx_id: 100}


def test_sql_write_to_a_cached_table_inside_a_savepoint_is_refused(state: State) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
        with pytest.raises(RuntimeError, match="cached"), state.savepoint():
            state.db.execute("DELETE FROM transactions WHERE expiration < ?", (1000,))


def test_sql_write_outside_a_savepoint_drops_the_cached_rows(state: State, tmp_path: Path) -> None:
    with state.transaction():
        TRANSACTIONS.insert(state.db, tx(1))
        TRANSACTIONS.insert(state.db, tx(2, 500))
        state.db.execute("DELETE FROM transactions WHERE expiration < ?", (200,))
        assert (expiration_of(state, 1), expiration_of(state, 2)) == (None, 500)
    assert stored(tmp_path / "state.db") == {tx(2).trx_id: 500}


def test_writes_outside_a_transaction_go_straight_to_sqlite(state: State, tmp_path: Path) -> None:
    TRANSACTIONS.insert(state.db, tx(1))
    assert stored(tmp_path / "state.db") == {tx(1).trx_id: 100}


def due_ids(state: State, moment: int) -> list[int]:
    found = TRANSACTIONS.due(state.db, "expiration", moment, ("expiration", "trx_id"))
    return [int.from_bytes(row.trx_id, "big") for row in found]


def test_due_rows_merge_pending_changes_without_flushing(state: State, tmp_path: Path) -> None:
    with state.transaction():
        for n, expiration in ((1, 100), (2, 300), (3, 150)):
            TRANSACTIONS.insert(state.db, tx(n, expiration))
    with state.transaction():
        assert due_ids(state, 200) == [1, 3]
        TRANSACTIONS.update(state.db, tx(1, 500))  # no longer due
        TRANSACTIONS.update(state.db, tx(2, 120))  # now due, and first
        TRANSACTIONS.insert(state.db, tx(4, 90))  # new and due
        assert due_ids(state, 200) == [4, 2, 3]
        TRANSACTIONS.update(state.db, tx(4, 400))  # the earliest pending row changes after it was asked for
        assert due_ids(state, 200) == [2, 3]
        assert stored(tmp_path / "state.db")[tx(1).trx_id] == 100  # nothing flushed
    assert due_ids(state, 200) == [2, 3]
