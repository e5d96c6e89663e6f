"""Blocks: header, id, digest, witness signature and transaction merkle root (protocol.md §5.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from .errors import ShapeError
from .fields import AccountName, BlockId, SignatureField, TimePointSec
from .hashes import ripemd160, sha224, sha256
from .keys import PrivateKey, PublicKey, recover_public_key
from .record import Record, record
from .transaction import SignedTransaction
from .types import RIPEMD160, UINT32, VOID, FlatSet, StaticVariant, Vector, expect, variant_key


class VersionCodec:
    """fc version: uint32 `major<<24 | minor<<16 | patch`; JSON "0.23.0"."""

    def parse(self, value: Any) -> int:
        expect(value, str, 'a version like "0.23.0"')
        parts = value.split(".")
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
            raise ShapeError("", "version", f'expected a version like "0.23.0", got {value!r}')
        major, minor, patch = map(int, parts)
        if major > 0xFF or minor > 0xFF or patch > 0xFFFF:
            raise ShapeError("", "range", f"version {value!r} is out of range")
        return (major << 24) | (minor << 16) | patch

    def dump(self, value: int, appbase: bool) -> str:
        return f"{value >> 24}.{(value >> 16) & 0xFF}.{value & 0xFFFF}"

    def pack(self, value: int, out: bytearray) -> None:
        UINT32.pack(value, out)

    def unpack(self, data: bytes, pos: int) -> tuple[int, int]:
        return UINT32.unpack(data, pos)


VERSION = VersionCodec()


@record
class HardforkVersionVote(Record):
    hf_version: Annotated[int, VERSION]
    hf_time: TimePointSec


HeaderExtensions = Annotated[
    tuple[tuple[int, Any], ...],
    FlatSet(
        StaticVariant([("void_t", VOID), ("version", VERSION), ("hardfork_version_vote", HardforkVersionVote)]),
        variant_key,
    ),
]


def block_num_from_id(block_id: bytes) -> int:
    return int.from_bytes(block_id[:4], "big")


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """Pairwise sha256 up the tree, an odd last leaf carried up; ripemd160 of the root; empty → zeros."""
    if not leaves:
        return bytes(20)
    level = list(leaves)
    while len(level) > 1:
        paired = [sha256(level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return ripemd160(level[0])


@record
class BlockHeader(Record):
    previous: BlockId
    timestamp: TimePointSec
    witness: AccountName
    transaction_merkle_root: Annotated[bytes, RIPEMD160]
    extensions: HeaderExtensions

    @property
    def block_num(self) -> int:
        return block_num_from_id(self.previous) + 1

    def digest(self) -> bytes:
        """What the witness signs: sha256 of the unsigned header (no chain id)."""
        out = bytearray()
        BlockHeader.pack(self, out)
        return sha256(bytes(out))


@record
class SignedBlockHeader(BlockHeader):
    witness_signature: SignatureField

    def block_id(self) -> bytes:
        """sha224 of the signed header, first 4 bytes replaced by the big-endian block number."""
        out = bytearray()
        SignedBlockHeader.pack(self, out)
        digest: bytes = sha224(bytes(out))
        return self.block_num.to_bytes(4, "big") + digest[4:20]

    def signing_key(self) -> PublicKey:
        return recover_public_key(self.witness_signature, self.digest())


@record
class SignedBlock(SignedBlockHeader):
    transactions: Annotated[tuple[SignedTransaction, ...], Vector(SignedTransaction)]

    def calculate_merkle_root(self) -> bytes:
        return merkle_root([tx.merkle_digest() for tx in self.transactions])

    @classmethod
    def produce(
        cls, previous: bytes, timestamp: int, witness: str, transactions: Sequence[SignedTransaction], key: PrivateKey
    ) -> SignedBlock:
        """A new block with its merkle root computed and signed by `key`."""
        root = merkle_root([tx.merkle_digest() for tx in transactions])
        header = BlockHeader(previous, timestamp, witness, root, ())
        signature = key.sign_digest(header.digest())
        return cls(previous, timestamp, witness, root, (), signature, tuple(transactions))
