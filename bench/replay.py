"""Benchmark: operations per second replayed from the block log (`stoa replay`), one core.

A real node produces the workload's block log (bench/workload.py); the benchmark then rebuilds a
fresh database from that log the way `stoa replay` does: signatures are not re-checked (the log is
trusted, as hived's replay trusts it), everything else is applied. The replay runs ROUNDS times, each
into a new database, and the fastest counts (the run least disturbed by the rest of the machine, as
timeit reports). Prints one JSON line beside the raw libsecp256k1 recover rate measured in the same
run. Target: at least 20,000 ops/s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import orjson
from rich.progress import Progress

from stoa.chain.blocklog import BlockLog
from stoa.chain.node import Node
from stoa.protocol import SignedBlock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import build_chain, fresh_copy, raw_recover_rate

BLOCK_ROUNDS = 30  # workload rounds written to the log
ROUNDS = 3  # replays timed


def count_operations(data_dir: Path) -> tuple[int, int]:
    log = BlockLog(data_dir / "blocklog")
    operations = sum(
        len(tx.operations) for _, payload in log.iter_from(1) for tx in SignedBlock.from_bytes(payload).transactions
    )
    blocks = log.head_num
    log.close()
    return operations, blocks


def replay_seconds(target: Path) -> float:
    """Seconds to open a node on a log with no database (it replays the whole log on open)."""
    start = time.perf_counter()
    Node(target, block_mode="manual").stop()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, Progress(transient=True) as progress:
        source, _ = build_chain(Path(scratch), BLOCK_ROUNDS, progress)
        operations, blocks = count_operations(source)
        reference = raw_recover_rate()
        seconds = min(replay_seconds(fresh_copy(source, Path(scratch) / f"replay{run}")) for run in range(ROUNDS))
    print(
        orjson.dumps(
            {
                "bench": "replay",
                "figure": round(operations / seconds),
                "unit": "operations/s replayed from the block log (SQLite, signatures trusted)",
                "operations": operations,
                "rounds": ROUNDS,
                "blocks": blocks,
                "reference": round(reference),
                "reference_unit": "recover/s (raw coincurve)",
                "target": 20000,
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
