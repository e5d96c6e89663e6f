"""The post page's rules on their own: comment orders, voters, the payout menu, delete and low-rated."""

from __future__ import annotations

from typing import Any

import orjson

from stoa.web import views
from stoa.web.site import env, profile_texts
from stoa.web.templating import relative_time


def post(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "post_id": 1,
        "created_ts": 1_767_225_600,
        "payout": 0.0,
        "net_rshares": "0",
        "votes_json": "[]",
        "low_rated": False,
        "pending_payout_value": "0.000 SBD",
        "author_payout_value": "0.000 SBD",
        "curator_payout_value": "0.000 SBD",
        "max_accepted_payout": "1000000.000 SBD",
        "percent_steem_dollars": 10000,
        "beneficiaries": [],
        "payout_at": "2026-01-08T00:00:00",
        "is_paidout": False,
        "children": 0,
        "stats": {"gray": False, "total_votes": 0},
    }
    return {**base, **fields}


def votes(*rshares: int) -> str:
    return orjson.dumps([{"voter": f"v{n}", "rshares": str(value)} for n, value in enumerate(rshares)]).decode()


def ordered(posts: list[dict[str, Any]], sort: str) -> list[int]:
    return [p["post_id"] for p in sorted(posts, key=views.comment_key(sort))]


def test_comment_orders() -> None:
    rich = post(post_id=1, payout=5.0, net_rshares="10", created_ts=1767225600, votes_json=votes(10))
    liked = post(post_id=2, payout=1.0, net_rshares="50", created_ts=1767312000, votes_json=votes(1, 1, 0))
    gray = post(post_id=3, payout=9.0, low_rated=True, created_ts=1767484800, votes_json=votes(1, 1, 1))
    newest = post(post_id=4, payout=1.0, net_rshares="60", created_ts=1767398400)
    posts = [gray, liked, newest, rich]
    assert ordered(posts, "trending") == [1, 4, 2, 3]  # payout, then net rshares; low-rated last
    assert ordered(posts, "votes") == [3, 2, 1, 4]  # non-zero votes only; no demotion
    assert ordered(posts, "new") == [4, 2, 1, 3]  # newest first; low-rated last


def test_voters_top_twenty_then_more() -> None:
    found = views.voters(post(votes_json=votes(*range(1, 23), 0, -100), stats={"gray": False, "total_votes": 24}))
    assert len(found["shown"]) == 20 and found["more"] == 3 and found["total"] == 24
    assert found["shown"][0] == {"name": "v23", "up": False}  # |−100| is the biggest
    assert "v22" not in [v["name"] for v in found["shown"]]  # the zero vote is skipped


def test_payout_lines_and_menu() -> None:
    pending = post(
        pending_payout_value="10.000 SBD",
        payout=10.0,
        max_accepted_payout="50.000 SBD",
        beneficiaries=[{"account": "carol", "weight": 1000}],
    )
    lines = views.payout_lines(pending, price_per_steem=2.0, sbd_print_rate=5000)
    assert lines["pending"] == 10.0 and lines["sbd"] == 2.5 and lines["steem"] == 1.25 and lines["sp"] == 2.5
    assert lines["max_accepted"] == 50.0 and not lines["declined"] and lines["past"] is None
    html = env.get_template("_macros.html").module.payout_menu(pending, lines)  # type: ignore[attr-defined]
    for text in (
        "Pending payout amount: $10.00",
        "Breakdown: 2.500 SBD, 1.250 STEEM, 2.500 SP",
        'Beneficiary <a href="/@carol">carol</a>: 10.0%',
        "Max accepted payout: $50.00",
    ):
        assert text in html
    full_sbd = views.payout_lines(pending, 2.0, 10000)
    assert full_sbd["steem"] is None and full_sbd["sbd"] == 5.0
    paid = post(is_paidout=True, author_payout_value="3.000 SBD", curator_payout_value="1.000 SBD", payout=4.0)
    paid_lines = views.payout_lines(paid, 1.0, 10000)
    assert paid_lines["pending"] is None and paid_lines["past"] == {"total": 4.0, "author": 3.0, "curators": 1.0}
    html = env.get_template("_macros.html").module.payout_menu(paid, paid_lines)  # type: ignore[attr-defined]
    assert "Past Payouts $4.00" in html and " - Author $3.00" in html and " - Curators $1.00" in html
    declined = views.payout_lines(post(max_accepted_payout="0.000 SBD"), 1.0, 10000)
    assert declined["declined"] and declined["max_accepted"] is None
    assert views.payout_lines(post(pending_payout_value="0.010 SBD"), 1.0, 10000)["below_minimum"]


def test_delete_and_low_rated_rules() -> None:
    assert views.can_delete(post())
    assert not views.can_delete(post(net_rshares="5"))
    assert not views.can_delete(post(children=1))
    assert not views.can_delete(post(is_paidout=True))
    assert views.low_rated(post(net_rshares="-5"))
    assert views.low_rated(post(stats={"gray": True, "total_votes": 0}))
    assert not views.low_rated(post(net_rshares="-5", pending_payout_value="0.020 SBD"))


def test_relative_time_both_ways() -> None:
    now = 1_000_000_000
    assert relative_time(now + 360, now) == "in 6 minutes"
    assert relative_time(now - 2 * 86_400, now) == "2 days ago"
    assert relative_time(now - 50, now) == "50 seconds ago"


def test_profile_texts_link_only_web_addresses() -> None:
    texts = profile_texts({"website": "javascript:alert(1)", "location": "Athens"}, "2026-03-04T05:06:07")
    assert texts == {"about": "", "location": "Athens", "website": "", "joined": "March 2026"}
    assert (
        profile_texts({"website": "https://stoa.example"}, "2026-03-04T05:06:07")["website"] == "https://stoa.example"
    )
