"""`stoa run --demo` seeds a fresh dev network through real transactions, once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from stoa.cli import add_demo
from stoa.demo import PEOPLE, POSTS, key, needs_demo, seed

from .chain.conftest import indexed_chain


def test_demo_content_goes_through_the_chain_and_the_index(tmp_path: Path) -> None:
    node = indexed_chain(tmp_path).node
    try:
        assert needs_demo(node)
        passwords = seed(node)
        assert set(passwords) == set(PEOPLE)
        for name in PEOPLE:
            account = node.state.account(name)
            assert account is not None and account.vesting_shares > 0
            assert account.authority("posting").key_auths[0][0] == key(name, "posting").public_key
        posts = node.state.db.execute("SELECT author, permlink FROM posts WHERE depth = 0 ORDER BY id").fetchall()
        assert posts == [(author, permlink) for author, permlink, *_ in POSTS]
        assert node.state.db.execute("SELECT COUNT(*) FROM follows").fetchone()[0] == 3
        assert not needs_demo(node)
        head = node.state.dgp().head_block_number
        runner = CliRunner()
        with runner.isolation() as (out, _, _):
            add_demo(node)  # a second time: nothing added
        assert b"already there" in out.getvalue()
        assert node.state.dgp().head_block_number == head
    finally:
        node.stop()
