"""Benchmark: cash out 100,000 comments holding 1,000,000 votes that fall due in the same block.

The comments and votes are bulk-loaded straight into a dev network's state, with the fields applying
their blocks would have written (rshares, curation weights from the curation curve, totals), then
one real block is produced at their cashout time. Prints one JSON line: the seconds the cashout step
takes and the whole block with its history, beside the raw libsecp256k1 recover rate measured in the
same run. Target: the cashout under 2 seconds on one core.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import orjson

from stoa.chain import apply
from stoa.chain.economics.curves import convergent_square_root
from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node
from stoa.chain.objects import Comment, CommentVote, new_account
from stoa.chain.state import ACCOUNTS, COMMENT_VOTES, COMMENTS
from stoa.protocol import Authority

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import raw_recover_rate

COMMENTS_DUE = int(os.environ.get("STOA_BENCH_COMMENTS", 100_000))  # smaller runs for profiling
VOTES_PER_COMMENT = 10
ACCOUNTS_COUNT = 20_000
RSHARES = 2_000_000_000_000  # each vote: a full vote of 100,000 VESTS


def load(node: Node, cashout: int) -> None:
    """Accounts, comments and votes as the chain would hold them a week after they were cast."""
    db = node.state.db
    created = cashout - 7 * 24 * 3600
    names = [f"user{i:05d}" for i in range(ACCOUNTS_COUNT)]
    empty = Authority(1)
    base_id = node.state.next_id(ACCOUNTS)
    accounts = [
        new_account(
            n, base_id + i, empty, empty, empty, "STM1111111111111111111111111111111114T1Anm", "", created, "initminer"
        )
        for i, n in enumerate(names)
    ]
    db.executemany(ACCOUNTS.sql_insert, [ACCOUNTS.row(a) for a in accounts])
    comments, votes = [], []
    for index in range(COMMENTS_DUE):
        author = names[index % ACCOUNTS_COUNT]
        permlink = f"post-{index}"
        total_weight = 0
        for v in range(VOTES_PER_COMMENT):
            voter = names[(index + 1 + v * 7) % ACCOUNTS_COUNT]
            before, after = RSHARES * v, RSHARES * (v + 1)
            full = convergent_square_root(after) - convergent_square_root(before)
            total_weight += full
            votes.append(CommentVote(author, permlink, voter, full, RSHARES, 10000, created + 300, 0))
        net = RSHARES * VOTES_PER_COMMENT
        comments.append(
            Comment(
                author,
                permlink,
                index + 1,
                "",
                "bench",
                "bench",
                author,
                permlink,
                0,
                0,
                created,
                created,
                created,
                0,
                cashout,
                net,
                net,
                net,
                total_weight,
                VOTES_PER_COMMENT,
                10000,
                1_000_000_000,
                10000,
                True,
                True,
                True,
                "[]",
                0,
                0,
                0,
            )
        )
    db.executemany(COMMENTS.sql_insert, [COMMENTS.row(c) for c in comments])
    db.executemany(COMMENT_VOTES.sql_insert, [COMMENT_VOTES.row(v) for v in votes])
    fund = node.state.reward_fund()
    fund.reward_balance = 10_000_000_000  # 10,000,000 STEEM in the pool
    db.execute("UPDATE reward_funds SET reward_balance = ? WHERE name = 'post'", (fund.reward_balance,))
    dgp = node.state.dgp()
    dgp.current_supply += fund.reward_balance
    db.execute("UPDATE dgp SET current_supply = ?", (dgp.current_supply,))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "net"
        init_data_dir(data_dir, dev=True)
        node = Node(data_dir, block_mode="manual")
        node.produce_block()
        cashout = node.state.dgp().time + 7 * 24 * 3600
        with node.lock, node.state.transaction():
            load(node, cashout)
        step = apply.END_OF_BLOCK["process_comment_cashout"]
        timings: dict[str, float] = {}

        def timed_step(ctx: apply.ApplyContext) -> None:
            start = time.perf_counter()
            step(ctx)
            timings["cashout"] = time.perf_counter() - start

        apply.END_OF_BLOCK["process_comment_cashout"] = timed_step
        reference = raw_recover_rate()
        start = time.perf_counter()
        node.produce_block(node.next_block_time(cashout))
        block_seconds = time.perf_counter() - start
        paid = node.state.db.execute("SELECT COUNT(*) FROM comments WHERE last_payout > 0").fetchone()[0]
        node.stop()
    print(
        orjson.dumps(
            {
                "bench": "cashout",
                "figure": round(timings["cashout"], 3),
                "unit": "s to cash out 100,000 comments with 1,000,000 votes (the cashout step, one core)",
                "block_seconds": round(block_seconds, 3),
                "comments_paid": paid,
                "votes": COMMENTS_DUE * VOTES_PER_COMMENT,
                "reference": round(reference),
                "reference_unit": "recover/s (raw coincurve)",
                "target_seconds": 2.0,
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
