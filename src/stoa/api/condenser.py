"""condenser_api: the legacy namespace (positional params, legacy assets) most clients use."""

from __future__ import annotations

from functools import partial
from typing import Any

from ..protocol import SignedTransaction
from ..protocol.keys import PUBLIC_KEY
from ..protocol.types import parse_items
from .blocks import block_json, header_json
from .database import get_transaction, string_list, verify_authority
from .jsonrpc import Dispatcher, invalid_params
from .reads import ChainReader
from .shapes import account_json, dgp_json, witness_json


def integer(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid_params(f"{field} must be an integer")
    return value


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    add = partial(dispatcher.add_positional, "condenser_api")

    def accounts(names: Any) -> list[Any]:
        found = reader.accounts(string_list(names, "names"))
        return [
            account_json(a, False, reader.witness_votes(a.name), reader.reputation(a.name))
            for a in found
            if a is not None
        ]

    add("get_config", 0, lambda: reader.config())
    add("get_version", 0, lambda: reader.version())
    add("get_dynamic_global_properties", 0, lambda: dgp_json(reader.dgp(), False))
    add("get_chain_properties", 0, lambda: reader.median_props(False))
    add("get_hardfork_version", 0, lambda: reader.hardfork_properties()["current_hardfork_version"])
    add(
        "get_next_scheduled_hardfork",
        0,
        lambda: {"hf_version": "0.23.0", "live_time": reader.hardfork_properties()["next_hardfork_time"]},
    )
    add("get_witness_schedule", 0, lambda: reader.witness_schedule(False))
    add("get_accounts", 1, accounts)
    add(
        "lookup_account_names",
        1,
        lambda names: [account_json(a, False) if a else None for a in reader.accounts(string_list(names, "names"))],
    )
    add("lookup_accounts", 2, lambda lower, limit: reader.lookup_accounts(str(lower or ""), limit))
    add("get_account_count", 0, lambda: reader.account_count())
    add(
        "get_block",
        1,
        lambda num: (lambda b: block_json(b, False) if b else None)(reader.block(integer(num, "block_num"))),
    )
    add(
        "get_block_header",
        1,
        lambda num: (lambda b: header_json(b) if b else None)(reader.block(integer(num, "block_num"))),
    )
    add(
        "get_ops_in_block",
        2,
        lambda num, only_virtual: reader.operations_in_block(integer(num, "block_num"), bool(only_virtual)),
    )
    add(
        "get_account_history",
        3,
        lambda account, start, limit: [
            [seq, entry]
            for seq, entry in reader.account_history(str(account), integer(start, "start"), integer(limit, "limit"))
        ],
    )
    add("get_transaction", 1, lambda trx_id: get_transaction(reader, trx_id, appbase=False))
    add("get_transaction_hex", 1, lambda tx: SignedTransaction.parse(tx).to_bytes().hex())
    add(
        "get_witnesses",
        1,
        lambda ids: [witness_json(w, False) for w in reader.witnesses_by_vote("", 1000)][: len(ids or [])],
    )
    add(
        "get_witness_by_account",
        1,
        lambda name: (lambda w: witness_json(w, False) if w else None)(reader.state.witness(str(name))),
    )
    add(
        "get_witnesses_by_vote",
        2,
        lambda lower, limit: [witness_json(w, False) for w in reader.witnesses_by_vote(str(lower or ""), limit)],
    )
    add(
        "lookup_witness_accounts",
        2,
        lambda lower, limit: [w.owner for w in reader.witnesses_by_vote(str(lower or ""), limit)],
    )
    add("get_witness_count", 0, lambda: len(reader.witnesses_by_vote("", 1000)))
    add("get_active_witnesses", 0, lambda: reader.witness_schedule(False)["current_shuffled_witnesses"])
    add("verify_authority", 1, lambda tx: verify_authority(reader, SignedTransaction.parse(tx)))
    add(
        "get_potential_signatures",
        1,
        lambda tx: [str(k) for k in reader.potential_signatures(SignedTransaction.parse(tx))],
    )
    add(
        "get_required_signatures",
        2,
        lambda tx, keys: [
            str(k)
            for k in reader.required_signatures(SignedTransaction.parse(tx), list(parse_items(PUBLIC_KEY, keys or [])))
        ],
    )
