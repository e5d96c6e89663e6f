"""The writer's row cache keeps SQLite's semantics: savepoints undo, rollbacks forget, SQL sees pending rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stoa.chain.objects import CommentVote, RecentTransaction
from stoa.chain.state import COMMENT_VOTES, TRANSACTIONS, State


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


def vote(voter: str) -> CommentVote:
    return CommentVote("alice", "post", voter, 1, 1, 100, 0, 0)


def vote_queries(state: State) -> list[str]:
    """Every statement the writer sends that reads comment_votes, from now on."""
    seen: list[str] = []
    state.db.set_trace_callback(
        lambda sql: seen.append(sql) if sql.startswith("SELECT") and "comment_votes" in sql else None
    )
    return seen


def test_rows_of_a_complete_prefix_are_found_missing_without_a_query(state: State) -> None:
    with state.transaction():
        COMMENT_VOTES.mark_complete(state.db, ("alice", "post"))
        queries = vote_queries(state)
        assert COMMENT_VOTES.get(state.db, "alice", "post", "bob") is None
        COMMENT_VOTES.insert(state.db, vote("bob"))
        assert COMMENT_VOTES.get(state.db, "alice", "post", "bob") == vote("bob")
        assert COMMENT_VOTES.get(state.db, "alice", "other", "bob") is None  # another prefix asks SQLite
        assert len(queries) == 1


def test_sql_written_elsewhere_ends_what_the_cache_knows_to_be_complete(state: State) -> None:
    with state.transaction():
        COMMENT_VOTES.mark_complete(state.db, ("alice", "post"))
    state.db.execute(COMMENT_VOTES.sql_insert, COMMENT_VOTES.row(vote("carol")))  # autocommit, past the cache
    with state.transaction():
        assert COMMENT_VOTES.get(state.db, "alice", "post", "carol") == vote("carol")


def test_a_rolled_back_change_leaves_the_stored_row_findable(state: State) -> None:
    """Rolling back forgets the changed row, so it must be read from SQLite again, not taken as missing."""
    with state.transaction():
        COMMENT_VOTES.mark_complete(state.db, ("alice", "post"))
        COMMENT_VOTES.insert(state.db, vote("bob"))
    with pytest.raises(ValueError), state.transaction():
        COMMENT_VOTES.update(state.db, CommentVote("alice", "post", "bob", 0, 0, 0, 0, 1))
        raise ValueError
    with state.transaction():
        assert COMMENT_VOTES.get(state.db, "alice", "post", "bob") == vote("bob")
