"""The badges: kinds, published threshold tables, levels, labels and the upvote category of each."""

from __future__ import annotations

from dataclasses import dataclass

SBD_SATOSHIS = 1000  # SBD has three decimals
SP_LEVELS = (  # (minimum STEEM POWER, name): the level by STEEM POWER
    (0, "Redfish"),
    (500, "Minnow"),
    (5_000, "Dolphin"),
    (50_000, "Orca"),
    (500_000, "Whale"),
)


@dataclass(frozen=True)
class Kind:
    """One badge kind. Counted kinds have thresholds (then every `step` beyond the last); `target` words
    the next target, `{n}` being its number."""

    name: str
    title: str
    category: str  # upvote policy: first, self (the account's own activity), others (activity from others), personal
    label: str
    thresholds: tuple[int, ...] = ()
    step: int = 0
    target: str = ""

    def level(self, value: int) -> int:
        """How many thresholds `value` has reached."""
        if not self.thresholds:
            return value
        reached = sum(1 for threshold in self.thresholds if value >= threshold)
        last = self.thresholds[-1]
        return reached + (max(value - last, 0) // self.step if self.step else 0)

    def threshold(self, level: int) -> int | None:
        """The value that reaches `level` (level ≥ 1), or None past the end of a closed table."""
        if level <= len(self.thresholds):
            return self.thresholds[level - 1]
        if not self.step:
            return None
        return self.thresholds[-1] + (level - len(self.thresholds)) * self.step

    def next_target(self, level: int) -> str:
        """'Your next target is to reach …' for a counted kind, or ''."""
        nxt = self.threshold(level + 1) if self.thresholds else None
        if nxt is None:
            return ""
        shown = f"{nxt / SBD_SATOSHIS:,g}" if self.name == "payout" else f"{nxt:,}"
        return "Your next target is to reach " + self.target.format(n=shown)


COUNTS = (10, 50, 100, 200, 300, 400, 500, 750, 1000)  # then every 1000: "more than 6000 … reach 7000"
PAYOUTS = (500, *(sbd * SBD_SATOSHIS for sbd in (1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000)))  # SBD satoshis
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("posts", "Posts", "self", "Award for the number of posts published",
             (5, 10, 20, 30, 50, 75, 100, 150, 200, 250), 50, "{n} posts."),
        Kind("comments", "Comments", "self", "Award for the number of comments", COUNTS, 500, "{n} comments."),
        Kind("votes", "Upvotes given", "self", "Award for the number of upvotes", COUNTS, 1000, "{n} upvotes."),
        Kind("voted", "Upvotes received", "others", "Award for the number of upvotes received",
             COUNTS, 1000, "{n} upvotes received."),
        Kind("commented", "Replies received", "others", "Award for the number of replies received",
             COUNTS, 1000, "{n} replies received."),
        Kind("payout", "Payout", "others", "Award for the total payout received",
             PAYOUTS, 5000 * SBD_SATOSHIS, "a total payout of {n} SBD."),
        Kind("weekly", "Weekly author", "personal", "You published a post every day of the week"),
        Kind("monthly", "Monthly author", "personal", "You published a post every day of the month"),
        Kind("birthday", "Birthday", "personal", "Happy Birthday!"),
        Kind("level", "Level", "personal", "Your level by STEEM POWER rose"),
        Kind("firstpost", "First post", "first", "You made your First Post"),
        Kind("firstcomment", "First comment", "first", "You made your First Comment"),
        Kind("firstvote", "First vote", "first", "You made your First Vote"),
        Kind("firstvoted", "First vote received", "first", "You got a First Vote"),
        Kind("firstcommented", "First reply", "first", "You got a First Reply"),
        Kind("firstpayout", "First payout", "first", "You got your First payout"),
    )
}  # fmt: skip
COUNTED = ("posts", "comments", "votes", "voted", "commented", "payout")
FIRSTS = {name: f"first{name}" for name in COUNTED}
FIRSTS["posts"], FIRSTS["comments"], FIRSTS["votes"] = "firstpost", "firstcomment", "firstvote"
CATEGORIES = ("first", "self", "others", "personal")
DEFAULT_POLICY = {"first": 100, "self": 0, "others": 1000, "personal": 500}  # vote weight in basis points


def sp_level(steem_power: float) -> int:
    """The index in SP_LEVELS an amount of STEEM POWER reaches."""
    return sum(1 for minimum, _ in SP_LEVELS[1:] if steem_power >= minimum)


def badge_label(kind: str, level: int) -> str:
    """The notification line's words for a badge: its label, with the next target where a level applies."""
    spec = KINDS[kind]
    if kind == "level":
        name = SP_LEVELS[level][1]
        return f"Your level rose and you are now {'an' if name[0] in 'AEIOU' else 'a'} {name}!"
    if kind == "birthday":
        return f"Happy Birthday! You are on the Steemit blockchain for {level} year{'s' if level > 1 else ''}!"
    target = spec.next_target(level)
    return f"{spec.label}. {target}" if target else spec.label


def vote_weight(kinds: list[str], policy: dict[str, int]) -> int:
    """The upvote a notification carries: the largest weight the policy gives any of its badges (a kind's
    own entry wins over its category's)."""
    return max((policy.get(kind, policy.get(KINDS[kind].category, 0)) for kind in kinds), default=0)
