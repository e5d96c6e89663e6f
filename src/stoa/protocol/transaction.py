"""Transactions: TaPoS reference, expiration, operations; their id, digest and signers.

See protocol.md §1.1–1.6.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Annotated

from .errors import ProtocolError, SignatureError, ValidationError
from .fields import Extensions, TimePointSec, Uint16, Uint32
from .hashes import sha256
from .keys import SIGNATURE, PrivateKey, PublicKey, recover_public_key
from .operations import OPERATION, Operation, validate_operation
from .record import Record, record
from .types import Vector

ZERO_CHAIN_ID = bytes(32)

Operations = Annotated[tuple[Operation, ...], Vector(OPERATION)]
SIGNATURES = Vector(SIGNATURE)
Signatures = Annotated[tuple[bytes, ...], SIGNATURES]


def reference_block(block_id: bytes) -> tuple[int, int]:
    """The (ref_block_num, ref_block_prefix) pair that refers to `block_id` (§1.2)."""
    return int.from_bytes(block_id[:4], "big") & 0xFFFF, int.from_bytes(block_id[4:8], "little")


@record
class Transaction(Record):
    """The signed part of a transaction."""

    ref_block_num: Uint16
    ref_block_prefix: Uint32
    expiration: TimePointSec
    operations: Operations
    extensions: Extensions = ()
    # Records are values, never mutated, so the packed form is computed once.
    _unsigned: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def unsigned_bytes(self) -> bytes:
        if self._unsigned is None:
            out = bytearray()
            Transaction.pack(self, out)
            self._unsigned = bytes(out)
        return self._unsigned

    def id(self) -> str:
        """trx_id: the first 20 bytes of sha256 of the unsigned transaction, as hex."""
        return sha256(self.unsigned_bytes())[:20].hex()

    def digest(self, chain_id: bytes = ZERO_CHAIN_ID) -> bytes:
        """What signatures sign: sha256(chain_id || unsigned transaction)."""
        return sha256(chain_id + self.unsigned_bytes())

    def validate(self) -> None:
        """transaction::validate: at least one operation, each valid."""
        if not self.operations:
            raise ValidationError("operations", "empty", "a transaction needs at least one operation")
        for index, op in enumerate(self.operations):
            if op.VIRTUAL:
                raise ValidationError(
                    f"operations.{index}", "virtual", f"{op.OP_NAME} is a virtual operation; only the chain makes those"
                )
            try:
                validate_operation(op)
            except ProtocolError as error:
                raise error.nested(f"operations.{index}") from None


@record
class SignedTransaction(Transaction):
    """A transaction with its 65-byte compact signatures."""

    signatures: Signatures = ()
    _signed: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def pack(cls, value: Record, out: bytearray) -> None:
        assert isinstance(value, SignedTransaction)
        out += value.to_bytes()

    @classmethod
    def unpack(cls, data: bytes, pos: int) -> tuple[SignedTransaction, int]:
        """Decode, keeping the bytes just read as the transaction's packed forms (no re-packing later)."""
        start = pos
        args, middle = Transaction._codecs.unpack(data, pos)
        try:
            signatures, pos = SIGNATURES.unpack(data, middle)
        except ProtocolError as error:
            raise error.nested("signatures") from None
        ref_block_num, ref_block_prefix, expiration, operations, extensions = args
        tx = cls(ref_block_num, ref_block_prefix, expiration, operations, extensions, signatures)
        tx._unsigned = bytes(data[start:middle])
        tx._signed = bytes(data[start:pos])
        return tx, pos

    def to_bytes(self) -> bytes:
        if self._signed is None:
            out = bytearray(self.unsigned_bytes())
            SIGNATURES.pack(self.signatures, out)
            self._signed = bytes(out)
        return self._signed

    def sign(self, keys: Iterable[PrivateKey], chain_id: bytes = ZERO_CHAIN_ID) -> SignedTransaction:
        """A copy with one more signature per key over this network's digest."""
        digest = self.digest(chain_id)
        added = tuple(key.sign_digest(digest) for key in keys)
        return SignedTransaction(
            self.ref_block_num,
            self.ref_block_prefix,
            self.expiration,
            self.operations,
            self.extensions,
            self.signatures + added,
        )

    def signers(self, chain_id: bytes = ZERO_CHAIN_ID) -> list[PublicKey]:
        """The keys recovered from the signatures, in order; a key twice is an error (Duplicate Signature)."""
        return recover_signers(self.signatures, self.digest(chain_id))

    def merkle_digest(self) -> bytes:
        """The transaction's merkle leaf: sha256 of the signed transaction's bytes."""
        return sha256(self.to_bytes())


def recover_signers(signatures: Sequence[bytes], digest: bytes) -> list[PublicKey]:
    keys: list[PublicKey] = []
    for index, signature in enumerate(signatures):
        try:
            key = recover_public_key(signature, digest)
        except ProtocolError as error:
            raise error.nested(f"signatures.{index}") from None
        if key in keys:
            raise SignatureError(f"signatures.{index}", "duplicate", f"duplicate signature: {key} signed twice")
        keys.append(key)
    return keys
