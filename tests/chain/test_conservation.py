"""Conservation of STEEM, SBD and VESTS under random operations and time jumps (protocol.md §4).

A hypothesis state machine drives a real dev node (a fresh one per example) with transfers, power
ups and downs, delegations, savings, posts, replies, votes, comment options, conversions, orders
(crossing at three prices: matched, partly filled, killed, expired, cancelled), reward claims, feeds,
block production and jumps to the next cashout, installment, savings withdrawal, conversion,
delegation return or order expiry. After every step the whole state is read back with SQL
and every unit must be accounted for:

  STEEM: Σ accounts (balance + savings_balance + reward_steem_balance + reward_vesting_steem)
         + dgp.total_vesting_fund_steem + reward fund balance + STEEM for sale in open orders
         + STEEM savings withdrawals in flight                          == dgp.current_supply
    (reward_vesting_steem is the STEEM behind the pending reward VESTS: it joins the vesting fund
    only when claimed; the treasury's share of inflation is printed as SBD, never as STEEM)
  SBD:   Σ accounts (sbd_balance + savings_sbd_balance + reward_sbd_balance) + SBD in open orders
         + SBD savings withdrawals in flight + pending conversions     == dgp.current_sbd_supply
  VESTS: Σ vesting_shares == dgp.total_vesting_shares;
         Σ reward_vesting_balance == dgp.pending_rewarded_vesting_shares
         (and Σ reward_vesting_steem == dgp.pending_rewarded_vesting_steem)
  Delegations: Σ received == Σ open delegations; Σ delegated == Σ open delegations + Σ returning.

A rejected operation must leave the state exactly as it was (equal digests).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Clock, Node
from stoa.chain.objects import MAX_TIME
from stoa.protocol import Asset, Price, PrivateKey
from stoa.protocol.errors import ProtocolError
from stoa.protocol.operations import (
    Beneficiary,
    CancelTransferFromSavings,
    ClaimRewardBalance,
    CommentOptions,
    CommentPayoutBeneficiaries,
    Convert,
    DelegateVestingShares,
    FeedPublish,
    LimitOrderCancel,
    LimitOrderCreate,
    LimitOrderCreate2,
    SetWithdrawVestingRoute,
    Transfer,
    TransferFromSavings,
    TransferToSavings,
    TransferToVesting,
    Vote,
    WithdrawVesting,
)
from stoa.protocol.operations import Comment as CommentOp

from .conftest import INIT_KEY, DevChain, role_key

NAMES = ("initminer", "alice", "bob", "carol")
USERS = NAMES[1:]
names = st.sampled_from(NAMES)
symbols = st.sampled_from(("STEEM", "SBD"))
# a share of what the account holds, in percent: over 100 asks for more than it has (rejected)
shares = st.one_of(st.integers(min_value=0, max_value=100), st.sampled_from((1, 50, 100, 101, 150)))
weights = st.sampled_from((10_000, 5_000, 100, 1, 0, -1, -2_500, -10_000))
request_ids = st.integers(min_value=0, max_value=3)
extra_seconds = st.sampled_from((0, 3, 60, 3_600, 86_400))
prices = st.sampled_from((800, 1_000, 1_250))  # per mille of the asset sold

DAY = 86_400


class HeadClock(Clock):
    """The node's clock stands at its head block: every block lands on the next slot, whatever the
    wall clock does while the test runs (so time only moves when the test moves it)."""

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node

    def now(self) -> float:
        return float(self.node.state.dgp().time)


def keys(name: str, role: str) -> list[PrivateKey]:
    return [INIT_KEY] if name == "initminer" else [role_key(name, role)]


def share_of(amount: int, percent: int) -> int:
    return amount * percent // 100


def scalar(chain: DevChain, sql: str, *args: Any) -> int:
    return int(chain.state.db.execute(sql, args).fetchone()[0] or 0)


class Economy(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="stoa-conservation-"))
        init_data_dir(self.tmp / "net", dev=True)
        self.node = Node(self.tmp / "net", block_mode="manual")
        self.node.clock = HeadClock(self.node)
        self.node.produce_block()
        self.chain = DevChain(self.node)
        self.comments: list[tuple[str, str]] = []
        self.serial = 0
        self.accepted = 0
        self.rejected = 0

    def teardown(self) -> None:
        self.node.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- plumbing -----------------------------------------------------------------------------

    def submit(self, *ops: Any, signer: str, role: str = "active") -> bool:
        """Push and produce; a rejection must change nothing. True if the transaction made it in."""
        state = self.chain.state
        before = state.digest()
        try:
            pending = self.chain.push(*ops, keys=keys(signer, role))
        except ProtocolError:
            assert state.digest() == before, f"rejected {ops} changed the state"
            assert self.node.pending == []
            self.rejected += 1
            return False
        self.node.generate_blocks(1)
        self.accepted += pending.error is None
        return pending.error is None

    def account(self, name: str) -> Any:
        found = self.chain.state.account(name)
        assert found is not None
        return found

    def new_permlink(self) -> str:
        self.serial += 1
        return f"p{self.serial}"

    @initialize()
    def fund_users(self) -> None:
        """Three funded users, and a first payout (so rewards to claim and SBD exist from the start)."""
        for name in USERS:
            self.chain.create_account(name, steem=2_000_000, vest=1_000_000)
        assert self.submit(CommentOp("", "news", "alice", "seed", "T", "B", "{}"), signer="alice", role="posting")
        assert self.submit(Vote("initminer", "alice", "seed", 10_000), signer="initminer", role="posting")
        self.comments.append(("alice", "seed"))
        self.node.generate_blocks(100)
        seed = self.chain.state.comment("alice", "seed")
        assert seed is not None
        self.node.generate_blocks_until(seed.cashout_time)
        alice = self.account("alice")
        assert alice.reward_sbd_balance > 0
        rewards = ClaimRewardBalance(
            "alice",
            Asset(alice.reward_steem_balance, "STEEM"),
            Asset(alice.reward_sbd_balance, "SBD"),
            Asset(alice.reward_vesting_balance, "VESTS"),
        )
        assert self.submit(rewards, signer="alice", role="posting")
        sbd = self.account("alice").sbd_balance
        assert self.submit(TransferToSavings("alice", "alice", Asset(sbd // 4, "SBD"), ""), signer="alice")
        assert self.submit(TransferToSavings("alice", "bob", Asset(100_000, "STEEM"), ""), signer="alice")
        for name in ("bob", "carol"):  # SBD on more than one side of the market
            assert self.submit(Transfer("alice", name, Asset(sbd // 8, "SBD"), ""), signer="alice")

    # --- transfers, vesting, delegations, savings -----------------------------------------------

    @rule(sender=names, recipient=names, symbol=symbols, share=shares)
    def transfer(self, sender: str, recipient: str, symbol: str, share: int) -> None:
        held = self.account(sender)
        amount = share_of(held.balance if symbol == "STEEM" else held.sbd_balance, share) or 1
        self.submit(Transfer(sender, recipient, Asset(amount, symbol), ""), signer=sender)

    @rule(sender=names, recipient=names, share=shares)
    def power_up(self, sender: str, recipient: str, share: int) -> None:
        amount = share_of(min(self.account(sender).balance, 5_000_000), share) or 1
        self.submit(TransferToVesting(sender, recipient, Asset(amount, "STEEM")), signer=sender)

    @rule(name=names, share=shares)
    def power_down(self, name: str, share: int) -> None:
        amount = share_of(self.account(name).vesting_shares, share)
        self.submit(WithdrawVesting(name, Asset(amount, "VESTS")), signer=name)

    @rule(sender=names, recipient=names, percent=st.sampled_from((0, 2_500, 5_000, 10_000)), vest=st.booleans())
    def withdraw_route(self, sender: str, recipient: str, percent: int, vest: bool) -> None:
        self.submit(SetWithdrawVestingRoute(sender, recipient, percent, vest), signer=sender)

    @rule(delegator=names, delegatee=names, share=shares)
    def delegate(self, delegator: str, delegatee: str, share: int) -> None:
        amount = share_of(min(self.account(delegator).vesting_shares, 10**13), share)
        self.submit(DelegateVestingShares(delegator, delegatee, Asset(amount, "VESTS")), signer=delegator)

    @rule(sender=names, recipient=names, symbol=symbols, share=shares)
    def to_savings(self, sender: str, recipient: str, symbol: str, share: int) -> None:
        held = self.account(sender)
        amount = share_of(held.balance if symbol == "STEEM" else held.sbd_balance, share) or 1
        self.submit(TransferToSavings(sender, recipient, Asset(amount, symbol), ""), signer=sender)

    @rule(sender=names, recipient=names, symbol=symbols, share=shares, request=request_ids)
    def from_savings(self, sender: str, recipient: str, symbol: str, share: int, request: int) -> None:
        held = self.account(sender)
        amount = share_of(held.savings_balance if symbol == "STEEM" else held.savings_sbd_balance, share) or 1
        self.submit(TransferFromSavings(sender, request, recipient, Asset(amount, symbol), ""), signer=sender)

    @rule(sender=names, request=request_ids)
    def cancel_savings(self, sender: str, request: int) -> None:
        self.submit(CancelTransferFromSavings(sender, request), signer=sender)

    # --- market and SBD -------------------------------------------------------------------------

    @rule(
        owner=names,
        symbol=symbols,
        share=shares,
        order=request_ids,
        price=prices,
        kill=st.booleans(),
        life=st.sampled_from((30, 3 * DAY)),
    )
    def limit_order(self, owner: str, symbol: str, share: int, order: int, price: int, kill: bool, life: int) -> None:
        """An order at 0.8, 1 or 1.25 of the other asset per unit sold, so that bids and asks cross."""
        held = self.account(owner)
        amount = share_of(held.balance if symbol == "STEEM" else held.sbd_balance, share) or 1
        other = "SBD" if symbol == "STEEM" else "STEEM"
        expiration = self.chain.state.dgp().time + life
        receive = Asset(max(amount * price // 1_000, 1), other)
        self.submit(LimitOrderCreate(owner, order, Asset(amount, symbol), receive, kill, expiration), signer=owner)

    @rule(owner=names, symbol=symbols, share=shares, order=request_ids, price=prices)
    def limit_order2(self, owner: str, symbol: str, share: int, order: int, price: int) -> None:
        held = self.account(owner)
        amount = share_of(held.balance if symbol == "STEEM" else held.sbd_balance, share) or 1
        other = "SBD" if symbol == "STEEM" else "STEEM"
        rate = Price(Asset(1_000, symbol), Asset(price, other))
        expiration = self.chain.state.dgp().time + 3 * DAY
        self.submit(LimitOrderCreate2(owner, order, Asset(amount, symbol), rate, False, expiration), signer=owner)

    @rule(maker=names, taker=names, symbol=symbols, share=shares, price=prices)
    def cross(self, maker: str, taker: str, symbol: str, share: int, price: int) -> None:
        """A resting order, then one from the other side that reaches its price (0.8 of the asset it
        sells per unit bought, whatever the maker asked): a fill, often a partial one."""
        self.limit_order(maker, symbol, share, 0, price, False, 3 * DAY)
        self.limit_order(taker, "SBD" if symbol == "STEEM" else "STEEM", share, 1, 800, False, 3 * DAY)

    @rule(owner=names, order=request_ids)
    def cancel_order(self, owner: str, order: int) -> None:
        self.submit(LimitOrderCancel(owner, order), signer=owner)

    @rule(owner=names, share=shares, request=request_ids)
    def convert(self, owner: str, share: int, request: int) -> None:
        amount = share_of(self.account(owner).sbd_balance, share) or 1
        self.submit(Convert(owner, request, Asset(amount, "SBD")), signer=owner)

    @rule(base=st.sampled_from((500, 1_000, 2_000)), quote=st.sampled_from((1_000, 3_000)))
    def feed(self, base: int, quote: int) -> None:
        price = Price(Asset(base, "SBD"), Asset(quote, "STEEM"))
        self.submit(FeedPublish("initminer", price), signer="initminer")

    @rule(name=names, steem=shares, sbd=shares, vests=shares)
    def claim(self, name: str, steem: int, sbd: int, vests: int) -> None:
        held = self.account(name)
        op = ClaimRewardBalance(
            name,
            Asset(share_of(held.reward_steem_balance, steem), "STEEM"),
            Asset(share_of(held.reward_sbd_balance, sbd), "SBD"),
            Asset(share_of(held.reward_vesting_balance, vests), "VESTS"),
        )
        self.submit(op, signer=name, role="posting")

    # --- content --------------------------------------------------------------------------------

    @rule(author=names)
    def post(self, author: str) -> None:
        permlink = self.new_permlink()
        if self.submit(CommentOp("", "news", author, permlink, "T", "B", "{}"), signer=author, role="posting"):
            self.comments.append((author, permlink))

    @precondition(lambda self: self.comments)
    @rule(author=names, data=st.data())
    def reply(self, author: str, data: st.DataObject) -> None:
        parent = data.draw(st.sampled_from(self.comments))
        permlink = self.new_permlink()
        op = CommentOp(parent[0], parent[1], author, permlink, "", "Reply", "{}")
        if self.submit(op, signer=author, role="posting"):
            self.comments.append((author, permlink))

    @precondition(lambda self: self.comments)
    @rule(voter=names, weight=weights, data=st.data())
    def vote(self, voter: str, weight: int, data: st.DataObject) -> None:
        author, permlink = data.draw(st.sampled_from(self.comments))
        self.submit(Vote(voter, author, permlink, weight), signer=voter, role="posting")

    @precondition(lambda self: self.comments)
    @rule(weight=st.sampled_from((10_000, 3_000, -10_000)), data=st.data())
    def vote_big(self, weight: int, data: st.DataObject) -> None:
        """initminer's vote, on a comment still to be paid if there is one: a claim large enough for a
        payout over the minimum."""
        state = self.chain.state
        pending = [key for key in self.comments if getattr(state.comment(*key), "cashout_time", MAX_TIME) != MAX_TIME]
        author, permlink = data.draw(st.sampled_from(pending or self.comments))
        self.submit(Vote("initminer", author, permlink, weight), signer="initminer", role="posting")

    @precondition(lambda self: self.comments)
    @rule(
        data=st.data(),
        payout=st.sampled_from((1_000_000_000, 100, 0)),
        percent=st.sampled_from((10_000, 5_000, 0)),
        curation=st.booleans(),
        beneficiary=st.sampled_from(((), (("null", 10_000),), (("bob", 2_500), ("carol", 5_000)))),
    )
    def comment_options(
        self, data: st.DataObject, payout: int, percent: int, curation: bool, beneficiary: tuple[Any, ...]
    ) -> None:
        author, permlink = data.draw(st.sampled_from(self.comments))
        extensions: tuple[Any, ...] = ()
        if beneficiary:
            routes = CommentPayoutBeneficiaries(tuple(Beneficiary(name, weight) for name, weight in beneficiary))
            extensions = ((0, routes),)
        op = CommentOptions(author, permlink, Asset(payout, "SBD"), percent, True, curation, extensions)
        self.submit(op, signer=author, role="posting")

    # --- time -----------------------------------------------------------------------------------

    @rule(count=st.integers(min_value=1, max_value=30))
    def produce(self, count: int) -> None:
        self.node.generate_blocks(count)

    @rule(extra=extra_seconds)
    def jump_to_cashout(self, extra: int) -> None:
        self.jump("cashout", extra)

    @rule(
        kind=st.sampled_from(("cashout", "withdrawal", "savings", "conversion", "delegation", "order", "any")),
        extra=extra_seconds,
    )
    def jump_to_event(self, kind: str, extra: int) -> None:
        self.jump(kind, extra)

    def jump(self, kind: str, extra: int) -> None:
        """To a little past the next event of a kind (or a day or so ahead when none is pending)."""
        queries = {
            "cashout": f"SELECT MIN(cashout_time) FROM comments WHERE cashout_time < {MAX_TIME}",
            "withdrawal": (
                f"SELECT MIN(next_vesting_withdrawal) FROM accounts WHERE next_vesting_withdrawal < {MAX_TIME}"
            ),
            "savings": "SELECT MIN(complete) FROM savings_withdraws",
            "conversion": "SELECT MIN(conversion_date) FROM convert_requests",
            "delegation": "SELECT MIN(expiration) + 3 FROM delegation_expirations",
            "order": "SELECT MIN(expiration) + 3 FROM limit_orders",
        }
        now = self.chain.state.dgp().time
        target = scalar(self.chain, queries[kind]) if kind in queries else 0
        if target <= now:
            target = now + DAY
        self.node.generate_blocks_until(target + extra)

    # --- invariants ---------------------------------------------------------------------------------

    @invariant()
    def steem_is_conserved(self) -> None:
        chain = self.chain
        dgp = chain.state.dgp()
        held = scalar(
            chain,
            "SELECT SUM(balance + savings_balance + reward_steem_balance + reward_vesting_steem) FROM accounts",
        )
        pool = scalar(chain, "SELECT SUM(reward_balance) FROM reward_funds")
        orders = scalar(chain, "SELECT SUM(for_sale) FROM limit_orders WHERE sell_symbol = 'STEEM'")
        in_flight = scalar(chain, "SELECT SUM(amount) FROM savings_withdraws WHERE symbol = 'STEEM'")
        assert held + dgp.total_vesting_fund_steem + pool + orders + in_flight == dgp.current_supply

    @invariant()
    def sbd_is_conserved(self) -> None:
        chain = self.chain
        dgp = chain.state.dgp()
        held = scalar(chain, "SELECT SUM(sbd_balance + savings_sbd_balance + reward_sbd_balance) FROM accounts")
        orders = scalar(chain, "SELECT SUM(for_sale) FROM limit_orders WHERE sell_symbol = 'SBD'")
        in_flight = scalar(chain, "SELECT SUM(amount) FROM savings_withdraws WHERE symbol = 'SBD'")
        converting = scalar(chain, "SELECT SUM(amount) FROM convert_requests")
        assert held + orders + in_flight + converting == dgp.current_sbd_supply

    @invariant()
    def vests_are_conserved(self) -> None:
        chain = self.chain
        dgp = chain.state.dgp()
        assert scalar(chain, "SELECT SUM(vesting_shares) FROM accounts") == dgp.total_vesting_shares
        pending_vests = scalar(chain, "SELECT SUM(reward_vesting_balance) FROM accounts")
        pending_steem = scalar(chain, "SELECT SUM(reward_vesting_steem) FROM accounts")
        assert (pending_vests, pending_steem) == (
            dgp.pending_rewarded_vesting_shares,
            dgp.pending_rewarded_vesting_steem,
        )

    @invariant()
    def delegations_balance(self) -> None:
        chain = self.chain
        open_ = scalar(chain, "SELECT SUM(vesting_shares) FROM vesting_delegations")
        returning = scalar(chain, "SELECT SUM(vesting_shares) FROM delegation_expirations")
        assert scalar(chain, "SELECT SUM(received_vesting_shares) FROM accounts") == open_
        assert scalar(chain, "SELECT SUM(delegated_vesting_shares) FROM accounts") == open_ + returning

    @invariant()
    def nothing_is_negative(self) -> None:
        chain = self.chain
        columns = (
            "balance",
            "savings_balance",
            "sbd_balance",
            "savings_sbd_balance",
            "reward_steem_balance",
            "reward_sbd_balance",
            "reward_vesting_balance",
            "reward_vesting_steem",
            "vesting_shares",
            "delegated_vesting_shares",
            "received_vesting_shares",
            "vesting_withdraw_rate",
            "withdrawn",
            "to_withdraw",
            "voting_mana",
            "downvote_mana",
            "savings_withdraw_requests",
            "withdraw_routes",
        )
        negative = " OR ".join(f"{column} < 0" for column in columns)
        rows = chain.state.db.execute(f"SELECT name FROM accounts WHERE {negative}").fetchall()
        assert rows == [], rows
        assert scalar(chain, "SELECT COUNT(*) FROM accounts WHERE withdrawn > to_withdraw") == 0
        dgp = chain.state.dgp()
        assert min(dgp.current_supply, dgp.current_sbd_supply, dgp.total_vesting_fund_steem) >= 0
        assert min(dgp.total_vesting_shares, dgp.virtual_supply) >= 0
        assert scalar(chain, "SELECT COUNT(*) FROM reward_funds WHERE reward_balance < 0") == 0
        assert scalar(chain, "SELECT COUNT(*) FROM limit_orders WHERE for_sale <= 0") == 0
        assert scalar(chain, "SELECT COUNT(*) FROM convert_requests WHERE amount <= 0") == 0
        assert scalar(chain, "SELECT COUNT(*) FROM savings_withdraws WHERE amount <= 0") == 0
        assert scalar(chain, "SELECT COUNT(*) FROM comment_votes WHERE weight < 0") == 0
        assert scalar(chain, "SELECT COUNT(*) FROM comments WHERE total_vote_weight < 0") == 0

    @invariant()
    def the_book_is_not_crossed_and_holds_no_dust(self) -> None:
        """After matching no bid reaches an ask, and every resting order can still buy something."""
        orders = self.chain.state.db.execute(
            "SELECT sell_symbol, for_sale, price_base, price_quote FROM limit_orders"
        ).fetchall()
        assert all(for_sale * quote // base > 0 for _, for_sale, base, quote in orders)
        asks = [(base, quote) for symbol, _, base, quote in orders if symbol == "STEEM"]
        bids = [(base, quote) for symbol, _, base, quote in orders if symbol == "SBD"]
        assert not [1 for a_base, a_quote in asks for b_base, b_quote in bids if a_base * b_base >= a_quote * b_quote]

    @invariant()
    def bookkeeping_counts_match(self) -> None:
        chain = self.chain
        mismatched = chain.state.db.execute(
            "SELECT name FROM accounts a WHERE savings_withdraw_requests !="
            " (SELECT COUNT(*) FROM savings_withdraws s WHERE s.from_account = a.name)"
            " OR withdraw_routes != (SELECT COUNT(*) FROM withdraw_routes r WHERE r.from_account = a.name)"
        ).fetchall()
        assert mismatched == []

    @invariant()
    def virtual_supply_is_current(self) -> None:
        dgp = self.chain.state.dgp()
        feed = self.chain.state.feed()
        sbd_as_steem = dgp.current_sbd_supply * feed.current_median_quote // feed.current_median_base
        assert dgp.virtual_supply == dgp.current_supply + sbd_as_steem


Economy.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestEconomy = Economy.TestCase
