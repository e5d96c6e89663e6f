"""Benchmark: transactions accepted per second over HTTP, 16 concurrent clients, by a running node.

Starts `stoa run` on a fresh dev network (blocks every 3 s, as in production), pre-signs transfers,
and has 16 client threads send them with condenser_api.broadcast_transaction on keep-alive
connections. Accepted means the node checked the transaction against its pending state and queued
it. Prints one JSON line beside the raw libsecp256k1 recover rate measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import orjson

from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.protocol import Asset, PrivateKey, SignedTransaction, reference_block
from stoa.protocol.operations import Transfer
from stoa.protocol.types import parse_time

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import raw_recover_rate

CLIENTS = 16
PER_CLIENT = 250
PORT = 18790


def rpc(client: httpx.Client, url: str, method: str, params: object) -> dict:
    body = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    return orjson.loads(client.post(url, content=body, headers={"content-type": "application/json"}).content)


def start_node(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    subprocess.run(
        [sys.executable, "-m", "stoa.cli", "init", "--data-dir", str(data_dir), "--dev"],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "stoa.cli", "run", "--data-dir", str(data_dir), "--port", str(PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{PORT}/"
    with httpx.Client() as client:
        for _ in range(300):
            try:
                rpc(client, url, "condenser_api.get_dynamic_global_properties", [])
                return process, url
            except httpx.HTTPError:
                time.sleep(0.1)
    process.kill()
    raise SystemExit("stoa run did not start")


def signed_transfers(url: str, count: int) -> list[bytes]:
    with httpx.Client() as client:
        dgp = rpc(client, url, "condenser_api.get_dynamic_global_properties", [])["result"]
        chain_id = bytes.fromhex(rpc(client, url, "database_api.get_config", {})["result"]["STEEM_CHAIN_ID"])
    num, prefix = reference_block(bytes.fromhex(dgp["head_block_id"]))
    expiration = parse_time(dgp["time"]) + 3000
    key = PrivateKey.from_wif(DEV_INIT_MINER_WIF)
    bodies = []
    for i in range(count):
        tx = SignedTransaction(
            num, prefix, expiration, (Transfer("initminer", "null", Asset(1, "STEEM"), f"bench {i}"),)
        )
        body = {
            "jsonrpc": "2.0",
            "id": i,
            "method": "condenser_api.broadcast_transaction",
            "params": [tx.sign([key], chain_id).to_json()],
        }
        bodies.append(orjson.dumps(body))
    return bodies


def send(url: str, bodies: list[bytes], accepted: list[int], errors: list[str]) -> None:
    ok = 0
    with httpx.Client() as client:
        for body in bodies:
            answer = orjson.loads(client.post(url, content=body, headers={"content-type": "application/json"}).content)
            if "result" in answer:
                ok += 1
            else:
                errors.append(answer["error"]["message"])
    accepted.append(ok)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        process, url = start_node(Path(scratch) / "net")
        try:
            bodies = signed_transfers(url, CLIENTS * PER_CLIENT)
            reference = raw_recover_rate()
            accepted: list[int] = []
            errors: list[str] = []
            threads = [
                threading.Thread(
                    target=send, args=(url, bodies[i * PER_CLIENT : (i + 1) * PER_CLIENT], accepted, errors)
                )
                for i in range(CLIENTS)
            ]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - start
        finally:
            process.terminate()
            process.wait(15)
    print(
        orjson.dumps(
            {
                "bench": "broadcast",
                "figure": round(sum(accepted) / seconds),
                "unit": "accepted tx/s over HTTP (16 concurrent clients, broadcast_transaction, 1-transfer tx)",
                "accepted": sum(accepted),
                "sent": len(bodies),
                "first_error": errors[0] if errors else None,
                "reference": round(reference),
                "reference_unit": "recover/s (raw coincurve)",
            }
        ).decode()
    )


if __name__ == "__main__":
    main()
