"""What the bot says: its messages, their permlinks, and the outbox rows made from waiting badges.

The messages are the grouped notification in the seed's words and the STOP / START confirmations.
Waiting badges become outbox rows with one notification per account at a time.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from .badges import badge_label
from .store import latest_targets, opted_out

log = logging.getLogger("stoa.board")

PREFIXES = {"badges": "steemitboard-notify", "stop": "steemitboard-stop", "start": "steemitboard-start"}


def permlink_for(purpose: str, account: str, timestamp: int) -> str:
    """`steemitboard-notify-<name>-<yyyymmdd>t<hhmmss>000z` (a dot in a name becomes '-', as permlinks require)."""
    stamp = datetime.fromtimestamp(timestamp, UTC).strftime("%Y%m%dt%H%M%S000z")
    return f"{PREFIXES[purpose]}-{account.replace('.', '-')}-{stamp}"


def badges_body(account: str, badges: list[tuple[str, int]], board_url: str, voted: bool, network: str) -> str:
    """The notification: congratulations, each badge as its image linking to the Board of Honor with its
    label, then the footer; "Steemit" becomes the network's name when one is configured."""
    lines = [
        f"Congratulations @{account}! You have completed some achievement on Steemit and have been rewarded"
        " with new badge(s) :"
    ]
    lines += [
        f"[![]({board_url}/badges/{kind}-{level}.svg)]({board_url}/@{account}) {badge_label(kind, level)}"
        for kind, level in badges
    ]
    lines.append("Click on any badge to view your own Board of Honor on SteemitBoard.")
    if voted:
        lines.append("To support your work, I also upvoted your post!")
    lines.append("If you no longer want to receive notifications, reply to this comment with the word `STOP`")
    return "\n\n".join(lines).replace("Steemit", network)


def confirmation_body(purpose: str, bot: str) -> str:
    if purpose == "stop":
        return (
            f"Done: @{bot} will not send you notifications any more. "
            "If you want them back, reply to this comment with the word `START`"
        )
    return (
        f"Welcome back: @{bot} will notify you again when you earn new badges. "
        "If you no longer want to receive notifications, reply to this comment with the word `STOP`"
    )


def compose(db: sqlite3.Connection, now: int, horizon: int) -> int:
    """Group each account's waiting badges into one pending notification; badges that will never be
    announced (opted out, older than the horizon, nowhere to reply) are marked so. Returns how many."""
    waiting = db.execute(
        "SELECT account, MAX(earned) FROM badges WHERE notification IS NULL GROUP BY account"
    ).fetchall()
    made = 0
    for account, newest in waiting:
        if opted_out(db, account) or newest <= now - horizon:
            db.execute("UPDATE badges SET notification = 0 WHERE account = ? AND notification IS NULL", (account,))
            continue
        if not latest_targets(db, account, 1):
            log.info("@%s earned badges but has no post or comment to reply to: they stay on the board", account)
            db.execute("UPDATE badges SET notification = 0 WHERE account = ? AND notification IS NULL", (account,))
            continue
        db.execute("UPDATE badges SET notification = 0 WHERE account = ? AND notification IS NULL AND earned <= ?",
                   (account, now - horizon))  # fmt: skip
        row = db.execute(
            "INSERT INTO outbox (account, purpose, permlink, parent_author, parent_permlink, state, created)"
            " VALUES (?, 'badges', ?, ?, '', 'pending', ?)",
            (account, permlink_for("badges", account, newest), account, newest),
        )
        db.execute("UPDATE badges SET notification = ? WHERE account = ? AND notification IS NULL",
                   (row.lastrowid, account))  # fmt: skip
        made += 1
    return made
