"""The board's only way to the chain: JSON-RPC over HTTP, and transactions it signs and broadcasts.

JSON-RPC goes over one kept-alive connection, in batches. The board signs transactions with its own
key and broadcasts them like any client.
"""

from __future__ import annotations

import http.client
import itertools
from typing import Any
from urllib.parse import urlsplit

import orjson

from ..protocol import PrivateKey, SignedTransaction, reference_block
from ..protocol.operations import Operation
from ..protocol.types import parse_time

EXPIRATION_SECONDS = 300


class RpcError(RuntimeError):
    """The node answered with an error, or did not answer."""


class Rpc:
    """A JSON-RPC client of one node."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port or (443 if self.https else 80)
        self.path = parts.path or "/"
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None
        self.ids = itertools.count(1)

    def post(self, payload: Any) -> Any:
        body = orjson.dumps(payload)
        for attempt in range(2):  # a kept-alive connection the server closed is reopened once
            try:
                connection = self.connection or self.connect()
                connection.request("POST", self.path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                data = response.read()
                return orjson.loads(data)
            except (OSError, http.client.HTTPException) as error:
                self.close()
                if attempt:
                    raise RpcError(f"node {self.host}:{self.port} unreachable: {error}") from None
            except orjson.JSONDecodeError:
                raise RpcError(f"node answered with something that is not JSON: {data[:200]!r}") from None
        raise AssertionError("unreachable")

    def connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        self.connection = kind(self.host, self.port, timeout=self.timeout)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, method: str, params: Any = None) -> Any:
        answer = self.post({"jsonrpc": "2.0", "id": next(self.ids), "method": method, "params": params or []})
        return result_of(answer, method)

    def batch(self, calls: list[tuple[str, Any]]) -> list[Any]:
        """Several calls in one request; answers in the order asked."""
        if not calls:
            return []
        first = next(self.ids)
        self.ids = itertools.count(first + len(calls))
        requests = [
            {"jsonrpc": "2.0", "id": first + i, "method": method, "params": params}
            for i, (method, params) in enumerate(calls)
        ]
        answers = self.post(requests)
        if not isinstance(answers, list):
            raise RpcError(f"a batch was answered with {type(answers).__name__}, not a list")
        by_id = {answer.get("id"): answer for answer in answers if isinstance(answer, dict)}
        return [result_of(by_id.get(first + i, {}), method) for i, (method, _) in enumerate(calls)]


def result_of(answer: Any, method: str) -> Any:
    if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer):
        raise RpcError(f"{method}: no answer")
    if "error" in answer:
        error = answer["error"] or {}
        raise RpcError(f"{method}: {error.get('message', error)}")
    return answer["result"]


def broadcast(rpc: Rpc, chain_id: bytes, key: PrivateKey, ops: list[Operation]) -> dict[str, Any]:
    """Sign `ops` with `key` against the head block and broadcast them; answers once they are in a block."""
    dgp = rpc.call("condenser_api.get_dynamic_global_properties")
    num, prefix = reference_block(bytes.fromhex(dgp["head_block_id"]))
    expiration = parse_time(dgp["time"]) + EXPIRATION_SECONDS
    tx = SignedTransaction(num, prefix, expiration, tuple(ops)).sign([key], chain_id)
    answer = rpc.call("condenser_api.broadcast_transaction_synchronous", [SignedTransaction.dump(tx, False)])
    if not isinstance(answer, dict) or answer.get("expired"):
        raise RpcError(f"transaction {tx.id()} expired before a block took it")
    return answer
