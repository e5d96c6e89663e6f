"""The social read APIs over the index (hivemind.md §2).

They are condenser_api's content, discussion, follow and blog methods, and bridge's posts,
discussions, ranked lists, account posts and profiles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import orjson

from ..chain.reputation import display_score
from ..index.communities import exists
from ..protocol.rules import account_name_problem
from ..protocol.types import format_time
from .jsonrpc import Dispatcher, invalid_params, named
from .posts import bridge_post, condenser_post, fetch_post, fetch_posts, votes_of
from .reads import ChainReader

MAX_PAGE = 100
FOLLOW_TYPES = {"blog": 1, "ignore": 2}
RANKED = {
    "trending": ("p.depth = 0 AND p.is_paidout = 0", "p.sc_trend DESC, p.id DESC", "p.sc_trend", "<"),
    "hot": ("p.depth = 0 AND p.is_paidout = 0", "p.sc_hot DESC, p.id DESC", "p.sc_hot", "<"),
    "created": ("p.depth = 0", "p.created DESC, p.id DESC", "p.created", "<"),
    "payout": ("p.depth = 0 AND p.is_paidout = 0", "p.pending_payout DESC, p.id DESC", "p.pending_payout", "<"),
    "payout_comments": (
        "p.depth > 0 AND p.is_paidout = 0",
        "p.pending_payout DESC, p.id DESC",
        "p.pending_payout",
        "<",
    ),
    # nothing is promoted on Stoa (no promotion transfers are indexed), as get_discussions_by_promoted
    "promoted": ("p.depth = 0 AND p.is_paidout = 0 AND 0", "p.id DESC", "p.id", "<"),
    # hivemind's `muted`: muted posts and comments still earning, by pending payout
    "muted": (
        "p.is_muted = 1 AND p.is_paidout = 0 AND p.pending_payout > 0",
        "p.pending_payout DESC, p.id DESC",
        "p.pending_payout",
        "<",
    ),
}
PINNED_FIRST = ("trending", "created")


def page_limit(value: Any, default: int = 20, maximum: int = MAX_PAGE) -> int:
    limit = default if value is None else value
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= maximum:
        raise invalid_params(f"limit must be an integer from 1 to {maximum}")
    return limit


def account_param(value: Any, field: str = "account") -> str:
    if not isinstance(value, str) or account_name_problem(value) is not None:
        raise invalid_params(f"{field} must be a valid account name, got {value!r}")
    return value


def existing_account(reader: ChainReader, value: Any, field: str = "account") -> str:
    name = account_param(value, field)
    if reader.state.account(name) is None:
        raise invalid_params(f"{field}: account {name!r} does not exist")
    return name


def observer_param(reader: ChainReader, value: Any) -> str | None:
    return None if value is None or value == "" else existing_account(reader, value, "observer")


def bridge_query(params: Any, name: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """bridge's named params, refusing names the method does not know."""
    query = named(params, name)
    unknown = sorted(set(query) - set(fields))
    if unknown:
        raise invalid_params(f"{name} does not take {', '.join(unknown)}; it takes {', '.join(fields)}")
    return query


def cursor_post(db: sqlite3.Connection, author: Any, permlink: Any) -> dict[str, Any] | None:
    """The post a page starts from, if the caller gave one: start_author and start_permlink together."""
    if not author and not permlink:
        return None
    if not author or not permlink:
        raise invalid_params("start_author and start_permlink must be given together")
    return fetch_post(db, author, permlink, "start post", ("start_author", "start_permlink"))


def entry_start(value: Any, field: str = "start_entry_id") -> int | None:
    """A blog page's start: an entry id (the newest when 0 or negative, as steemd's -1), or None."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid_params(f"{field} must be an integer, got {value!r}")
    return None if value <= 0 else value


def ranked(
    db: sqlite3.Connection,
    sort: str,
    tag: str,
    start: dict[str, Any] | None,
    limit: int,
    inclusive: bool,
    observer: str | None = None,
) -> list[dict[str, Any]]:
    """Posts ranked by `sort` from (and excluding or including) a start post, in a tag, a community
    (`hive-NNNNN`: its pinned posts first for trending and created) or the observer's communities
    (`my`). Muted posts show only in the `muted` sort; authors the observer ignores not at all."""
    if sort not in RANKED:
        raise invalid_params(f"sort must be one of {', '.join(RANKED)}, got {sort!r}")
    where, order, key, compare = RANKED[sort]
    scope, params = post_scope(db, tag, observer)
    where += scope + ("" if sort == "muted" else " AND p.is_muted = 0")
    pinned: list[dict[str, Any]] = []
    if sort in PINNED_FIRST and community_exists(db, tag):
        pinned, start = pinned_first(db, scope, params, start, limit, inclusive)
        where += " AND p.is_pinned = 0"
    if start is not None:
        value = start[key.split(".")[1]]
        op = "<=" if inclusive else "<"
        where += f" AND ({key} {compare} ? OR ({key} = ? AND p.id {op} ?))"
        params += [value, value, start["id"]]
    return (pinned + fetch_posts(db, where, tuple(params), order, limit))[:limit]


def post_scope(db: sqlite3.Connection, tag: str, observer: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (and its params) choosing a ranked list's posts by tag and observer."""
    where, params = "", []
    if tag == "my":
        if observer is None:
            raise invalid_params("tag 'my' lists the observer's communities: an observer is required")
        where += " AND p.community IN (SELECT community FROM community_subscriptions WHERE account = ?)"
        params.append(observer)
    elif community_exists(db, tag):
        where += " AND p.community = ?"
        params.append(tag)
    elif tag and tag != "all":
        where += " AND p.id IN (SELECT post_id FROM post_tags WHERE tag = ?)"
        params.append(tag)
    if observer is not None:
        where += " AND p.author NOT IN (SELECT following FROM follows WHERE follower = ? AND state = 2)"
        params.append(observer)
    return where, params


def community_exists(db: sqlite3.Connection, name: str) -> bool:
    return name.startswith("hive-") and exists(db, name)


def pinned_first(
    db: sqlite3.Connection,
    scope: str,
    params: list[Any],
    start: dict[str, Any] | None,
    limit: int,
    inclusive: bool,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """A community's pinned posts (newest first) that lead a page, and where the ranked rest starts:
    a page starting at a pinned post goes on with the pinned after it, then the rest from the top."""
    pinned = fetch_posts(
        db, "p.depth = 0 AND p.is_muted = 0 AND p.is_pinned = 1" + scope, tuple(params), "p.id DESC", MAX_PAGE
    )
    if start is None:
        return pinned, None
    ids = [post["id"] for post in pinned]
    if start["id"] not in ids:
        return [], start
    return pinned[ids.index(start["id"]) + (0 if inclusive else 1) :][:limit], None


def blog(
    db: sqlite3.Connection, account: str, before_entry: int | None, limit: int
) -> list[tuple[int, int, dict[str, Any]]]:
    """(entry_id, time, post) of an account's blog, newest first, entries before `before_entry`."""
    rows = db.execute(
        "SELECT entry_id, post_id, created FROM blog_entries WHERE account = ? AND entry_id <= ?"
        " ORDER BY entry_id DESC LIMIT ?",
        (account, (1 << 62) if before_entry is None else before_entry, limit),
    ).fetchall()
    result = []
    for entry_id, post_id, created in rows:
        found = fetch_posts(db, "p.id = ?", (post_id,), "p.id", 1)
        if found:
            result.append((entry_id, created, found[0]))
    return result


def feed(
    db: sqlite3.Connection, account: str, start: dict[str, Any] | None, limit: int, inclusive: bool
) -> list[tuple[dict[str, Any], list[str]]]:
    """Posts and reblogs of the accounts `account` follows, newest blog entry first."""
    params: list[Any] = [account]
    bound = ""
    if start is not None:
        newest = (
            db.execute(
                "SELECT MAX(b.created) FROM blog_entries b JOIN follows f ON f.following = b.account"
                " WHERE f.follower = ? AND f.state = 1 AND b.post_id = ?",
                (account, start["id"]),
            ).fetchone()[0]
            or 0
        )
        bound = f" HAVING (MAX(b.created) < ? OR (MAX(b.created) = ? AND b.post_id {'<=' if inclusive else '<'} ?))"
        params += [newest, newest, start["id"]]
    rows = db.execute(
        "SELECT b.post_id, MAX(b.created), GROUP_CONCAT(CASE WHEN b.account != p.author THEN b.account END)"
        " FROM blog_entries b JOIN follows f ON f.following = b.account JOIN posts p ON p.id = b.post_id"
        " WHERE f.follower = ? AND f.state = 1 GROUP BY b.post_id"
        + bound
        + " ORDER BY MAX(b.created) DESC, b.post_id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    entries = []
    for post_id, _, rebloggers in rows:
        found = fetch_posts(db, "p.id = ?", (post_id,), "p.id", 1)
        if found:
            entries.append((found[0], rebloggers.split(",") if rebloggers else []))
    return entries


def discussion(db: sqlite3.Connection, author: Any, permlink: Any) -> dict[str, dict[str, Any]]:
    """bridge.get_discussion: every post of the thread below (and including) the given one, keyed
    "author/permlink", each listing its replies' keys."""
    top = fetch_post(db, author, permlink)
    thread = fetch_posts(
        db, "p.root_author = ? AND p.root_permlink = ?", (top["root_author"], top["root_permlink"]), "p.id", 2001
    )  # the root and up to 2,000 comments, as hivemind caps a discussion
    by_key = {f"{p['author']}/{p['permlink']}": bridge_post(db, p) for p in thread}
    for post in thread:
        parent = f"{post['parent_author']}/{post['parent_permlink']}"
        if post["depth"] > 0 and parent in by_key:
            by_key[parent]["replies"].append(f"{post['author']}/{post['permlink']}")
    keep: dict[str, dict[str, Any]] = {}
    pending = [f"{top['author']}/{top['permlink']}"]
    while pending:
        key = pending.pop()
        keep[key] = by_key[key]
        pending.extend(by_key[key]["replies"])
    return keep


def followers(
    db: sqlite3.Connection, account: str, start: Any, follow_type: Any, limit: int, reverse: bool
) -> list[dict[str, Any]]:
    kind = FOLLOW_TYPES.get(follow_type or "blog")
    if kind is None:
        raise invalid_params("follow_type must be 'blog' or 'ignore'")
    mine, theirs = ("following", "follower") if not reverse else ("follower", "following")
    rows = db.execute(
        f"SELECT follower, following FROM follows WHERE {mine} = ? AND state = ? AND {theirs} >= ?"
        f" ORDER BY {theirs} LIMIT ?",
        (account, kind, start or "", limit),
    )
    return [{"follower": a, "following": b, "what": [follow_type or "blog"]} for a, b in rows]


def follow_counts(db: sqlite3.Connection, account: str) -> tuple[int, int]:
    count = "SELECT COUNT(*) FROM follows WHERE {} = ? AND state = 1"
    return (
        int(db.execute(count.format("following"), (account,)).fetchone()[0]),
        int(db.execute(count.format("follower"), (account,)).fetchone()[0]),
    )


def profile(reader: ChainReader, account: str) -> dict[str, Any]:
    chain = reader.state.account(account)
    if chain is None:
        raise invalid_params(f"account {account!r} does not exist")
    db = reader.state.db
    metadata: Any = {}
    for raw in (chain.posting_json_metadata, chain.json_metadata):
        try:
            metadata = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            metadata = {}
        if isinstance(metadata, dict) and metadata.get("profile"):
            break
    fields = metadata.get("profile") if isinstance(metadata, dict) else None
    followers_count, following_count = follow_counts(db, account)
    posts = int(db.execute("SELECT COUNT(*) FROM posts WHERE author = ?", (account,)).fetchone()[0])
    return {
        "id": chain.id,
        "name": account,
        "created": format_time(chain.created),
        "active": format_time(max(chain.last_post, chain.last_vote_time, chain.created)),
        "post_count": posts,
        "reputation": display_score(reader.reputation(account)),
        "blacklists": [],
        "stats": {"followers": followers_count, "following": following_count, "rank": 0},
        "metadata": {"profile": fields if isinstance(fields, dict) else {}},
    }


def query_object(params: Any, name: str) -> dict[str, Any]:
    """condenser discussions take one query object, positionally or named."""
    if isinstance(params, list):
        if len(params) != 1 or not isinstance(params[0], dict):
            raise invalid_params(f"{name} takes one query object")
        return params[0]
    return named(params, name)


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    def db() -> sqlite3.Connection:
        return reader.state.db

    condenser = partial(dispatcher.add_positional, "condenser_api")
    bridge = partial(dispatcher.add_named, "bridge")

    condenser("get_content", 2, lambda a, p: condenser_post(db(), fetch_post(db(), a, p)))
    condenser(
        "get_content_replies",
        2,
        lambda a, p: (
            [
                condenser_post(db(), post)
                for post in fetch_posts(db(), "p.parent_author = ? AND p.parent_permlink = ?", (a, p), "p.id", 1000)
            ]
            if fetch_post(db(), a, p)
            else []
        ),
    )
    condenser("get_active_votes", 2, lambda a, p: votes_of(db(), fetch_post(db(), a, p)["id"]))

    def follow_page(account: Any, start: Any, kind: Any, limit: Any, reverse: bool) -> list[dict[str, Any]]:
        name = existing_account(reader, account)
        first = None if start is None or start == "" else existing_account(reader, start, "start")
        return followers(db(), name, first, kind, page_limit(limit, 1000, 1000), reverse=reverse)

    def follow_count(account: Any) -> dict[str, Any]:
        name = existing_account(reader, account)
        counts = dict(zip(("follower_count", "following_count"), follow_counts(db(), name), strict=True))
        return {"account": name, **counts}

    def blog_page(account: Any, start: Any, limit: Any, with_comment: bool) -> list[dict[str, Any]]:
        name, first = existing_account(reader, account), entry_start(start)
        return [
            blog_entry(db(), name, entry, time, post, with_comment)
            for entry, time, post in blog(db(), name, first, page_limit(limit, 20, 500))
        ]

    condenser("get_followers", 4, lambda acc, start, kind, limit: follow_page(acc, start, kind, limit, False))
    condenser("get_following", 4, lambda acc, start, kind, limit: follow_page(acc, start, kind, limit, True))
    condenser("get_follow_count", 1, follow_count)
    condenser("get_blog", 3, lambda acc, start, limit: blog_page(acc, start, limit, True))
    condenser("get_blog_entries", 3, lambda acc, start, limit: blog_page(acc, start, limit, False))
    condenser("get_reblogged_by", 2, lambda a, p: [a, *(name for name in reblogged_by_names(db(), a, p))])
    condenser(
        "get_account_reputations",
        2,
        lambda lower, limit: [
            {"account": name, "reputation": rep}
            for name, rep in db().execute(
                "SELECT a.name, COALESCE(r.reputation, 0) FROM accounts a LEFT JOIN reputations r ON r.account = a.name"
                " WHERE a.name >= ? ORDER BY a.name LIMIT ?",
                (lower or "", page_limit(limit, 1000, 1000)),
            )
        ],
    )

    def discussions_by(sort: str) -> Callable[[Any], list[dict[str, Any]]]:
        return lambda params: discussions(db(), sort, query_object(params, sort))

    for sort in ("trending", "hot", "created"):
        dispatcher.add(f"condenser_api.get_discussions_by_{sort}", discussions_by(sort))
    dispatcher.add(
        "condenser_api.get_discussions_by_blog", lambda p: blog_discussions(db(), existing(query_object(p, "blog")))
    )
    dispatcher.add(
        "condenser_api.get_discussions_by_feed", lambda p: feed_discussions(db(), existing(query_object(p, "feed")))
    )
    dispatcher.add(
        "condenser_api.get_discussions_by_comments",
        lambda p: comment_discussions(db(), existing(query_object(p, "comments"), "start_author")),
    )

    def existing(query: dict[str, Any], field: str = "tag") -> dict[str, Any]:
        """The query, once its account (`tag` for blog and feed, `start_author` for comments) exists."""
        existing_account(reader, query.get(field), field)
        return query

    register_appbase_aliases(dispatcher, reader, existing, follow_page, follow_count, blog_page)
    bridge("get_post", lambda q: bridge_post(db(), fetch_post(db(), q.get("author"), q.get("permlink"))))
    bridge("get_discussion", lambda q: discussion(db(), q.get("author"), q.get("permlink")))
    bridge(
        "get_ranked_posts",
        lambda q: [
            bridge_post(db(), post)
            for post in ranked(
                db(),
                str(q.get("sort")),
                str(q.get("tag") or ""),
                cursor_post(db(), q.get("start_author"), q.get("start_permlink")),
                page_limit(q.get("limit")),
                False,
                observer_param(reader, q.get("observer")),
            )
        ],
    )
    bridge("get_account_posts", lambda q: account_posts(db(), existing(q, "account")))
    bridge("get_profile", lambda q: profile(reader, existing_account(reader, q.get("account"))))


def register_appbase_aliases(
    dispatcher: Dispatcher,
    reader: ChainReader,
    existing: Callable[..., dict[str, Any]],
    follow_page: Callable[..., list[dict[str, Any]]],
    follow_count: Callable[[Any], dict[str, Any]],
    blog_page: Callable[..., list[dict[str, Any]]],
) -> None:
    """tags_api and follow_api: the appbase names of the same reads (named params, wrapped results),
    checked as their condenser_api twins are."""

    def db() -> sqlite3.Connection:
        return reader.state.db

    def add(name: str, handler: Callable[[dict[str, Any]], Any]) -> None:
        dispatcher.add(name, lambda params: handler(named(params, name)))

    def replies(q: dict[str, Any]) -> dict[str, Any]:
        top = fetch_post(db(), q.get("author"), q.get("permlink"))
        children = fetch_posts(
            db(), "p.parent_author = ? AND p.parent_permlink = ?", (top["author"], top["permlink"]), "p.id", 1000
        )
        return {"discussions": [condenser_post(db(), post) for post in children]}

    add("tags_api.get_discussion", lambda q: condenser_post(db(), fetch_post(db(), q.get("author"), q.get("permlink"))))
    add("tags_api.get_content_replies", replies)
    add(
        "tags_api.get_active_votes",
        lambda q: {"votes": votes_of(db(), fetch_post(db(), q.get("author"), q.get("permlink"))["id"])},
    )

    def wrapped_discussions(sort: str) -> Callable[[dict[str, Any]], Any]:
        return lambda query: {"discussions": discussions(db(), sort, query)}

    for sort in ("trending", "hot", "created"):
        add(f"tags_api.get_discussions_by_{sort}", wrapped_discussions(sort))
    add("tags_api.get_discussions_by_blog", lambda q: {"discussions": blog_discussions(db(), existing(q))})
    add("tags_api.get_discussions_by_feed", lambda q: {"discussions": feed_discussions(db(), existing(q))})
    add(
        "tags_api.get_discussions_by_comments",
        lambda q: {"discussions": comment_discussions(db(), existing(q, "start_author"))},
    )

    def follows(q: dict[str, Any], reverse: bool) -> list[dict[str, Any]]:
        return follow_page(q.get("account"), q.get("start"), q.get("type"), q.get("limit"), reverse)

    add("follow_api.get_followers", lambda q: {"followers": follows(q, reverse=False)})
    add("follow_api.get_following", lambda q: {"following": follows(q, reverse=True)})
    add("follow_api.get_follow_count", lambda q: follow_count(q.get("account")))
    add(
        "follow_api.get_blog",
        lambda q: {"blog": blog_page(q.get("account"), q.get("start_entry_id"), q.get("limit"), True)},
    )
    add(
        "follow_api.get_blog_entries",
        lambda q: {"blog": blog_page(q.get("account"), q.get("start_entry_id"), q.get("limit"), False)},
    )
    add(
        "follow_api.get_reblogged_by",
        lambda q: {"accounts": [q.get("author"), *reblogged_by_names(db(), q.get("author"), q.get("permlink"))]},
    )


def blog_entry(
    db: sqlite3.Connection, account: str, entry: int, time: int, post: dict[str, Any], with_comment: bool
) -> dict[str, Any]:
    """One get_blog (with the post) or get_blog_entries (author and permlink) entry."""
    shape: dict[str, Any] = {
        "blog": account,
        "entry_id": entry,
        "reblogged_on": format_time(time if post["author"] != account else 0),
    }
    if with_comment:
        shape["comment"] = condenser_post(db, post, fat=False)
    else:
        shape.update({"author": post["author"], "permlink": post["permlink"]})
    return shape


def reblogged_by_names(db: sqlite3.Connection, author: Any, permlink: Any) -> list[str]:
    post = fetch_post(db, author, permlink)
    return [
        name for (name,) in db.execute("SELECT account FROM reblogs WHERE post_id = ? ORDER BY created", (post["id"],))
    ]


def discussions(db: sqlite3.Connection, sort: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    start = cursor_post(db, query.get("start_author"), query.get("start_permlink"))
    posts = ranked(db, sort, str(query.get("tag") or ""), start, page_limit(query.get("limit")), True)
    return [condenser_post(db, post, fat=False) for post in posts]


def blog_discussions(db: sqlite3.Connection, query: dict[str, Any]) -> list[dict[str, Any]]:
    account = account_param(query.get("tag"), "tag")
    entries = blog(db, account, None, 500)
    start = cursor_post(db, query.get("start_author"), query.get("start_permlink"))
    if start is not None:
        ids = [post["id"] for _, _, post in entries]
        entries = entries[ids.index(start["id"]) :] if start["id"] in ids else []
    shaped = []
    for _, _, post in entries[: page_limit(query.get("limit"))]:
        entry = condenser_post(db, post, fat=False)
        if post["author"] != account:
            entry["reblogged_by"] = [account]
        shaped.append(entry)
    return shaped


def feed_discussions(db: sqlite3.Connection, query: dict[str, Any]) -> list[dict[str, Any]]:
    account = account_param(query.get("tag"), "tag")
    start = cursor_post(db, query.get("start_author"), query.get("start_permlink"))
    shaped = []
    for post, rebloggers in feed(db, account, start, page_limit(query.get("limit")), True):
        entry = condenser_post(db, post, fat=False)
        entry["reblogged_by"] = rebloggers
        shaped.append(entry)
    return shaped


def comment_discussions(db: sqlite3.Connection, query: dict[str, Any]) -> list[dict[str, Any]]:
    author = account_param(query.get("start_author"), "start_author")
    where, params = "p.author = ? AND p.depth > 0", [author]
    if query.get("start_permlink"):
        start = fetch_post(db, author, query.get("start_permlink"))
        where += " AND (p.created < ? OR (p.created = ? AND p.id <= ?))"
        params += [start["created"], start["created"], start["id"]]
    posts = fetch_posts(db, where, tuple(params), "p.created DESC, p.id DESC", page_limit(query.get("limit")))
    return [condenser_post(db, post, fat=False) for post in posts]


def account_posts(db: sqlite3.Connection, query: dict[str, Any]) -> list[dict[str, Any]]:
    """bridge.get_account_posts: blog, feed, posts, comments, replies or payout of an account."""
    account = account_param(query.get("account"))
    sort = query.get("sort")
    limit = page_limit(query.get("limit"))
    start = cursor_post(db, query.get("start_author"), query.get("start_permlink"))
    if sort == "blog":
        entries = [post for _, _, post in blog(db, account, None, 500)]
        if start is not None:
            ids = [post["id"] for post in entries]
            entries = entries[ids.index(start["id"]) + 1 :] if start["id"] in ids else []
        return [with_reblogger(bridge_post(db, p), account) for p in entries[:limit]]
    if sort == "feed":
        return [
            {**bridge_post(db, post), **({"reblogged_by": rebloggers} if rebloggers else {})}
            for post, rebloggers in feed(db, account, start, limit, False)
        ]
    filters = {
        "posts": ("p.author = ? AND p.depth = 0", "p.created DESC, p.id DESC"),
        "comments": ("p.author = ? AND p.depth > 0", "p.created DESC, p.id DESC"),
        "replies": ("p.parent_author = ? AND p.depth > 0", "p.created DESC, p.id DESC"),
        "payout": ("p.author = ? AND p.is_paidout = 0", "p.payout_at, p.id"),
    }
    if sort not in filters:
        raise invalid_params("sort must be one of blog, feed, posts, comments, replies, payout")
    where, order = filters[sort]
    params: list[Any] = [account]
    if start is not None:
        where += " AND (p.created < ? OR (p.created = ? AND p.id < ?))" if sort != "payout" else " AND p.id > ?"
        params += [start["created"], start["created"], start["id"]] if sort != "payout" else [start["id"]]
    return [bridge_post(db, post) for post in fetch_posts(db, where, tuple(params), order, limit)]


def with_reblogger(post: dict[str, Any], account: str) -> dict[str, Any]:
    if post["author"] != account:
        post["reblogged_by"] = [account]
    return post
