"""The site's routes, each read through the API's query layer.

The routes serve lists, tags, the post page, profiles with their tabs, the wallet, the editor and
login pages, JSON variants and the editor's preview.

Pages are rendered on the server and read without JavaScript; every write is a transaction the
browser signs (static/stoa.js) and broadcasts to the JSON-RPC endpoint on POST /.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..api.discussions import legacy_account, trending_tags
from ..api.jsonrpc import RpcError
from ..api.notifications import account_notifications
from ..api.posts import bridge_post, fetch_posts
from ..api.reads import ChainReader
from ..api.social import account_posts, followers, profile, ranked
from ..index.render import render_body
from ..market import widget as coin_marketplace
from ..protocol.rules import account_name_problem
from . import views, wallet
from .templating import HERE, env, error_page, render

LIST_SORTS = ("trending", "hot", "created", "payout", "muted")
SORT_LABELS = {"trending": "Trending", "hot": "Hot", "created": "New", "payout": "Payouts", "muted": "Muted"}
POST_TABS = ("blog", "posts", "comments", "replies", "payout", "feed")
PEOPLE_TABS = ("followers", "followed")
PROFILE_TABS = (*POST_TABS, *PEOPLE_TABS, "notifications", "transfers")
PAGE_SIZE = 20
MAX_TAG = 32
MAX_TAGS = 250
MAX_PREVIEW = 65_536
MUTED = "p.depth = 0 AND p.is_paidout = 0 AND (p.net_rshares < 0 OR COALESCE(r.reputation, 0) < 0)"
NODE_MODULES = HERE / "js" / "node_modules"
VENDOR = {  # the browser scripts `make` installs with npm (js/package.json)
    "regenerator-runtime.js": NODE_MODULES / "regenerator-runtime" / "runtime.js",
    "dsteem.js": NODE_MODULES / "dsteem" / "dist" / "dsteem.js",
}
env.filters.update(voters=views.voters)
coin_marketplace.install(env)
env.globals["board_url"] = ""
env.globals["page_size"] = PAGE_SIZE


def link_board(url: str) -> None:
    """Profiles link to the account's Board of Honor on the achievements board at `url`."""
    env.globals["board_url"] = url.rstrip("/")


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_query(request: Request, allowed: dict[str, tuple[str, ...] | None]) -> dict[str, str]:
    """The query string's known keys, each once and (when listed) one of its allowed values; anything
    else is a 400."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            raise PageError(400, f"unknown query parameter {key!r}")
        choices = allowed[key]
        if key in values or (choices is not None and value not in choices):
            raise PageError(400, f"{key} must be given once" + (f", one of {', '.join(choices)}" if choices else ""))
        values[key] = value
    return values


def checked_name(name: str) -> str:
    if account_name_problem(name) is not None:
        raise PageError(404, f"no such account @{name}")
    return name


class Site:
    def __init__(self, reader: ChainReader) -> None:
        self.reader = reader
        self.network = {"chain_id": reader.node.chain_id.hex(), "prefix": "STM"}
        self.tags: tuple[int, list[dict[str, Any]]] = (-1, [])

    @property
    def db(self) -> sqlite3.Connection:
        return self.reader.state.db

    def page(self, name: str, **context: Any) -> HTMLResponse:
        return render(name, network=self.network, **context)

    def bridge_posts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        posts = [bridge_post(self.db, row) for row in rows]
        views.add_page_fields(self.db, posts)
        return posts

    # --- lists --------------------------------------------------------------------------------

    def posts_list(self, request: Request) -> Response:
        sort = request.path_params.get("sort", "trending")
        tag = request.path_params.get("tag", "")
        after = self.after_post(bad_query(request, {"after": None}))
        if sort not in LIST_SORTS:
            raise PageError(404, f"no such page: /{sort}")
        if tag and (
            len(tag) > MAX_TAG or self.db.execute("SELECT 1 FROM post_tags WHERE tag = ?", (tag,)).fetchone() is None
        ):
            raise PageError(404, f"no posts tagged #{tag}")
        rows = self.muted(tag, after) if sort == "muted" else ranked(self.db, sort, tag, after, PAGE_SIZE, False)
        return self.page(
            "list.html", sort=sort, tag=tag, sorts=SORT_LABELS, posts=self.bridge_posts(rows), tags=self.top_tags(12)
        )

    def muted(self, tag: str, after: dict[str, Any] | None) -> list[dict[str, Any]]:
        """Low-rated posts (net downvoted, or by an author of negative reputation), newest first."""
        where, params = MUTED, []
        if tag:
            where += " AND p.id IN (SELECT post_id FROM post_tags WHERE tag = ?)"
            params.append(tag)
        if after is not None:
            where += " AND (p.created < ? OR (p.created = ? AND p.id < ?))"
            params += [after["created"], after["created"], after["id"]]
        return fetch_posts(self.db, where, tuple(params), "p.created DESC, p.id DESC", PAGE_SIZE)

    def after_post(self, query: dict[str, str]) -> dict[str, Any] | None:
        """The post a page of a list starts after (`?after=author/permlink`)."""
        if "after" not in query:
            return None
        author, _, permlink = query["after"].partition("/")
        if not permlink or account_name_problem(author) is not None:
            raise PageError(400, "after must name a post as author/permlink")
        return self.find_post(author, permlink)

    def top_tags(self, limit: int) -> list[dict[str, Any]]:
        """The trending tags, worked out once per block (they sum every unpaid post's payout)."""
        head = self.reader.dgp().head_block_number
        if self.tags[0] != head:
            self.tags = (head, trending_tags(self.db, "", MAX_TAGS))
        return self.tags[1][:limit]

    def tags_page(self, request: Request) -> Response:
        bad_query(request, {})
        return self.page("tags.html", tags=self.top_tags(MAX_TAGS))

    # --- posts --------------------------------------------------------------------------------

    def find_post(self, author: str, permlink: str) -> dict[str, Any]:
        checked_name(author)
        found = fetch_posts(self.db, "p.author = ? AND p.permlink = ?", (author, permlink), "p.id", 1)
        if not found:
            raise PageError(404, f"no such post @{author}/{permlink}")
        return found[0]

    def post_page(self, request: Request) -> Response:
        category, author, permlink = (request.path_params[k] for k in ("category", "author", "permlink"))
        if permlink.endswith(".json"):
            bad_query(request, {})
            return self.post_json(author, permlink.removesuffix(".json"))
        sort = bad_query(request, {"sort": views.COMMENT_SORTS}).get("sort", "trending")
        found = self.find_post(author, permlink)
        if found["category"] != category:
            return RedirectResponse(f"/{found['category']}/@{author}/{permlink}", status_code=301)
        top = bridge_post(self.db, found)
        views.add_page_fields(self.db, [top])
        thread = views.comment_thread(self.db, found)
        comments = views.thread_tree(thread, f"{author}/{permlink}", sort)
        return self.page(
            "post.html",
            post=top,
            root=self.root_of(found),
            tags=views.post_tags(top),
            comments=comments[: views.FIRST_COMMENTS],
            more_comments=comments[views.FIRST_COMMENTS :],
            sort=sort,
            sorts=views.COMMENT_SORTS,
            payout=self.payout_context(),
        )

    def root_of(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """For a comment's own page: its root post and parent (condenser's "single comment's thread")."""
        if row["depth"] == 0:
            return None
        root = self.find_post(row["root_author"], row["root_permlink"])
        parent = self.find_post(row["parent_author"], row["parent_permlink"])
        return {"root": bridge_post(self.db, root), "parent": bridge_post(self.db, parent)}

    def payout_context(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        price = wallet.price_per_steem(self.reader)
        rate = self.reader.dgp().sbd_print_rate
        return lambda post: views.payout_lines(post, price, rate)

    def post_json(self, author: str, permlink: str) -> Response:
        return json_response(bridge_post(self.db, self.find_post(author, permlink)))

    def short_post_url(self, request: Request) -> Response:
        """/@author/permlink → the post's page under its category (or a profile tab)."""
        user, rest = request.path_params["user"], request.path_params["rest"]
        if rest in PROFILE_TABS:
            return self.user_page(request)
        bad_query(request, {})
        found = self.find_post(user, rest)
        return RedirectResponse(f"/{found['category']}/@{user}/{rest}", status_code=301)

    # --- accounts -----------------------------------------------------------------------------

    def user_page(self, request: Request) -> Response:
        user = request.path_params["user"]
        tab = request.path_params.get("rest", "blog")
        if user.endswith(".json") and "rest" not in request.path_params:
            bad_query(request, {})
            return json_response({"user": self.account_json(user.removesuffix(".json"))})
        query = bad_query(request, {"after": None} if tab in POST_TABS else {})
        if self.reader.state.account(checked_name(user)) is None:
            raise PageError(404, f"no such account @{user}")
        context: dict[str, Any] = {"person": profile(self.reader, user), "tab": tab, "tabs": PROFILE_TABS}
        fields = context["person"]["metadata"]["profile"]
        context.update(
            profile_texts(fields, context["person"]["created"]), display_name=str(fields.get("name") or user)
        )
        if tab == "transfers":
            return self.wallet_page(user, context)
        if tab in PEOPLE_TABS:
            rows = followers(self.db, user, "", "blog", 1000, tab == "followed")
            context["people"] = [row["follower" if tab == "followers" else "following"] for row in rows]
        elif tab == "notifications":
            context["notifications"] = account_notifications(self.reader, {"account": user, "limit": 50})
        else:
            after = self.after_post(query)
            start = {"start_author": after["author"], "start_permlink": after["permlink"]} if after else {}
            context["posts"] = account_posts(self.db, {"account": user, "sort": tab, "limit": PAGE_SIZE, **start})
            views.add_page_fields(self.db, context["posts"])
        return self.page("profile.html", **context)

    def account_json(self, name: str) -> dict[str, Any]:
        if self.reader.state.account(checked_name(name)) is None:
            raise PageError(404, f"no such account @{name}")
        return legacy_account(self.reader, name)

    def wallet_page(self, user: str, context: dict[str, Any]) -> Response:
        account = self.reader.state.account(user)
        assert account is not None
        context.update(money=wallet.figures(self.reader, account), history=wallet.history(self.reader, user))
        return self.page("wallet.html", **context)

    # --- writing ------------------------------------------------------------------------------

    def editor(self, request: Request) -> Response:
        query = bad_query(request, {"edit": None})
        editing = None
        if "edit" in query:
            author, _, permlink = query["edit"].removeprefix("@").partition("/")
            if not permlink or account_name_problem(author) is not None:
                raise PageError(400, "edit must name a post as author/permlink")
            editing = bridge_post(self.db, self.find_post(author, permlink))
        return self.page("submit.html", editing=editing, tags=views.post_tags(editing) if editing else [])

    def login(self, request: Request) -> Response:
        bad_query(request, {})
        return self.page("login.html")

    async def preview(self, request: Request) -> Response:
        """The editor's live preview: the body rendered by the index's own sanitizer (nothing stored)."""
        body = await request.body()
        if len(body) > MAX_PREVIEW:
            return HTMLResponse("the body is too long to preview", status_code=413)
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return HTMLResponse("the body must be UTF-8", status_code=400)
        return HTMLResponse(render_body(text).html)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/static/vendor/{name}", vendor_script, methods=["GET"]),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
            Route("/", guarded(self.posts_list), methods=["GET"]),
            Route("/tags", guarded(self.tags_page), methods=["GET"]),
            Route("/submit.html", guarded(self.editor), methods=["GET"]),
            Route("/login.html", guarded(self.login), methods=["GET"]),
            Route("/preview", self.preview, methods=["POST"]),
            Route("/@{user}", guarded(self.user_page), methods=["GET"]),
            Route("/@{user}/{rest}", guarded(self.short_post_url), methods=["GET"]),
            Route("/{category}/@{author}/{permlink}", guarded(self.post_page), methods=["GET"]),
            Route("/{sort}", guarded(self.posts_list), methods=["GET"]),
            Route("/{sort}/{tag}", guarded(self.posts_list), methods=["GET"]),
        ]


def profile_texts(fields: dict[str, Any], created: str) -> dict[str, str]:
    """The profile's about, location, website (only an http(s) address becomes a link) and join month."""
    website = str(fields.get("website") or "")
    return {
        "about": str(fields.get("about") or ""),
        "location": str(fields.get("location") or ""),
        "website": website if website.startswith(("https://", "http://")) else "",
        "joined": datetime.fromisoformat(created).strftime("%B %Y"),
    }


def json_response(value: Any) -> Response:
    return Response(orjson.dumps(value), media_type="application/json")


def vendor_script(request: Request) -> Response:
    """A browser script from the web's npm install, its gzipped copy when there is one and the browser
    takes it."""
    path = VENDOR.get(request.path_params["name"])
    if path is None or not path.exists():
        return error_page(404, "no such script")
    packed = path.with_suffix(".js.gz")
    if "gzip" in request.headers.get("accept-encoding", "") and packed.exists():
        return FileResponse(packed, media_type="text/javascript", headers={"Content-Encoding": "gzip"})
    return FileResponse(path, media_type="text/javascript")


def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A sync page handler (run in the thread pool) whose PageErrors and RPC errors become HTML pages."""

    def endpoint(request: Request) -> Response:
        try:
            return handler(request)
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
