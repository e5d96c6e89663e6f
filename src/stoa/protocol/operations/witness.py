"""Witness operations: declaring a witness, voting for one, and proxies.

It also has the historic proof-of-work ops.

pow and pow2 are here so that real blocks from Steem's mining era decode byte-exactly; their work is
not verified (mining ended in 2016) and a Stoa chain never accepts them.
"""

from __future__ import annotations

from typing import Annotated, Any

from ..asset import STEEM, require_not_negative, require_symbol
from ..errors import ProtocolError, ValidationError
from ..fields import (
    AccountName,
    AssetField,
    BlockId,
    Bool,
    Digest,
    OptionalPublicKey,
    PublicKeyField,
    SignatureField,
    Text,
    Uint16,
    Uint32,
    Uint64,
)
from ..record import Record, record
from ..rules import (
    MAX_WITNESS_URL_LENGTH,
    MIN_ACCOUNT_CREATION_FEE,
    MIN_BLOCK_SIZE_LIMIT,
    validate_account_name,
    validate_percent,
    validate_utf8,
)
from ..types import UINT32, StaticVariant, Vector
from .base import Operation, RequiredAuths, active, operation


@record
class ChainProperties(Record):
    """What each witness proposes; the chain uses the median of the scheduled witnesses."""

    JSON_ALIASES = {"hbd_interest_rate": "sbd_interest_rate"}

    account_creation_fee: AssetField
    maximum_block_size: Uint32
    sbd_interest_rate: Uint16

    def validate(self) -> None:
        """chain_properties::validate."""
        require_symbol(self.account_creation_fee, "account_creation_fee", STEEM)
        if self.account_creation_fee.amount < MIN_ACCOUNT_CREATION_FEE:
            raise ValidationError(
                "account_creation_fee", "minimum", "account creation fee must be at least 0.001 STEEM"
            )
        if self.maximum_block_size < MIN_BLOCK_SIZE_LIMIT:
            raise ValidationError("maximum_block_size", "minimum", f"must be at least {MIN_BLOCK_SIZE_LIMIT} bytes")
        validate_percent(self.sbd_interest_rate, "sbd_interest_rate")


def validate_props(props: ChainProperties) -> None:
    try:
        props.validate()
    except ProtocolError as error:
        raise error.nested("props") from None


@operation(11, "witness_update")
class WitnessUpdate(Operation):
    """Declare or update a witness: its URL, block signing key and proposed chain properties."""

    owner: AccountName
    url: Text
    block_signing_key: PublicKeyField
    props: ChainProperties
    fee: AssetField

    def validate(self) -> None:
        """witness_update_operation::validate."""
        validate_account_name(self.owner, "owner")
        if not self.url:
            raise ValidationError("url", "empty", "URL must not be empty")
        validate_utf8(self.url, "url")
        if len(self.url.encode("utf-8")) > MAX_WITNESS_URL_LENGTH:
            raise ValidationError("url", "length", f"URL must be at most {MAX_WITNESS_URL_LENGTH} bytes")
        require_symbol(self.fee, "fee", STEEM)
        require_not_negative(self.fee, "fee")
        validate_props(self.props)

    def required_authorities(self) -> RequiredAuths:
        return active(self.owner)


@operation(12, "account_witness_vote")
class AccountWitnessVote(Operation):
    account: AccountName
    witness: AccountName
    approve: Bool

    def validate(self) -> None:
        """account_witness_vote_operation::validate."""
        validate_account_name(self.account, "account")
        validate_account_name(self.witness, "witness")

    def required_authorities(self) -> RequiredAuths:
        return active(self.account)


@operation(13, "account_witness_proxy")
class AccountWitnessProxy(Operation):
    """Let `proxy` vote for witnesses with this account's weight; empty proxy clears it."""

    account: AccountName
    proxy: AccountName

    def validate(self) -> None:
        """account_witness_proxy_operation::validate."""
        validate_account_name(self.account, "account")
        if self.proxy:
            validate_account_name(self.proxy, "proxy")
        if self.proxy == self.account:
            raise ValidationError("proxy", "self", "cannot proxy to yourself")

    def required_authorities(self) -> RequiredAuths:
        return active(self.account)


@record
class Pow(Record):
    worker: PublicKeyField
    input: Digest
    signature: SignatureField
    work: Digest


@operation(14, "pow")
class PowOperation(Operation):
    worker_account: AccountName
    block_id: BlockId
    nonce: Uint64
    work: Pow
    props: ChainProperties

    def validate(self) -> None:
        validate_account_name(self.worker_account, "worker_account")

    def required_authorities(self) -> RequiredAuths:
        return RequiredAuths()


@record
class Pow2Input(Record):
    worker_account: AccountName
    prev_block: BlockId
    nonce: Uint64


@record
class Pow2(Record):
    input: Pow2Input
    pow_summary: Uint32


@record
class EquihashProof(Record):
    n: Uint32
    k: Uint32
    seed: Digest
    inputs: Annotated[tuple[int, ...], Vector(UINT32)]


@record
class EquihashPow(Record):
    input: Pow2Input
    proof: EquihashProof
    prev_block: BlockId
    pow_summary: Uint32


PowWork = Annotated[tuple[int, Any], StaticVariant([("pow2", Pow2), ("equihash_pow", EquihashPow)])]


@operation(30, "pow2")
class Pow2Operation(Operation):
    work: PowWork
    new_owner_key: OptionalPublicKey
    props: ChainProperties

    def validate(self) -> None:
        validate_account_name(self.work[1].input.worker_account, "work.input.worker_account")

    def required_authorities(self) -> RequiredAuths:
        return RequiredAuths()
