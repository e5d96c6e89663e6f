"""Account operations: create, update, decline voting.

An account is created with a fee, with delegation, or from a claimed ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Protocol

from ..asset import STEEM, VESTS, Asset, require_not_negative, require_symbol
from ..authority import Authority
from ..errors import ProtocolError
from ..fields import AccountName, AssetField, Bool, Extensions, PublicKeyField, Text
from ..keys import PublicKey
from ..rules import validate_account_name, validate_optional_json
from ..types import Optional
from .base import Operation, RequiredAuths, active, operation, owner

OptionalAuthority = Annotated[Authority | None, Optional(Authority)]


class NewAccount(Protocol):
    creator: str
    new_account_name: str
    json_metadata: str


def validate_authorities(op: object, *fields: str) -> None:
    """Each authority present must itself be valid."""
    for field in fields:
        authority = getattr(op, field)
        if authority is None:
            continue
        try:
            authority.validate()
        except ProtocolError as error:
            raise error.nested(field) from None


def validate_new_account(op: NewAccount) -> None:
    """The rules every account-creating operation shares."""
    validate_account_name(op.new_account_name, "new_account_name")
    validate_account_name(op.creator, "creator")
    validate_authorities(op, "owner", "active", "posting")
    validate_optional_json(op.json_metadata, "json_metadata")


@operation(9, "account_create")
class AccountCreate(Operation):
    """Create an account, paying the witnesses' median account_creation_fee (burned)."""

    fee: AssetField
    creator: AccountName
    new_account_name: AccountName
    owner: Authority
    active: Authority
    posting: Authority
    memo_key: PublicKeyField
    json_metadata: Text

    @classmethod
    def with_keys(
        cls, fee: Asset, creator: str, name: str, key: Callable[[str], PublicKey], json_metadata: str = ""
    ) -> AccountCreate:
        """An account whose owner, active, posting and memo keys are `key(role)`, one key per authority."""
        owner, active, posting = (Authority.single_key(key(role)) for role in ("owner", "active", "posting"))
        return cls(fee, creator, name, owner, active, posting, key("memo"), json_metadata)

    def validate(self) -> None:
        """account_create_operation::validate."""
        validate_new_account(self)
        require_symbol(self.fee, "fee", STEEM)
        require_not_negative(self.fee, "fee")

    def required_authorities(self) -> RequiredAuths:
        return active(self.creator)


@operation(41, "account_create_with_delegation")
class AccountCreateWithDelegation(Operation):
    """Create an account, part of the fee paid in delegated STEEM POWER."""

    fee: AssetField
    delegation: AssetField
    creator: AccountName
    new_account_name: AccountName
    owner: Authority
    active: Authority
    posting: Authority
    memo_key: PublicKeyField
    json_metadata: Text
    extensions: Extensions = ()

    def validate(self) -> None:
        """account_create_with_delegation_operation::validate."""
        validate_new_account(self)
        require_symbol(self.fee, "fee", STEEM)
        require_not_negative(self.fee, "fee")
        require_symbol(self.delegation, "delegation", VESTS)
        require_not_negative(self.delegation, "delegation")

    def required_authorities(self) -> RequiredAuths:
        return active(self.creator)


@operation(22, "claim_account")
class ClaimAccount(Operation):
    """Buy an account-creation ticket (fee 0 spends resource credits instead)."""

    creator: AccountName
    fee: AssetField
    extensions: Extensions = ()

    def validate(self) -> None:
        """claim_account_operation::validate."""
        validate_account_name(self.creator, "creator")
        require_symbol(self.fee, "fee", STEEM)
        require_not_negative(self.fee, "fee")

    def required_authorities(self) -> RequiredAuths:
        return active(self.creator)


@operation(23, "create_claimed_account")
class CreateClaimedAccount(Operation):
    """Create an account with a ticket bought by claim_account."""

    creator: AccountName
    new_account_name: AccountName
    owner: Authority
    active: Authority
    posting: Authority
    memo_key: PublicKeyField
    json_metadata: Text
    extensions: Extensions = ()

    def validate(self) -> None:
        """create_claimed_account_operation::validate."""
        validate_new_account(self)

    def required_authorities(self) -> RequiredAuths:
        return active(self.creator)


@operation(10, "account_update")
class AccountUpdate(Operation):
    """Change keys or metadata; changing the owner authority needs the owner authority."""

    account: AccountName
    owner: OptionalAuthority
    active: OptionalAuthority
    posting: OptionalAuthority
    memo_key: PublicKeyField
    json_metadata: Text

    def validate(self) -> None:
        """account_update_operation::validate."""
        validate_account_name(self.account, "account")
        validate_authorities(self, "owner", "active", "posting")
        validate_optional_json(self.json_metadata, "json_metadata")

    def required_authorities(self) -> RequiredAuths:
        return owner(self.account) if self.owner is not None else active(self.account)


@operation(36, "decline_voting_rights")
class DeclineVotingRights(Operation):
    """Give up voting (posts and witnesses) for good, after a waiting period; owner authority."""

    account: AccountName
    decline: Bool

    def validate(self) -> None:
        """decline_voting_rights_operation::validate."""
        validate_account_name(self.account, "account")

    def required_authorities(self) -> RequiredAuths:
        return owner(self.account)
