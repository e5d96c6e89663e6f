"""JSON-RPC envelopes, batches and errors, over real HTTP to a real server on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from stoa.api.jsonrpc import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    Dispatcher,
    named,
    positional,
)
from stoa.api.server import make_app
from stoa.protocol import Asset


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def example_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.add("condenser_api.echo", lambda params: positional(params, "echo", 2))
    dispatcher.add("database_api.echo", lambda params: named(params, "echo"))
    dispatcher.add("database_api.asset", lambda params: str(Asset.parse(named(params, "asset")["amount"])))
    dispatcher.add("database_api.boom", lambda params: 1 // 0)
    return dispatcher


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(example_dispatcher()), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("JSON-RPC test server did not start within 10 s")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(5)


def post(url: str, body: Any) -> Any:
    content = body if isinstance(body, bytes) else httpx.Request("POST", url, json=body).content
    response = httpx.post(url, content=content, headers={"content-type": "application/json"})
    return response.json() if response.content else None


def test_api_method_envelope(url: str) -> None:
    answer = post(url, {"jsonrpc": "2.0", "id": 7, "method": "condenser_api.echo", "params": ["a", 1]})
    assert answer == {"jsonrpc": "2.0", "result": ["a", 1], "id": 7}


def test_call_envelope_with_and_without_args(url: str) -> None:
    answer = post(url, {"jsonrpc": "2.0", "id": "0", "method": "call", "params": ["database_api", "echo", {"x": 1}]})
    assert answer["result"] == {"x": 1} and answer["id"] == "0"
    answer = post(url, {"jsonrpc": "2.0", "id": 1, "method": "call", "params": ["condenser_api", "echo"]})
    assert answer["result"] == [None, None]


def test_batch_keeps_order_and_isolates_errors(url: str) -> None:
    answers = post(
        url,
        [
            {"jsonrpc": "2.0", "id": 1, "method": "condenser_api.echo", "params": [1]},
            {"jsonrpc": "2.0", "id": 2, "method": "nope.nothing", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "database_api.echo", "params": {"y": 2}},
        ],
    )
    assert [a["id"] for a in answers] == [1, 2, 3]
    assert answers[1]["error"]["code"] == METHOD_NOT_FOUND
    assert answers[2]["result"] == {"y": 2}


def test_notifications_get_no_answer(url: str) -> None:
    assert post(url, {"jsonrpc": "2.0", "method": "condenser_api.echo", "params": []}) is None


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"{not json", PARSE_ERROR, "not valid JSON"),
        ([], INVALID_REQUEST, "empty batch"),
        ({"id": 1, "method": "condenser_api.echo"}, INVALID_REQUEST, "jsonrpc"),
        ({"jsonrpc": "2.0", "id": 1, "method": 5}, INVALID_REQUEST, "method must be a string"),
        ({"jsonrpc": "2.0", "id": 1, "method": "call", "params": ["x"]}, INVALID_PARAMS, "[api, method]"),
        ({"jsonrpc": "2.0", "id": 1, "method": "condenser_api.echo", "params": [1, 2, 3]}, INVALID_PARAMS, "at most 2"),
        ({"jsonrpc": "2.0", "id": 1, "method": "condenser_api.echo", "params": {"a": 1}}, INVALID_PARAMS, "positional"),
        ({"jsonrpc": "2.0", "id": 1, "method": "database_api.echo", "params": [1]}, INVALID_PARAMS, "named params"),
        ({"jsonrpc": "2.0", "id": 1, "method": "database_api.missing"}, METHOD_NOT_FOUND, "database_api.missing"),
    ],
)
def test_bad_requests_get_clear_errors(url: str, body: Any, code: int, words: str) -> None:
    answer = post(url, body)
    assert answer["error"]["code"] == code
    assert words in answer["error"]["message"]


def test_protocol_errors_carry_field_rule_and_a_dsteem_readable_stack(url: str) -> None:
    answer = post(url, {"jsonrpc": "2.0", "id": 1, "method": "database_api.asset", "params": {"amount": "1.00 STEEM"}})
    error = answer["error"]
    assert error["code"] == -32000
    assert "3 decimal places" in error["message"]
    assert error["data"]["rule"] == "precision"
    assert error["data"]["stack"][0]["format"] == error["message"]


def test_internal_errors_do_not_leak_tracebacks_and_server_keeps_serving(url: str) -> None:
    answer = post(url, {"jsonrpc": "2.0", "id": 1, "method": "database_api.boom", "params": {}})
    assert answer["error"]["code"] == -32603
    assert "Traceback" not in answer["error"]["message"]
    assert post(url, {"jsonrpc": "2.0", "id": 2, "method": "condenser_api.echo", "params": []})["result"] == [
        None,
        None,
    ]


def test_get_lists_methods(url: str) -> None:
    assert "condenser_api.echo" in httpx.get(url).json()["methods"]
