"""Read-only pages (post lists, the post page with its thread, profiles) rendered with Jinja2.

Every read goes through the API's query helpers (`stoa.api.posts`, `stoa.api.social`) on the
ChainReader's per-thread read-only connection; nothing here writes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..api.jsonrpc import RpcError
from ..api.posts import bridge_post, fetch_posts
from ..api.reads import ChainReader
from ..api.social import blog, discussion, profile, ranked
from ..protocol.rules import account_name_problem

HERE = Path(__file__).parent
LIST_SORTS = ("trending", "hot", "created")
COMMENT_SORTS = ("trending", "votes", "age")
PAGE_SIZE = 20
MAX_TAG = 32

env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))


def relative_time(seconds: int, now: float | None = None) -> str:
    """ "7 years ago", "3 minutes ago", "just now": the react-intl style condenser shows."""
    delta = int((time.time() if now is None else now) - seconds)
    if delta < 45:
        return "just now" if delta > -45 else "in the future"
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if delta >= size:
            count = round(delta / size) if unit != "year" else delta // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return f"{delta} seconds ago"


def parse_time(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp())


def when(text: str) -> dict[str, str]:
    """A post time (chain format, UTC) as its relative text and full date for a tooltip."""
    seconds = parse_time(text)
    return {
        "ago": relative_time(seconds),
        "full": datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }


def rep(value: float) -> int:
    return int(value)


def money(value: float) -> str:
    return f"${value:,.2f}"


env.filters.update(when=when, rep=rep, money=money)


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


def error_page(status: int, message: str) -> HTMLResponse:
    title = {400: "Bad request", 404: "Page not found", 405: "Method not allowed"}.get(status, "Error")
    return render("error.html", status=status, title=title, status_code=status, message=message)


def bad_query(request: Request, allowed: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The query string's known keys, each checked against its allowed values; anything else is a 400."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            raise PageError(400, f"unknown query parameter {key!r}")
        if key in values or value not in allowed[key]:
            raise PageError(400, f"{key} must be one of {', '.join(allowed[key])}")
        values[key] = value
    return values


def with_body_html(db: Any, posts: list[dict[str, Any]]) -> None:
    """Add the index's sanitized HTML (the only markup rendered raw), its plain-text preview and the net
    vote count to bridge posts."""
    ids = [post["post_id"] for post in posts]
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    rows = {
        row[0]: row[1:]
        for row in db.execute(f"SELECT id, body_html, preview, net_votes FROM posts WHERE id IN ({marks})", ids)
    }
    for post in posts:
        post["body_html"], post["preview"], post["net_votes"] = rows[post["post_id"]]


def comment_key(sort: str) -> Any:
    if sort == "votes":
        return lambda p: (-p["net_votes"], -parse_time(p["created"]))
    if sort == "age":
        return lambda p: (p["stats"]["gray"], -parse_time(p["created"]), -p["post_id"])
    return lambda p: (p["stats"]["gray"], -int(p["net_rshares"]), -p["payout"], p["post_id"])


def thread_tree(thread: dict[str, dict[str, Any]], key: str, sort: str) -> list[dict[str, Any]]:
    """The replies of `key`, each with its own sorted replies under "children", at every depth."""
    children = sorted((thread[k] for k in thread[key]["replies"]), key=comment_key(sort))
    return [
        {"post": child, "children": thread_tree(thread, f"{child['author']}/{child['permlink']}", sort)}
        for child in children
    ]


class Site:
    def __init__(self, reader: ChainReader) -> None:
        self.reader = reader

    @property
    def db(self) -> Any:
        return self.reader.state.db

    def posts_list(self, request: Request) -> Response:
        sort = request.path_params.get("sort", "trending")
        tag = request.path_params.get("tag", "")
        bad_query(request, {})
        if sort not in LIST_SORTS:
            raise PageError(404, f"no such page: /{sort}")
        if tag:
            known = self.db.execute("SELECT 1 FROM post_tags WHERE tag = ? LIMIT 1", (tag,)).fetchone()
            if len(tag) > MAX_TAG or known is None:
                raise PageError(404, f"no posts tagged #{tag}")
        db = self.db
        posts = [bridge_post(db, post) for post in ranked(db, sort, tag, None, PAGE_SIZE, False)]
        with_body_html(db, posts)
        return render("list.html", sort=sort, tag=tag, sorts=LIST_SORTS, posts=posts)

    def post_page(self, request: Request) -> Response:
        category, author, permlink = (request.path_params[k] for k in ("category", "author", "permlink"))
        sort = bad_query(request, {"sort": COMMENT_SORTS}).get("sort", "trending")
        db = self.db
        if account_name_problem(author) is not None:
            raise PageError(404, f"no such post @{author}/{permlink}")
        found = fetch_posts(db, "p.author = ? AND p.permlink = ?", (author, permlink), "p.id", 1)
        if not found:
            raise PageError(404, f"no such post @{author}/{permlink}")
        if found[0]["category"] != category:
            return RedirectResponse(f"/{found[0]['category']}/@{author}/{permlink}", status_code=301)
        thread = discussion(db, author, permlink)
        with_body_html(db, list(thread.values()))
        top = thread[f"{author}/{permlink}"]
        return render(
            "post.html",
            post=top,
            tags=post_tags(top),
            comments=thread_tree(thread, f"{author}/{permlink}", sort),
            sort=sort,
            sorts=COMMENT_SORTS,
        )

    def user_page(self, request: Request) -> Response:
        user = request.path_params["user"]
        bad_query(request, {})
        if account_name_problem(user) is not None or self.reader.state.account(user) is None:
            raise PageError(404, f"no such account @{user}")
        db = self.db
        person = profile(self.reader, user)
        entries = [bridge_post(db, post) for _, _, post in blog(db, user, None, PAGE_SIZE)]
        with_body_html(db, entries)
        fields = person["metadata"]["profile"]
        return render(
            "profile.html",
            person=person,
            display_name=str(fields.get("name") or user),
            about=str(fields.get("about") or ""),
            posts=entries,
        )

    def routes(self) -> list[BaseRoute]:
        return [
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
            Route("/", guarded(self.posts_list), methods=["GET"]),
            Route("/@{user}", guarded(self.user_page), methods=["GET"]),
            Route("/{category}/@{author}/{permlink}", guarded(self.post_page), methods=["GET"]),
            Route("/{sort}", guarded(self.posts_list), methods=["GET"]),
            Route("/{sort}/{tag}", guarded(self.posts_list), methods=["GET"]),
        ]


def post_tags(post: dict[str, Any]) -> list[str]:
    tags = post["json_metadata"].get("tags")
    names = [post["category"]]
    if isinstance(tags, list):
        names += [t for t in tags if isinstance(t, str) and t and t not in names]
    return names[:10]


def guarded(handler: Any) -> Any:
    """A sync page handler (run in the thread pool) whose PageErrors and RPC errors become HTML pages."""

    def endpoint(request: Request) -> Response:
        try:
            return handler(request)  # type: ignore[no-any-return]
        except PageError as problem:
            return error_page(problem.status, problem.message)
        except RpcError as problem:
            return error_page(404, str(problem))

    return endpoint


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405s (unmatched paths) as HTML pages."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error_page(status, str(getattr(exc, "detail", "")) or "Nothing here.")


def site_routes(reader: ChainReader) -> list[BaseRoute]:
    return Site(reader).routes()
