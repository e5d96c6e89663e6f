"""The running node: state + block log + mempool + producer, and the clock dev networks can move.

One lock serialises everything that writes (pushing a transaction, producing or applying a block).
As in steemd, pending transactions are applied to a *pending session* (an open DB transaction on
the writer's connection) as they arrive, so each is checked against the head state plus everything
pending before it; readers on their own connections see only committed blocks. To produce a block
the session is rolled back, the pending transactions are applied again inside the block's own DB
transaction (those that now fail are dropped and their waiters told why), the block is signed,
appended to the block log and fsynced, and only then committed; the leftovers start a new session.
On start, blocks the log has and the database lacks are replayed, so a crash at any moment loses
nothing that was acknowledged.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..protocol import PrivateKey, SignedBlock, SignedTransaction
from ..protocol.errors import ProtocolError
from . import (
    evaluators,  # noqa: F401  (registers every evaluator)
    params,
)
from .apply import ApplyContext, BlockConsumer, apply_block, apply_transaction, finish_block
from .blocklog import BlockLog
from .errors import ChainError
from .genesis import CONFIG_FILE, Genesis, create_genesis_state, load_genesis
from .schedule import require_scheduled, scheduled_witness, slot_at_time
from .state import State, discard_outdated

log = logging.getLogger(__name__)

BLOCK_MODES = ("slot", "instant", "manual")
# Blocks replayed per DB transaction: the log is the durable record, so a crash mid-replay only
# means replaying those blocks again, and fewer commits write each hot page once per batch.
REPLAY_BATCH = 100


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while blocks are applied. A block allocates up to
    millions of short-lived objects that reference counting frees; the collector would scan the
    growing heap again and again (it tripled the time of a large cashout). It runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Clock:
    """Wall-clock time plus an offset that only grows: dev networks jump ahead with debug_node_api."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance_to(self, moment: float) -> None:
        self.offset += max(0.0, moment - self.now())


@dataclass
class Pending:
    """A transaction waiting for a block, and whoever waits for its fate."""

    tx: SignedTransaction
    trx_id: str
    done: threading.Event = field(default_factory=threading.Event)
    block_num: int = 0
    trx_num: int = 0
    error: ProtocolError | None = None

    def settle(self, block_num: int = 0, trx_num: int = 0, error: ProtocolError | None = None) -> None:
        self.block_num, self.trx_num, self.error = block_num, trx_num, error
        self.done.set()


class Node:
    """One network's chain on this machine."""

    def __init__(
        self,
        data_dir: Path,
        block_mode: str = "slot",
        progress: Callable[[int, int], None] | None = None,
        consumers: Sequence[BlockConsumer] = (),
    ) -> None:
        """`consumers` (the social index) see every block's operations inside its DB transaction."""
        if block_mode not in BLOCK_MODES:
            raise ValueError(f"block mode must be one of {BLOCK_MODES}")
        self.data_dir = data_dir
        self.consumers = tuple(consumers)
        self.genesis: Genesis = load_genesis(data_dir)
        self.config: dict[str, Any] = orjson.loads((data_dir / CONFIG_FILE).read_bytes())
        self.chain_id = self.genesis.chain_id()
        self.witness = self.config["witness"]["name"]
        self.signing_key = PrivateKey.from_wif(self.config["witness"]["signing_key"])
        self.block_mode = block_mode
        self.clock = Clock()
        self.lock = threading.RLock()
        self.pending: list[Pending] = []
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.producer: threading.Thread | None = None
        self.session_open = False
        self.blocklog = BlockLog(data_dir / "blocklog")
        self.state_path = data_dir / "state.db"
        if discard_outdated(self.state_path):
            log.info("the state database was written by another version of Stoa; deriving it from the block log")
        self.state = State.open(self.state_path)
        if not self.state.has_chain():
            with self.state.transaction():
                create_genesis_state(self.state, self.genesis)
        self.catch_up(progress)
        self.clock.advance_to(self.state.dgp().time)

    # --- start-up and replay ------------------------------------------------------------------

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply the blocks the log holds beyond the database's head. Returns how many."""
        head = self.state.dgp().head_block_number
        if head > self.blocklog.head_num:
            raise ChainError("", "log-behind", f"database head {head} is past the block log's {self.blocklog.head_num}")
        replayed = 0
        with collector_paused(), self.state.transaction():
            for num, payload in self.blocklog.iter_from(head + 1):
                apply_block(self.state, SignedBlock.from_bytes(payload), self.chain_id, False, self.consumers)
                replayed += 1
                if replayed % REPLAY_BATCH == 0:
                    self.state.commit()
                    self.state.begin()
                if progress is not None:
                    progress(num, self.blocklog.head_num)
        if replayed:
            log.info("replayed %d blocks from the block log, head is now %d", replayed, self.blocklog.head_num)
        return replayed

    # --- transactions -------------------------------------------------------------------------

    def next_block_time(self, earliest: int | None = None) -> int:
        """The first slot at or after `earliest` (default: the slot after the head, or the current
        wall-clock slot if later) that the schedule gives to this node's witness."""
        dgp = self.state.dgp()
        if earliest is None:
            now = int(self.clock.now())
            earliest = max(dgp.time + params.BLOCK_INTERVAL, now - now % params.BLOCK_INTERVAL)
        earliest += -earliest % params.BLOCK_INTERVAL
        earliest = max(earliest, dgp.time + params.BLOCK_INTERVAL)
        schedule = self.state.schedule()
        for step in range(len(schedule.witnesses())):
            when = earliest + step * params.BLOCK_INTERVAL
            if scheduled_witness(schedule, dgp, slot_at_time(dgp, when)) == self.witness:
                return when
        raise ChainError(
            "witness", "schedule", f"{self.witness} is not in the witness schedule; this node cannot produce"
        )

    def push_transaction(self, tx: SignedTransaction) -> Pending:
        """Apply a transaction to the pending session (the error, if any, is the client's answer) and queue it."""
        with self.lock:
            self._apply_pending(tx)
            item = Pending(tx, tx.id())
            self.pending.append(item)
        self.wake.set()
        return item

    def _apply_pending(self, tx: SignedTransaction) -> None:
        if not self.session_open:
            self.state.begin()
            self.session_open = True
        dgp = self.state.dgp()
        ctx = ApplyContext(self.state, self.next_block_time(), dgp.head_block_number + 1)
        ctx.trx_in_block = len(self.pending)
        apply_transaction(self.state, tx, ctx, self.chain_id)

    def _close_session(self) -> None:
        if self.session_open:
            self.state.rollback()
            self.session_open = False

    def _reopen_session(self) -> None:
        """Re-apply what is still pending on top of the new head; what no longer applies is dropped."""
        waiting, self.pending = self.pending, []
        for item in waiting:
            try:
                self._apply_pending(item.tx)
            except ProtocolError as error:
                item.settle(error=error)
                continue
            self.pending.append(item)

    # --- blocks -------------------------------------------------------------------------------

    def produce_block(self, timestamp: int | None = None) -> SignedBlock:
        """Make, log and commit the next block with as many pending transactions as fit."""
        with self.lock, collector_paused():
            dgp = self.state.dgp()
            when = timestamp if timestamp is not None else self.next_block_time()
            when -= when % params.BLOCK_INTERVAL
            if when <= dgp.time:
                raise ChainError("timestamp", "time", "a new block's time must be after the head block's")
            require_scheduled(self.state, self.witness, when)
            self._close_session()
            ctx = ApplyContext(self.state, when, dgp.head_block_number + 1)
            included: list[Pending] = []
            try:
                block = self._build_block(ctx, dgp.head_block_id, included)
            finally:
                self._reopen_session()
            for number, item in enumerate(included):
                item.settle(block.block_num, number)
            self.clock.advance_to(when)
            return block

    def _build_block(self, ctx: ApplyContext, previous: bytes, included: list[Pending]) -> SignedBlock:
        """Inside one DB transaction: apply what fits, sign, log with fsync, commit."""
        waiting, leftover = self.pending, []
        budget = self.state.dgp().maximum_block_size - params.SOFT_MAX_BLOCK_SIZE_MARGIN
        try:
            with self.state.transaction():
                for item in waiting:
                    size = len(item.tx.to_bytes())
                    if size > budget:
                        leftover.append(item)  # waits for the next block
                        continue
                    ctx.trx_in_block = len(included)
                    try:
                        apply_transaction(self.state, item.tx, ctx, self.chain_id)
                    except ProtocolError as error:
                        item.settle(error=error)
                        continue
                    ctx.positions.append((item.trx_id, ctx.block_num, len(included)))
                    included.append(item)
                    budget -= size
                block = SignedBlock.produce(previous, ctx.now, self.witness, [i.tx for i in included], self.signing_key)
                finish_block(self.state, block, ctx, self.consumers)
                self.blocklog.append(block.block_num, block.to_bytes())
        except BaseException:
            included.clear()
            self.pending = [item for item in waiting if not item.done.is_set()]
            raise
        self.pending = leftover
        return block

    def generate_blocks(self, count: int, miss_blocks: int = 0) -> int:
        """debug_node_api: produce `count` blocks now (in this witness's slots), the first after
        skipping `miss_blocks` slots."""
        for index in range(count):
            skip = miss_blocks if index == 0 else 0
            head_time = self.state.dgp().time
            self.produce_block(self.next_block_time(head_time + params.BLOCK_INTERVAL * (skip + 1)))
        return count

    def generate_blocks_until(self, moment: int, sparsely: bool = True) -> int:
        """debug_node_api: move block time forward to `moment`: one block in the first own slot at or
        after it, or (not sparsely) a block in every own slot up to it."""
        produced = 0
        while self.state.dgp().time + params.BLOCK_INTERVAL <= moment:
            head_time = self.state.dgp().time
            self.produce_block(self.next_block_time(moment if sparsely else head_time + params.BLOCK_INTERVAL))
            produced += 1
        return produced

    # --- the producer thread ------------------------------------------------------------------

    def start(self) -> None:
        if self.block_mode == "manual" or self.producer is not None:
            return
        self.producer = threading.Thread(target=self._produce_forever, name="stoa-producer", daemon=True)
        self.producer.start()

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.wake.set()
        if self.producer is not None:
            self.producer.join(10)
        with self.lock:
            self._close_session()
            self.blocklog.close()
            self.state.close()

    def _produce_forever(self) -> None:
        while not self.stopping.is_set():
            if self.block_mode == "instant":
                self.wake.wait(1.0)
                self.wake.clear()
                if self.stopping.is_set() or not self.pending:
                    continue
            else:
                delay = self.next_block_time() - self.clock.now()
                if delay > 0 and self.stopping.wait(delay):
                    break
            try:
                self.produce_block()
            except ChainError as error:
                log.warning("skipped a slot: %s", error)
            except Exception:
                log.exception("block production failed")
                time.sleep(1)
