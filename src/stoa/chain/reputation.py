"""Author reputation, by the rule of steemd's reputation plugin (protocol.md §4.9).

Not consensus: its table (`reputations`, cached like the hot consensus tables) is outside the state
digest and is rebuilt by replay like the history.

Raw reputation grows by `rshares >> 6` of each vote. A voter with negative reputation moves nobody's;
a downvote counts only when the voter's reputation is above the author's. Changing a vote first takes
the old vote's effect away, under the same rules.
"""

from __future__ import annotations

import math

from .objects import Reputation
from .state import REPUTATIONS, State


def reputation(state: State, account: str) -> int:
    found = REPUTATIONS.get(state.db, account)
    return 0 if found is None else found.reputation


def _counts(voter_rep: int, author_rep: int, rshares: int) -> bool:
    return voter_rep >= 0 and (rshares >= 0 or voter_rep > author_rep)


def apply_vote(state: State, voter: str, author: str, old_rshares: int | None, new_rshares: int) -> None:
    """Move the author's reputation for a vote of `new_rshares` (replacing one of `old_rshares`)."""
    voter_rep = reputation(state, voter)
    author_rep = reputation(state, author)
    if old_rshares is not None:
        delta = old_rshares >> 6
        if _counts(voter_rep, author_rep - delta, old_rshares):
            author_rep -= delta
        if voter == author:
            voter_rep = author_rep
    if _counts(voter_rep, author_rep, new_rshares):
        author_rep += new_rshares >> 6
    REPUTATIONS.put(state.db, Reputation(author, author_rep))


def display_score(raw: int) -> float:
    """The 25-centred scale condenser shows: 25 for 0, else max(log10|raw| − 9, 0) × 9 × sign + 25."""
    if raw == 0:
        return 25.0
    score = max(math.log10(abs(raw)) - 9, 0.0) * (1 if raw > 0 else -1) * 9 + 25
    return round(score, 2)
