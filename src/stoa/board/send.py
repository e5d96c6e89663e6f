"""Delivering the outbox: each row's reply broadcast, its upvote decided, the row settled.

For each row it picks the post to reply to, decides the upvote (policy, mana floor), broadcasts the
reply and settles the row; a row found already on chain (sent before a crash) is never sent again.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..protocol import PrivateKey
from ..protocol.operations import Comment, Operation, Vote
from ..protocol.types import parse_time
from .badges import DEFAULT_POLICY, vote_weight
from .notify import badges_body, confirmation_body
from .rpc import Rpc, RpcError, broadcast
from .store import Outgoing, badge_kinds, forget_post, latest_targets, opted_out, postpone, settle

log = logging.getLogger("stoa.board")

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60
PERCENT = 10_000
METADATA = orjson.dumps({"app": "steemitboard/stoa", "tags": ["steemitboard"]}).decode()


@dataclass
class Settings:
    """How the board speaks and votes."""

    account: str
    board_url: str
    network: str = "Steemit"
    horizon: int = 7 * 86_400  # seconds: badges and replies older than this are never announced
    policy: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_POLICY))
    mana_floor: float = 50.0  # percent: the bot never votes below it


@dataclass
class Sender:
    """Everything a delivery needs."""

    db: sqlite3.Connection
    rpc: Rpc
    chain_id: bytes
    key: PrivateKey
    settings: Settings
    regeneration: int  # STEEM_VOTING_MANA_REGENERATION_SECONDS

    def deliver(self, item: Outgoing, now: int) -> None:
        """Send one outbox row or settle why it will not be sent; a failure is logged and retried later."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self._deliver(item, now)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _deliver(self, item: Outgoing, now: int) -> None:
        bot = self.settings.account
        if item.purpose == "badges" and opted_out(self.db, item.account):
            settle(self.db, item, "cancelled", "the account replied STOP")
            return
        if self.exists(bot, item.permlink):
            settle(self.db, item, "sent", "found on chain (sent before a restart)")
            log.info("@%s/%s was already on chain: not sent again", bot, item.permlink)
            return
        if item.created <= now - self.settings.horizon:
            settle(self.db, item, "cancelled", "older than the horizon")
            return
        target = self.choose_parent(item)
        if target is None:
            return
        ops, voted = self.operations(item, now, target)
        try:
            broadcast(self.rpc, self.chain_id, self.key, ops)
        except RpcError as error:
            if not self.retry(item, voted, now, error):
                return
            voted = False
        settle(self.db, item, "sent", "", voted)
        log.info("sent @%s/%s to @%s/%s%s", bot, item.permlink, item.parent_author, item.parent_permlink,
                 " with an upvote" if voted else "")  # fmt: skip

    def retry(self, item: Outgoing, voted: bool, now: int, error: RpcError) -> bool:
        """After a refused broadcast: True when the reply went out after all (or without its upvote)."""
        if self.exists(self.settings.account, item.permlink):
            return True
        if voted:
            log.warning("upvote with @%s/%s refused (%s): sending it without the upvote", self.settings.account,
                        item.permlink, error)  # fmt: skip
            try:
                broadcast(self.rpc, self.chain_id, self.key, [self.reply(item, voted=False)])
                return True
            except RpcError as second:
                error = second
        attempts = item.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            settle(self.db, item, "failed", str(error))
            log.error("gave up on @%s/%s after %d attempts: %s", self.settings.account, item.permlink, attempts, error)
            return False
        wait = FIRST_RETRY_SECONDS * 2 ** (attempts - 1)
        postpone(self.db, item, now + wait, str(error))
        log.warning("could not send @%s/%s to @%s (attempt %d): %s; retrying in %d s of chain time",
                    self.settings.account, item.permlink, item.account, attempts, error, wait)  # fmt: skip
        return False

    def exists(self, author: str, permlink: str) -> bool:
        return bool(self.comments([(author, permlink)]))

    def comments(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        found = self.rpc.call("database_api.find_comments", {"comments": [list(pair) for pair in pairs]})
        return {(c["author"], c["permlink"]): c for c in found["comments"]}

    def choose_parent(self, item: Outgoing) -> dict[str, Any] | None:
        """The reply's parent as find_comments shows it: a confirmation answers the STOP/START reply; a
        notification goes to the account's latest post (or comment) that still exists. None (and the row
        settled) when there is none."""
        if item.purpose != "badges":
            parent = self.comments([(item.parent_author, item.parent_permlink)])
            if parent:
                return next(iter(parent.values()))
            settle(self.db, item, "cancelled", "the reply it answers was deleted")
            log.warning("@%s/%s was deleted: no %s confirmation", item.parent_author, item.parent_permlink,
                        item.purpose.upper())  # fmt: skip
            return None
        candidates = latest_targets(self.db, item.account)
        found = self.comments([(item.account, permlink) for permlink in candidates]) if candidates else {}
        for permlink in candidates:
            if (item.account, permlink) in found:
                item.parent_author, item.parent_permlink = item.account, permlink
                return found[(item.account, permlink)]
            log.warning("@%s/%s was deleted: the notification goes to an older post", item.account, permlink)
            forget_post(self.db, item.account, permlink)
        settle(self.db, item, "failed", "no post or comment left to reply to")
        log.warning("@%s has no post or comment left: notification %s not sent (badges stay on the board)",
                    item.account, item.permlink)  # fmt: skip
        return None

    def operations(self, item: Outgoing, now: int, target: dict[str, Any]) -> tuple[list[Operation], bool]:
        weight = self.upvote(item, now, target) if item.purpose == "badges" else 0
        ops: list[Operation] = [self.reply(item, voted=weight > 0)]
        if weight:
            ops.append(Vote(self.settings.account, item.parent_author, item.parent_permlink, weight))
        return ops, weight > 0

    def reply(self, item: Outgoing, voted: bool) -> Comment:
        s = self.settings
        if item.purpose == "badges":
            body = badges_body(item.account, badge_kinds(self.db, item.id), s.board_url, voted, s.network)
        else:
            body = confirmation_body(item.purpose, s.account)
        return Comment(item.parent_author, item.parent_permlink, s.account, item.permlink, "", body, METADATA)

    def upvote(self, item: Outgoing, now: int, target: dict[str, Any]) -> int:
        """The policy's weight for these badges, or 0 when the post is paid out or mana would fall below the floor."""
        weight = vote_weight([kind for kind, _ in badge_kinds(self.db, item.id)], self.settings.policy)
        if weight <= 0:
            return 0
        cashout = parse_time(target["cashout_time"])
        if not target.get("allow_votes", True) or not now < cashout < now + 30 * 86_400:
            return 0  # paid out (or votes refused): an upvote would change nothing
        found = self.rpc.call(
            "database_api.find_votes", {"author": item.parent_author, "permlink": item.parent_permlink}
        )
        if any(vote["voter"] == self.settings.account for vote in found["votes"]):
            return 0  # one upvote per post
        account = self.rpc.call("condenser_api.get_accounts", [[self.settings.account]])[0]
        reserve = int(self.rpc.call("condenser_api.get_dynamic_global_properties")["vote_power_reserve_rate"])
        current, after = mana_percent(account, now, weight, reserve, self.regeneration)
        if after < self.settings.mana_floor:
            log.warning("out of mana: @%s has %.2f%% and an upvote would leave %.2f%%, below the floor of %.2f%%;"
                        " notifying @%s without an upvote", self.settings.account, current, after,
                        self.settings.mana_floor, item.account)  # fmt: skip
            return 0
        return weight


def mana_percent(
    account: dict[str, Any], now: int, weight: int, reserve_rate: int, regeneration: int
) -> tuple[float, float]:
    """The account's voting mana now and after an upvote of `weight`, in percent of its maximum (steemd's
    regeneration and hf20 vote cost)."""
    maximum = vests(account["vesting_shares"]) + vests(account["received_vesting_shares"])
    maximum -= vests(account["delegated_vesting_shares"])
    if maximum <= 0:
        return 0.0, 0.0
    bar = account["voting_manabar"]
    elapsed = max(now - int(bar["last_update_time"]), 0)
    current = min(int(bar["current_mana"]) + maximum * elapsed // regeneration, maximum)
    used = -(-(current * weight * 86_400 // PERCENT) // (reserve_rate * regeneration))
    return 100 * current / maximum, 100 * (current - used) / maximum


def vests(text: str) -> int:
    amount, _, _ = str(text).partition(" ")
    whole, _, fraction = amount.partition(".")
    return int(whole + fraction.ljust(6, "0"))
