"""A 24-hour sparkline as inline SVG, drawn on the server.

It is a line through the prices and, over each point, a hover target whose title gives the price and
the time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from markupsafe import Markup, escape

from .providers import Point

WIDTH, HEIGHT, PAD = 120, 30, 2


def price_text(price: float, decimals: int) -> str:
    return f"${price:,.{decimals}f}"


def moment_text(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M UTC")


def usd_title(decimals: int) -> Callable[[Point], str]:
    """Hover text for a USD price: `$0.2664 2025-11-30 00:00 UTC`."""
    return lambda point: (
        f"{price_text(point[1], max(decimals, significant_decimals(point[1])))} {moment_text(point[0])}"
    )


def significant_decimals(price: float) -> int:
    """Enough decimals to tell small prices apart (JST at $0.031 needs 4)."""
    return 4 if price < 1 else 2


def sparkline(
    points: tuple[Point, ...],
    colour: str,
    label: str,
    title: Callable[[Point], str],
    width: int = WIDTH,
    height: int = HEIGHT,
    dots: bool = False,
) -> Markup:
    """The SVG for `points` (oldest first), scaled to fill a `width` × `height` box; `title` words each
    point's hover text, and with `dots` each point is marked."""
    prices = [price for _, price in points]
    dot = 2.5 if dots else 3
    low, high = min(prices), max(prices)
    span = high - low
    step = width / (len(points) - 1) if len(points) > 1 else 0.0
    places = [
        (
            round(i * step if len(points) > 1 else width / 2, 2),
            round(height / 2 if high == low else height - PAD - (p - low) / span * (height - 2 * PAD), 2),
        )
        for i, p in enumerate(prices)
    ]
    ends = [(0.0, places[0][1]), (float(width), places[0][1])] if len(places) == 1 else places
    line = " ".join(f"{x},{y}" for x, y in ends)  # a single price: a level line
    targets = "".join(
        f'<circle cx="{x}" cy="{y}" r="{dot}" fill="{colour}" fill-opacity="{0.9 if dots else 0.01}">'
        f"<title>{escape(title(point))}</title></circle>"
        for (x, y), point in zip(places, points, strict=True)
    )
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        f' aria-label="{escape(label)}"><polyline points="{line}" fill="none" stroke="{colour}"'
        f' stroke-width="1.5"/>{targets}</svg>'
    )
