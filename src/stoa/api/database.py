"""The appbase namespaces database_api, block_api and account_history_api.

They take named params and print NAI assets.
"""

from __future__ import annotations

from typing import Any

from ..chain.authority import verify_authority as verify
from ..chain.state import COMMENT_VOTES
from ..protocol import SignedTransaction
from ..protocol.keys import PUBLIC_KEY
from ..protocol.types import parse_items
from .blocks import block_json, header_json, transaction_json
from .jsonrpc import Dispatcher, invalid_params, named
from .reads import MAX_LIST, ChainReader, appbase_operation_row
from .shapes import account_json, comment_object_json, dgp_json, vote_object_json, witness_json


def string_list(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid_params(f"{field} must be a list of strings")
    if len(value) > MAX_LIST:
        raise invalid_params(f"{field} may hold at most {MAX_LIST} names")
    return value


def required_int(params: dict[str, Any], field: str) -> int:
    value = params.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid_params(f"{field} must be an integer")
    return value


def verify_authority(reader: ChainReader, tx: SignedTransaction) -> bool:
    chain_id = reader.node.chain_id
    verify(
        tx.operations,
        tx.signers(chain_id),
        lambda name: reader.authority(name, "active"),
        lambda name: reader.authority(name, "owner"),
        lambda name: reader.authority(name, "posting"),
    )
    return True


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    def add(name: str, handler: Any) -> None:
        dispatcher.add(name, lambda params: handler(named(params, name)))

    add("database_api.get_config", lambda p: reader.config())
    add("database_api.find_comments", lambda p: {"comments": find_comments(reader, p.get("comments", []))})
    add("database_api.find_votes", lambda p: {"votes": find_votes(reader, p.get("author"), p.get("permlink"))})
    add("database_api.get_version", lambda p: reader.version())
    add("database_api.get_dynamic_global_properties", lambda p: dgp_json(reader.dgp(), True))
    add("database_api.get_hardfork_properties", lambda p: reader.hardfork_properties())
    add("database_api.get_witness_schedule", lambda p: reader.witness_schedule(True))
    add("database_api.get_chain_properties", lambda p: reader.median_props(True))
    add(
        "database_api.find_accounts",
        lambda p: {
            "accounts": [
                account_json(a, True) for a in reader.accounts(string_list(p.get("accounts", []), "accounts")) if a
            ]
        },
    )
    add(
        "database_api.list_accounts",
        lambda p: {
            "accounts": [
                account_json(a, True)
                for a in reader.accounts(reader.lookup_accounts(str(p.get("start", "")), p.get("limit", 100)))
                if a
            ]
        },
    )
    add(
        "database_api.find_witnesses",
        lambda p: {
            "witnesses": [
                witness_json(w, True)
                for w in (reader.state.witness(n) for n in string_list(p.get("owners", []), "owners"))
                if w
            ]
        },
    )
    add(
        "database_api.list_witnesses",
        lambda p: {
            "witnesses": [
                witness_json(w, True) for w in reader.witnesses_by_vote(str(p.get("start", "")), p.get("limit", 100))
            ]
        },
    )
    add(
        "database_api.verify_authority",
        lambda p: {"valid": verify_authority(reader, SignedTransaction.parse(p.get("trx")))},
    )
    add(
        "database_api.get_potential_signatures",
        lambda p: {"keys": [str(k) for k in reader.potential_signatures(SignedTransaction.parse(p.get("trx")))]},
    )
    add(
        "database_api.get_required_signatures",
        lambda p: {
            "keys": [
                str(k)
                for k in reader.required_signatures(
                    SignedTransaction.parse(p.get("trx")), list(parse_items(PUBLIC_KEY, p.get("available_keys", [])))
                )
            ]
        },
    )
    add("block_api.get_block", lambda p: block_result(reader, required_int(p, "block_num"), header=False))
    add("block_api.get_block_header", lambda p: block_result(reader, required_int(p, "block_num"), header=True))
    add("block_api.get_block_range", lambda p: get_block_range(reader, p))
    add(
        "account_history_api.get_ops_in_block",
        lambda p: {
            "ops": [
                appbase_operation_row(e)
                for e in reader.operations_in_block(required_int(p, "block_num"), bool(p.get("only_virtual")))
            ]
        },
    )
    add(
        "account_history_api.get_account_history",
        lambda p: {
            "history": [
                [seq, appbase_operation_row(entry)]
                for seq, entry in reader.account_history(
                    str(p.get("account", "")), p.get("start", -1), p.get("limit", 100)
                )
            ]
        },
    )
    add("account_history_api.get_transaction", lambda p: get_transaction(reader, p.get("id"), appbase=True))


def block_result(reader: ChainReader, block_num: int, header: bool) -> dict[str, Any]:
    block = reader.block(block_num)
    if block is None:
        return {}
    return {"header": header_json(block)} if header else {"block": block_json(block, True)}


def get_block_range(reader: ChainReader, params: dict[str, Any]) -> dict[str, Any]:
    start, count = required_int(params, "starting_block_num"), required_int(params, "count")
    if not 0 < count <= MAX_LIST:
        raise invalid_params(f"count must be 1..{MAX_LIST}")
    blocks = []
    for num in range(start, start + count):
        block = reader.block(num)
        if block is None:
            break
        blocks.append(block_json(block, True))
    return {"blocks": blocks}


def get_transaction(reader: ChainReader, trx_id: Any, appbase: bool) -> dict[str, Any]:
    if not isinstance(trx_id, str) or len(trx_id) != 40:
        raise invalid_params("the transaction id is 40 hex digits")
    position = reader.transaction_position(trx_id.lower())
    block = reader.block(position[0]) if position else None
    if position is None or block is None:
        raise invalid_params(f"unknown transaction {trx_id}")
    return transaction_json(block.transactions[position[1]], position[0], position[1], appbase)


def find_comments(reader: ChainReader, pairs: Any) -> list[dict[str, Any]]:
    """The comments named by [author, permlink] pairs that exist."""
    if not isinstance(pairs, list) or len(pairs) > MAX_LIST:
        raise invalid_params(f"comments must be a list of at most {MAX_LIST} [author, permlink] pairs")
    found = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
            raise invalid_params("each comment is an [author, permlink] pair of strings")
        comment = reader.state.comment(pair[0], pair[1])
        if comment is not None:
            found.append(comment_object_json(comment))
    return found


def find_votes(reader: ChainReader, author: Any, permlink: Any) -> list[dict[str, Any]]:
    if not isinstance(author, str) or not isinstance(permlink, str):
        raise invalid_params("find_votes takes an author and a permlink")
    if reader.state.comment(author, permlink) is None:
        raise invalid_params(f"no post or comment @{author}/{permlink}")
    votes = COMMENT_VOTES.scan(reader.state.db, "author = ? AND permlink = ?", (author, permlink))
    return [vote_object_json(vote) for vote in votes]
