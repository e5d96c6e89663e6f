"""Calling a node's JSON-RPC dispatcher in process, for the API tests (`world.rpc` is a Dispatcher)."""

from __future__ import annotations

from typing import Any

import orjson

from stoa.api.jsonrpc import INVALID_PARAMS


def answer(world: Any, method: str, params: Any) -> dict[str, Any]:
    body = world.rpc.handle_body(orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
    assert body is not None
    found: dict[str, Any] = orjson.loads(body)
    return found


def call(world: Any, method: str, params: Any) -> Any:
    found = answer(world, method, params)
    assert "error" not in found, found
    return found["result"]


def invalid(world: Any, method: str, params: Any) -> str:
    """The method must refuse the params as invalid params; the message, for the caller to check."""
    found = answer(world, method, params)
    assert "result" not in found, found
    assert found["error"]["code"] == INVALID_PARAMS, found
    message: str = found["error"]["message"]
    return message
