"""Where a notification goes and what it carries, on a chain of this module's own: the latest post (a
comment only when the account has no post), and a bot whose voting mana is really spent by its own votes
broadcast through the node — it notifies without upvoting, says why, and upvotes again once mana returns."""

from __future__ import annotations

import re
from typing import Any

from stoa.board.send import vests
from stoa.chain.genesis import DEV_BOARD_WIF
from stoa.chain.params import VOTING_MANA_REGENERATION_SECONDS
from stoa.protocol import PrivateKey
from stoa.protocol.operations import Comment

from .conftest import BOT, DAY, BoardProcess, Chain


def bot_bodies(chain: Chain, author: str, permlink: str) -> list[str]:
    return [reply["body"] for reply in chain.replies_of_bot(author, permlink)]


def test_the_notification_goes_to_the_latest_post_or_else_the_latest_comment(chain: Chain, board: BoardProcess) -> None:
    chain.create("erin", "frank")
    chain.post("frank", "frank-post")
    chain.post("erin", "erin-c1", "A comment.", parent=("frank", "frank-post"))  # erin has no post at all
    board.settle(chain)
    assert [b for b in bot_bodies(chain, "erin", "erin-c1") if "You made your First Comment" in b], board.log[-2000:]

    chain.post("erin", "erin-c2", "Another.", parent=("frank", "frank-post"))
    chain.vote("frank", "erin", "erin-c1")  # the vote is on her older comment; the reply goes to her latest
    board.settle(chain)
    assert any("You got a First Vote" in body for body in bot_bodies(chain, "erin", "erin-c2"))
    assert not any("You got a First Vote" in body for body in bot_bodies(chain, "erin", "erin-c1"))

    # frank has a post: his comments, however recent, never receive his notifications.
    chain.post("frank", "frank-c1", "Thanks.", parent=("erin", "erin-c2"))
    board.settle(chain)
    assert any("You made your First Comment" in body for body in bot_bodies(chain, "frank", "frank-post"))
    assert bot_bodies(chain, "frank", "frank-c1") == []
    assert any("You got a First Reply" in body for body in bot_bodies(chain, "erin", "erin-c2"))

    chain.move_to(chain.now() + 301)  # one root post per 5 minutes
    chain.post("frank", "frank-post-2")
    chain.post("frank", "frank-c2", "Later still.", parent=("erin", "erin-c1"))
    chain.vote("erin", "frank", "frank-c2")  # frank's first vote received, on his newest comment
    board.settle(chain)
    assert any("You got a First Vote" in body for body in bot_bodies(chain, "frank", "frank-post-2"))
    assert bot_bodies(chain, "frank", "frank-c2") == []
    assert not any("You got a First Vote" in body for body in bot_bodies(chain, "frank", "frank-post"))
    assert any("You made your First Vote" in body for body in bot_bodies(chain, "erin", "erin-c2"))
    assert board.status()["failed"] == 0 and "Traceback" not in board.log


def bot_mana(chain: Chain) -> float:
    """The bot's voting mana now, in percent, computed here from get_accounts (5-day linear regeneration)."""
    account = chain.rpc.call("condenser_api.get_accounts", [[BOT]])[0]
    maximum = vests(account["vesting_shares"]) + vests(account["received_vesting_shares"])
    maximum -= vests(account["delegated_vesting_shares"])
    bar: dict[str, Any] = account["voting_manabar"]
    elapsed = chain.now() - int(bar["last_update_time"])
    current = min(int(bar["current_mana"]) + maximum * elapsed // VOTING_MANA_REGENERATION_SECONDS, maximum)
    return 100 * current / maximum


def spend_the_bots_mana(chain: Chain, below: float) -> int:
    """Full upvotes signed with the bot's dev key on its own comments (which count for nobody) until its mana
    is under `below` percent; each costs 2 % of what is left (hf20). Returns how many votes it took."""
    key = PrivateKey.from_wif(DEV_BOARD_WIF)
    votes = 0
    for number in range(20):  # one vote and five changes per comment, then a new comment
        permlink = f"mana-drain-{number}"
        parent = (BOT, "mana-drain-0") if number else ("", "news")
        chain.push([Comment(parent[0], parent[1], BOT, permlink, "" if number else "Mana", "Spent.", "{}")], key)
        for weight in (10_000, 9_999, 10_000, 9_999, 10_000, 9_999):
            chain.vote(BOT, BOT, permlink, weight, key=key)
            votes += 1
            if bot_mana(chain) < below:
                return votes
    raise AssertionError(f"the bot's mana is still {bot_mana(chain):.2f}% after {votes} votes")


def test_a_bot_out_of_voting_mana_notifies_without_upvoting_and_upvotes_again_once_it_regenerates(
    chain: Chain, board: BoardProcess
) -> None:
    board.settle(chain)
    assert bot_mana(chain) > 90  # the genesis bot starts (nearly) full
    votes = spend_the_bots_mana(chain, below=45)  # under the default floor of 50 %
    assert votes > 25
    logged = len(board.log)
    chain.create("gwen", "hank")
    chain.post("gwen", "gwens-post")  # her first post: the "first" policy asks for a 1 % upvote
    board.settle(chain)
    body = bot_bodies(chain, "gwen", "gwens-post")[0]
    assert "You made your First Post" in body and "I also upvoted" not in body
    assert BOT not in [v["voter"] for v in chain.rpc.call("condenser_api.get_active_votes", ["gwen", "gwens-post"])]
    log = board.log[logged:]
    said = re.search(r"out of mana: @steemitboard has ([\d.]+)% and an upvote would leave ([\d.]+)%", log)
    assert said is not None and "below the floor of 50.00%" in log, log
    assert abs(float(said[1]) - bot_mana(chain)) < 0.1 and float(said[2]) < float(said[1]) < 45
    assert "notifying @gwen without an upvote" in log and "Traceback" not in log
    state = board.status()
    assert state["pending"] == state["failed"] == state["cancelled"] == 0
    assert board.process is not None and board.process.poll() is None

    chain.move_to(chain.now() + 2 * DAY)  # 40 % regenerates: above the floor again
    assert bot_mana(chain) > 80
    chain.vote("hank", "gwen", "gwens-post")  # gwen's first vote received: a new notification, upvoted
    board.settle(chain)
    latest = bot_bodies(chain, "gwen", "gwens-post")
    assert len(latest) == 2 and "You got a First Vote" in latest[1] and "I also upvoted your post!" in latest[1]
    assert BOT in [v["voter"] for v in chain.rpc.call("condenser_api.get_active_votes", ["gwen", "gwens-post"])]
    assert board.log[logged:].count("out of mana") == 1
