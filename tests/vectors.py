"""Known protocol vectors (protocol.md §1.8, from beem's test suite), shared by the tests that use them."""

from __future__ import annotations

from typing import Any

WIF = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"
PUBLIC = "STM6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV"
SIGNATURE_HEX = (
    "2025416c234dd5ff15d8b45486833443c128002bcafa57269cada3ad213ef88adb"
    "5831f63a58d8b81bbdd92d494da01eeb13ee1786d02ce075228b25d7132f8f3e"
)
TRANSFER: dict[str, Any] = {
    "ref_block_num": 34294,
    "ref_block_prefix": 3707022213,
    "expiration": "2016-04-06T08:29:27",
    "operations": [["transfer", {"from": "foo", "to": "baar", "amount": "111.110 STEEM", "memo": "Fooo"}]],
    "extensions": [],
    "signatures": [SIGNATURE_HEX],
}
TRANSFER_UNSIGNED_HEX = "f68585abf4dce7c80457010203666f6f046261617206b201000000000003535445454d000004466f6f6f00"
TRANSFER_ID = "d9639b3aac813df2149527c78eb422b2fec35069"
