"""Authority satisfaction, as steemd's verify_authority and sign_state decide it (protocol.md §1.6).

Posting operations may not share a transaction with active or owner ones. A posting requirement
is met by the posting, active or owner authority (tried in that order); an active one by active
or owner; an owner one by owner only. Keys add their weights, and so do accounts whose own
authority the signatures satisfy, down to a recursion depth of 2. Every signature must be used
by some check, or the transaction is rejected as carrying irrelevant signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..protocol import Authority, PublicKey
from ..protocol.operations import Operation, RequiredAuths
from .errors import AuthorityError
from .params import MAX_SIG_CHECK_DEPTH

AuthorityGetter = Callable[[str], Authority]


def required_authorities(operations: Iterable[Operation]) -> RequiredAuths:
    """The union of what each operation requires."""
    active: set[str] = set()
    owner: set[str] = set()
    posting: set[str] = set()
    for op in operations:
        required = op.required_authorities()
        active |= required.active
        owner |= required.owner
        posting |= required.posting
    return RequiredAuths(frozenset(active), frozenset(owner), frozenset(posting))


class SignState:
    """Which signing keys have been used, and which accounts the signatures already satisfy."""

    def __init__(self, signers: Sequence[PublicKey], get_authority: AuthorityGetter, max_depth: int) -> None:
        self.used = dict.fromkeys(signers, False)
        self.get_authority = get_authority
        self.max_depth = max_depth
        self.approved: set[str] = set()

    def signed_by(self, key: PublicKey) -> bool:
        if key in self.used:
            self.used[key] = True
            return True
        return False

    def check_account(self, name: str) -> bool:
        return self.check(self.get_authority(name))

    def check(self, authority: Authority, depth: int = 0) -> bool:
        threshold = authority.weight_threshold
        total = 0
        for key, weight in authority.key_auths:
            if self.signed_by(key):
                total += weight
                if total >= threshold:
                    return True
        for name, weight in authority.account_auths:
            if name not in self.approved:
                if depth == self.max_depth or not self.check(self.get_authority(name), depth + 1):
                    continue
                self.approved.add(name)
            total += weight
            if total >= threshold:
                return True
        return total >= threshold

    def unused(self) -> list[PublicKey]:
        return [key for key, used in self.used.items() if not used]


def verify_authority(
    operations: Sequence[Operation],
    signers: Sequence[PublicKey],
    get_active: AuthorityGetter,
    get_owner: AuthorityGetter,
    get_posting: AuthorityGetter,
    max_depth: int = MAX_SIG_CHECK_DEPTH,
) -> None:
    """Raise AuthorityError unless `signers` satisfy exactly what `operations` require."""
    required = required_authorities(operations)
    if required.posting:
        if required.active or required.owner:
            raise AuthorityError(
                "operations",
                "mixed-authority",
                "posting operations cannot share a transaction with active or owner ones",
            )
        state = SignState(signers, get_posting, max_depth)
        for name in sorted(required.posting):
            if not (state.check_account(name) or state.check(get_active(name)) or state.check(get_owner(name))):
                raise AuthorityError("signatures", "missing-posting", f"missing posting authority of {name}")
    else:
        state = SignState(signers, get_active, max_depth)
        for name in sorted(required.active):
            if not (state.check_account(name) or state.check(get_owner(name))):
                raise AuthorityError("signatures", "missing-active", f"missing active authority of {name}")
        for name in sorted(required.owner):
            if not state.check(get_owner(name)):
                raise AuthorityError("signatures", "missing-owner", f"missing owner authority of {name}")
    unused = state.unused()
    if unused:
        raise AuthorityError(
            "signatures",
            "irrelevant",
            f"unnecessary signature(s) detected: {', '.join(map(str, unused))} sign for nothing",
        )
