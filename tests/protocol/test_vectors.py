"""Known vectors (protocol.md §1.2, §1.8) and the 36 real mainnet blocks in ../shared/vectors."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from stoa.protocol import OPERATION, PrivateKey, SignedBlock, SignedTransaction, reference_block
from stoa.protocol.operations import CommentOptions, Vote

from ..vectors import PUBLIC, SIGNATURE_HEX, TRANSFER, TRANSFER_ID, TRANSFER_UNSIGNED_HEX, WIF

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "real_blocks.json"


def test_transfer_vector() -> None:
    tx = SignedTransaction.parse(TRANSFER)
    assert tx.to_bytes().hex() == TRANSFER_UNSIGNED_HEX + "01" + SIGNATURE_HEX
    assert tx.unsigned_bytes().hex() == TRANSFER_UNSIGNED_HEX
    assert tx.id() == TRANSFER_ID == "d9639b3aac813df2149527c78eb422b2fec35069"
    assert [str(key) for key in tx.signers()] == [PUBLIC]


def test_wif_vector() -> None:
    key = PrivateKey.from_wif(WIF)
    assert str(key.public_key) == PUBLIC
    assert key.wif() == WIF


def test_vote_vector() -> None:
    tx = SignedTransaction.parse(
        {**TRANSFER, "operations": [Vote("foobara", "foobarc", "foobard", 1000).to_json()], "signatures": []}
    )
    assert tx.unsigned_bytes().hex() == (
        "f68585abf4dce7c80457010007666f6f6261726107666f6f6261726307666f6f62617264e80300"
    )


def test_comment_options_vector() -> None:
    op = OPERATION.parse(
        [
            "comment_options",
            {
                "author": "xeroc",
                "permlink": "piston",
                "max_accepted_payout": "1000000.000 SBD",
                "percent_steem_dollars": 10000,
                "allow_votes": True,
                "allow_curation_rewards": True,
                "extensions": [
                    [
                        0,
                        {
                            "beneficiaries": [
                                {"account": "good-karma", "weight": 2000},
                                {"account": "null", "weight": 5000},
                            ]
                        },
                    ]
                ],
            },
        ]
    )
    assert isinstance(op, CommentOptions)
    out = bytearray()
    OPERATION.pack(op, out)
    assert out.hex() == (
        "13"
        "057865726f63"
        "06706973746f6e"
        "00ca9a3b00000000"
        "0353424400000000"
        "1027"
        "01"
        "01"
        "01"
        "00"
        "02"
        "0a676f6f642d6b61726d61"
        "d007"
        "046e756c6c"
        "8813"
    )


def test_reference_block_vector() -> None:
    assert reference_block(bytes.fromhex("004c4b40245ffb07380a393fb2b3d841b76cdaec")) == (19264, 133914404)


def test_password_keys_are_sha256_of_name_role_password() -> None:
    import hashlib

    key = PrivateKey.from_password("alice", "posting", "hunter2")
    assert key.secret == hashlib.sha256(b"alicepostinghunter2").digest()


def test_signing_is_canonical_and_recovers() -> None:
    key = PrivateKey.from_wif(WIF)
    for attempt in range(50):
        tx = SignedTransaction.parse({**TRANSFER, "ref_block_num": attempt, "signatures": []}).sign([key])
        signature = tx.signatures[0]
        assert 31 <= signature[0] <= 34
        assert (
            int.from_bytes(signature[33:], "big") <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
        )
        assert tx.signers() == [key.public_key]


def load_blocks() -> list[dict]:
    if not VECTORS.exists():
        pytest.fail(f"{VECTORS} is missing: the shared vectors folder sits beside the project checkout")
    return orjson.loads(VECTORS.read_bytes())


API_KEYS = ("block_num", "format", "chain", "chain_id", "source", "source_commit", "source_note")


@pytest.mark.parametrize("block", load_blocks(), ids=lambda block: f"{block['block_num']}-{block['format']}")
def test_real_block(block: dict) -> None:
    signed = SignedBlock.parse(block)
    assert signed.block_num == block["block_num"]
    assert signed.block_id().hex() == block["block_id"]
    assert str(signed.signing_key()) == block["signing_key"]
    assert signed.calculate_merkle_root().hex() == block["transaction_merkle_root"]
    assert [tx.id() for tx in signed.transactions] == block["transaction_ids"]
    assert SignedBlock.from_bytes(signed.to_bytes()) == signed
    for appbase in (False, True):
        assert SignedBlock.parse(signed.to_json(appbase)) == signed
    for tx in signed.transactions:
        if tx.signatures:
            tx.signers(bytes(32))  # every signature recovers under the zero chain id
