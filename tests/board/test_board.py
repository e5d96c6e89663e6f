"""The board end to end on a dev network: the weekly badge notification with the seed's words and an
upvote, the payout badge, STOP and START, the Board of Honor and its JSON API. The tests run in order and
share one chain and one board."""

from __future__ import annotations

import re
from typing import Any

from stoa.protocol import PrivateKey
from stoa.protocol.types import parse_time

from ..integration.conftest import INIT_WIF
from .conftest import BOT, DAY, BoardProcess, Chain, body_json, next_monday

PERMLINK = re.compile(r"^steemitboard-notify-alice-\d{8}t\d{6}000z$")


def expected_body(board: BoardProcess, badges: list[tuple[str, str]], voted: bool) -> str:
    """The notification, written out here independently of the board's code."""
    parts = [
        "Congratulations @alice! You have completed some achievement on Steemit and have been rewarded with new"
        " badge(s) :"
    ]
    parts += [f"[![]({board.url}/badges/{image}.svg)]({board.url}/@alice) {label}" for image, label in badges]
    parts.append("Click on any badge to view your own Board of Honor on SteemitBoard.")
    if voted:
        parts.append("To support your work, I also upvoted your post!")
    parts.append("If you no longer want to receive notifications, reply to this comment with the word `STOP`")
    return "\n\n".join(parts)


def test_a_week_of_posts_earns_the_weekly_badge_with_an_upvote(chain: Chain, board: BoardProcess) -> None:
    chain.create("alice", "bob")
    monday = next_monday(chain.now())
    for day in range(7):
        chain.move_to(monday + day * DAY + 60)
        chain.post("alice", f"day-{day}")
        board.settle(chain)
    sunday = chain.replies_of_bot("alice", "day-6")
    assert len(sunday) == 1, board.log[-3000:]
    note = sunday[0]
    assert PERMLINK.match(note["permlink"])
    stamp = note["permlink"].rsplit("-", 1)[1]
    assert stamp[:8] == note["created"][:10].replace("-", "")
    weekly = ("weekly-1", "You published a post every day of the week")
    assert note["body"] == expected_body(board, [weekly], voted=True)
    votes = chain.rpc.call("condenser_api.get_active_votes", ["alice", "day-6"])
    assert [vote["voter"] for vote in votes] == [BOT]
    first = chain.replies_of_bot("alice", "day-0")[0]  # the first post: a small upvote, "first" policy
    assert first["body"] == expected_body(board, [("firstpost-1", "You made your First Post")], voted=True)
    fifth = chain.replies_of_bot("alice", "day-4")[0]  # five posts: own activity, no upvote
    five = ("posts-1", "Award for the number of posts published. Your next target is to reach 10 posts.")
    assert fifth["body"] == expected_body(board, [five], voted=False)
    assert BOT not in [vote["voter"] for vote in chain.rpc.call("condenser_api.get_active_votes", ["alice", "day-4"])]


def test_a_payout_earns_the_payout_badge(chain: Chain, board: BoardProcess) -> None:
    chain.vote("initminer", "alice", "day-0", key=PrivateKey.from_wif(INIT_WIF))
    board.settle(chain)
    cashout = chain.rpc.call("database_api.find_comments", {"comments": [["alice", "day-0"]]})["comments"][0]
    chain.move_to(parse_time(cashout["cashout_time"]))
    board.settle(chain)
    latest = chain.replies_of_bot("alice", "day-6")
    assert len(latest) == 3, board.log[-3000:]  # the weekly badge, initminer's vote, the payout
    assert "You got a First Vote" in latest[1]["body"]
    body = latest[2]["body"]
    assert "You got your First payout" in body, body
    assert re.search(
        r"Award for the total payout received\. Your next target is to reach a total payout of [\d.,]+ SBD\.", body
    )
    badges = {badge["id"]: badge for badge in body_json(board.get("/api/badges/alice"))}
    assert badges["payout"]["state"] == "on" and badges["firstpayout"]["state"] == "on"
    assert badges["weekly"]["level"] == 1 and badges["posts"]["level"] == 1 and badges["posts"]["value"] == 7


def bot_replies_to(chain: Chain, account: str) -> list[dict[str, Any]]:
    return [op for op in chain.bot_comments() if op["parent_author"] == account]


def test_stop_stops_every_notification_and_start_restarts_them(chain: Chain, board: BoardProcess) -> None:
    notification = chain.replies_of_bot("alice", "day-6")[-1]["permlink"]
    chain.post("alice", "re-stop", "Stop!", parent=(BOT, notification))  # also alice's first comment
    board.settle(chain)
    confirmations = chain.replies_of_bot("alice", "re-stop")
    assert len(confirmations) == 1
    assert "will not send you notifications any more" in confirmations[0]["body"]
    board.stop()  # the opt-out is in the board's database: it holds across a restart
    board.start()
    chain.post("alice", "re-stop-again", "stop", parent=(BOT, notification))
    chain.post("bob", "bobs-post")
    chain.vote("alice", "bob", "bobs-post")  # alice's first vote: earned, never announced
    board.settle(chain)
    assert chain.replies_of_bot("alice", "re-stop-again") == []  # confirmed once
    silent = len(bot_replies_to(chain, "alice"))
    badges = {badge["id"]: badge for badge in body_json(board.get("/api/badges/alice"))}
    assert badges["firstvote"]["state"] == "on" and badges["firstcomment"]["state"] == "on"
    assert "replied STOP" in board.get("/@alice").text

    chain.post("alice", "re-start", "START.", parent=(BOT, notification))
    board.settle(chain)
    assert "notify you again" in chain.replies_of_bot("alice", "re-start")[0]["body"]
    assert len(bot_replies_to(chain, "alice")) == silent + 1  # the confirmation, nothing older
    chain.post("bob", "re-day-6", "Nice week.", parent=("alice", "day-6"))
    board.settle(chain)
    latest = chain.replies_of_bot("alice", "day-6")[-1]["body"]
    assert "You got a First Reply" in latest
    assert "You made your First Vote" not in latest and "First Comment" not in latest


def test_the_board_of_honor_page_images_and_api(board: BoardProcess) -> None:
    page = board.get("/@alice")
    assert page.status_code == 200 and "Board of Honor of" in page.text
    assert "You published a post every day of the week" in page.text and 'src="' + board.url in page.text
    image = board.get("/badges/weekly-1.svg")
    assert image.headers["content-type"] == "image/svg+xml" and image.text.startswith("<svg")
    assert "level 1" in board.get("/@alice/weekly.svg").text
    assert "not yet" in board.get("/@alice/monthly.svg").text
    for missing in ("/@a", "/api/badges/NotAName", "/badges/nothing-1.svg", "/badges/weekly-x.svg"):
        assert board.get(missing).status_code == 404, missing
    badges = body_json(board.get("/api/badges/alice"))
    assert {"id", "name", "title", "type", "url", "state"} <= set(badges[0])
    assert body_json(board.get("/api/badges/nobody")) and all(
        b["state"] == "off" for b in body_json(board.get("/api/badges/nobody"))
    )
