"""Jinja2 for the site: the environment (autoescape on), its filters, and page / error responses."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

HERE = Path(__file__).parent
env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
TITLES = {400: "Bad request", 404: "Page not found", 405: "Method not allowed"}


def relative_time(seconds: int, now: float | None = None) -> str:
    """ "7 years ago", "3 minutes ago", "just now", "in 6 days": the react-intl style condenser shows."""
    delta = int((time.time() if now is None else now) - seconds)
    if abs(delta) < 45:
        return "just now"
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if abs(delta) >= size:
            count = round(abs(delta) / size) if unit != "year" else abs(delta) // size
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"{text} ago" if delta > 0 else f"in {text}"
    return f"{abs(delta)} seconds ago" if delta > 0 else f"in {-delta} seconds"


EPOCH = datetime(1970, 1, 1)


def iso_time(seconds: int) -> str:
    """Seconds as a chain time, `2026-01-01T00:00:00` (UTC)."""
    return (EPOCH + timedelta(seconds=seconds)).isoformat()


def parse_time(text: str) -> int:
    """A chain time (`2026-01-01T00:00:00`, UTC) in seconds."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def when(text: str, now: float | None = None) -> dict[str, str]:
    """A chain time (UTC) as its relative text and the full date for a tooltip."""
    return {"ago": relative_time(parse_time(text), now), "full": text.replace("T", " ") + " UTC"}


def money(value: float) -> str:
    return f"${value:,.2f}"


def amount(value: float, decimals: int = 3) -> str:
    return f"{value:,.{decimals}f}"


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


env.filters.update(when=when, rep=int, money=money, amount=amount, plural=plural)


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


def error_page(status: int, message: str) -> HTMLResponse:
    title = TITLES.get(status, "Error")
    return render("error.html", status=status, title=title, status_code=status, message=message)
