"""Operations in, counters and badges out: what each block's operations mean to the board.

The operations come as get_ops_in_block returns them. This module works out what they add to the
board's counters, which badges they earn, and the STOP / START replies to the bot.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .badges import FIRSTS, KINDS
from .notify import permlink_for

log = logging.getLogger("stoa.board")

DAY = 86_400
COMMAND = re.compile(r"^\W*(stop|start)\W*$", re.IGNORECASE)  # the word alone, any case, with punctuation
ACCOUNT_CREATIONS = ("account_create", "account_create_with_delegation", "create_claimed_account")


@dataclass
class Block:
    """One block's operations being applied: where, when, and which accounts they touched."""

    db: sqlite3.Connection
    bot: str
    num: int
    time: int
    touched: set[str] = field(default_factory=set)

    def bump(self, account: str, kind: str, amount: int = 1) -> None:
        """Add to a counter; earn its first-time badge and any new level it reaches."""
        row = self.db.execute("SELECT value, level FROM stats WHERE account = ? AND kind = ?", (account, kind))
        old, old_level = row.fetchone() or (0, 0)
        value = old + amount
        level = KINDS[kind].level(value)
        self.db.execute(
            "INSERT OR REPLACE INTO stats (account, kind, value, level) VALUES (?, ?, ?, ?)",
            (account, kind, value, max(level, old_level)),
        )
        if old <= 0 < value and kind in FIRSTS:
            self.earn(account, FIRSTS[kind], 1)
        if level > old_level:
            self.earn(account, kind, level)

    def earn(self, account: str, kind: str, level: int) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO badges (account, kind, level, earned, block_num) VALUES (?, ?, ?, ?, ?)",
            (account, kind, level, self.time, self.num),
        )


def ingest_block(db: sqlite3.Connection, bot: str, num: int, timestamp: int, ops: list[Any]) -> set[str]:
    """Apply one block's operations; returns the accounts they touched (whose level may have changed)."""
    block = Block(db, bot, num, timestamp)
    for entry in ops:
        try:
            name, body = entry["op"]
            handler = HANDLERS.get(name)
            if handler is not None:
                handler(block, body)
        except (KeyError, TypeError, ValueError) as error:
            log.warning(
                "block %d: malformed operation skipped (%s: %s): %.200r", num, type(error).__name__, error, entry
            )
    birthdays(block)
    return block.touched


def on_comment(block: Block, op: dict[str, Any]) -> None:
    author, permlink, parent = str(op["author"]), str(op["permlink"]), str(op["parent_author"])
    known = block.db.execute("SELECT 1 FROM posts WHERE author = ? AND permlink = ?", (author, permlink)).fetchone()
    if parent == block.bot and author != block.bot:
        command(block, author, permlink, str(op["body"]), edit=known is not None)
    if known or author == block.bot:
        return  # an edit, or the bot's own words: neither counts
    block.db.execute(
        "INSERT INTO posts (author, permlink, root, created) VALUES (?, ?, ?, ?)",
        (author, permlink, int(not parent), block.time),
    )
    block.touched.add(author)
    if not parent:
        block.bump(author, "posts")
        posted_on(block, author, block.time // DAY)
        return
    block.bump(author, "comments")
    if parent not in (author, block.bot):
        block.bump(parent, "commented")


def on_delete(block: Block, op: dict[str, Any]) -> None:
    block.db.execute("DELETE FROM posts WHERE author = ? AND permlink = ?", (str(op["author"]), str(op["permlink"])))


def on_vote(block: Block, op: dict[str, Any]) -> None:
    voter, author, weight = str(op["voter"]), str(op["author"]), int(op["weight"])
    if weight <= 0 or voter == block.bot:
        return
    block.touched.add(voter)
    block.bump(voter, "votes")
    if author != voter:
        block.bump(author, "voted")


def on_comment_reward(block: Block, op: dict[str, Any]) -> None:
    amount, _, symbol = str(op["payout"]).partition(" ")
    if symbol != "SBD":
        raise ValueError(f"comment_reward payout in {symbol or 'no symbol'}")
    satoshis = round(float(amount) * 1000)
    if satoshis > 0 and op["author"] != block.bot:
        block.bump(str(op["author"]), "payout", satoshis)


def on_account_created(block: Block, op: dict[str, Any]) -> None:
    name = str(op["new_account_name"])
    block.db.execute(
        "INSERT OR IGNORE INTO accounts (name, created, years, next_birthday) VALUES (?, ?, 0, ?)",
        (name, block.time, years_after(block.time, 1)),
    )


HANDLERS: dict[str, Callable[[Block, dict[str, Any]], None]] = {
    "comment": on_comment,
    "delete_comment": on_delete,
    "vote": on_vote,
    "comment_reward": on_comment_reward,
    **{name: on_account_created for name in ACCOUNT_CREATIONS},
}


def posted_on(block: Block, account: str, day: int) -> None:
    """A root post on `day` (UTC): the weekly badge when it completes Monday–Sunday, the monthly one
    when it completes the calendar month."""
    added = block.db.execute("INSERT OR IGNORE INTO post_days (account, day) VALUES (?, ?)", (account, day))
    if not added.rowcount:
        return
    monday = day - (day + 3) % 7  # day 0, 1970-01-01, was a Thursday
    if days_posted(block.db, account, monday, monday + 6) == 7:
        block.bump(account, "weekly")
    first, last = month_of(day)
    if days_posted(block.db, account, first, last) == last - first + 1:
        block.bump(account, "monthly")


def days_posted(db: sqlite3.Connection, account: str, first: int, last: int) -> int:
    found = db.execute(
        "SELECT COUNT(*) FROM post_days WHERE account = ? AND day BETWEEN ? AND ?", (account, first, last)
    ).fetchone()
    return int(found[0])


def month_of(day: int) -> tuple[int, int]:
    """The first and last day numbers of the calendar month holding `day`."""
    moment = datetime.fromtimestamp(day * DAY, UTC)
    start = moment.replace(day=1)
    following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return int(start.timestamp()) // DAY, int(following.timestamp()) // DAY - 1


def years_after(timestamp: int, years: int) -> int:
    """The same calendar moment `years` later (29 February becomes 1 March)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    try:
        return int(moment.replace(year=moment.year + years).timestamp())
    except ValueError:
        return int(moment.replace(year=moment.year + years, month=3, day=1).timestamp())


def birthdays(block: Block) -> None:
    """Every account whose anniversary has come by this block earns its birthday badge."""
    due = block.db.execute(
        "SELECT name, created, years FROM accounts WHERE next_birthday <= ?", (block.time,)
    ).fetchall()
    for name, created, years in due:
        block.db.execute(
            "UPDATE accounts SET years = ?, next_birthday = ? WHERE name = ?",
            (years + 1, years_after(created, years + 2), name),
        )
        block.bump(name, "birthday")


def command(block: Block, author: str, permlink: str, body: str, edit: bool) -> None:
    """A reply to one of the bot's comments: STOP opts its author out, START back in; each confirmed once."""
    where = f"@{author}/{permlink}"
    if edit:
        log.info(
            "edit of reply %s to @%s ignored: only a reply's first version can say STOP or START", where, block.bot
        )
        return
    found = COMMAND.match(body)
    if found is None:
        log.info("reply %s to @%s is neither STOP nor START (the word must stand alone): ignored", where, block.bot)
        return
    word = found.group(1).lower()
    out = block.db.execute("SELECT 1 FROM optouts WHERE account = ?", (author,)).fetchone() is not None
    if (word == "stop") == out:
        log.info("%s from @%s changes nothing (already %s): no second confirmation", word.upper(), author,
                 "opted out" if out else "opted in")  # fmt: skip
        return
    if word == "stop":
        block.db.execute("INSERT INTO optouts (account, since) VALUES (?, ?)", (author, block.time))
    else:
        block.db.execute("DELETE FROM optouts WHERE account = ?", (author,))
    log.info("@%s replied %s: notifications %s", author, word.upper(), "stopped" if word == "stop" else "restarted")
    block.db.execute(
        "INSERT OR IGNORE INTO outbox (account, purpose, permlink, parent_author, parent_permlink, state, created)"
        " VALUES (?, ?, ?, ?, ?, 'pending', ?)",
        (author, word, permlink_for(word, author, block.time), author, permlink, block.time),
    )
