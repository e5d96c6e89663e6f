"""The rest of the condenser-era discussion reads, and bridge's account and stats calls.

Both over the index (hivemind.md §1.3–§2.2): trending tags, an author's posts before a date, replies
to an account, payout lists, tags used, account votes, get_state; bridge post headers, profiles,
relationships, follow lists, trending topics and payout stats.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..protocol.errors import ProtocolError
from ..protocol.types import dump_int_json, format_time, parse_time
from .communities import ranked_communities
from .jsonrpc import Dispatcher, invalid_params, named, positional
from .posts import condenser_post, fetch_post, fetch_posts, sbd
from .reads import ChainReader
from .rewards import median_price
from .shapes import account_json, dgp_json
from .social import (
    account_param,
    blog_discussions,
    bridge_query,
    comment_discussions,
    cursor_post,
    discussion,
    discussions,
    existing_account,
    feed_discussions,
    observer_param,
    page_limit,
    profile,
    query_object,
)

MAX_TAGS = 250
MAX_TOPICS = 25
MAX_PROFILES = 1000
MAX_AUTHOR_TAGS = 1000
TAG_LENGTH = 32
STATE_PAGE = 20
STATE_TAG_SUMMARY = 50

# steemd's discussion_query fields; the select/filter ones only when empty (hivemind supports none).
QUERY_FIELDS = {
    "tag",
    "limit",
    "start_author",
    "start_permlink",
    "truncate_body",
    "observer",
    "parent_author",
    "parent_permlink",
}
UNSUPPORTED_FILTERS = ("filter_tags", "select_tags", "select_authors")

FOLLOW_LISTS = ("blacklisted", "follow_blacklist", "muted", "follow_muted")

# get_state routes (hivemind's condenser_api/get_state.py)
STATE_SORTS = ("trending", "hot", "created", "promoted", "payout", "payout_comments")
ACCOUNT_TABS = {"blog": "blog", "feed": "feed", "comments": "comments", "recent-replies": "recent_replies"}
ACCOUNT_TABS_WITHOUT_POSTS = ("followed", "followers", "permissions", "password", "settings")
NOOP_ROUTES = (
    "create_account",
    "approval",
    "recover_account_step_1",
    "recover_account_step_2",
    "submit.html",
    "market",
    "change_password",
    "login.html",
    "welcome",
    "tos.html",
    "privacy.html",
    "support.html",
    "faq.html",
    "about.html",
    "pick_account",
    "waiting_list.html",
)


# --- parameters ---------------------------------------------------------------------------------


def arguments(params: Any, name: str, fields: tuple[str, ...], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """condenser_api params positionally ([a, b, …]), as hivemind's single nested object ([{…}]) or
    named ({…}); named forms may carry only `fields` and `extra`."""
    if isinstance(params, list) and len(params) == 1 and isinstance(params[0], dict):
        params = params[0]
    if isinstance(params, dict) and params:
        unknown = sorted(set(params) - set(fields) - set(extra))
        if unknown:
            raise invalid_params(f"{name} does not take {', '.join(unknown)}; it takes {', '.join(fields + extra)}")
        return params
    return dict(zip(fields, positional(params, name, len(fields)), strict=True))


def discussion_query(params: Any, name: str) -> dict[str, Any]:
    """A checked discussion query object (tag, limit, start post; no filters)."""
    query = query_object(params, name)
    for key in UNSUPPORTED_FILTERS:
        if query.get(key):
            raise invalid_params(f"{key} is not supported")
    unknown = sorted(set(query) - QUERY_FIELDS - set(UNSUPPORTED_FILTERS))
    if unknown:
        raise invalid_params(f"{name} does not take {', '.join(unknown)}")
    tag_param(query.get("tag"))
    truncate_param(query.get("truncate_body"))
    return query


def tag_param(value: Any, field: str = "tag") -> str:
    """A tag as the index stores it (lower case, no '#', at most 32 characters); '' for none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > TAG_LENGTH or value != value.strip().lower().lstrip("#"):
        raise invalid_params(f"{field} must be a lower-case tag of at most {TAG_LENGTH} characters, got {value!r}")
    return value


def truncate_param(value: Any) -> int:
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_params(f"truncate_body must be a non-negative integer, got {value!r}")
    return value


def truncated(posts: list[dict[str, Any]], length: int) -> list[dict[str, Any]]:
    if length:
        for post in posts:
            post["body"] = post["body"][:length]
    return posts


def time_param(value: Any, field: str) -> int | None:
    """A `YYYY-MM-DDTHH:MM:SS` bound; blank or the epoch (what clients send for "now") means none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid_params(f"{field} must be a time like 2026-01-01T00:00:00, got {value!r}")
    try:
        moment = parse_time(value.replace(" ", "T", 1))
    except ProtocolError as error:
        raise invalid_params(f"{field}: {error.message}") from None
    return moment or None


# --- tags ---------------------------------------------------------------------------------------


def trending_tags(db: sqlite3.Connection, start_tag: str, limit: int) -> list[dict[str, Any]]:
    """Tags of unpaid posts and comments by their total pending payout, then name; after `start_tag`
    (which is left out) when given, as hivemind pages them."""
    having, params = "", []
    if start_tag:
        if db.execute("SELECT 1 FROM post_tags WHERE tag = ? LIMIT 1", (start_tag,)).fetchone() is None:
            raise invalid_params(f"tag {start_tag!r} does not exist")
        bound = db.execute(
            "SELECT SUM(p.pending_payout) FROM post_tags t JOIN posts p ON p.id = t.post_id"
            " WHERE t.tag = ? AND p.is_paidout = 0",
            (start_tag,),
        ).fetchone()[0]
        if bound is None:  # nothing of the tag waits for a payout: it is not on the list
            return []
        having = " HAVING SUM(p.pending_payout) < ? OR (SUM(p.pending_payout) = ? AND t.tag > ?)"
        params = [bound, bound, start_tag]
    rows = db.execute(
        "SELECT t.tag, COUNT(*), SUM(p.depth = 0), SUM(p.pending_payout) FROM post_tags t"
        " JOIN posts p ON p.id = t.post_id WHERE p.is_paidout = 0 GROUP BY t.tag"
        + having
        + " ORDER BY SUM(p.pending_payout) DESC, t.tag LIMIT ?",
        (*params, limit),
    )
    return [
        {"name": tag, "comments": count - top, "top_posts": top, "total_payouts": sbd(payout)}
        for tag, count, top, payout in rows
    ]


def tags_used_by_author(db: sqlite3.Connection, author: str) -> list[list[Any]]:
    """[tag, posts] of the author's top-level posts, most used first (steemd's author_tag_stats)."""
    rows = db.execute(
        "SELECT t.tag, COUNT(*) FROM post_tags t JOIN posts p ON p.id = t.post_id"
        " WHERE p.author = ? AND p.depth = 0 GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT ?",
        (author, MAX_AUTHOR_TAGS),
    )
    return [[tag, count] for tag, count in rows]


# --- posts --------------------------------------------------------------------------------------


def author_before_date(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, Any]]:
    """An author's top-level posts (no reblogs), newest first, created at or before `before_date` and
    from `start_permlink` on (included)."""
    db = reader.state.db
    author = existing_account(reader, query.get("author"), "author")
    before = time_param(query.get("before_date"), "before_date")
    limit = page_limit(query.get("limit"), 10)
    length = truncate_param(query.get("truncate_body"))
    where = "p.author = ? AND p.depth = 0"
    params: list[Any] = [author]
    if before is not None:
        where += " AND p.created <= ?"
        params.append(before)
    if query.get("start_permlink"):
        start = fetch_post(db, author, query.get("start_permlink"))
        where += " AND (p.created < ? OR (p.created = ? AND p.id <= ?))"
        params += [start["created"], start["created"], start["id"]]
    posts = fetch_posts(db, where, tuple(params), "p.created DESC, p.id DESC", limit)
    return truncated([condenser_post(db, post, fat=False) for post in posts], length)


def replies_to(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Replies to any of an account's posts and comments, newest first. The first page names the
    account in start_author; later pages name the last reply seen (start_author/start_permlink)."""
    db = reader.state.db
    author = existing_account(reader, query.get("start_author"), "start_author")
    limit = page_limit(query.get("limit"))
    length = truncate_param(query.get("truncate_body"))
    where, params = "p.parent_author = ? AND p.depth > 0", [author]
    if query.get("start_permlink"):
        start = fetch_post(db, author, query.get("start_permlink"))
        if start["depth"] == 0:
            raise invalid_params(f"@{author}/{start['permlink']} is not a reply; start from the last reply seen")
        where += " AND (p.created < ? OR (p.created = ? AND p.id <= ?))"
        params = [start["parent_author"], start["created"], start["created"], start["id"]]
    posts = fetch_posts(db, where, tuple(params), "p.created DESC, p.id DESC", limit)
    return truncated([condenser_post(db, post, fat=False) for post in posts], length)


def payout_discussions(db: sqlite3.Connection, sort: str, params: Any, name: str) -> list[dict[str, Any]]:
    """Unpaid posts (`payout`) or comments (`payout_comments`) by pending payout, start post included."""
    query = discussion_query(params, name)
    return truncated(discussions(db, sort, query), truncate_param(query.get("truncate_body")))


def promoted_discussions(db: sqlite3.Connection, params: Any, name: str) -> list[dict[str, Any]]:
    """Nothing is promoted on Stoa (no promotion transfers are indexed): the query is checked, the
    list is empty."""
    query = discussion_query(params, name)
    page_limit(query.get("limit"))
    cursor_post(db, query.get("start_author"), query.get("start_permlink"))
    return []


def account_votes(db: sqlite3.Connection, voter: str) -> list[dict[str, Any]]:
    """steemd's get_account_votes: every vote the account holds, in post order."""
    rows = db.execute(
        "SELECT p.author, p.permlink, v.weight, v.rshares, v.percent, v.time FROM post_votes v"
        " JOIN posts p ON p.id = v.post_id WHERE v.voter = ? ORDER BY v.post_id",
        (voter,),
    )
    return [
        {
            "authorperm": f"{author}/{permlink}",
            "weight": dump_int_json(weight),
            "rshares": dump_int_json(rshares),
            "percent": percent,
            "time": format_time(time),
        }
        for author, permlink, weight, rshares, percent, time in rows
    ]


# --- get_state ----------------------------------------------------------------------------------


def state_path(path: Any) -> list[str]:
    """The three parts of a condenser route ("" → trending); hivemind's _normalize_path."""
    if not isinstance(path, str):
        raise invalid_params(f"path must be a string like /trending or /@alice, got {path!r}")
    path = path.removeprefix("/").split("?")[0]
    if "#" in path:
        raise invalid_params("path must not contain '#'")
    parts = (path or "trending").split("/")
    if len(parts) == 4 and parts[3] == "":
        parts = parts[:3]
    if len(parts) > 3:
        raise invalid_params(f"too many parts in path {path!r}")
    return parts + [""] * (3 - len(parts))


def keyed(posts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{post['author']}/{post['permlink']}": post for post in posts}


def legacy_account(reader: ChainReader, name: str) -> dict[str, Any]:
    account = reader.state.account(name)
    if account is None:
        raise invalid_params(f"account {name!r} does not exist")
    return account_json(account, False, reader.witness_votes(name), reader.reputation(name))


def thread(db: sqlite3.Connection, author: Any, permlink: Any) -> dict[str, dict[str, Any]]:
    """A post and every reply below it as condenser posts keyed "author/permlink", each listing its
    replies' keys (the tree comes from bridge.get_discussion's walk)."""
    tree = discussion(db, author, permlink)
    ids = [post["post_id"] for post in tree.values()]
    rows = fetch_posts(db, f"p.id IN ({', '.join('?' * len(ids))})", tuple(ids), "p.id", len(ids))
    content: dict[str, dict[str, Any]] = {}
    for key, post in keyed([condenser_post(db, row, fat=False) for row in rows]).items():
        post["replies"] = tree[key]["replies"]
        content[key] = post
    return content


def get_state(reader: ChainReader, path: Any) -> dict[str, Any]:
    """condenser's get_state for the routes condenser-era clients load (hivemind's subset)."""
    db = reader.state.db
    first, second, third = state_path(path)
    state: dict[str, Any] = {
        "current_route": "/" + "/".join(part for part in (first, second, third) if part),
        "props": dgp_json(reader.dgp(), False),
        "feed_price": median_price(reader.state, False),
        "tags": {},
        "accounts": {},
        "content": {},
        "tag_idx": {"trending": []},
        "discussion_idx": {"": {}},
    }
    account_name = None
    if first.startswith("@"):  # /@account[/tab]
        account_name = existing_account(reader, first[1:])
        tab = second or "blog"
        if third:
            raise invalid_params(f"unexpected account path {path!r}")
        account = legacy_account(reader, account_name)
        for key in ACCOUNT_TABS.values():
            account[key] = []
        if tab in ACCOUNT_TABS:
            state["content"] = keyed(account_tab(reader, account_name, tab))
            account[ACCOUNT_TABS[tab]] = list(state["content"])
        elif tab == "transfers":
            raise invalid_params("get_state does not serve transfers; use get_account_history")
        elif tab not in ACCOUNT_TABS_WITHOUT_POSTS:  # e.g. /@author/permlink: condenser redirects on this
            state["error"] = f"invalid get_state account path {path!r}"
        state["accounts"][account_name] = account
    elif second.startswith("@"):  # /category/@author/permlink
        state["content"] = thread(db, account_param(second[1:], "author"), third)
    elif first in STATE_SORTS:  # /sort[/tag]
        if third:
            raise invalid_params(f"unexpected discussion path {path!r}")
        tag = tag_param(second.lower())
        posts = [] if first == "promoted" else discussions(db, first, {"tag": tag, "limit": STATE_PAGE})
        state["content"] = keyed(posts)
        state["discussion_idx"] = {tag: {first: list(state["content"])}}
        state["tag_idx"]["trending"] = [row["name"] for row in trending_tags(db, "", STATE_TAG_SUMMARY)]
    elif first == "tags":
        if second or third:
            raise invalid_params("the tags route takes no more parts")
        for row in trending_tags(db, "", MAX_TAGS):
            state["tag_idx"]["trending"].append(row["name"])
            state["tags"][row["name"]] = row
    elif first in NOOP_ROUTES:
        if second or third:
            raise invalid_params(f"unexpected path {path!r}")
    else:
        raise invalid_params(f"get_state does not serve the path {path!r}")
    for author in sorted({post["author"] for post in state["content"].values()} - {account_name}):
        state["accounts"][author] = legacy_account(reader, author)
    return state


def account_tab(reader: ChainReader, account: str, tab: str) -> list[dict[str, Any]]:
    db = reader.state.db
    if tab == "blog":
        return blog_discussions(db, {"tag": account, "limit": STATE_PAGE})
    if tab == "feed":
        return feed_discussions(db, {"tag": account, "limit": STATE_PAGE})
    if tab == "comments":
        return comment_discussions(db, {"start_author": account, "limit": STATE_PAGE})
    return replies_to(reader, {"start_author": account, "limit": STATE_PAGE})


# --- bridge -------------------------------------------------------------------------------------


def post_header(db: sqlite3.Connection, query: dict[str, Any]) -> dict[str, Any]:
    post = fetch_post(db, account_param(query.get("author"), "author"), query.get("permlink"))
    return {
        "author": post["author"],
        "permlink": post["permlink"],
        "category": post["category"],
        "depth": post["depth"],
    }


def follow_state(db: sqlite3.Connection, follower: str, following: str) -> int:
    found = db.execute(
        "SELECT state FROM follows WHERE follower = ? AND following = ?", (follower, following)
    ).fetchone()
    return 0 if found is None else int(found[0])


def profiles(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, Any]]:
    """bridge.get_profiles: each account's profile, by name; every account must exist."""
    names = query.get("accounts")
    if not isinstance(names, list) or not names:
        raise invalid_params("accounts must be a non-empty list of account names")
    if len(names) > MAX_PROFILES:
        raise invalid_params(f"at most {MAX_PROFILES} accounts per call")
    wanted = sorted({account_param(name, "accounts") for name in names})
    missing = [name for name in wanted if reader.state.account(name) is None]
    if missing:
        raise invalid_params(f"accounts do not exist: {', '.join(missing)}")
    observer = observer_param(reader, query.get("observer"))
    found = []
    for name in wanted:
        shape = profile(reader, name)
        if observer is not None:
            state = follow_state(reader.state.db, observer, name)
            shape["context"] = {"followed": state == 1, "muted": state == 2}
        found.append(shape)
    return found


def relationship(reader: ChainReader, params: Any) -> dict[str, bool]:
    """From account1's side: does it follow or ignore account2 (Stoa has no blacklists or lists of lists)."""
    query = arguments(params, "get_relationship_between_accounts", ("account1", "account2", "observer"), ("debug",))
    first = existing_account(reader, query.get("account1"), "account1")
    second = existing_account(reader, query.get("account2"), "account2")
    observer_param(reader, query.get("observer"))
    state = follow_state(reader.state.db, first, second)
    return {
        "follows": state == 1,
        "ignores": state == 2,
        "blacklists": False,
        "follows_blacklists": False,
        "follows_muted": False,
    }


def follow_list(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, str]]:
    """bridge.get_follow_list: the accounts the observer mutes (ignores); Stoa indexes no blacklists
    and no followed lists, so those types are empty."""
    observer = existing_account(reader, query.get("observer"), "observer")
    kind = query.get("follow_type") or "blacklisted"
    if kind not in FOLLOW_LISTS:
        raise invalid_params(f"follow_type must be one of {', '.join(FOLLOW_LISTS)}, got {kind!r}")
    if kind != "muted":
        return []
    rows = reader.state.db.execute(
        "SELECT following FROM follows WHERE follower = ? AND state = 2 ORDER BY following", (observer,)
    )
    return [{"name": name, "blacklist_description": "", "muted_list_description": ""} for (name,) in rows]


def trending_topics(reader: ChainReader, query: dict[str, Any]) -> list[list[str]]:
    """[name, title] of the top communities by rank, then [tag, "#tag"] of the top trending tags."""
    limit = page_limit(query.get("limit"), 10, MAX_TOPICS)
    observer_param(reader, query.get("observer"))
    db = reader.state.db
    topics = [[row["name"], row["title"] or row["name"]] for row in ranked_communities(db)[:limit]]
    tags = trending_tags(db, "", limit - len(topics)) if len(topics) < limit else []
    return topics + [[tag["name"], "#" + tag["name"]] for tag in tags]


PAYOUT_ITEMS = (
    "SELECT p.community, COALESCE(NULLIF(c.title, ''), p.community), SUM(p.pending_payout), COUNT(*),"
    " COUNT(DISTINCT p.author) FROM posts p LEFT JOIN communities c ON c.name = p.community"
    " WHERE p.is_paidout = 0 AND p.community IS NOT NULL GROUP BY p.community"
    " UNION ALL SELECT '@' || author, '@' || author, SUM(pending_payout), COUNT(*), NULL FROM posts"
    " WHERE is_paidout = 0 AND community IS NULL GROUP BY author ORDER BY 3 DESC, 1 LIMIT ?"
)


def payout_stats(db: sqlite3.Connection, query: dict[str, Any]) -> dict[str, Any]:
    """hivemind's treemap data ([url, label, payout, posts, authors]): communities, and the authors of
    unpaid posts and comments outside any, by pending payout; `blogs` is the total outside communities."""
    limit = page_limit(query.get("limit"), MAX_TAGS, MAX_TAGS)
    items = [
        [url, label, payout / 1000, posts, authors]
        for url, label, payout, posts, authors in db.execute(PAYOUT_ITEMS, (limit,))
    ]
    total, blogs = db.execute(
        "SELECT COALESCE(SUM(pending_payout), 0), COALESCE(SUM(CASE WHEN community IS NULL THEN pending_payout END), 0)"
        " FROM posts WHERE is_paidout = 0"
    ).fetchone()
    return {"items": items, "total": total / 1000, "blogs": blogs / 1000}


# --- registration -------------------------------------------------------------------------------


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    def db() -> sqlite3.Connection:
        return reader.state.db

    def condenser(method: str, fields: tuple[str, ...], handler: Any, extra: tuple[str, ...] = ()) -> None:
        dispatcher.add(f"condenser_api.{method}", lambda p: handler(arguments(p, method, fields, extra)))

    def bridge(method: str, fields: tuple[str, ...], handler: Any) -> None:
        dispatcher.add(f"bridge.{method}", lambda p: handler(bridge_query(p, method, fields)))

    condenser(
        "get_trending_tags",
        ("start_tag", "limit"),
        lambda q: trending_tags(db(), tag_param(q.get("start_tag"), "start_tag"), page_limit(q.get("limit"), 250, 250)),
    )
    condenser(
        "get_discussions_by_author_before_date",
        ("author", "start_permlink", "before_date", "limit"),
        lambda q: author_before_date(reader, q),
        ("truncate_body", "observer"),
    )
    condenser(
        "get_replies_by_last_update",
        ("start_author", "start_permlink", "limit"),
        lambda q: replies_to(reader, q),
        ("truncate_body", "observer"),
    )
    condenser(
        "get_tags_used_by_author",
        ("author",),
        lambda q: tags_used_by_author(db(), existing_account(reader, q.get("author"), "author")),
    )
    condenser(
        "get_account_votes",
        ("voter",),
        lambda q: account_votes(db(), existing_account(reader, q.get("voter"), "voter")),
    )
    condenser("get_state", ("path",), lambda q: get_state(reader, q.get("path")))
    for api, wrap in (("condenser_api", False), ("tags_api", True)):
        register_payout_lists(dispatcher, reader, api, wrap)

    bridge("get_post_header", ("author", "permlink"), lambda q: post_header(db(), q))
    bridge("get_profiles", ("accounts", "observer"), lambda q: profiles(reader, q))
    dispatcher.add("bridge.get_relationship_between_accounts", lambda p: relationship(reader, p))
    bridge("get_follow_list", ("observer", "follow_type"), lambda q: follow_list(reader, q))
    bridge("get_trending_topics", ("limit", "observer"), lambda q: trending_topics(reader, q))
    bridge("get_payout_stats", ("limit",), lambda q: payout_stats(db(), q))


def register_payout_lists(dispatcher: Dispatcher, reader: ChainReader, api: str, wrap: bool) -> None:
    """The payout, promoted and author-before-date lists: condenser_api's bare lists, and the tags_api
    names hivemind also serves (appbase-wrapped in {"discussions": …}, as Stoa's other tags_api lists)."""

    def add(method: str, handler: Any) -> None:
        if wrap:
            dispatcher.add(f"{api}.{method}", lambda p: {"discussions": handler(p)})
        else:
            dispatcher.add(f"{api}.{method}", handler)

    add(
        "get_post_discussions_by_payout",
        lambda p: payout_discussions(reader.state.db, "payout", p, "get_post_discussions_by_payout"),
    )
    add(
        "get_comment_discussions_by_payout",
        lambda p: payout_discussions(reader.state.db, "payout_comments", p, "get_comment_discussions_by_payout"),
    )
    add(
        "get_discussions_by_promoted",
        lambda p: promoted_discussions(reader.state.db, p, "get_discussions_by_promoted"),
    )
    if wrap:
        add(
            "get_discussions_by_author_before_date",
            lambda p: author_before_date(
                reader,
                arguments(
                    named(p, "get_discussions_by_author_before_date"),
                    "get_discussions_by_author_before_date",
                    ("author", "start_permlink", "before_date", "limit"),
                    ("truncate_body", "observer"),
                ),
            ),
        )
