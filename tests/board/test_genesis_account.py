"""The dev genesis funds the board's account with STEEM POWER taken from initminer's; genesis files
from before the board keep their chain id."""

from __future__ import annotations

from pathlib import Path

import orjson

from stoa.chain.genesis import BOARD_FIELDS, DEV_BOARD_VESTING, DEV_BOARD_WIF, Genesis, init_data_dir
from stoa.chain.node import Node
from stoa.chain.params import VESTS_PER_STEEM_AT_GENESIS
from stoa.protocol import PrivateKey
from stoa.protocol.hashes import sha256


def test_the_dev_board_account_holds_its_key_and_stake(tmp_path: Path) -> None:
    genesis = init_data_dir(tmp_path / "net", dev=True, board_account="honorboard")
    node = Node(tmp_path / "net", block_mode="manual")
    try:
        board, init = node.state.account("honorboard"), node.state.account("initminer")
        assert board is not None and init is not None
        key = PrivateKey.from_wif(DEV_BOARD_WIF).public_key
        assert all(board.authority(role).key_auths[0][0] == key for role in ("owner", "active", "posting"))
        assert board.vesting_shares == board.voting_mana == DEV_BOARD_VESTING * VESTS_PER_STEEM_AT_GENESIS
        assert init.vesting_shares + board.vesting_shares == node.state.dgp().total_vesting_shares
        assert node.state.dgp().total_vesting_fund_steem == genesis.initial_vesting
    finally:
        node.stop()


def test_a_genesis_without_a_board_keeps_its_chain_id(tmp_path: Path) -> None:
    genesis = init_data_dir(tmp_path / "net", dev=False)
    written = orjson.loads((tmp_path / "net" / "genesis.json").read_bytes())
    assert not set(BOARD_FIELDS) & set(written)
    assert genesis.chain_id() == sha256(orjson.dumps(written, option=orjson.OPT_SORT_KEYS))
    assert Genesis.from_json(written) == genesis
