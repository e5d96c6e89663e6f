"""The hash functions of the protocol: sha256, sha224 and ripemd160.

sha224 is for block ids, ripemd160 for key checksums and merkle roots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha224(data: bytes) -> bytes:
    return hashlib.sha224(data).digest()


def _openssl_ripemd160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", data).digest()


def _cryptodome_ripemd160(data: bytes) -> bytes:
    from Cryptodome.Hash import RIPEMD160

    return RIPEMD160.new(data).digest()


def _pick_ripemd160() -> Callable[[bytes], bytes]:
    # OpenSSL 3 builds without the legacy provider have no ripemd160; pycryptodomex always does.
    try:
        hashlib.new("ripemd160", b"")
    except ValueError:
        return _cryptodome_ripemd160
    return _openssl_ripemd160


ripemd160 = _pick_ripemd160()
