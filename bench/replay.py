"""Benchmark: operations per second replayed from the block log (`stoa replay`), one core.

A real node produces the workload's block log (bench/workload.py); the benchmark then rebuilds a
fresh database from that log the way `stoa replay` does: signatures are not re-checked (the log is
trusted, as hived's replay trusts it), everything else is applied. Prints one JSON line beside the
raw libsecp256k1 recover rate measured in the same run. Target: at least 20,000 ops/s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import orjson
from rich.progress import Progress

from stoa.chain.blocklog import BlockLog
from stoa.chain.node import Node
from stoa.protocol import SignedBlock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import build_chain, fresh_copy, raw_recover_rate, timed

ROUNDS = 30


def count_operations(data_dir: Path) -> tuple[int, int]:
    log = BlockLog(data_dir / "blocklog")
    operations = sum(
        len(tx.operations) for _, payload in log.iter_from(1) for tx in SignedBlock.from_bytes(payload).transactions
    )
    blocks = log.head_num
    log.close()
    return operations, blocks


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, Progress(transient=True) as progress:
        source, _ = build_chain(Path(scratch), ROUNDS, progress)
        operations, blocks = count_operations(source)
        target = fresh_copy(source, Path(scratch) / "replay")
        reference = raw_recover_rate()

        def replay() -> int:
            node = Node(target, block_mode="manual")  # replays the whole log on open
            node.stop()
            return operations

        replayed, seconds = timed(replay)
    print(
        orjson.dumps(
            {
                "bench": "replay",
                "figure": round(replayed / seconds),
                "unit": "operations/s replayed from the block log (SQLite, signatures trusted)",
                "operations": replayed,
                "blocks": blocks,
                "reference": round(reference),
                "reference_unit": "recover/s (raw coincurve)",
                "target": 20000,
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
