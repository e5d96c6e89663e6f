"""Badges and ingestion without a node: threshold tables, labels, permlinks, calendar rules, STOP words,
and operations applied to a real board database (malformed ones included)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stoa.board.badges import KINDS, badge_label, sp_level, vote_weight
from stoa.board.ingest import COMMAND, DAY, ingest_block, month_of, years_after
from stoa.board.notify import badges_body, compose, permlink_for
from stoa.board.store import open_store

BOT = "steemitboard"


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def test_levels_follow_the_published_tables() -> None:
    posts, votes = KINDS["posts"], KINDS["votes"]
    assert [posts.level(n) for n in (4, 5, 9, 10, 250, 299, 300, 350)] == [0, 1, 1, 2, 10, 10, 11, 12]
    assert posts.next_target(10) == "Your next target is to reach 300 posts."
    assert votes.level(6000) == votes.level(6999) == votes.level(7000) - 1
    assert votes.next_target(votes.level(6000)) == "Your next target is to reach 7,000 upvotes."
    assert KINDS["payout"].next_target(1) == "Your next target is to reach a total payout of 1 SBD."
    assert badge_label("payout", 1).startswith("Award for the total payout received. ")
    assert badge_label("level", 3) == "Your level rose and you are now an Orca!"
    assert badge_label("birthday", 2) == "Happy Birthday! You are on the Steemit blockchain for 2 years!"
    assert [sp_level(sp) for sp in (0, 499, 500, 5_000, 499_999, 10**7)] == [0, 0, 1, 2, 3, 4]


def test_upvote_policy_takes_the_largest_weight_and_kind_overrides_category() -> None:
    policy = {"first": 100, "self": 0, "others": 1000, "personal": 500}
    assert vote_weight(["posts", "comments"], policy) == 0
    assert vote_weight(["posts", "firstvote"], policy) == 100
    assert vote_weight(["firstpost", "payout"], policy) == 1000
    assert vote_weight(["payout"], {**policy, "payout": 0}) == 0


def test_permlinks_and_the_network_name() -> None:
    moment = at("2018-04-28T04:32:41")
    assert permlink_for("badges", "lordvader", moment) == "steemitboard-notify-lordvader-20180428t043241000z"
    assert permlink_for("badges", "some.one", moment) == "steemitboard-notify-some-one-20180428t043241000z"
    body = badges_body("alice", [("weekly", 1)], "http://b", voted=False, network="Stoa")
    assert "achievement on Stoa and" in body and "Board of Honor on StoaBoard." in body and "Steemit" not in body
    assert "upvoted" not in body and body.endswith("reply to this comment with the word `STOP`")


def test_calendar_rules() -> None:
    assert month_of(at("2024-02-10T12:00:00") // DAY) == (
        at("2024-02-01T00:00:00") // DAY,
        at("2024-02-29T00:00:00") // DAY,
    )
    assert month_of(at("2026-12-31T00:00:00") // DAY)[1] == at("2026-12-31T00:00:00") // DAY
    assert years_after(at("2024-02-29T10:00:00"), 1) == at("2025-03-01T10:00:00")


@pytest.mark.parametrize("body", ["STOP", "stop", "Stop!", "  `STOP`  ", "stop.", "START", "start!!"])
def test_stop_and_start_words(body: str) -> None:
    assert COMMAND.match(body)


@pytest.mark.parametrize("body", ["please stop", "STOP it", "stopp", "", "unstoppable", "START STOP"])
def test_not_stop_words(body: str) -> None:
    assert COMMAND.match(body) is None


def op(name: str, timestamp: int, **body: object) -> dict[str, object]:
    return {"op": [name, body], "timestamp": datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S")}


def post(author: str, permlink: str, timestamp: int) -> dict[str, object]:
    return op(
        "comment", timestamp, parent_author="", parent_permlink="news", author=author, permlink=permlink, body="x"
    )


def test_ingest_counts_badges_months_birthdays_and_survives_malformed_operations(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = open_store(tmp_path / "board.db")
    start = at("2025-02-01T08:00:00")
    ingest_block(db, BOT, 1, start, [op("account_create", start, new_account_name="ann")])
    for day in range(28):  # every day of February 2025: the monthly badge (and four weekly ones)
        moment = start + day * DAY
        ingest_block(db, BOT, 2 + day, moment, [post("ann", f"p{day}", moment), post("ann", f"p{day}", moment)])
    badges = dict(db.execute("SELECT kind, MAX(level) FROM badges WHERE account = 'ann' GROUP BY kind").fetchall())
    assert badges["monthly"] == 1 and badges["weekly"] == 3 and badges["posts"] == KINDS["posts"].level(28)
    assert db.execute("SELECT value FROM stats WHERE account = 'ann' AND kind = 'posts'").fetchone()[0] == 28

    with caplog.at_level(logging.WARNING, logger="stoa.board"):
        bad = [
            {"op": ["vote", {"voter": "ann"}]},
            {"nothing": 1},
            op("comment_reward", start, author="ann", payout="1 XYZ"),
        ]
        ingest_block(db, BOT, 40, start + 40 * DAY, bad)
    assert caplog.text.count("malformed operation skipped") == 3

    year_later = years_after(start, 1)
    ingest_block(db, BOT, 41, year_later, [op("vote", year_later, voter="ann", author="bob", permlink="x", weight=1)])
    assert db.execute("SELECT level FROM badges WHERE account = 'ann' AND kind = 'birthday'").fetchone() == (1,)
    assert compose(db, year_later, 7 * DAY) == 1  # the birthday and the first vote; February is past the horizon
    waiting = db.execute("SELECT kind FROM badges WHERE notification > 0 ORDER BY kind").fetchall()
    assert waiting == [("birthday",), ("firstvote",)]
