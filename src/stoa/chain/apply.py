"""apply_transaction and apply_block, as in steemd's database::_apply_transaction / _apply_block.

Each operation goes to the one evaluator registered for its class (chain/evaluators/); what the
chain does on its own each block (expirations, returns, payouts) runs in `end_of_block`, in the
reference's order (protocol.md §4.1). Every applied operation, real or virtual, is recorded with
its block position for the history APIs and the social index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from ..protocol import Authority, SignedBlock, SignedTransaction
from ..protocol.errors import ProtocolError
from ..protocol.fields import ACCOUNT_NAME
from ..protocol.operations import OPERATION, Operation
from ..protocol.record import Record
from ..protocol.types import FlatMap, FlatSet, Optional, StaticVariant, Vector
from . import params
from .authority import verify_authority
from .errors import ChainError
from .objects import BlockSummary, RecentTransaction
from .schedule import (
    confirm_block,
    last_irreversible,
    record_missed_slots,
    require_scheduled,
    slot_at_time,
    update_witness_schedule,
)
from .state import BLOCK_SUMMARY, DGP, TRANSACTIONS, State, block_op_ids

OpT = TypeVar("OpT", bound=Operation)
Evaluator = Callable[["ApplyContext", Any], None]
EVALUATORS: dict[type[Operation], Evaluator] = {}
BlockStep = Callable[["ApplyContext"], None]
# What the chain does itself after a block's transactions, in steemd's order (protocol.md §4.1).
# The order is consensus: it is written here, not left to the order modules are imported in.
END_OF_BLOCK_ORDER = (
    "clear_expired_orders",
    "return_expired_delegations",
    "update_median_feed",
    "update_virtual_supply",
    "process_funds",
    "process_conversions",
    "process_comment_cashout",
    "process_vesting_withdrawals",
    "process_savings_withdraws",
)
END_OF_BLOCK: dict[str, BlockStep] = {}


def evaluates(
    op_class: type[OpT],
) -> Callable[[Callable[[ApplyContext, OpT], None]], Callable[[ApplyContext, OpT], None]]:
    """Register the evaluator of one operation class."""

    def register(function: Callable[[ApplyContext, OpT], None]) -> Callable[[ApplyContext, OpT], None]:
        if op_class in EVALUATORS:
            raise RuntimeError(f"{op_class.OP_NAME} has two evaluators")
        EVALUATORS[op_class] = function
        return function

    return register


def end_of_block(step: BlockStep) -> BlockStep:
    """Register a step run after a block's transactions; its place comes from END_OF_BLOCK_ORDER."""
    if step.__name__ not in END_OF_BLOCK_ORDER:
        raise RuntimeError(f"end-of-block step {step.__name__} has no place in END_OF_BLOCK_ORDER")
    END_OF_BLOCK[step.__name__] = step
    return step


@dataclass
class ApplyContext:
    """Where an operation is being applied: the state, the block's time and number, the position."""

    state: State
    now: int
    block_num: int
    trx_id: str = "0" * 40
    trx_in_block: int = 0
    op_in_trx: int = 0
    # Written at the end of the block in one batch each: history rows and transaction positions.
    history: list[tuple[str, int, int, int, Operation]] = field(default_factory=list)
    positions: list[tuple[str, int, int]] = field(default_factory=list)
    tapos: dict[int, int] = field(default_factory=dict)  # ref_block_num → prefix, for this block

    def emit(self, op: Operation) -> None:
        """Record a virtual operation at the current position."""
        record_operation(self, op, virtual=True)

    def position(self, virtual: bool = True) -> tuple[str, int, int, int]:
        """Where an operation recorded now goes: the first four fields of a `history` entry."""
        return self.trx_id, self.trx_in_block, self.op_in_trx, int(virtual)


def impacted_accounts(op: Operation) -> set[str]:
    """Every account an operation names (steemd's get_impacted_accounts, derived from field types)."""
    names: set[str] = set()
    _collect_names(op, names)
    return names


def _collect_names(value: Record, names: set[str]) -> None:
    for name, codec in _name_fields(type(value)):
        _collect_field(codec, getattr(value, name), names)


_NAME_FIELDS: dict[type[Record], tuple[tuple[str, Any], ...]] = {}


def _name_fields(cls: type[Record]) -> tuple[tuple[str, Any], ...]:
    """The fields of a record class that can hold account names (worked out once per class)."""
    found = _NAME_FIELDS.get(cls)
    if found is None:
        found = _NAME_FIELDS[cls] = tuple(
            (spec.name, spec.codec) for spec in cls.FIELDS if _may_name_accounts(spec.codec)
        )
    return found


def _may_name_accounts(codec: Any) -> bool:
    if codec is ACCOUNT_NAME:
        return True
    if isinstance(codec, Optional | FlatSet | Vector):
        return _may_name_accounts(codec.inner)
    if isinstance(codec, FlatMap):
        return _may_name_accounts(codec.key) or _may_name_accounts(codec.value)
    if isinstance(codec, StaticVariant):
        return any(_may_name_accounts(option) for _, option in codec.options)
    return isinstance(codec, type) and issubclass(codec, Record) and bool(_name_fields(codec))


def _collect_field(codec: Any, value: Any, names: set[str]) -> None:
    if codec is ACCOUNT_NAME:
        if value:
            names.add(value)
    elif isinstance(codec, Optional):
        if value is not None:
            _collect_field(codec.inner, value, names)
    elif isinstance(codec, FlatMap):
        for key, item in value:
            _collect_field(codec.key, key, names)
            _collect_field(codec.value, item, names)
    elif isinstance(codec, FlatSet | Vector):
        for item in value:
            _collect_field(codec.inner, item, names)
    elif isinstance(codec, StaticVariant):
        _collect_field(codec.options[value[0]][1], value[1], names)
    elif isinstance(value, Record):
        _collect_names(value, names)


def record_operation(ctx: ApplyContext, op: Operation, virtual: bool) -> None:
    ctx.history.append((*ctx.position(virtual), op))


def flush_history(ctx: ApplyContext) -> None:
    """Write the block's operations, each account's history entries and transaction positions."""
    db, block_num, now = ctx.state.db, ctx.block_num, ctx.now
    ids = block_op_ids(block_num)
    if len(ctx.history) > len(ids):
        raise RuntimeError(f"block {block_num} has {len(ctx.history)} operations, more than history can number")
    rows = []
    entries: list[tuple[str, int]] = []  # (account, op id) per account, in op order
    numbered = zip(ids, ctx.history, strict=False)  # the block's ids outnumber its operations
    for op_id, (trx_id, trx_in_block, op_in_trx, virtual, op) in numbered:
        # text, not orjson's bytes: each of those holds an oversized buffer, and a million alive at
        # once (a big cashout's virtual operations) cost seconds of page faults
        body = orjson.dumps(OPERATION.dump(op, False)).decode()
        rows.append((op_id, block_num, trx_in_block, op_in_trx, virtual, trx_id, now, body))
        entries += [(account, op_id) for account in impacted_accounts(op)]
    db.executemany("INSERT INTO operations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    next_seq = history_heads(ctx.state, {account for account, _ in entries})
    history = []
    for account, op_id in entries:
        history.append((account, next_seq[account], op_id))
        next_seq[account] += 1
    db.executemany("INSERT INTO account_history (account, seq, op_id) VALUES (?, ?, ?)", history)
    db.executemany(
        "INSERT OR REPLACE INTO transaction_index (trx_id, block_num, trx_num) VALUES (?, ?, ?)", ctx.positions
    )
    ctx.history.clear()
    ctx.positions.clear()


def history_heads(state: State, accounts: set[str]) -> dict[str, int]:
    """The next history sequence number of each account (the writer remembers them between blocks;
    `flush_history` advances the remembered ones in place)."""
    heads: dict[str, int] = state.memo.setdefault("history_heads", {})
    unknown = accounts.difference(heads)
    heads.update(dict.fromkeys(unknown, 0))
    names = sorted(unknown)
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT account, MAX(seq) + 1 FROM account_history WHERE account IN ({marks}) GROUP BY account"
        heads.update(state.db.execute(query, chunk))
    return heads


def authority_getter(state: State, role: str) -> Callable[[str], Authority]:
    def get(name: str) -> Authority:
        account = state.account(name)
        if account is None:
            raise ChainError("signatures", "unknown-account", f"account {name!r} does not exist")
        return account.authority(role)

    return get


def reference_prefix(state: State, tapos: dict[int, int], ref_block_num: int) -> int | None:
    """The prefix of the block in summary slot `ref_block_num` (remembered for the rest of the block)."""
    if ref_block_num not in tapos:
        summary = BLOCK_SUMMARY.get(state.db, ref_block_num)
        # steemd fills all 65,536 slots with a zero block id at genesis: an unwritten slot's prefix is 0
        tapos[ref_block_num] = 0 if summary is None else int.from_bytes(summary.block_id[4:8], "little")
    return tapos[ref_block_num]


def check_transaction_envelope(
    state: State, tx: SignedTransaction, now: int, head_block_num: int, tapos: dict[int, int], check_tapos: bool = True
) -> str:
    """Expiration, TaPoS, size and duplicate checks; records the id as seen and returns it."""
    if not now < tx.expiration:
        raise ChainError(
            "expiration", "expired", "transaction has expired (expiration is not after the head block time)"
        )
    if tx.expiration > now + params.MAX_TIME_UNTIL_EXPIRATION:
        raise ChainError("expiration", "too-far", "expiration is more than 3600 s after the head block time")
    if check_tapos and head_block_num > 0 and reference_prefix(state, tapos, tx.ref_block_num) != tx.ref_block_prefix:
        raise ChainError(
            "ref_block_prefix", "tapos", "transaction refers to a block this chain does not have (TaPoS mismatch)"
        )
    size = len(tx.to_bytes())
    limit = state.dgp().maximum_block_size - params.SOFT_MAX_BLOCK_SIZE_MARGIN
    if size > limit:
        raise ChainError("", "size", f"transaction is {size} bytes, more than the {limit} allowed")
    trx_id = tx.id()
    seen = RecentTransaction(bytes.fromhex(trx_id), tx.expiration)
    if not check_tapos:  # a block of our own log: it held no duplicate when it was first applied
        TRANSACTIONS.put(state.db, seen)
        return trx_id
    try:
        TRANSACTIONS.insert(state.db, seen)
    except sqlite3.IntegrityError:
        raise ChainError("", "duplicate", f"duplicate transaction {trx_id}") from None
    return trx_id


def apply_transaction(
    state: State,
    tx: SignedTransaction,
    ctx: ApplyContext,
    chain_id: bytes,
    check_signatures: bool = True,
    undo: bool = True,
) -> str:
    """Apply one transaction. With `undo`, a failure leaves nothing of it behind (a savepoint); without,
    the caller must discard the whole DB transaction, as apply_block does. Returns the id."""
    if not undo:
        return _apply_transaction(state, tx, ctx, chain_id, check_signatures)
    mark = len(ctx.history)
    try:
        with state.savepoint():
            return _apply_transaction(state, tx, ctx, chain_id, check_signatures)
    except BaseException:
        del ctx.history[mark:]
        raise


def _apply_transaction(
    state: State, tx: SignedTransaction, ctx: ApplyContext, chain_id: bytes, check_signatures: bool
) -> str:
    if check_signatures:
        tx.validate()
    trx_id = check_transaction_envelope(state, tx, ctx.now, ctx.block_num - 1, ctx.tapos, check_signatures)
    if check_signatures:
        verify_authority(
            tx.operations,
            tx.signers(chain_id),
            authority_getter(state, "active"),
            authority_getter(state, "owner"),
            authority_getter(state, "posting"),
        )
    ctx.trx_id = trx_id
    for index, op in enumerate(tx.operations):
        ctx.op_in_trx = index
        evaluator = EVALUATORS.get(type(op))
        if evaluator is None:
            raise ChainError(f"operations.{index}", "unsupported", f"{op.OP_NAME} is not accepted by this chain")
        try:
            evaluator(ctx, op)
        except ProtocolError as error:
            raise error.nested(f"operations.{index}.{op.OP_NAME}") from None
        record_operation(ctx, op, virtual=False)
    return trx_id


def update_head(state: State, block: SignedBlock, block_id: bytes) -> None:
    """update_global_dynamic_data, update_last_irreversible_block and create_block_summary for a new head."""
    dgp = state.dgp()
    missed = max(0, slot_at_time(dgp, block.timestamp) - 1) if dgp.head_block_number else 0
    record_missed_slots(state, dgp, missed, block.witness)
    dgp.head_block_number = block.block_num
    dgp.head_block_id = block_id
    dgp.time = block.timestamp
    dgp.current_witness = block.witness
    dgp.current_aslot += missed + 1
    dgp.recent_slots_filled = str(((int(dgp.recent_slots_filled) << (missed + 1)) | 1) & ((1 << 128) - 1))
    dgp.participation_count = bin(int(dgp.recent_slots_filled)).count("1")
    confirm_block(state, block.witness, block.block_num, dgp.current_aslot)
    dgp.last_irreversible_block_num = last_irreversible(state, dgp)
    DGP.update(state.db, dgp)
    summary = BlockSummary(block.block_num & 0xFFFF, block_id)
    if BLOCK_SUMMARY.get(state.db, summary.slot) is None:
        BLOCK_SUMMARY.insert(state.db, summary)
    else:
        BLOCK_SUMMARY.update(state.db, summary)


def check_block_header(state: State, block: SignedBlock, check_signature: bool) -> None:
    dgp = state.dgp()
    if block.previous != dgp.head_block_id:
        raise ChainError("previous", "fork", f"block does not build on the head block {dgp.head_block_id.hex()}")
    if block.timestamp <= dgp.time and dgp.head_block_number:
        raise ChainError("timestamp", "time", "block time must be after the head block's time")
    if block.timestamp % params.BLOCK_INTERVAL:
        raise ChainError("timestamp", "slot", f"block time must fall on a {params.BLOCK_INTERVAL}-second slot")
    if check_signature and block.calculate_merkle_root() != block.transaction_merkle_root:
        raise ChainError("transaction_merkle_root", "merkle", "transaction merkle root does not match the transactions")
    witness = state.witness(block.witness)
    if witness is None:
        raise ChainError("witness", "unknown-witness", f"{block.witness} is not a witness")
    require_scheduled(state, block.witness, block.timestamp)
    if check_signature and str(block.signing_key()) != witness.signing_key:
        raise ChainError("witness_signature", "signature", f"block is not signed by {block.witness}'s signing key")
    size = len(block.to_bytes())
    if size > dgp.maximum_block_size:
        raise ChainError("", "size", f"block is {size} bytes, over the maximum of {dgp.maximum_block_size}")


def apply_block(
    state: State,
    block: SignedBlock,
    chain_id: bytes,
    check_signatures: bool = True,
    consumers: Sequence[BlockConsumer] = (),
) -> list[str]:
    """Apply a whole block; the caller holds the DB transaction. Returns the transaction ids.

    check_signatures=False is for our own fsynced block log (replay): like hived's replay, it skips
    what a trusted log already passed — signatures and authorities, stateless validation, TaPoS and
    the merkle root — and applies everything else."""
    check_block_header(state, block, check_signatures)
    ctx = ApplyContext(state, block.timestamp, block.block_num)
    ids = apply_transactions(state, block.transactions, ctx, chain_id, check_signatures)
    finish_block(state, block, ctx, consumers)
    return ids


def apply_transactions(
    state: State, transactions: Iterable[SignedTransaction], ctx: ApplyContext, chain_id: bytes, check_signatures: bool
) -> list[str]:
    ids = []
    for index, tx in enumerate(transactions):
        ctx.trx_in_block = index
        trx_id = apply_transaction(state, tx, ctx, chain_id, check_signatures, undo=False)
        ctx.positions.append((trx_id, ctx.block_num, index))
        ids.append(trx_id)
    return ids


@dataclass(frozen=True)
class AppliedBlock:
    """What a block did, as the read models below the chain see it (ARCHITECTURE.md: the only thing
    the index sees): every applied operation and virtual operation, in order, with its position."""

    db: sqlite3.Connection
    block_num: int
    timestamp: int
    operations: list[tuple[str, int, int, int, Operation]]  # trx_id, trx_in_block, op_in_trx, virtual, op


BlockConsumer = Callable[[AppliedBlock], None]


def finish_block(state: State, block: SignedBlock, ctx: ApplyContext, consumers: Sequence[BlockConsumer] = ()) -> None:
    """Everything after the transactions: new head, expirations, the chain's own operations; then the
    consumers (the social index) see the block's operations, in the same DB transaction."""
    update_head(state, block, block.block_id())
    ctx.trx_id = "0" * 40
    ctx.trx_in_block = len(block.transactions)
    ctx.op_in_trx = 0
    for expired in TRANSACTIONS.due(state.db, "expiration", block.timestamp - 1, ("expiration", "trx_id")):
        TRANSACTIONS.delete(state.db, expired)
    update_witness_schedule(state)
    for name in END_OF_BLOCK_ORDER:
        END_OF_BLOCK[name](ctx)
    applied = AppliedBlock(state.db, ctx.block_num, ctx.now, list(ctx.history))
    for consumer in consumers:
        consumer(applied)
    flush_history(ctx)
