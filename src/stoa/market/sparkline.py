"""A 24-hour sparkline as inline SVG, drawn on the server: a line through the prices and, over each
point, a hover target whose title gives the price and the time."""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape

from .providers import Point

WIDTH, HEIGHT, PAD = 120, 30, 2


def price_text(price: float, decimals: int) -> str:
    return f"${price:,.{decimals}f}"


def point_title(point: Point, decimals: int) -> str:
    moment = datetime.fromtimestamp(point[0], UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{price_text(point[1], max(decimals, significant_decimals(point[1])))} {moment}"


def significant_decimals(price: float) -> int:
    """Enough decimals to tell small prices apart (JST at $0.031 needs 4)."""
    return 4 if price < 1 else 2


def sparkline(points: tuple[Point, ...], colour: str, decimals: int, label: str) -> Markup:
    """The SVG for `points` (oldest first), scaled to fill the box."""
    prices = [price for _, price in points]
    low, high = min(prices), max(prices)
    span = (high - low) or 1.0
    step = WIDTH / (len(points) - 1) if len(points) > 1 else 0.0
    places = [
        (
            round(i * step if len(points) > 1 else WIDTH / 2, 2),
            round(HEIGHT - PAD - (p - low) / span * (HEIGHT - 2 * PAD), 2),
        )
        for i, p in enumerate(prices)
    ]
    line = " ".join(f"{x},{y}" for x, y in places)
    targets = "".join(
        f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}" fill-opacity="0.01">'
        f"<title>{escape(point_title(point, decimals))}</title></circle>"
        for (x, y), point in zip(places, points, strict=True)
    )
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img"'
        f' aria-label="{escape(label)}"><polyline points="{line}" fill="none" stroke="{colour}"'
        f' stroke-width="1.5"/>{targets}</svg>'
    )
