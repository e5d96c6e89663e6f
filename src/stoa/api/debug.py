"""debug_node_api, on dev networks only: make blocks now, move block time forward, digest the state."""

from __future__ import annotations

from typing import Any

from ..chain.node import Node
from ..protocol.errors import ProtocolError
from ..protocol.types import format_time, parse_time
from .jsonrpc import Dispatcher, invalid_params, named
from .reads import ChainReader

MAX_GENERATE = 10_000


def generate_blocks(node: Node, params: dict[str, Any]) -> dict[str, Any]:
    count = params.get("count", 1)
    miss = params.get("miss_blocks", 0)
    if not isinstance(count, int) or not 0 <= count <= MAX_GENERATE:
        raise invalid_params(f"count must be 0..{MAX_GENERATE}")
    if not isinstance(miss, int) or miss < 0:
        raise invalid_params("miss_blocks must be a non-negative integer")
    return {"blocks": node.generate_blocks(count, miss)}


def generate_blocks_until(node: Node, params: dict[str, Any]) -> dict[str, Any]:
    when = params.get("head_block_time")
    if not isinstance(when, str):
        raise invalid_params("head_block_time must be a time like 2026-01-01T00:00:00")
    sparsely = params.get("generate_sparsely", True)
    try:
        target = parse_time(when)
    except ProtocolError as error:
        raise invalid_params(f"head_block_time: {error.message}") from None
    if not sparsely and target - node.state.dgp().time > MAX_GENERATE * 3:
        raise invalid_params(f"more than {MAX_GENERATE} blocks; use generate_sparsely")
    return {"blocks": node.generate_blocks_until(target, bool(sparsely))}


def head(node: Node) -> dict[str, Any]:
    dgp = node.state.dgp()
    return {"block_num": dgp.head_block_number, "block_id": dgp.head_block_id.hex(), "time": format_time(dgp.time)}


def register(dispatcher: Dispatcher, node: Node, reader: ChainReader) -> None:
    dispatcher.add(
        "debug_node_api.debug_generate_blocks", lambda p: generate_blocks(node, named(p, "debug_generate_blocks"))
    )
    dispatcher.add(
        "debug_node_api.debug_generate_blocks_until",
        lambda p: generate_blocks_until(node, named(p, "debug_generate_blocks_until")),
    )
    dispatcher.add("debug_node_api.debug_get_head_block", lambda p: head(node))
    dispatcher.add("debug_node_api.debug_get_state_digest", lambda p: {"digest": reader.state.digest()})
