"""Chain-level rejections: the protocol's error family, for rules that need state."""

from __future__ import annotations

from ..protocol.errors import ProtocolError


class ChainError(ProtocolError):
    """A transaction or block that breaks a stateful rule (funds, intervals, existence …)."""

    kind = "chain"


class AuthorityError(ChainError):
    """Signatures that do not satisfy the authorities an operation requires, or sign for nothing."""

    kind = "authority"
