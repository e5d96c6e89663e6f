"""Block and transaction JSON as get_block / get_transaction print them.

Shared by block_api and condenser_api.
"""

from __future__ import annotations

from typing import Any

from ..protocol import SignedBlock, SignedTransaction


def block_json(block: SignedBlock, appbase: bool) -> dict[str, Any]:
    """A signed block plus the fields steemd adds: block_id, signing_key, transaction_ids."""
    shape = block.to_json(appbase)
    ids = [tx.id() for tx in block.transactions]
    if not appbase:  # condenser's legacy transactions carry their position
        for number, (tx_json, trx_id) in enumerate(zip(shape["transactions"], ids, strict=True)):
            tx_json.update({"transaction_id": trx_id, "block_num": block.block_num, "transaction_num": number})
    shape.update({"block_id": block.block_id().hex(), "signing_key": str(block.signing_key()), "transaction_ids": ids})
    return shape


def header_json(block: SignedBlock) -> dict[str, Any]:
    return {
        "previous": block.previous.hex(),
        "timestamp": block.to_json()["timestamp"],
        "witness": block.witness,
        "transaction_merkle_root": block.transaction_merkle_root.hex(),
        "extensions": [],
    }


def transaction_json(tx: SignedTransaction, block_num: int, trx_num: int, appbase: bool) -> dict[str, Any]:
    return {**tx.to_json(appbase), "transaction_id": tx.id(), "block_num": block_num, "transaction_num": trx_num}
