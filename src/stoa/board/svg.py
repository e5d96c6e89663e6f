"""Badge images the board draws itself: one SVG per kind and level.

Each has its colour by upvote category, a glyph by kind and the level on a ribbon.
"""

from __future__ import annotations

from html import escape

from .badges import KINDS, SP_LEVELS

COLOURS = {"first": "#2e7d32", "self": "#1565c0", "others": "#c62828", "personal": "#6a1b9a"}
GLYPHS = {
    "posts": "✎", "comments": "✉", "votes": "▲", "voted": "★", "commented": "☏", "payout": "$",
    "weekly": "7", "monthly": "31", "birthday": "✿", "level": "≈",
    "firstpost": "✎", "firstcomment": "✉", "firstvote": "▲", "firstvoted": "★", "firstcommented": "☏",
    "firstpayout": "$",
}  # fmt: skip


def ribbon_text(kind: str, level: int) -> str:
    if kind == "level":
        return SP_LEVELS[min(max(level, 0), len(SP_LEVELS) - 1)][1]
    if kind.startswith("first"):
        return "first"
    return f"level {level}" if level else "not yet"


def badge_svg(kind: str, level: int) -> str:
    """A 70×70 badge; a level of 0 draws it greyed out (not earned yet)."""
    colour = COLOURS[KINDS[kind].category] if level else "#9e9e9e"
    title = escape(f"{KINDS[kind].title}: {ribbon_text(kind, level)}")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="70" height="70" viewBox="0 0 70 70">'
        f"<title>{title}</title>"
        f'<circle cx="35" cy="32" r="30" fill="{colour}"/>'
        '<circle cx="35" cy="32" r="23" fill="#fff"/>'
        f'<text x="35" y="41" font-family="sans-serif" font-size="24" font-weight="bold" text-anchor="middle"'
        f' fill="{colour}">{escape(GLYPHS[kind])}</text>'
        f'<rect x="5" y="52" width="60" height="15" rx="4" fill="{colour}"/>'
        f'<text x="35" y="63" font-family="sans-serif" font-size="10" text-anchor="middle" fill="#fff">'
        f"{escape(ribbon_text(kind, level))}</text></svg>"
    )
