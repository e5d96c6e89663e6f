"""Benchmark: signed transactions applied per second in blocks, on SQLite, one core.

The workload (70 % votes, 20 % replies, 10 % transfers) is produced once by a real node; a second
database then applies those blocks as a validating follower would: every signature recovered,
every authority checked, one DB transaction per block. Prints one JSON line beside the raw
libsecp256k1 recover rate measured in the same run. Target: at least 5,000 tx/s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import orjson
from rich.progress import Progress

from stoa.chain import evaluators  # noqa: F401  (registers the evaluators)
from stoa.chain.apply import apply_block
from stoa.chain.blocklog import BlockLog
from stoa.chain.genesis import create_genesis_state, load_genesis
from stoa.chain.state import State
from stoa.protocol import SignedBlock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import build_chain, fresh_copy, raw_recover_rate, timed

ROUNDS = 20


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, Progress(transient=True) as progress:
        source, setup_head = build_chain(Path(scratch), ROUNDS, progress)
        target = fresh_copy(source, Path(scratch) / "follower")
        genesis = load_genesis(target)
        chain_id = genesis.chain_id()
        state = State.open(target / "state.db")
        log = BlockLog(target / "blocklog")
        with state.transaction():
            create_genesis_state(state, genesis)
        blocks = [SignedBlock.from_bytes(payload) for _, payload in log.iter_from(1)]
        for block in blocks[:setup_head]:
            with state.transaction():
                apply_block(state, block, chain_id, check_signatures=False)
        workload = blocks[setup_head:]

        def apply_workload() -> int:
            for block in workload:
                with state.transaction():
                    apply_block(state, block, chain_id, check_signatures=True)
            return sum(len(block.transactions) for block in workload)

        reference = raw_recover_rate()
        applied, seconds = timed(apply_workload)
        state.close()
        log.close()
    print(
        orjson.dumps(
            {
                "bench": "apply",
                "figure": round(applied / seconds),
                "unit": "signed tx/s applied in blocks (70% votes, 20% replies, 10% transfers; signatures checked)",
                "transactions": applied,
                "blocks": len(workload),
                "reference": round(reference),
                "reference_unit": "recover/s (raw coincurve)",
                "target": 5000,
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
