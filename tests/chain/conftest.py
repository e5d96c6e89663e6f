"""A real dev-network node in a temporary directory, driven in-process (blocks made on demand)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node, Pending
from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.protocol import Asset, Authority, PrivateKey, SignedTransaction, reference_block
from stoa.protocol.operations import AccountCreate, Operation, Transfer, TransferToVesting

INIT_KEY = PrivateKey.from_wif(DEV_INIT_MINER_WIF)


def role_key(name: str, role: str) -> PrivateKey:
    return PrivateKey.from_password(name, role, "password")


class DevChain:
    """A manual-mode node plus helpers to sign, push and produce."""

    def __init__(self, node: Node) -> None:
        self.node = node

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.node.state

    def sign(self, ops: list[Operation], keys: list[PrivateKey], expire_in: int = 60) -> SignedTransaction:
        dgp = self.node.state.dgp()
        num, prefix = reference_block(dgp.head_block_id)
        return SignedTransaction(num, prefix, dgp.time + expire_in, tuple(ops)).sign(keys, self.node.chain_id)

    def push(self, *ops: Operation, keys: list[PrivateKey] | None = None) -> Pending:
        """Sign (by default with the first op's required key role of its account) and push."""
        return self.node.push_transaction(self.sign(list(ops), keys or [INIT_KEY]))

    def apply(self, *ops: Operation, keys: list[PrivateKey] | None = None) -> Pending:
        """Push and produce a block; the transaction must make it in."""
        pending = self.push(*ops, keys=keys)
        self.node.produce_block()
        assert pending.error is None, pending.error
        assert pending.block_num, "transaction was not included"
        return pending

    def create_account(self, name: str, steem: int = 100_000, vest: int = 50_000) -> None:
        """An account whose keys come from role_key(name, role), funded and powered up (satoshis)."""
        auths = {role: Authority.single_key(role_key(name, role).public_key) for role in ("owner", "active", "posting")}
        fee = Asset(self.node.genesis.account_creation_fee, "STEEM")
        ops: list[Operation] = [
            AccountCreate(
                fee,
                "initminer",
                name,
                auths["owner"],
                auths["active"],
                auths["posting"],
                role_key(name, "memo").public_key,
                "",
            ),
        ]
        if steem + vest:
            ops.append(Transfer("initminer", name, Asset(steem + vest, "STEEM"), ""))
        self.apply(*ops)
        if vest:
            self.apply(TransferToVesting(name, name, Asset(vest, "STEEM")), keys=[role_key(name, "active")])


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[DevChain]:
    init_data_dir(tmp_path / "net", dev=True)
    node = Node(tmp_path / "net", block_mode="manual")
    node.produce_block()
    dev = DevChain(node)
    yield dev
    dev.node.stop()
