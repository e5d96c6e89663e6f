"""JSON-RPC 2.0 as steemd speaks it: envelopes, batches, errors that say what to fix.

The envelopes are `call` and `api.method`.

Handlers are registered per `api.method` name. condenser_api handlers take positional params (a
list); appbase handlers take an object. Errors keep steemd's shape closely enough that dsteem,
which formats `error.data.stack[0].format`, shows our message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson

from ..protocol.errors import ProtocolError

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000  # steemd's code for assertion failures in handlers

Handler = Callable[[Any], Any]


class RpcError(Exception):
    """An error to send back to the client as-is."""

    def __init__(self, code: int, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def invalid_params(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, message)


def from_protocol_error(error: ProtocolError) -> RpcError:
    message = str(error)
    data = {
        "name": f"{error.kind}_error",
        "field": error.field,
        "rule": error.rule,
        "message": message,
        "stack": [{"format": message, "data": {}}],
    }
    return RpcError(SERVER_ERROR, message, data)


class Dispatcher:
    """Maps `api.method` names to handlers and answers request bodies."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def add(self, name: str, handler: Handler) -> None:
        if name in self.handlers:
            raise RuntimeError(f"{name} registered twice")
        self.handlers[name] = handler

    def add_positional(self, api: str, method: str, count: int, handler: Callable[..., Any]) -> None:
        """Register `api.method` taking condenser-style params: a list of at most `count` values,
        passed to `handler` as arguments (missing ones as None)."""
        self.add(f"{api}.{method}", lambda params: handler(*positional(params, method, count)))

    def add_named(self, api: str, method: str, handler: Callable[[dict[str, Any]], Any]) -> None:
        """Register `api.method` taking appbase-style params: one object, passed to `handler`."""
        self.add(f"{api}.{method}", lambda params: handler(named(params, method)))

    def methods(self) -> list[str]:
        return sorted(self.handlers)

    def handle_body(self, body: bytes) -> bytes | None:
        """The response body for a request body; None when every request was a notification."""
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            return orjson.dumps(error_response(None, RpcError(PARSE_ERROR, f"request is not valid JSON: {error}")))
        if isinstance(request, list):
            if not request:
                return orjson.dumps(error_response(None, RpcError(INVALID_REQUEST, "empty batch")))
            answers = [answer for answer in map(self.handle_request, request) if answer is not None]
            return orjson.dumps(answers) if answers else None
        answer = self.handle_request(request)
        return None if answer is None else orjson.dumps(answer)

    def handle_request(self, request: Any) -> dict[str, Any] | None:
        request_id = request.get("id") if isinstance(request, dict) else None
        try:
            name, params = self.resolve(request)
            result = self.call(name, params)
        except RpcError as error:
            return error_response(request_id, error)
        if isinstance(request, dict) and "id" not in request:
            return None  # a notification
        return {"jsonrpc": "2.0", "result": result, "id": request_id}

    def resolve(self, request: Any) -> tuple[str, Any]:
        """The `api.method` name and params of a request, unwrapping the `call` envelope."""
        if not isinstance(request, dict):
            raise RpcError(INVALID_REQUEST, "a request must be a JSON object")
        if request.get("jsonrpc") != "2.0":
            raise RpcError(INVALID_REQUEST, 'jsonrpc must be "2.0"')
        method = request.get("method")
        if not isinstance(method, str):
            raise RpcError(INVALID_REQUEST, "method must be a string")
        params = request.get("params")
        if method != "call":
            return method, params
        if not isinstance(params, list) or len(params) not in (2, 3):
            raise invalid_params('"call" takes params [api, method] or [api, method, args]')
        api, name = params[0], params[1]
        if not isinstance(api, str) or not isinstance(name, str):
            raise invalid_params('"call" needs the api and method names as strings')
        return f"{api}.{name}", params[2] if len(params) == 3 else None

    def call(self, name: str, params: Any) -> Any:
        handler = self.handlers.get(name)
        if handler is None:
            raise RpcError(METHOD_NOT_FOUND, f"could not find method {name}")
        try:
            return handler(params)
        except RpcError:
            raise
        except ProtocolError as error:
            raise from_protocol_error(error) from None
        except Exception:
            log.exception("internal error in %s", name)
            raise RpcError(INTERNAL_ERROR, f"internal error in {name}; the node log has the details") from None


def error_response(request_id: Any, error: RpcError) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": error.to_json(), "id": request_id}


def positional(params: Any, name: str, count: int) -> list[Any]:
    """condenser_api params: a list of at most `count` values (missing params are None)."""
    if params is None:
        params = []
    if isinstance(params, dict) and not params:
        params = []
    if not isinstance(params, list):
        raise invalid_params(f"{name} takes positional params (a JSON array)")
    if len(params) > count:
        raise invalid_params(f"{name} takes at most {count} params, got {len(params)}")
    return params + [None] * (count - len(params))


def named(params: Any, name: str) -> dict[str, Any]:
    """appbase params: an object (missing or empty params are an empty object)."""
    if params is None or params == []:
        return {}
    if not isinstance(params, dict):
        raise invalid_params(f"{name} takes named params (a JSON object)")
    return params
