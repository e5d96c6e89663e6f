"""A network's genesis: who exists at block 0, with what supply, and the chain id derived from it all."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..protocol import PrivateKey
from ..protocol.hashes import sha256
from . import params

GENESIS_FILE = "genesis.json"
CONFIG_FILE = "config.json"


@dataclass(frozen=True)
class Genesis:
    """Everything block 1 builds on. Two networks with different genesis files have different chain ids."""

    network: str
    timestamp: int
    init_account: str
    init_public_key: str
    initial_supply: int  # STEEM satoshis held by the init account, liquid
    initial_vesting: int  # STEEM satoshis the init account holds as STEEM POWER
    account_creation_fee: int
    dev: bool

    def chain_id(self) -> bytes:
        """sha256 of the canonical genesis JSON: every network signs for itself."""
        return sha256(orjson.dumps(self.to_json(), option=orjson.OPT_SORT_KEYS))

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Genesis:
        return cls(**{field.name: value[field.name] for field in dataclasses.fields(cls)})


def new_genesis(network: str, dev: bool, init_key: PrivateKey, now: int | None = None) -> Genesis:
    """A genesis starting now (on a block-interval boundary)."""
    moment = int(time.time()) if now is None else now
    return Genesis(
        network=network,
        timestamp=moment - moment % params.BLOCK_INTERVAL,
        init_account=params.INIT_MINER,
        init_public_key=str(init_key.public_key),
        initial_supply=250_000_000_000 if dev else 1_000_000_000,
        initial_vesting=50_000_000_000 if dev else 1_000_000,
        account_creation_fee=params.ACCOUNT_CREATION_FEE,
        dev=dev,
    )


class InitError(RuntimeError):
    """A data directory that cannot be initialised (already holds a network)."""


def init_data_dir(data_dir: Path, dev: bool, network: str | None = None, rpc_port: int = 8090) -> Genesis:
    """Write genesis.json and config.json for a new network into `data_dir`."""
    if (data_dir / GENESIS_FILE).exists():
        raise InitError(f"{data_dir} already holds a network ({GENESIS_FILE} exists); choose another directory")
    data_dir.mkdir(parents=True, exist_ok=True)
    key = PrivateKey.from_wif(params.DEV_INIT_MINER_WIF) if dev else PrivateKey.generate()
    genesis = new_genesis(network or ("stoa-dev" if dev else "stoa"), dev, key)
    config = {
        "rpc": {"host": "127.0.0.1", "port": rpc_port},
        "witness": {"name": genesis.init_account, "signing_key": key.wif()},
    }
    write_json(data_dir / GENESIS_FILE, genesis.to_json())
    write_json(data_dir / CONFIG_FILE, config)
    (data_dir / CONFIG_FILE).chmod(0o600)  # it holds the witness's signing key
    return genesis


def load_genesis(data_dir: Path) -> Genesis:
    path = data_dir / GENESIS_FILE
    if not path.exists():
        raise InitError(f"{data_dir} holds no network; run `stoa init --data-dir {data_dir}` first")
    return Genesis.from_json(orjson.loads(path.read_bytes()))


def write_json(path: Path, value: Any) -> None:
    path.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
