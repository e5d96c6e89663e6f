"""`stoa init` makes a network whose chain id comes from its genesis."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from stoa.chain.genesis import InitError, init_data_dir, load_genesis
from stoa.chain.params import DEV_INIT_MINER_WIF
from stoa.cli import main
from stoa.protocol import PrivateKey


def test_dev_network_uses_the_testnet_key(tmp_path: Path) -> None:
    genesis = init_data_dir(tmp_path / "net", dev=True)
    assert genesis.init_account == "initminer"
    assert genesis.init_public_key == str(PrivateKey.from_wif(DEV_INIT_MINER_WIF).public_key)
    assert load_genesis(tmp_path / "net") == genesis
    config = orjson.loads((tmp_path / "net" / "config.json").read_bytes())
    assert config["witness"] == {"name": "initminer", "signing_key": DEV_INIT_MINER_WIF}
    assert (tmp_path / "net" / "config.json").stat().st_mode & 0o077 == 0


def test_each_network_has_its_own_chain_id(tmp_path: Path) -> None:
    first = init_data_dir(tmp_path / "a", dev=False)
    second = init_data_dir(tmp_path / "b", dev=False)
    assert first.init_public_key != second.init_public_key
    assert first.chain_id() != second.chain_id()
    assert len(first.chain_id()) == 32


def test_init_refuses_an_existing_network_and_keeps_it(tmp_path: Path) -> None:
    genesis = init_data_dir(tmp_path, dev=True)
    with pytest.raises(InitError, match="already holds a network"):
        init_data_dir(tmp_path, dev=False)
    assert load_genesis(tmp_path) == genesis


def test_load_without_init_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InitError, match="stoa init"):
        load_genesis(tmp_path)


def test_cli_init(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["init", "--data-dir", str(tmp_path / "n"), "--dev"])
    assert result.exit_code == 0, result.output
    printed = orjson.loads(result.output)
    assert printed["chain_id"] == load_genesis(tmp_path / "n").chain_id().hex()
    again = runner.invoke(main, ["init", "--data-dir", str(tmp_path / "n")])
    assert again.exit_code == 1 and "already holds a network" in again.output
