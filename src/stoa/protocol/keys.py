"""Keys and signatures: WIF and STM key strings, password-derived keys, canonical signing, recovery.

Facts from protocol.md §1.6–1.7: public keys are `STM` + base58(33-byte point + ripemd160 checksum),
private keys are WIF, signatures are 65-byte compact recoverable secp256k1 (header 27..34, then r, s),
and since HF20 a signature must be low-S (bip_0062). libsecp256k1 does the curve work, via coincurve.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import base58
import coincurve
from coincurve._libsecp256k1 import ffi

from .errors import EncodingError, ShapeError, SignatureError
from .hashes import ripemd160, sha256
from .types import expect, need

ADDRESS_PREFIX = "STM"
ROLES = ("owner", "active", "posting", "memo")
CURVE_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_CURVE_ORDER = CURVE_ORDER // 2


class PublicKey:
    """A compressed secp256k1 point (33 bytes); sorts and compares by its bytes, as fc does."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        if len(data) != 33:
            raise EncodingError("", "public-key", f"a public key is 33 bytes, got {len(data)}")
        self.data = data

    @staticmethod
    def from_string(text: str) -> PublicKey:
        return _public_key_from_string(text)

    def __str__(self) -> str:
        return _public_key_to_string(self.data)

    def __repr__(self) -> str:
        return f"PublicKey({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other.data == self.data

    def __lt__(self, other: PublicKey) -> bool:
        return self.data < other.data

    def __hash__(self) -> int:
        return hash(self.data)


@lru_cache(maxsize=65536)
def _public_key_to_string(data: bytes) -> str:
    checksum = ripemd160(data)[:4]
    return ADDRESS_PREFIX + base58.b58encode(data + checksum).decode("ascii")


@lru_cache(maxsize=65536)
def _public_key_from_string(text: str) -> PublicKey:
    if not text.startswith(ADDRESS_PREFIX):
        raise EncodingError("", "public-key", f"public keys start with {ADDRESS_PREFIX}, got {text[:12]!r}")
    try:
        raw = base58.b58decode(text[len(ADDRESS_PREFIX) :])
    except ValueError:
        raise EncodingError("", "base58", f"{text!r} is not valid base58") from None
    if len(raw) != 37:
        raise EncodingError("", "public-key", f"{text!r} decodes to {len(raw)} bytes; a public key has 33 + 4")
    data, checksum = raw[:33], raw[33:]
    if ripemd160(data)[:4] != checksum:
        raise EncodingError("", "checksum", f"{text!r} has a bad checksum (a typo in the key?)")
    return PublicKey(data)


class PublicKeyCodec:
    """public_key_type: 33 raw bytes on the wire, `STM…` in JSON."""

    def parse(self, value: Any) -> PublicKey:
        expect(value, str, "a public key string (STM…)")
        return _public_key_from_string(value)

    def dump(self, value: PublicKey, appbase: bool) -> str:
        return str(value)

    def pack(self, value: PublicKey, out: bytearray) -> None:
        out += value.data

    def unpack(self, data: bytes, pos: int) -> tuple[PublicKey, int]:
        end = need(data, pos, 33)
        return PublicKey(bytes(data[pos:end])), end


PUBLIC_KEY = PublicKeyCodec()


class SignatureCodec:
    """signature_type: 65 bytes, 130 hex digits in JSON. Canonical form is checked on recovery."""

    def parse(self, value: Any) -> bytes:
        expect(value, str, "a signature of 130 hex digits")
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise ShapeError("", "hex", "a signature must be hexadecimal") from None
        if len(raw) != 65:
            raise ShapeError("", "length", f"a signature is 65 bytes (130 hex digits), got {len(raw)}")
        return raw

    def dump(self, value: bytes, appbase: bool) -> str:
        return value.hex()

    def pack(self, value: bytes, out: bytearray) -> None:
        out += value

    def unpack(self, data: bytes, pos: int) -> tuple[bytes, int]:
        end = need(data, pos, 65)
        return bytes(data[pos:end]), end


SIGNATURE = SignatureCodec()


def is_fc_canonical(signature: bytes) -> bool:
    """The pre-HF20 canonical rule that beem and dsteem still loop for when signing."""
    return not (
        signature[1] & 0x80
        or (signature[1] == 0 and not signature[2] & 0x80)
        or signature[33] & 0x80
        or (signature[33] == 0 and not signature[34] & 0x80)
    )


def check_signature_form(signature: bytes) -> None:
    """Reject what steemd's bip_0062 check rejects: a bad recovery header, r or s out of range, high S."""
    if len(signature) != 65:
        raise SignatureError("", "length", f"a signature is 65 bytes, got {len(signature)}")
    if not 27 <= signature[0] <= 34:
        raise SignatureError("", "header", f"recovery header byte must be 27..34, got {signature[0]}")
    r = int.from_bytes(signature[1:33], "big")
    s = int.from_bytes(signature[33:65], "big")
    if not (0 < r < CURVE_ORDER and 0 < s < CURVE_ORDER):
        raise SignatureError("", "range", "r and s must lie between 1 and the curve order")
    if s > HALF_CURVE_ORDER:
        raise SignatureError("", "canonical", "signature is not canonical: S is high (bip_0062 requires low S)")


def recover_public_key(signature: bytes, digest: bytes) -> PublicKey:
    """The key that made `signature` over the 32-byte `digest`; SignatureError if none can."""
    check_signature_form(signature)
    compact = signature[1:] + bytes(((signature[0] - 27) & 3,))
    try:
        point = coincurve.PublicKey.from_signature_and_message(compact, digest, hasher=None)
    except (ValueError, TypeError):
        raise SignatureError("", "recover", "no public key recovers from this signature") from None
    return PublicKey(point.format(compressed=True))


class PrivateKey:
    """A secp256k1 secret; WIF in and out, signs digests with canonical compact signatures."""

    __slots__ = ("_key", "secret")

    def __init__(self, secret: bytes) -> None:
        if len(secret) != 32 or not 0 < int.from_bytes(secret, "big") < CURVE_ORDER:
            raise EncodingError("", "private-key", "a private key is 32 bytes between 1 and the curve order")
        self.secret = secret
        self._key = coincurve.PrivateKey(secret)

    @classmethod
    def generate(cls) -> PrivateKey:
        while True:
            secret = os.urandom(32)
            if 0 < int.from_bytes(secret, "big") < CURVE_ORDER:
                return cls(secret)

    @classmethod
    def from_wif(cls, wif: str) -> PrivateKey:
        try:
            raw = base58.b58decode(wif)
        except ValueError:
            raise EncodingError("", "base58", "the private key is not valid base58") from None
        if len(raw) != 37 or raw[0] != 0x80:
            raise EncodingError("", "wif", "a WIF private key is 0x80, 32 key bytes and a 4-byte checksum")
        if sha256(sha256(raw[:33]))[:4] != raw[33:]:
            raise EncodingError("", "checksum", "the private key has a bad checksum (a typo?)")
        return cls(raw[1:33])

    @classmethod
    def from_password(cls, account: str, role: str, password: str) -> PrivateKey:
        """The key Steem wallets derive for `role` as sha256(account + role + password)."""
        if role not in ROLES:
            raise ShapeError("", "role", f"role must be one of {', '.join(ROLES)}, got {role!r}")
        return cls(sha256((account + role + password).encode("utf-8")))

    def wif(self) -> str:
        raw = b"\x80" + self.secret
        return base58.b58encode(raw + sha256(sha256(raw))[:4]).decode("ascii")

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self._key.public_key.format(compressed=True))

    def sign_digest(self, digest: bytes) -> bytes:
        """A low-S, fc-canonical compact signature over a 32-byte digest (header 31..34: compressed key)."""
        attempt = 0
        while True:
            entropy = ffi.new("unsigned char[32]", sha256(digest + attempt.to_bytes(4, "little")))
            compact = self._key.sign_recoverable(digest, hasher=None, custom_nonce=(ffi.NULL, entropy))
            signature = bytes((31 + compact[64],)) + compact[:64]
            if is_fc_canonical(signature):
                return signature
            attempt += 1
