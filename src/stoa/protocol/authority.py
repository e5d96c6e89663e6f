"""authority: a weight threshold over accounts and keys (protocol.md §1.3)."""

from __future__ import annotations

from typing import Annotated

from .errors import ProtocolError
from .fields import ACCOUNT_NAME
from .keys import PUBLIC_KEY, PublicKey
from .record import Record, record
from .rules import validate_account_name
from .types import UINT16, UINT32, FlatMap

AccountAuths = Annotated[tuple[tuple[str, int], ...], FlatMap(ACCOUNT_NAME, UINT16)]
KeyAuths = Annotated[tuple[tuple[PublicKey, int], ...], FlatMap(PUBLIC_KEY, UINT16)]


@record
class Authority(Record):
    """Satisfied when the weights of the signing keys and accounts reach `weight_threshold`."""

    weight_threshold: Annotated[int, UINT32]
    account_auths: AccountAuths = ()
    key_auths: KeyAuths = ()

    @classmethod
    def single_key(cls, key: PublicKey) -> Authority:
        return cls(1, (), ((key, 1),))

    def validate(self) -> None:
        """authority::validate: every account named is a valid account name."""
        for index, (name, _) in enumerate(self.account_auths):
            try:
                validate_account_name(name, "")
            except ProtocolError as error:
                raise error.nested(f"account_auths.{index}") from None

    def is_impossible(self) -> bool:
        """True when even every listed key and account together cannot reach the threshold."""
        total = sum(weight for _, weight in self.account_auths) + sum(weight for _, weight in self.key_auths)
        return total < self.weight_threshold
