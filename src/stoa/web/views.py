"""What the post page shows beyond the bridge post (frontend-and-board.md §1.2–§1.3).

It covers the comment order and tree, voters, the payout dropdown, low-rated content and the Edit /
Delete rules.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

import orjson

from ..api.posts import POST_FROM, url
from ..chain.reputation import display_score
from .templating import iso_time, money, parse_time, plural, relative_time

COMMENT_SORTS = ("trending", "votes", "new")
MAX_VOTERS = 20  # condenser's MAX_VOTES_DISPLAY
FIRST_COMMENTS = 10  # top-level comments shown before "load more"
MAX_NESTING = 7  # deeper replies become a "Show N more replies" link
MIN_PAYOUT = 0.02


def add_page_fields(db: sqlite3.Connection, posts: list[dict[str, Any]]) -> None:
    """Add the index's sanitized HTML (the only markup rendered raw), preview text, votes, the
    low-rated flag and the display texts to bridge posts."""
    ids = [post["post_id"] for post in posts]
    rows: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT id, body_html, preview, net_votes, active_votes FROM posts WHERE id IN ({marks})"
        rows.update((row[0], row[1:]) for row in db.execute(sql, chunk))
    now = time.time()
    for post in posts:
        post["body_html"], post["preview"], post["net_votes"], post["votes_json"] = rows[post["post_id"]]
        post["low_rated"] = low_rated(post)
        post["created_ts"] = parse_time(post["created"])
        post["edited"] = post["updated"] != post["created"]
        declined = post["max_accepted_payout"].startswith("0.000 ")
        post["shown"] = shown(post, post["stats"]["total_votes"], declined, now)


# The columns of a thread's comments that the comment tree shows.
THREAD_SQL = (
    "SELECT p.id, p.author, p.permlink, p.parent_author, p.parent_permlink, p.category, p.depth, p.root_author,"
    " p.root_permlink, p.body_html, p.created, p.updated, p.children, p.net_rshares, p.is_paidout,"
    " p.pending_payout, p.total_votes, p.max_accepted_payout, p.active_votes, COALESCE(c.total_payout_value, 0)"
    " + COALESCE(c.curator_payout_value, 0), COALESCE(r.reputation, 0)"
    f" FROM {POST_FROM} WHERE p.root_author = ? AND p.root_permlink = ? ORDER BY p.id LIMIT 2001"
)
THREAD_COLUMNS = [
    "post_id",
    "author",
    "permlink",
    "parent_author",
    "parent_permlink",
    "category",
    "depth",
    "root_author",
    "root_permlink",
    "body_html",
    "created_ts",
    "updated_ts",
    "children",
    "net_rshares",
    "is_paidout",
    "pending_payout",
    "total_votes",
    "max_accepted_payout",
    "votes_json",
    "paid",
    "reputation",
]


def comment_thread(db: sqlite3.Connection, top: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every post of `top`'s thread (the root and up to 2,000 comments, as bridge.get_discussion) in
    the light shape the comment tree shows, keyed "author/permlink", each listing its replies' keys:
    one narrow query, for threads of hundreds of comments."""
    now = time.time()
    thread = {}
    for row in db.execute(THREAD_SQL, (top["root_author"], top["root_permlink"])):
        comment = light_comment(dict(zip(THREAD_COLUMNS, row, strict=True)), now)
        thread[f"{comment['author']}/{comment['permlink']}"] = comment
        parent = thread.get(f"{comment['parent_author']}/{comment['parent_permlink']}")
        if comment["depth"] > 0 and parent is not None:
            parent["replies"].append(f"{comment['author']}/{comment['permlink']}")
    return thread


def light_comment(comment: dict[str, Any], now: float) -> dict[str, Any]:
    """A thread row completed with what the tree reads (bridge_post's names, less the rest)."""
    rep = display_score(comment.pop("reputation"))
    comment.update(
        url=url(comment),
        created=iso_time(comment["created_ts"]),
        edited=comment["updated_ts"] != comment["created_ts"],
        payout=(comment.pop("paid") + comment["pending_payout"]) / 1000,
        author_reputation=rep,
        low_rated=comment["pending_payout"] < MIN_PAYOUT * 1000 and (rep < 1 or comment["net_rshares"] < 0),
        replies=[],
    )
    comment["shown"] = shown(comment, comment["total_votes"], comment["max_accepted_payout"] == 0, now)
    return comment


def shown(post: dict[str, Any], total_votes: int, declined: bool, now: float) -> dict[str, Any]:
    """A post's display texts: time, reputation, payout (struck through when declined), counts, its own
    page, the delete rule."""
    return {
        "declined": declined,
        "ago": relative_time(post["created_ts"], now),
        "full": post["created"].replace("T", " ") + " UTC",
        "rep": int(post["author_reputation"]),
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
    return sum(1 for vote in orjson.loads(post["votes_json"]) if int(vote["rshares"]) != 0)


def comment_key(sort: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """Trending: low-rated last, higher payout, then more net rshares; Votes: most non-zero votes;
    Age (`new`): low-rated last, newest first. The post id breaks every tie."""
    if sort == "votes":
        return lambda p: (-upvotes(p), p["post_id"])
    if sort == "new":
        return lambda p: (p["low_rated"], -p["created_ts"], -p["post_id"])
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
    votes = orjson.loads(post["votes_json"])
    counted = sorted((v for v in votes if int(v["rshares"]) != 0), key=lambda v: -abs(int(v["rshares"])))
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
