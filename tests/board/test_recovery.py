"""The board under stress: SIGKILL in the middle of a catch-up, bad replies, edited STOP replies, a
notification whose post was deleted, a mana floor the bot cannot meet, broadcasts the node refuses (a
wrong key: the stand-in for a bot out of RC, which our chain, having no resource credits, never refuses).
Logged, no crash, nothing lost, nothing sent twice. A bot whose voting mana is really spent:
test_delivery.py."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from stoa.board.service import block_time
from stoa.protocol import PrivateKey

from ..integration.conftest import STOA
from .conftest import BOT, BoardProcess, Chain, body_json

USERS = [f"user{i}" for i in range(24)]


def notifications_by_account(chain: Chain) -> Counter[str]:
    """How many distinct notifications each account was sent (an edit of one is still one)."""
    permlinks = {(op["parent_author"], op["permlink"]) for op in chain.bot_comments()}
    return Counter(author for author, permlink in permlinks if permlink.startswith("steemitboard-notify-"))


def test_sigkill_in_the_middle_of_a_catch_up_sends_nothing_twice(
    chain: Chain, new_board: Callable[[], BoardProcess]
) -> None:
    chain.create(*USERS)
    for user in USERS:
        chain.post(user, "hello")
    board = new_board()
    board.start("--batch-blocks", "5")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = board.status()
        if 2 <= state["sent"] <= len(USERS) - 4:  # some sent, more to come: kill it now
            break
        time.sleep(0.005)
    else:
        pytest.fail(f"never caught the board mid-catch-up: {board.status()}")
    board.stop(signal.SIGKILL)
    killed_at = notifications_by_account(chain)
    assert 0 < sum(killed_at.values()) < len(USERS)
    board.start("--batch-blocks", "5")
    board.settle(chain)
    board.stop()
    sent = notifications_by_account(chain)
    assert {user: sent[user] for user in USERS} == dict.fromkeys(USERS, 1)
    assert "Traceback" not in board.log


def test_bad_input_is_logged_and_nothing_is_lost(
    chain: Chain, new_board: Callable[[], BoardProcess], tmp_path: Path
) -> None:
    chain.create("carol", "dave")
    board = new_board().start()
    chain.post("carol", "first")
    board.settle(chain)
    notification = chain.replies_of_bot("carol", "first")[0]["permlink"]

    chain.post("carol", "re-1", "please STOP sending these", parent=(BOT, notification))
    chain.post("carol", "re-2", "start", parent=(BOT, notification))
    board.settle(chain)
    chain.post("carol", "re-2", "STOP", parent=(BOT, notification))  # an edit: ignored
    board.settle(chain)
    assert "neither STOP nor START" in board.log and "edit of reply @carol/re-2" in board.log
    assert "changes nothing" in board.log
    assert chain.replies_of_bot("carol", "re-2") == []  # START when opted in: nothing to confirm
    board.stop()

    # A deleted post: the notification goes to the latest post that still exists.
    board.start("--batch-blocks", "1")
    chain.move_to(chain.now() + 301)
    chain.post("carol", "second")
    chain.vote("dave", "carol", "first")  # carol's first vote received
    chain.delete("carol", "second")
    board.settle(chain)
    assert "@carol/second was deleted" in board.log
    assert "You got a First Vote" in chain.replies_of_bot("carol", "first")[-1]["body"]
    board.stop()

    # The mana floor at 100 % keeps every upvote back (a full bot); a bot whose mana is really spent is in
    # test_delivery.py.
    board.start("--mana-floor", "100")
    chain.post("dave", "daves")
    board.settle(chain)
    assert "out of mana" in board.log
    body = chain.replies_of_bot("dave", "daves")[0]["body"]
    assert "You made your First Post" in body and "I also upvoted" not in body
    board.stop()

    # The node refuses the broadcasts: logged, kept, and sent once when the board can broadcast again. A
    # wrong key stands in for every refusal; our chain has no resource credits, so a bot out of RC (how
    # steemd would refuse it) cannot happen here and is not what this tests. Real mana: test_delivery.py.
    wrong = tmp_path / "wrong.key"
    wrong.write_text(PrivateKey.from_password("x", "posting", "y").wif())
    board.start("--key-file", str(wrong))
    chain.vote("carol", "dave", "daves")
    deadline = time.monotonic() + 30
    while "could not send" not in board.log and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "not in @steemitboard's posting authority" in board.log and "could not send" in board.log
    assert board.status()["pending"] == 2  # dave's first vote received, carol's first vote given
    board.stop()
    board.start()
    chain.move_to(chain.now() + 61)
    board.settle(chain)
    assert sum("You got a First Vote" in r["body"] for r in chain.replies_of_bot("dave", "daves")) == 1
    assert sum("You made your First Vote" in r["body"] for r in chain.replies_of_bot("carol", "first")) == 1
    assert "Traceback" not in board.log
    board.stop()


def test_the_command_line_refuses_what_it_cannot_use(chain: Chain, tmp_path: Path) -> None:
    base = [*STOA, "board", "--node", chain.node.url, "--data-dir", str(tmp_path), "--port", "0"]
    missing = subprocess.run([*base, "--account", "nobody"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "@nobody does not exist on this chain" in missing.stderr
    policy = subprocess.run([*base, "--vote", "bogus=5"], capture_output=True, text=True, timeout=60)
    assert policy.returncode == 2 and "neither a category" in policy.stderr
    too_much = subprocess.run([*base, "--vote", "first=150"], capture_output=True, text=True, timeout=60)
    assert too_much.returncode == 2 and "0 to 100" in too_much.stderr


def test_a_block_without_a_readable_time_is_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    assert block_time(7, []) is None
    assert block_time(7, [{"op": ["vote", {}]}]) is None and block_time(8, [{"timestamp": "yesterday"}]) is None
    assert caplog.text.count("without a readable timestamp") == 2
    assert block_time(9, [{"timestamp": "2026-01-01T00:00:03"}]) == 1767225603


def test_a_catch_up_never_notifies_about_history_older_than_the_horizon(
    chain: Chain, new_board: Callable[[], BoardProcess]
) -> None:
    chain.create("olga", "pavel")
    chain.post("olga", "old-news")  # olga's first post, before any board reads the chain
    chain.move_to(chain.now() + 2 * 86_400)  # everything so far is two days old
    sent_before = sum(notifications_by_account(chain).values())
    board = new_board().start("--horizon-days", "1")  # a fresh database: it reads the chain from block 1
    state = board.settle(chain)
    assert state["sent"] == 0 and sum(notifications_by_account(chain).values()) == sent_before
    assert chain.replies_of_bot("olga", "old-news") == []
    first_post = next(b for b in body_json(board.get("/api/badges/olga")) if b["id"] == "firstpost")
    assert first_post["state"] == "on"  # earned and shown, never announced
    chain.post("olga", "fresh")
    chain.vote("pavel", "olga", "fresh")  # olga's first vote received: new, so announced
    board.settle(chain)
    assert "You got a First Vote" in chain.replies_of_bot("olga", "fresh")[0]["body"]
