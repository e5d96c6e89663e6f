"""What the post page shows beyond the bridge post: comment order and tree, voters, the payout
dropdown, low-rated content and the Edit / Delete rules (frontend-and-board.md §1.2–§1.3)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

import orjson

from ..api.posts import fetch_posts, url
from ..chain.reputation import display_score
from ..protocol.types import format_time
from .templating import money, parse_time, plural, when

COMMENT_SORTS = ("trending", "votes", "new")
MAX_VOTERS = 20  # condenser's MAX_VOTES_DISPLAY
FIRST_COMMENTS = 10  # top-level comments shown before "load more"
MAX_NESTING = 7  # deeper replies become a "Show N more replies" link
MIN_PAYOUT = 0.02


def add_page_fields(db: sqlite3.Connection, posts: list[dict[str, Any]]) -> None:
    """Add the index's sanitized HTML (the only markup rendered raw), preview text, vote list, the
    low-rated flag and the texts a comment shows (worked out here once: a thread has hundreds) to
    bridge posts."""
    now = time.time()
    ids = [post["post_id"] for post in posts]
    rows: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT id, body_html, preview, net_votes, active_votes FROM posts WHERE id IN ({marks})"
        rows.update((row[0], row[1:]) for row in db.execute(sql, chunk))
    for post in posts:
        post["body_html"], post["preview"], post["net_votes"], votes = rows[post["post_id"]]
        post["votes"] = orjson.loads(votes)
        post["low_rated"] = low_rated(post)
        declined = post["max_accepted_payout"].startswith("0.000 ")
        post["shown"] = shown(post, post["stats"]["total_votes"], declined, now)


def comment_thread(db: sqlite3.Connection, top: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every post of `top`'s thread (the root and up to 2,000 comments, as bridge.get_discussion) in
    the light shape the comment tree shows, keyed "author/permlink", each listing its replies' keys;
    one query, for threads of hundreds of comments."""
    rows = fetch_posts(
        db, "p.root_author = ? AND p.root_permlink = ?", (top["root_author"], top["root_permlink"]), "p.id", 2001
    )
    now = time.time()
    thread = {f"{row['author']}/{row['permlink']}": light_comment(row, now) for row in rows}
    for row in rows:
        parent = thread.get(f"{row['parent_author']}/{row['parent_permlink']}")
        if row["depth"] > 0 and parent is not None:
            parent["replies"].append(f"{row['author']}/{row['permlink']}")
    return thread


def light_comment(row: dict[str, Any], now: float) -> dict[str, Any]:
    """An index row as the comment tree needs it (what bridge_post gives, less the rest)."""
    rep = display_score(row["reputation"])
    pending = row["pending_payout"] / 1000
    comment = {
        "post_id": row["id"],
        "author": row["author"],
        "permlink": row["permlink"],
        "category": row["category"],
        "url": url(row),
        "body_html": row["body_html"],
        "created": format_time(row["created"]),
        "updated": format_time(row["updated"]),
        "children": row["children"],
        "net_rshares": row["net_rshares"],
        "is_paidout": bool(row["is_paidout"]),
        "payout": (row["total_payout_value"] + row["curator_payout_value"] + row["pending_payout"]) / 1000,
        "author_reputation": rep,
        "votes": orjson.loads(row["active_votes"]),
        "low_rated": pending < MIN_PAYOUT and (rep < 1 or row["net_rshares"] < 0),
        "replies": [],
    }
    comment["shown"] = shown(comment, row["total_votes"], row["max_accepted_payout"] == 0, now)
    return comment


def shown(post: dict[str, Any], total_votes: int, declined: bool, now: float) -> dict[str, Any]:
    """A post's display texts: time, reputation, payout (struck through when declined), counts, its own
    page, the delete rule."""
    return {
        "declined": declined,
        **when(post["created"], now),
        "rep": int(post["author_reputation"]),
        "edited": post["updated"] != post["created"],
        "money": money(post["payout"]),
        "replies": plural(post["children"], "reply", "replies"),
        "votes": plural(total_votes, "vote"),
        "page": f"/{post['category']}/@{post['author']}/{post['permlink']}",
        "deletable": can_delete(post),
    }


def low_rated(post: dict[str, Any]) -> bool:
    """condenser's gray: no pending payout worth paying and a low author reputation or a net downvote."""
    pending = float(post["pending_payout_value"].split()[0])
    return pending < MIN_PAYOUT and (post["stats"]["gray"] or int(post["net_rshares"]) < 0)


def upvotes(post: dict[str, Any]) -> int:
    return sum(1 for vote in post["votes"] if int(vote["rshares"]) != 0)


def comment_key(sort: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """Trending: low-rated last, higher payout, then more net rshares; Votes: most non-zero votes;
    Age (`new`): low-rated last, newest first. The post id breaks every tie."""
    if sort == "votes":
        return lambda p: (-upvotes(p), p["post_id"])
    if sort == "new":
        return lambda p: (p["low_rated"], -parse_time(p["created"]), -p["post_id"])
    return lambda p: (p["low_rated"], -p["payout"], -int(p["net_rshares"]), p["post_id"])


def thread_tree(thread: dict[str, dict[str, Any]], key: str, sort: str, depth: int = 1) -> list[dict[str, Any]]:
    """The replies of `key`, each with its own sorted replies under "children", to MAX_NESTING levels;
    below that a node only counts what it hides."""
    children = sorted((thread[k] for k in thread[key]["replies"]), key=comment_key(sort))
    nodes = []
    for child in children:
        child_key = f"{child['author']}/{child['permlink']}"
        deeper = depth < MAX_NESTING
        nodes.append(
            {
                "post": child,
                "children": thread_tree(thread, child_key, sort, depth + 1) if deeper else [],
                "hidden_replies": 0 if deeper else len(thread[child_key]["replies"]),
            }
        )
    return nodes


def voters(post: dict[str, Any]) -> dict[str, Any]:
    """The top voters by |rshares| (zero skipped) as "+ name" / "- name", and how many more there are."""
    counted = sorted((v for v in post["votes"] if int(v["rshares"]) != 0), key=lambda v: -abs(int(v["rshares"])))
    shown = [{"name": v["voter"], "up": int(v["rshares"]) > 0} for v in counted[:MAX_VOTERS]]
    return {"shown": shown, "more": max(len(counted) - MAX_VOTERS, 0), "total": post["stats"]["total_votes"]}


def payout_lines(post: dict[str, Any], price_per_steem: float, sbd_print_rate: int) -> dict[str, Any]:
    """The payout dropdown: pending amount and its SBD / STEEM / SP breakdown, beneficiaries, the payout
    date, declined or max accepted, and past author / curator payouts."""
    pending = float(post["pending_payout_value"].split()[0])
    max_accepted = float(post["max_accepted_payout"].split()[0])
    author = float(post["author_payout_value"].split()[0])
    curators = float(post["curator_payout_value"].split()[0])
    sbd_part = pending * post["percent_steem_dollars"] / 20000
    lines: dict[str, Any] = {
        "pending": pending if not post["is_paidout"] and pending > 0 else None,
        "sbd": sbd_part * sbd_print_rate / 10000,
        "steem": sbd_part * (1 - sbd_print_rate / 10000) / price_per_steem if sbd_print_rate < 10000 else None,
        "sp": (pending - sbd_part) / price_per_steem,
        "beneficiaries": [(b["account"], b["weight"] / 100) for b in post["beneficiaries"]],
        "payout_at": post["payout_at"],
        "below_minimum": 0 < pending < MIN_PAYOUT,
        "declined": max_accepted == 0,
        "max_accepted": max_accepted if 0 < max_accepted < 1_000_000 else None,
        "past": {"total": author + curators, "author": author, "curators": curators} if post["is_paidout"] else None,
    }
    return lines


def can_delete(post: dict[str, Any]) -> bool:
    """condenser's allowDelete: no positive rshares, no replies, not paid out."""
    return int(post["net_rshares"]) <= 0 and post["children"] == 0 and not post["is_paidout"]


def post_tags(post: dict[str, Any]) -> list[str]:
    tags = post["json_metadata"].get("tags")
    names = [post["category"]]
    if isinstance(tags, list):
        names += [t for t in tags if isinstance(t, str) and t and t not in names]
    return names[:10]
