"""Reading posts for the API, in the shapes condenser_api and bridge print (hivemind.md §2.2).

The index's content is joined with the chain's payout fields.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from ..chain.objects import MAX_TIME
from ..chain.reputation import display_score
from ..index.communities import MUTED as MUTED_ROLE
from ..index.communities import ROLE_NAMES
from ..protocol import Asset
from ..protocol.asset import SBD
from ..protocol.types import dump_int_json, format_time
from .jsonrpc import invalid_params

# The index's own columns, then the chain's payout fields, the author's reputation and, for a post in
# a community, the community's title and the author's role and title there.
INDEX_FIELDS = [
    "id",
    "author",
    "permlink",
    "parent_author",
    "parent_permlink",
    "root_author",
    "root_permlink",
    "category",
    "depth",
    "title",
    "body",
    "json_metadata",
    "body_html",
    "created",
    "updated",
    "active",
    "children",
    "net_rshares",
    "abs_rshares",
    "total_votes",
    "net_votes",
    "pending_payout",
    "is_paidout",
    "payout_at",
    "max_accepted_payout",
    "percent_steem_dollars",
    "allow_replies",
    "allow_votes",
    "allow_curation_rewards",
    "beneficiaries",
    "reblogs",
    "image",
    "preview",
    "sc_trend",
    "sc_hot",
    "active_votes",
    "neg_rshares",
    "community",
    "is_muted",
    "is_pinned",
]
CHAIN_FIELDS = {
    "vote_rshares": "COALESCE(c.vote_rshares, 0)",
    "total_vote_weight": "COALESCE(c.total_vote_weight, 0)",
    "reward_weight": "COALESCE(c.reward_weight, 10000)",
    "author_rewards": "COALESCE(c.author_rewards, 0)",
    "total_payout_value": "COALESCE(c.total_payout_value, 0)",
    "curator_payout_value": "COALESCE(c.curator_payout_value, 0)",
    "cashout_time": "COALESCE(c.cashout_time, 0)",
    "last_payout": "COALESCE(c.last_payout, 0)",
    "reputation": "COALESCE(r.reputation, 0)",
    "community_title": "COALESCE(NULLIF(cm.title, ''), p.community)",
    "author_role": "COALESCE(cr.role, 0)",
    "author_title": "COALESCE(cr.title, '')",
}
FIELDS = [*INDEX_FIELDS, *CHAIN_FIELDS]
POST_COLUMNS = ", ".join([f"p.{name}" for name in INDEX_FIELDS] + list(CHAIN_FIELDS.values()))
POST_FROM = (
    "posts p LEFT JOIN comments c ON c.author = p.author AND c.permlink = p.permlink"
    " LEFT JOIN reputations r ON r.account = p.author"
    " LEFT JOIN communities cm ON cm.name = p.community"
    " LEFT JOIN community_roles cr ON cr.community = p.community AND cr.account = p.author"
)


def sbd(amount: int) -> str:
    return str(Asset(amount, SBD))


def fetch_posts(
    db: sqlite3.Connection, where: str, params: tuple[Any, ...], order: str, limit: int
) -> list[dict[str, Any]]:
    """Posts matching a WHERE clause our code wrote (user input only ever in `params`)."""
    sql = f"SELECT {POST_COLUMNS} FROM {POST_FROM} WHERE {where} ORDER BY {order} LIMIT ?"
    return [dict(zip(FIELDS, row, strict=True)) for row in db.execute(sql, (*params, limit))]


def fetch_post(
    db: sqlite3.Connection,
    author: Any,
    permlink: Any,
    what: str = "post",
    fields: tuple[str, str] = ("author", "permlink"),
) -> dict[str, Any]:
    """The post, or an invalid-params error naming `what` was asked for (and the params' `fields`)."""
    if not isinstance(author, str) or not isinstance(permlink, str):
        raise invalid_params(f"{fields[0]} and {fields[1]} must be strings")
    found = fetch_posts(db, "p.author = ? AND p.permlink = ?", (author, permlink), "p.id", 1)
    if not found:
        raise invalid_params(f"{what} @{author}/{permlink} does not exist")
    return found[0]


def root_title(db: sqlite3.Connection, post: dict[str, Any]) -> str:
    if post["depth"] == 0:
        return str(post["title"])
    found = db.execute(
        "SELECT title FROM posts WHERE author = ? AND permlink = ?", (post["root_author"], post["root_permlink"])
    ).fetchone()
    return str(found[0]) if found else ""


def url(post: dict[str, Any]) -> str:
    path = f"/{post['category']}/@{post['root_author']}/{post['root_permlink']}"
    return path if post["depth"] == 0 else f"{path}#@{post['author']}/{post['permlink']}"


def votes_of(db: sqlite3.Connection, post_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT v.voter, v.weight, v.rshares, v.percent, COALESCE(r.reputation, 0), v.time FROM post_votes v"
        " LEFT JOIN reputations r ON r.account = v.voter WHERE v.post_id = ? ORDER BY v.rshares DESC, v.voter",
        (post_id,),
    )
    return [
        {
            "voter": voter,
            "weight": dump_int_json(weight),
            "rshares": dump_int_json(rshares),
            "percent": percent,
            "reputation": dump_int_json(rep),
            "time": format_time(time),
        }
        for voter, weight, rshares, percent, rep, time in rows
    ]


def condenser_post(db: sqlite3.Connection, post: dict[str, Any], fat: bool = True) -> dict[str, Any]:
    """condenser_api's post: get_content's full object, or the smaller one discussions lists return."""
    paid = bool(post["is_paidout"])
    shape: dict[str, Any] = {
        "id": post["id"],
        "post_id": post["id"],
        "author": post["author"],
        "permlink": post["permlink"],
        "category": post["category"],
        "parent_author": post["parent_author"],
        "parent_permlink": post["parent_permlink"],
        "title": post["title"],
        "body": post["body"],
        "body_length": len(post["body"]),
        "json_metadata": post["json_metadata"],
        "created": format_time(post["created"]),
        "last_update": format_time(post["updated"]),
        "active": format_time(post["active"]),
        "last_payout": format_time(post["last_payout"]),
        "cashout_time": format_time(MAX_TIME if paid else post["cashout_time"]),
        "depth": post["depth"],
        "children": post["children"],
        "net_rshares": dump_int_json(post["net_rshares"]),
        "net_votes": post["net_votes"],
        "total_payout_value": sbd(post["total_payout_value"]),
        "curator_payout_value": sbd(post["curator_payout_value"]),
        "pending_payout_value": sbd(post["pending_payout"]),
        "promoted": sbd(0),
        "root_author": post["root_author"],
        "root_permlink": post["root_permlink"],
        "root_title": root_title(db, post),
        "url": url(post),
        "beneficiaries": [{"account": a, "weight": w} for a, w in orjson.loads(post["beneficiaries"])],
        "max_accepted_payout": sbd(post["max_accepted_payout"]),
        "percent_steem_dollars": post["percent_steem_dollars"],
        "author_reputation": dump_int_json(post["reputation"]),
        "replies": [],
        "reblogged_by": [],
        "active_votes": votes_of(db, post["id"]),
    }
    if fat:
        shape.update(
            {
                "max_cashout_time": format_time(MAX_TIME),
                "abs_rshares": dump_int_json(post["abs_rshares"]),
                "vote_rshares": dump_int_json(post["vote_rshares"]),
                "children_abs_rshares": 0,
                "total_vote_weight": dump_int_json(post["total_vote_weight"]),
                "reward_weight": post["reward_weight"],
                "author_rewards": post["author_rewards"],
                "total_pending_payout_value": sbd(post["pending_payout"]),
                "allow_replies": bool(post["allow_replies"]),
                "allow_votes": bool(post["allow_votes"]),
                "allow_curation_rewards": bool(post["allow_curation_rewards"]),
            }
        )
    return shape


def bridge_post(db: sqlite3.Connection, post: dict[str, Any]) -> dict[str, Any]:
    """bridge's post object."""
    try:
        metadata = orjson.loads(post["json_metadata"]) if post["json_metadata"] else {}
    except orjson.JSONDecodeError:
        metadata = {}
    rep = display_score(post["reputation"])
    negative = post["neg_rshares"]
    payout = post["total_payout_value"] + post["curator_payout_value"] + post["pending_payout"]
    shape: dict[str, Any] = {
        "post_id": post["id"],
        "author": post["author"],
        "permlink": post["permlink"],
        "category": post["category"],
        "title": post["title"] if post["depth"] == 0 else f"RE: {root_title(db, post)}",
        "body": post["body"],
        "json_metadata": metadata if isinstance(metadata, dict) else {},
        "created": format_time(post["created"]),
        "updated": format_time(post["updated"]),
        "depth": post["depth"],
        "children": post["children"],
        "net_rshares": dump_int_json(post["net_rshares"]),
        "is_paidout": bool(post["is_paidout"]),
        "payout_at": format_time(post["payout_at"]),
        "payout": payout / 1000,
        "pending_payout_value": sbd(post["pending_payout"]),
        "author_payout_value": sbd(post["total_payout_value"]),
        "curator_payout_value": sbd(post["curator_payout_value"]),
        "promoted": sbd(0),
        "replies": [],
        "reblogs": post["reblogs"],
        "url": url(post),
        "beneficiaries": [{"account": a, "weight": w} for a, w in orjson.loads(post["beneficiaries"])],
        "max_accepted_payout": sbd(post["max_accepted_payout"]),
        "percent_steem_dollars": post["percent_steem_dollars"],
        "author_reputation": rep,
        "active_votes": orjson.Fragment(post["active_votes"]),  # kept ready by the index
        "stats": {
            # hivemind's post_stats: both on the log scale; hidden below 0 while earning under 0.020
            "hide": rep < 0 and post["pending_payout"] < 20,
            "gray": rep < 1 or bool(post["is_muted"]) or post["author_role"] == MUTED_ROLE,
            "total_votes": post["total_votes"],
            "flag_weight": max(len(str(abs(negative) // 2)) - 11, 0) if negative else 0,
        },
        "blacklists": [],
    }
    if post["depth"] > 0:
        shape["parent_author"] = post["parent_author"]
        shape["parent_permlink"] = post["parent_permlink"]
    if post["community"]:
        shape.update(
            community=post["community"],
            community_title=post["community_title"],
            author_role=ROLE_NAMES[post["author_role"]],
            author_title=post["author_title"],
        )
    if post["is_pinned"]:
        shape["stats"]["is_pinned"] = True
    return shape
