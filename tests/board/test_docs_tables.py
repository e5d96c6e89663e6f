"""docs/board.md publishes the badge tables; these tests read them from the file and hold the code to them,
so neither can change without the other."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from stoa.board.badges import CATEGORIES, DEFAULT_POLICY, KINDS, SBD_SATOSHIS, SP_LEVELS

DOC = Path(__file__).resolve().parents[2] / "docs" / "board.md"
HEADER = "| kind | counts | thresholds (level 1, 2, …) | then every | upvote category |"


def section(title: str) -> str:
    """The text of one `## ` or `### ` section of docs/board.md."""
    text = DOC.read_text()
    start = text.index(f"\n{title}\n")
    following = re.search(r"\n#{2,3} ", text[start + len(title) + 2 :])
    return text[start : start + len(title) + 2 + following.start()] if following else text[start:]


def badge_rows() -> dict[str, list[str]]:
    """The published badge table: each kind (a row may name several) → its cells after the kind."""
    lines = section("## Badges").splitlines()
    start = lines.index(HEADER)
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        for kind in re.findall(r"`(\w+)`", cells[0]):
            rows[kind] = cells[1:]
    return rows


def numbers(cell: str) -> list[Decimal]:
    """'5, 10, 20' or 'Minnow 500, Dolphin 5,000' → the numbers (a comma between digits groups thousands)."""
    return [Decimal(found.replace(",", "")) for found in re.findall(r"\d(?:[\d,]*\d)?(?:\.\d+)?", cell)]


def test_the_published_badge_table_names_every_kind_and_its_category() -> None:
    rows = badge_rows()
    assert set(rows) == set(KINDS)
    for name, kind in KINDS.items():
        assert rows[name][3] == kind.category, name


def test_the_published_thresholds_and_steps_are_the_codes() -> None:
    for name, (_, thresholds, step, _) in badge_rows().items():
        kind = KINDS[name]
        if name == "level":
            continue  # its own table below
        if not kind.thresholds:  # one level per occurrence: a first-time badge, a week, a month, a year
            assert step == "—" and (thresholds == "1" or thresholds.startswith("every ")), name
            assert kind.step == 0 and [kind.level(n) for n in (0, 1, 2)] == [0, 1, 2], name
            continue
        scale = SBD_SATOSHIS if name == "payout" else 1
        assert [n * scale for n in numbers(thresholds)] == list(kind.thresholds), name
        assert numbers(step) == [Decimal(kind.step) / scale], name


def test_the_published_levels_by_steem_power_are_the_codes() -> None:
    cell = badge_rows()["level"][1]
    published = [(0, found) for found in re.findall(r"below: (\w+)", cell)]
    published += [(int(amount.replace(",", "")), name) for name, amount in re.findall(r"(\w+) (\d[\d,]*\d)", cell)]
    assert sorted(published) == list(SP_LEVELS)


def test_the_published_default_upvote_policy_is_the_codes() -> None:
    text = section("### Upvotes")
    published = {name: int(percent) for name, percent in re.findall(r"`(\w+)` (\d+) %", text)}
    assert set(published) == set(CATEGORIES)
    assert {name: percent * 100 for name, percent in published.items()} == DEFAULT_POLICY
