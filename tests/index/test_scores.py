"""Trending and hot scores (hivemind.md §1.4), gray and hidden posts by their author's reputation,
and the two reputation scales: condenser's raw integer, bridge's log scale (§2.2, §5)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stoa.api.app import build_dispatcher
from stoa.api.jsonrpc import Dispatcher
from stoa.chain.reputation import display_score
from stoa.index.ingest import scores
from stoa.protocol.operations import Comment, Vote

from ..api.rpc import call
from ..chain.conftest import INIT_KEY, DevChain, indexed_chain, role_key

WEEK = 7 * 24 * 3600


# --- the formulas, with worked numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rshares", "created", "trend", "hot"),
    [
        # mod = 10^10 / 10^7 = 1000, order 3, sign +1: 3 + 1.5e9/240000 = 3 + 6250; 3 + 1.5e9/10000
        (10**10, 1_500_000_000, 6253.0, 150_003.0),
        # mod = -100: order 2, sign -1
        (-(10**9), 1_500_000_000, 6248.0, 149_998.0),
        # |mod| = 0.5 < 1: order log10(1) = 0, the time alone
        (5_000_000, 1_200_000_000, 5000.0, 120_000.0),
        # no votes: sign -1 times order 0
        (0, 2_400_000, 10.0, 240.0),
        # mod = 12345.6789: order 4.0915149811...
        (123_456_789_000, 1_700_000_000, 4.09151498 + 7083.33333333, 4.09151498 + 170_000.0),
        (-123_456_789_000, 1_700_000_000, -4.09151498 + 7083.33333333, -4.09151498 + 170_000.0),
    ],
)
def test_trending_and_hot_by_hiveminds_formula(rshares: int, created: int, trend: float, hot: float) -> None:
    found_trend, found_hot = scores(rshares, created, 0)
    assert found_trend == pytest.approx(trend, abs=1e-6)
    assert found_hot == pytest.approx(hot, abs=1e-6)


def test_a_hot_post_gains_a_point_every_10000_seconds_a_trending_one_every_240000() -> None:
    base = scores(10**12, 1_600_000_000, 0)
    assert scores(10**12, 1_600_010_000, 0)[1] == pytest.approx(base[1] + 1)
    assert scores(10**12, 1_600_240_000, 0)[0] == pytest.approx(base[0] + 1)
    # ten times the rshares is worth one point in both
    assert list(scores(10**13, 1_600_000_000, 0)) == pytest.approx([base[0] + 1, base[1] + 1])


def test_comments_score_nothing() -> None:
    assert scores(10**12, 1_600_000_000, 1) == (0.0, 0.0)
    assert scores(-(10**12), 1_600_000_000, 3) == (0.0, 0.0)


# --- through the chain --------------------------------------------------------------------------


def posting(name: str) -> list[Any]:
    return [INIT_KEY] if name == "initminer" else [role_key(name, "posting")]


class Net:
    def __init__(self, chain: DevChain) -> None:
        self.chain = chain
        self.rpc: Dispatcher = build_dispatcher(chain.node)

    def post(self, author: str, permlink: str, parent: tuple[str, str] = ("", "news")) -> None:
        title = "" if parent[0] else f"Title of {permlink}"
        op = Comment(parent[0], parent[1], author, permlink, title, f"Body of {permlink}.", "{}")
        self.chain.apply(op, keys=posting(author))

    def vote(self, voter: str, author: str, permlink: str, weight: int) -> None:
        self.chain.apply(Vote(voter, author, permlink, weight), keys=posting(voter))

    def row(self, permlink: str) -> tuple[float, float, int, int, int]:
        found = self.chain.state.db.execute(
            "SELECT sc_trend, sc_hot, net_rshares, created, depth FROM posts WHERE permlink = ?", (permlink,)
        ).fetchone()
        return float(found[0]), float(found[1]), int(found[2]), int(found[3]), int(found[4])

    def raw(self, name: str) -> int:
        found = self.chain.state.db.execute("SELECT reputation FROM reputations WHERE account = ?", (name,)).fetchone()
        return 0 if found is None else int(found[0])


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    """Posts initminer im, alice a1 and her reply re-a1, carol c1, dave d1 (and five minutes on d2).
    initminer upvotes his own post (so his reputation is above everyone's), alice's a1 and her reply
    re-a1, dave's d2 at 50%, then downvotes dave's d1 with all his weight; alice (her reputation now
    high) downvotes carol's c1."""
    chain = indexed_chain(tmp_path_factory.mktemp("scores") / "net")
    world = Net(chain)
    for name in ("alice", "carol", "dave"):
        chain.create_account(name)
    world.post("initminer", "im")
    world.post("alice", "a1")
    world.post("alice", "re-a1", parent=("alice", "a1"))
    world.post("carol", "c1")
    world.post("dave", "d1")
    chain.node.generate_blocks_until(chain.state.dgp().time + 301)  # one root post per 5 minutes
    world.post("dave", "d2")
    world.vote("initminer", "initminer", "im", 10000)
    world.vote("initminer", "alice", "a1", 10000)
    world.vote("initminer", "alice", "re-a1", 5000)
    world.vote("initminer", "dave", "d2", 5000)
    world.vote("initminer", "dave", "d1", -10000)
    world.vote("alice", "carol", "c1", -10000)
    yield world
    chain.node.stop()


def test_stored_scores_follow_the_votes(net: Net) -> None:
    for permlink in ("a1", "c1", "d1", "d2", "im"):
        trend, hot, rshares, created, _ = net.row(permlink)
        assert rshares != 0, permlink
        assert (trend, hot) == scores(rshares, created, 0), permlink
        order = math.log10(abs(rshares) / 10_000_000)
        sign = 1 if rshares > 0 else -1
        assert trend == pytest.approx(sign * order + created / 240_000)
        assert hot == pytest.approx(sign * order + created / 10_000)
    assert net.row("a1")[0] > net.row("d2")[0] > net.row("d1")[0]  # the downvoted post sinks
    trend, hot, rshares, _, depth = net.row("re-a1")
    assert depth == 1 and rshares > 0 and (trend, hot) == (0.0, 0.0)  # comments are not ranked
    trending = call(net, "bridge.get_ranked_posts", {"sort": "trending"})
    assert [post["permlink"] for post in trending] == ["im", "a1", "d2", "c1", "d1"]


def test_paid_out_posts_score_nothing(tmp_path: Path) -> None:
    chain = indexed_chain(tmp_path / "net")
    world = Net(chain)
    chain.create_account("alice")
    world.post("alice", "p")
    world.vote("initminer", "alice", "p", 10000)
    assert world.row("p")[0] > 0
    chain.node.generate_blocks_until(chain.state.dgp().time + WEEK + 60)
    chain.node.generate_blocks(1)
    assert world.row("p")[:2] == (0.0, 0.0)
    assert call(world, "bridge.get_ranked_posts", {"sort": "trending"}) == []
    chain.node.stop()


# --- gray, hide and the reputation scales -------------------------------------------------------


def rep_log10(raw: int) -> float:
    """hivemind's rep_log10 (normalize.py), as the reference gives it: digits and the first four."""
    if raw == 0:
        return 25.0
    digits = str(abs(raw))
    log = len(digits) - 1 + math.log10(int(digits[:4])) - (len(digits[:4]) - 1)
    return round(max(log - 9, 0) * (1 if raw > 0 else -1) * 9 + 25, 2)


def test_display_scale_worked_numbers() -> None:
    assert display_score(0) == 25.0
    assert display_score(10**12) == 52.0  # (12 - 9) × 9 + 25
    assert display_score(-(10**12)) == -2.0
    assert display_score(10**9) == 25.0 and display_score(-(10**9)) == 25.0  # below 10^9 nothing shows
    assert display_score(-14_810_000) == 25.0
    assert display_score(15_312_528_618_747) == 62.67  # (13.185047 - 9) × 9 + 25 = 62.6654
    for raw in (15_312_528_618_747, -15_312_513_918_750, 123_456_789_012, 10**12):
        assert display_score(raw) == pytest.approx(rep_log10(raw), abs=0.02)  # rounding apart


def stats(net: Net, author: str, permlink: str) -> dict[str, Any]:
    found: dict[str, Any] = call(net, "bridge.get_post", {"author": author, "permlink": permlink})["stats"]
    return found


def test_a_deeply_negative_author_is_gray_and_hidden_when_not_earning(net: Net) -> None:
    assert net.raw("dave") < -(10**12)  # initminer's downvote, with his reputation above dave's
    assert call(net, "bridge.get_post", {"author": "dave", "permlink": "d1"})["author_reputation"] < 0
    d1 = stats(net, "dave", "d1")
    assert d1["gray"] is True and d1["hide"] is True
    pending = net.chain.state.db.execute("SELECT pending_payout FROM posts WHERE permlink = 'd2'").fetchone()[0]
    assert pending >= 20  # 0.020 SBD and up: shown, though still gray
    d2 = stats(net, "dave", "d2")
    assert d2["gray"] is True and d2["hide"] is False


def test_a_slightly_negative_author_is_neither_gray_nor_hidden(net: Net) -> None:
    raw = net.raw("carol")
    assert -(10**9) < raw < 0  # alice's small downvote: still 25 on the log scale
    post = call(net, "bridge.get_post", {"author": "carol", "permlink": "c1"})
    assert post["author_reputation"] == 25.0
    assert post["stats"]["gray"] is False and post["stats"]["hide"] is False
    assert stats(net, "alice", "a1") == {**stats(net, "alice", "a1"), "gray": False, "hide": False}


def test_condenser_prints_raw_reputation_and_bridge_the_log_scale(net: Net) -> None:
    for author, permlink in (("alice", "a1"), ("dave", "d1"), ("carol", "c1")):
        raw = net.raw(author)
        condenser = call(net, "condenser_api.get_content", [author, permlink])
        assert int(condenser["author_reputation"]) == raw
        assert isinstance(condenser["author_reputation"], int if abs(raw) <= 0xFFFFFFFF else str)
        listed = call(net, "condenser_api.get_discussions_by_created", [{"tag": "news", "limit": 20}])
        assert {int(post["author_reputation"]) for post in listed if post["author"] == author} == {raw}
        bridge = call(net, "bridge.get_post", {"author": author, "permlink": permlink})
        assert bridge["author_reputation"] == display_score(raw)
        assert bridge["author_reputation"] == pytest.approx(rep_log10(raw), abs=0.02)
        assert call(net, "bridge.get_profile", {"account": author})["reputation"] == display_score(raw)
        assert call(net, "condenser_api.get_account_reputations", [author, 1]) == [
            {"account": author, "reputation": raw}
        ]
    alice = net.raw("alice")
    assert alice > 10**13 and display_score(alice) > 60  # e.g. 1.53e13 raw shows as 62.67
    votes = call(net, "condenser_api.get_active_votes", ["carol", "c1"])
    assert [(vote["voter"], int(vote["reputation"])) for vote in votes] == [("alice", alice)]  # voters' raw too
