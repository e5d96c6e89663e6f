"""bridge's community reads over the index, in hivemind's shapes (hivemind.md §2.1 item 7).

The reads: communities, their team, roles, subscribers and an account's subscriptions.

A community's `sum_pending` (whole SBD, rounded), `num_pending` and `num_authors` count its unpaid
top-level posts, computed when asked; its rank orders communities by those three, then subscribers,
then whether it has a title, then age (hivemind's update_communities_rank). `list_communities`'
`query` keeps communities whose title and about hold every word of it (case-insensitive), a plain
stand-in for hivemind's full-text match. Times print as hivemind's `YYYY-MM-DD HH:MM:SS`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import orjson

from ..index.communities import ADMIN, COMMUNITY_NAME, MOD, MUTED, OWNER, ROLE_NAMES, exists
from .jsonrpc import Dispatcher, invalid_params
from .notifications import last_read_text
from .reads import ChainReader
from .social import account_param, bridge_query, existing_account, observer_param, page_limit

SORTS = ("rank", "new", "subs")
MAX_COMMUNITIES = 100
MAX_POPULAR = 25
MAX_ROLES = 1000
MAX_SUBSCRIBERS = 100
POPULAR_WINDOW = 30 * 24 * 3600  # list_pop_communities counts the last month's subscriptions

COLUMNS = (
    "id",
    "name",
    "title",
    "about",
    "lang",
    "type_id",
    "is_nsfw",
    "subscribers",
    "created",
    "avatar_url",
    "description",
    "flag_text",
    "settings",
    "pending",
    "num_pending",
    "num_authors",
)
COMMUNITIES = (
    "SELECT c.id, c.name, c.title, c.about, c.lang, c.type_id, c.is_nsfw, c.subscribers, c.created, c.avatar_url,"
    " c.description, c.flag_text, c.settings, COALESCE(s.pending, 0), COALESCE(s.posts, 0), COALESCE(s.authors, 0)"
    " FROM communities c LEFT JOIN (SELECT community, SUM(pending_payout) AS pending, COUNT(*) AS posts,"
    " COUNT(DISTINCT author) AS authors FROM posts WHERE community IS NOT NULL AND depth = 0 AND is_paidout = 0"
    " GROUP BY community) s ON s.community = c.name"
)


# --- reading ------------------------------------------------------------------------------------


def community_param(db: sqlite3.Connection, value: Any, field: str = "name", allow_empty: bool = False) -> str:
    """A community's name, which must exist ('' when allowed and not given)."""
    if allow_empty and (value is None or value == ""):
        return ""
    if not isinstance(value, str) or not COMMUNITY_NAME.fullmatch(value):
        raise invalid_params(f"{field} must be a community name like hive-123456, got {value!r}")
    if not exists(db, value):
        raise invalid_params(f"{field}: community {value!r} not found")
    return value


def ranked_communities(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every community with its pending figures, in rank order."""
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in db.execute(COMMUNITIES)]
    rows.sort(key=rank_key)
    return rows


def rank_key(c: dict[str, Any]) -> tuple[int, int, int, int, bool, int]:
    return (-c["pending"], -c["num_authors"], -c["num_pending"], -c["subscribers"], c["title"] == "", c["id"])


def community_row(db: sqlite3.Connection, name: str) -> dict[str, Any]:
    row = db.execute(COMMUNITIES + " WHERE c.name = ?", (name,)).fetchone()
    return dict(zip(COLUMNS, row, strict=True))


def context(db: sqlite3.Connection, community: str, account: str) -> dict[str, Any]:
    """An account's role, title and subscription in a community."""
    found = db.execute(
        "SELECT role, title FROM community_roles WHERE community = ? AND account = ?", (community, account)
    ).fetchone()
    subscribed = db.execute(
        "SELECT 1 FROM community_subscriptions WHERE community = ? AND account = ?", (community, account)
    ).fetchone()
    role, title = found if found is not None else (0, "")
    return {"role": ROLE_NAMES[role], "subscribed": subscribed is not None, "title": title}


def lite(row: dict[str, Any]) -> dict[str, Any]:
    """The fields every community shape shares (list_communities' lite object, before context)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "title": row["title"] or f"@{row['name']}",
        "about": row["about"],
        "lang": row["lang"],
        "type_id": row["type_id"],
        "is_nsfw": bool(row["is_nsfw"]),
        "subscribers": row["subscribers"],
        "sum_pending": round(row["pending"] / 1000),
        "num_pending": row["num_pending"],
        "num_authors": row["num_authors"],
        "created_at": last_read_text(row["created"]),
        "avatar_url": row["avatar_url"],
    }


def roles(db: sqlite3.Connection, community: str, lowest: int, highest: int) -> list[list[Any]]:
    """[account, role, title] of those holding a role in [lowest, highest], highest role first."""
    rows = db.execute(
        "SELECT account, role, title FROM community_roles WHERE community = ? AND role BETWEEN ? AND ?"
        " ORDER BY role DESC, account",
        (community, lowest, highest),
    )
    return [[name, ROLE_NAMES[role], title] for name, role, title in rows]


# --- methods ------------------------------------------------------------------------------------


def get_community(reader: ChainReader, query: dict[str, Any]) -> dict[str, Any]:
    db = reader.state.db
    name = community_param(db, query.get("name"))
    observer = observer_param(reader, query.get("observer"))
    row = community_row(db, name)
    shape = lite(row)
    shape.update(
        description=row["description"],
        flag_text=row["flag_text"],
        settings=orjson.loads(row["settings"]),
        context={} if observer is None else context(db, name, observer),
        team=roles(db, name, MOD, OWNER),
    )
    return shape


def list_communities(reader: ChainReader, query: dict[str, Any]) -> list[dict[str, Any]]:
    db = reader.state.db
    last = community_param(db, query.get("last"), "last", allow_empty=True)
    limit = page_limit(query.get("limit"), MAX_COMMUNITIES, MAX_COMMUNITIES)
    sort = query.get("sort") or "rank"
    if sort not in SORTS:
        raise invalid_params(f"Unsupported sort, valid sorts: {', '.join(SORTS)}")
    words = search_words(query.get("query"))
    observer = observer_param(reader, query.get("observer"))
    rows = ranked_communities(db)
    if sort == "new":
        rows.sort(key=lambda c: -c["id"])
    elif sort == "subs":
        rows.sort(key=lambda c: (-c["subscribers"], -c["id"]))
    if last:
        rows = rows[[c["name"] for c in rows].index(last) + 1 :]
    found = [c for c in rows if all(word in f"{c['title']} {c['about']}".lower() for word in words)][:limit]
    return [listed(db, row, observer) for row in found]


def search_words(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, str):
        raise invalid_params(f"query must be a string, got {value!r}")
    return value.lower().split()


def listed(db: sqlite3.Connection, row: dict[str, Any], observer: str | None) -> dict[str, Any]:
    """list_communities' lite object: with the observer's context and the admins, if any."""
    shape = lite(row)
    shape["context"] = {} if observer is None else context(db, row["name"], observer)
    admins = [name for name, _, _ in roles(db, row["name"], ADMIN, ADMIN)]
    if admins:
        shape["admins"] = sorted(admins)
    return shape


def list_pop_communities(reader: ChainReader, query: dict[str, Any]) -> list[list[str]]:
    """[name, title] of the communities with the most subscriptions in the last month."""
    limit = page_limit(query.get("limit"), MAX_POPULAR, MAX_POPULAR)
    since = reader.dgp().time - POPULAR_WINDOW
    rows = reader.state.db.execute(
        "SELECT c.name, c.title FROM communities c JOIN (SELECT community, COUNT(*) AS fresh"
        " FROM community_subscriptions WHERE created > ? GROUP BY community) s ON s.community = c.name"
        " ORDER BY s.fresh DESC, c.id DESC LIMIT ?",
        (since, limit),
    )
    return [[name, title] for name, title in rows]


def list_community_roles(reader: ChainReader, query: dict[str, Any]) -> list[list[Any]]:
    """[account, role, title] of everyone with a role other than guest, highest first, after `last`."""
    db = reader.state.db
    community = community_param(db, query.get("community"), "community")
    limit = page_limit(query.get("limit"), 50, MAX_ROLES)
    found = roles(db, community, MUTED, OWNER)
    entries = [entry for entry in found if entry[1] != "guest"]
    last = query.get("last")
    if last:
        names = [entry[0] for entry in entries]
        if account_param(last, "last") not in names:
            raise invalid_params(f"last: {last!r} holds no role in {community}")
        entries = entries[names.index(last) + 1 :]
    return entries[:limit]


def list_subscribers(reader: ChainReader, query: dict[str, Any]) -> list[list[Any]]:
    """[account, role, title, subscribed at] of a community's subscribers, newest first, after `last`."""
    db = reader.state.db
    community = community_param(db, query.get("community"), "community")
    limit = page_limit(query.get("limit"), MAX_SUBSCRIBERS, MAX_SUBSCRIBERS)
    where, params = "s.community = ?", [community]
    last = query.get("last")
    if last:
        found = db.execute(
            "SELECT id, created FROM community_subscriptions WHERE community = ? AND account = ?",
            (community, account_param(last, "last")),
        ).fetchone()
        if found is None:
            raise invalid_params(f"last: {last!r} does not subscribe to {community}")
        where += " AND (s.created < ? OR (s.created = ? AND s.id > ?))"
        params += [found[1], found[1], found[0]]
    rows = db.execute(
        "SELECT s.account, COALESCE(r.role, 0), r.title, s.created FROM community_subscriptions s"
        " LEFT JOIN community_roles r ON r.community = s.community AND r.account = s.account"
        f" WHERE {where} ORDER BY s.created DESC, s.id LIMIT ?",
        (*params, limit),
    )
    return [[name, ROLE_NAMES[role], title, last_read_text(created)] for name, role, title, created in rows]


def list_all_subscriptions(reader: ChainReader, query: dict[str, Any]) -> list[list[Any]]:
    """[community, title, role, role title] of every community the account subscribes to, highest role
    first, then by rank."""
    db = reader.state.db
    account = existing_account(reader, query.get("account"))
    rank = {row["name"]: position for position, row in enumerate(ranked_communities(db))}
    rows = db.execute(
        "SELECT c.name, c.title, COALESCE(r.role, 0), COALESCE(r.title, '') FROM community_subscriptions s"
        " JOIN communities c ON c.name = s.community"
        " LEFT JOIN community_roles r ON r.community = s.community AND r.account = s.account WHERE s.account = ?",
        (account,),
    ).fetchall()
    rows.sort(key=lambda row: (-row[2], rank[row[0]]))
    return [[name, title, ROLE_NAMES[role], role_title] for name, title, role, role_title in rows]


def get_community_context(reader: ChainReader, query: dict[str, Any]) -> dict[str, Any]:
    db = reader.state.db
    name = community_param(db, query.get("name"))
    return context(db, name, existing_account(reader, query.get("account")))


Method = Callable[[ChainReader, dict[str, Any]], Any]


def register(dispatcher: Dispatcher, reader: ChainReader) -> None:
    def add(method: str, fields: tuple[str, ...], handler: Method) -> None:
        dispatcher.add(f"bridge.{method}", lambda params: handler(reader, bridge_query(params, method, fields)))

    methods: dict[str, tuple[tuple[str, ...], Method]] = {
        "get_community": (("name", "observer"), get_community),
        "get_community_context": (("name", "account"), get_community_context),
        "list_communities": (("last", "limit", "query", "sort", "observer"), list_communities),
        "list_pop_communities": (("limit",), list_pop_communities),
        "list_community_roles": (("community", "last", "limit"), list_community_roles),
        "list_subscribers": (("community", "last", "limit"), list_subscribers),
        "list_all_subscriptions": (("account",), list_all_subscriptions),
    }
    for method, (fields, handler) in methods.items():
        add(method, fields, handler)
