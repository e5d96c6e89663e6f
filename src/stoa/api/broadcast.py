"""network_broadcast_api, and the broadcast methods condenser_api shares with it.

All three parameter shapes clients send are accepted: `[tx]`, a bare tx, and `{"trx": tx}`. A
synchronous broadcast answers once the block holding the transaction is in the fsynced block log.
"""

from __future__ import annotations

import time
from typing import Any

from ..chain.node import Node
from ..protocol import SignedTransaction
from .jsonrpc import Dispatcher, from_protocol_error, invalid_params

SYNC_GRACE_SECONDS = 10.0


def transaction_param(params: Any) -> SignedTransaction:
    """The transaction out of any of the three shapes clients send."""
    if isinstance(params, list) and len(params) >= 1 and isinstance(params[0], dict):
        raw = params[0]
    elif isinstance(params, dict) and isinstance(params.get("trx"), dict):
        raw = params["trx"]
    elif isinstance(params, dict) and "operations" in params:
        raw = params
    else:
        raise invalid_params('broadcast takes [tx], a transaction object, or {"trx": tx}')
    return SignedTransaction.parse(raw)


def broadcast(node: Node, params: Any) -> dict[str, Any]:
    node.push_transaction(transaction_param(params))
    return {}


def broadcast_synchronous(node: Node, params: Any) -> dict[str, Any]:
    tx = transaction_param(params)
    pending = node.push_transaction(tx)
    # Wait until the block holding it is durable, or until its expiration has surely passed.
    timeout = max(tx.expiration - node.clock.now(), 0) + SYNC_GRACE_SECONDS
    deadline = time.monotonic() + timeout
    while not pending.done.wait(0.5):
        if time.monotonic() > deadline:
            return {"id": pending.trx_id, "block_num": 0, "trx_num": 0, "expired": True}
    if pending.error is not None:
        raise from_protocol_error(pending.error)
    return {"id": pending.trx_id, "block_num": pending.block_num, "trx_num": pending.trx_num, "expired": False}


def register(dispatcher: Dispatcher, node: Node) -> None:
    for api in ("network_broadcast_api", "condenser_api"):
        dispatcher.add(f"{api}.broadcast_transaction", lambda params: broadcast(node, params))
        dispatcher.add(f"{api}.broadcast_transaction_synchronous", lambda params: broadcast_synchronous(node, params))
