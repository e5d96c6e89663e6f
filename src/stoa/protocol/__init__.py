"""Steem's wire protocol, pure and without I/O.

It covers types, assets, keys, operations, transactions and blocks.
"""

from .asset import ASSET, SBD, STEEM, VESTS, Asset, Price
from .authority import Authority
from .block import BlockHeader, SignedBlock, SignedBlockHeader, merkle_root
from .errors import EncodingError, ProtocolError, ShapeError, SignatureError, ValidationError
from .keys import PrivateKey, PublicKey, recover_public_key
from .operations import OPERATION, Operation
from .transaction import ZERO_CHAIN_ID, SignedTransaction, Transaction, reference_block

__all__ = [
    "ASSET",
    "OPERATION",
    "SBD",
    "STEEM",
    "VESTS",
    "ZERO_CHAIN_ID",
    "Asset",
    "Authority",
    "BlockHeader",
    "EncodingError",
    "Operation",
    "Price",
    "PrivateKey",
    "ProtocolError",
    "PublicKey",
    "ShapeError",
    "SignatureError",
    "SignedBlock",
    "SignedBlockHeader",
    "SignedTransaction",
    "Transaction",
    "ValidationError",
    "merkle_root",
    "recover_public_key",
    "reference_block",
]
