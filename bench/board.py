"""Benchmark: blocks per second of the board's catch-up over a chain of 100,000 operations.

A real node produces the workload's block log (bench/workload.py: 500 accounts, then blocks of votes,
replies and transfers); `stoa run` serves it over HTTP (manual blocks: nothing new arrives). The board
then catches up from block 1 through JSON-RPC exactly as `stoa board` does (batched get_ops_in_block,
get_accounts for levels, counters and badges in SQLite), with a horizon of zero so it only reads.
The reference, measured in the same run against the same node: block_api.get_block over HTTP, one call
per block, as a plain client would fetch blocks. Prints one JSON line.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from rich.progress import Progress

from stoa.board.rpc import Rpc
from stoa.board.send import Settings
from stoa.board.service import Board
from stoa.board.store import cursor, open_store
from stoa.protocol import PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import build_chain, timed

ROUNDS = 200  # 500 operations a block: 100,000 operations after the setup (a smaller number may be given)


def start_node(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "stoa.cli", "run", "--data-dir", str(data_dir), "--port", str(port)]
    process = subprocess.Popen([*command, "--block-mode", "manual"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rpc = Rpc(f"http://127.0.0.1:{port}/")
    for _ in range(1200):
        try:
            rpc.call("condenser_api.get_dynamic_global_properties")
            return process
        except Exception:
            if process.poll() is not None:
                raise SystemExit(
                    f"stoa run failed: {process.stderr.read().decode() if process.stderr else ''}"
                ) from None
            time.sleep(0.25)
    raise SystemExit("stoa run did not answer")


def get_block_rate(rpc: Rpc, head: int) -> float:
    count, seconds = timed(
        lambda: sum(1 for num in range(1, head + 1) if rpc.call("block_api.get_block", {"block_num": num}))
    )
    return count / seconds


def catch_up(rpc: Rpc, scratch: Path, head: int) -> int:
    db = open_store(scratch / "board" / "board.db")
    board = Board(db, rpc, Settings("steemitboard", "http://127.0.0.1:8095", horizon=0), PrivateKey.generate())
    while cursor(db) < head:
        board.step()
    return head


def main() -> None:
    port = 18_095
    with tempfile.TemporaryDirectory() as directory, Progress(transient=True) as progress:
        scratch = Path(directory)
        source, _ = build_chain(scratch, int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS, progress)
        node = start_node(source, port)
        try:
            rpc = Rpc(f"http://127.0.0.1:{port}/")
            dgp = rpc.call("condenser_api.get_dynamic_global_properties")
            head = int(dgp["head_block_number"])
            ops = [e for n in range(1, head + 1) for e in rpc.call("condenser_api.get_ops_in_block", [n, False])]
            operations, signed = len(ops), sum(1 for e in ops if not e["virtual_op"])
            reference = get_block_rate(rpc, head)
            blocks, seconds = timed(lambda: catch_up(rpc, scratch, head))
        finally:
            node.terminate()
            node.wait(30)
    print(
        orjson.dumps(
            {
                "bench": "board",
                "figure": round(blocks / seconds, 1),
                "unit": "blocks/s of board catch-up over JSON-RPC (SQLite counters and badges)",
                "blocks": blocks,
                "operations": operations,
                "signed_operations": signed,
                "operations_per_second": round(operations / seconds),
                "reference": round(reference, 1),
                "reference_unit": "blocks/s of block_api.get_block over HTTP, one call per block, same node",
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
