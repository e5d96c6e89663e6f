"""Annotated field types the records are written in, so each one reads like its FC_REFLECT."""

from __future__ import annotations

from typing import Annotated, Any

from .asset import ASSET, Asset
from .keys import PUBLIC_KEY, SIGNATURE, PublicKey
from .types import (
    BLOCK_ID,
    BOOL,
    BYTES,
    EXTENSIONS,
    INT16,
    INT64,
    SHA256,
    STRING,
    TIME,
    UINT16,
    UINT32,
    UINT64,
    FlatSet,
    Optional,
    String,
)

# Distinct codec instances (same wire form as STRING) so tools can tell what a string field holds.
ACCOUNT_NAME = String()
PERMLINK = String()

AccountName = Annotated[str, ACCOUNT_NAME]
Text = Annotated[str, STRING]
Permlink = Annotated[str, PERMLINK]
AssetField = Annotated[Asset, ASSET]
Int16 = Annotated[int, INT16]
Uint16 = Annotated[int, UINT16]
Uint32 = Annotated[int, UINT32]
Uint64 = Annotated[int, UINT64]
Int64 = Annotated[int, INT64]
Bool = Annotated[bool, BOOL]
TimePointSec = Annotated[int, TIME]
PublicKeyField = Annotated[PublicKey, PUBLIC_KEY]
OptionalPublicKey = Annotated[PublicKey | None, Optional(PUBLIC_KEY)]
AccountNameSet = Annotated[tuple[str, ...], FlatSet(ACCOUNT_NAME)]
Extensions = Annotated[tuple[tuple[int, Any], ...], EXTENSIONS]
BlockId = Annotated[bytes, BLOCK_ID]
Digest = Annotated[bytes, SHA256]
SignatureField = Annotated[bytes, SIGNATURE]
RawBytes = Annotated[bytes, BYTES]
