"""The board's loop, from reading blocks off the node to delivering what is due.

It reads blocks from the node in batches, applies them with the cursor in one transaction, groups
new badges into notifications and delivers what is due; it survives a node that is down or answers
badly.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from ..protocol import PrivateKey, ProtocolError
from ..protocol.types import parse_time
from .badges import sp_level
from .ingest import Block, ingest_block
from .notify import compose
from .rpc import Rpc, RpcError
from .send import Sender, Settings, vests
from .store import cursor, due, set_cursor, status

log = logging.getLogger("stoa.board")

BLOCKS_PER_REQUEST = 100
SENDS_PER_STEP = 20
IDLE_SECONDS = 0.5
ACCOUNTS_PER_REQUEST = 100


@dataclass
class Board:
    """One board: its database, its node, and how it speaks."""

    db: sqlite3.Connection
    rpc: Rpc
    settings: Settings
    key: PrivateKey
    batch_blocks: int = 1000
    stopping: threading.Event = field(default_factory=threading.Event)
    head: int = 0
    sender: Sender | None = None

    def connect(self) -> Sender:
        """Learn the chain id and mana constants from the node (once it answers)."""
        config = self.rpc.call("condenser_api.get_config")
        chain_id = bytes.fromhex(config["STEEM_CHAIN_ID"])
        regeneration = int(config["STEEM_VOTING_MANA_REGENERATION_SECONDS"])
        return Sender(self.db, self.rpc, chain_id, self.key, self.settings, regeneration)

    def run(self) -> None:
        """Follow the chain until stopped; errors are logged and the loop carries on."""
        while not self.stopping.is_set():
            try:
                busy = self.step()
            except RpcError as error:
                log.warning("%s; trying again in 2 s", error)
                busy = False
                self.stopping.wait(2)
            except Exception:
                log.exception("board step failed; trying again in 2 s")
                busy = False
                self.stopping.wait(2)
            if not busy:
                self.stopping.wait(IDLE_SECONDS)

    def step(self) -> bool:
        """One batch of blocks, then what is due in the outbox. True when there was work."""
        sender = self.sender = self.sender or self.connect()
        dgp = self.rpc.call("condenser_api.get_dynamic_global_properties")
        self.head, now = int(dgp["head_block_number"]), parse_time(dgp["time"])
        start = cursor(self.db) + 1
        end = min(self.head, start + self.batch_blocks - 1)
        if start <= end:
            self.apply(start, end, now, dgp)
        items = due(self.db, now, SENDS_PER_STEP)
        for item in items:
            sender.deliver(item, now)
        return start <= end or bool(items)

    def apply(self, start: int, end: int, now: int, dgp: dict[str, Any]) -> None:
        """Blocks start..end in one transaction with the cursor and the notifications they lead to."""
        blocks = self.fetch(start, end)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            touched: set[str] = set()
            for num, ops in blocks:
                moment = block_time(num, ops)
                if moment is not None:
                    touched |= ingest_block(self.db, self.settings.account, num, moment, ops)
            levels(Block(self.db, self.settings.account, end, now), self.accounts(touched), dgp)
            set_cursor(self.db, end)
            made = compose(self.db, now, self.settings.horizon)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        if made:
            log.info("blocks %d..%d: %d new notification(s) queued", start, end, made)

    def fetch(self, start: int, end: int) -> list[tuple[int, list[Any]]]:
        """Every operation (virtual ones included) of blocks start..end, in order."""
        blocks: list[tuple[int, list[Any]]] = []
        for first in range(start, end + 1, BLOCKS_PER_REQUEST):
            nums = range(first, min(first + BLOCKS_PER_REQUEST, end + 1))
            answers = self.rpc.batch([("condenser_api.get_ops_in_block", [num, False]) for num in nums])
            blocks += [(num, ops if isinstance(ops, list) else []) for num, ops in zip(nums, answers, strict=True)]
        return blocks

    def accounts(self, names: set[str]) -> list[dict[str, Any]]:
        """The current accounts of `names` (for their level by STEEM POWER)."""
        ordered = sorted(names)
        found: list[dict[str, Any]] = []
        for first in range(0, len(ordered), ACCOUNTS_PER_REQUEST):
            found += self.rpc.call("condenser_api.get_accounts", [ordered[first : first + ACCOUNTS_PER_REQUEST]])
        return found


def block_time(num: int, ops: list[Any]) -> int | None:
    """The block's time from its first operation; None for an empty block or one the node answered badly."""
    if not ops:
        return None
    try:
        return parse_time(ops[0]["timestamp"])
    except (KeyError, TypeError, ProtocolError):
        log.warning("block %d: operations without a readable timestamp skipped: %.200r", num, ops[0])
        return None


def levels(block: Block, accounts: list[dict[str, Any]], dgp: dict[str, Any]) -> None:
    """A level badge for each account whose STEEM POWER now reaches a higher level than it had."""
    steem, shares = vests(dgp["total_vesting_fund_steem"]), vests(dgp["total_vesting_shares"])
    for account in accounts:
        steem_power = vests(account["vesting_shares"]) * steem / shares / 1e6 if shares else 0.0
        row = block.db.execute("SELECT value FROM stats WHERE account = ? AND kind = 'level'", (account["name"],))
        reached = int((row.fetchone() or (0,))[0])
        if sp_level(steem_power) > reached:
            block.bump(account["name"], "level", sp_level(steem_power) - reached)


def wait_for_node(rpc: Rpc, stopping: threading.Event) -> None:
    """Block until the node answers (the board may start before it)."""
    while not stopping.is_set():
        try:
            rpc.call("condenser_api.get_dynamic_global_properties")
            return
        except RpcError as error:
            log.info("waiting for the node: %s", error)
            stopping.wait(1)


def board_status(board: Board, db: sqlite3.Connection) -> dict[str, Any]:
    """What /api/status shows: the cursor, the head last seen, and the outbox by state."""
    return {**status(db), "head": board.head}
