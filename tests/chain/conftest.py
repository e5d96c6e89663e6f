"""A real dev-network node in a temporary directory, driven in-process (blocks made on demand)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from stoa.chain.evaluators.common import steem_to_vests
from stoa.chain.genesis import init_data_dir
from stoa.chain.node import Node, Pending
from stoa.chain.objects import Account
from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.chain.state import connect
from stoa.index.ingest import genesis_accounts, ingest
from stoa.index.schema import create as create_index
from stoa.protocol import Asset, PrivateKey, SignedTransaction, reference_block
from stoa.protocol.errors import ProtocolError
from stoa.protocol.operations import OPERATION, AccountCreate, Operation, Transfer, TransferToVesting

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

    def create_account(self, name: str, steem: int = 100_000, vest: int = 50_000) -> int:
        """An account whose keys come from role_key(name, role), funded and powered up (satoshis).

        Returns the VESTS the power-up buys: `vest` at the share price of the head block it is applied
        on. Inflation moves that price every block, so it is the genesis ratio only before block 1."""
        fee = Asset(self.node.genesis.account_creation_fee, "STEEM")
        ops: list[Operation] = [
            AccountCreate.with_keys(fee, "initminer", name, lambda role: role_key(name, role).public_key)
        ]
        if steem + vest:
            ops.append(Transfer("initminer", name, Asset(steem + vest, "STEEM"), ""))
        self.apply(*ops)
        if not vest:
            return 0
        bought = steem_to_vests(self.state.dgp(), vest)  # the head's price: what the power-up is applied on
        self.apply(TransferToVesting(name, name, Asset(vest, "STEEM")), keys=[role_key(name, "active")])
        return bought


def rejected(chain: DevChain, *ops: Operation, keys: list[PrivateKey], rule: str) -> ProtocolError:
    """Push must fail with `rule`, leaving the state and the pending queue as they were."""
    before = chain.state.digest()
    with pytest.raises(ProtocolError) as caught:
        chain.push(*ops, keys=keys)
    assert caught.value.rule == rule, caught.value
    assert chain.node.pending == []
    assert chain.state.digest() == before
    return caught.value


def account(chain: DevChain, name: str) -> Account:
    found = chain.state.account(name)
    assert found is not None
    return found


def virtual_ops(chain: DevChain, cls: type[Operation], block_num: int | None = None) -> list[Any]:
    """The virtual operations of one kind the chain has recorded (only block `block_num`'s if given), oldest first."""
    if block_num is None:
        rows = chain.state.db.execute("SELECT op FROM operations WHERE virtual_op = 1 ORDER BY id")
    else:
        rows = chain.state.db.execute(
            "SELECT op FROM operations WHERE virtual_op = 1 AND block_num = ? ORDER BY id", (block_num,)
        )
    return [op for op in (OPERATION.parse(orjson.loads(row[0])) for row in rows) if isinstance(op, cls)]


def indexed_chain(data_dir: Path) -> DevChain:
    """A new dev network in `data_dir` whose node feeds the social index, one block made."""
    genesis = init_data_dir(data_dir, dev=True)
    db = connect(data_dir / "state.db")
    create_index(db, genesis_accounts(genesis))
    db.close()
    node = Node(data_dir, block_mode="manual", consumers=[ingest])
    node.produce_block()
    return DevChain(node)


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[DevChain]:
    init_data_dir(tmp_path / "net", dev=True)
    node = Node(tmp_path / "net", block_mode="manual")
    node.produce_block()
    dev = DevChain(node)
    yield dev
    dev.node.stop()
