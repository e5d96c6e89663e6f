"""The board's web site on its own port: the Board of Honor, badge images, and a JSON API.

The Board of Honor is at /@name. The JSON API gives a user's badges (/api/badges/name, the shape
HiveBuzz's has) and the board's own progress.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..protocol.rules import account_name_problem
from .badges import KINDS, SBD_SATOSHIS, badge_label
from .store import opted_out, read_store
from .svg import badge_svg

env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(default=True)
)
SVG_HEADERS = {"Cache-Control": "public, max-age=300"}


def iso(timestamp: int | None) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S") if timestamp else ""


def shown(kind: str, value: int) -> str:
    return f"{value / SBD_SATOSHIS:,.3f} SBD" if kind == "payout" else f"{value:,}"


def account_badges(db: sqlite3.Connection, account: str, board_url: str) -> list[dict[str, Any]]:
    """Every badge kind for `account`: its level, when that level was earned, its count and next target."""
    earned = {
        kind: (level, when)
        for kind, level, when in db.execute(
            "SELECT kind, level, earned FROM badges WHERE account = ? ORDER BY level", (account,)
        )
    }
    values = dict(db.execute("SELECT kind, value FROM stats WHERE account = ?", (account,)).fetchall())
    badges = []
    for kind, spec in KINDS.items():
        level, when = earned.get(kind, (0, None))
        value = int(values.get(kind, 0))
        nxt = spec.threshold(level + 1) if spec.thresholds else None
        badges.append(
            {
                "id": kind,
                "name": kind,
                "title": spec.title,
                "type": "activity" if spec.category != "personal" else "perso",
                "url": f"{board_url}/badges/{kind}-{level}.svg",
                "state": "on" if level else "off",
                "level": level,
                "earned": iso(when),
                "label": badge_label(kind, level) if level else spec.label,
                "value": value,
                "next": nxt,
                "shown_value": shown(kind, value),
                "shown_next": shown(kind, nxt) if nxt else "",
            }
        )
    return badges


def board_app(
    path: Path, board_url: str, network: str, status: Callable[[sqlite3.Connection], dict[str, Any]], site_url: str = ""
) -> Starlette:
    """The Starlette app; `status` reports the follower's progress for /api/status."""
    local = threading.local()

    def db() -> sqlite3.Connection:
        if not hasattr(local, "db"):
            local.db = read_store(path)
        connection: sqlite3.Connection = local.db
        return connection

    def name_of(request: Request) -> str | None:
        name = str(request.path_params["account"])
        return None if account_name_problem(name) else name

    def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(network=network, **context)
        return HTMLResponse(html, status_code=status_code)

    def home(request: Request) -> Response:
        rows = db().execute("SELECT account, kind, earned FROM badges ORDER BY earned DESC, rowid DESC LIMIT 20")
        latest = [{"account": a, "title": KINDS[k].title, "earned": iso(e)} for a, k, e in rows]
        return page("home.html", latest=latest, status=status(db()))

    def find(request: Request) -> Response:
        return RedirectResponse(f"/@{request.query_params.get('account', '').strip().lstrip('@')}", status_code=303)

    def honor(request: Request) -> Response:
        name = name_of(request)
        if name is None:
            return PlainTextResponse("not an account name", status_code=404)
        badges = account_badges(db(), name, board_url)
        return page(
            "honor.html",
            account=name,
            badges=badges,
            earned=any(b["state"] == "on" for b in badges),
            opted_out=opted_out(db(), name),
            site_url=site_url,
        )

    def api_badges(request: Request) -> Response:
        name = name_of(request)
        if name is None:
            return JSONResponse({"error": "not an account name"}, status_code=404)
        return JSONResponse(account_badges(db(), name, board_url))

    def image(kind: str, level: int) -> Response:
        if kind not in KINDS or level < 0:
            return PlainTextResponse("no such badge", status_code=404)
        return Response(badge_svg(kind, level), media_type="image/svg+xml", headers=SVG_HEADERS)

    def fixed_image(request: Request) -> Response:
        kind, _, level = str(request.path_params["badge"]).rpartition("-")
        return image(kind, int(level)) if level.isdigit() else PlainTextResponse("no such badge", status_code=404)

    def user_image(request: Request) -> Response:
        name, kind = name_of(request), str(request.path_params["kind"])
        if name is None or kind not in KINDS:
            return PlainTextResponse("no such badge", status_code=404)
        row = db().execute("SELECT MAX(level) FROM badges WHERE account = ? AND kind = ?", (name, kind)).fetchone()
        return image(kind, int(row[0] or 0))

    return Starlette(
        routes=[
            Route("/", home),
            Route("/board", find),
            Route("/api/status", lambda request: JSONResponse(status(db()))),
            Route("/api/badges/{account}", api_badges),
            Route("/badges/{badge}.svg", fixed_image),
            Route("/@{account}/{kind}.svg", user_image),
            Route("/@{account}", honor),
        ]
    )
