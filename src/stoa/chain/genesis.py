"""A network's genesis: who exists at block 0, with what supply, and the chain id.

The chain id is derived from it all.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..protocol import Authority, PrivateKey, PublicKey
from ..protocol.hashes import sha256
from . import params
from .economics.rewards import genesis_reward_fund
from .economics.sbd import genesis_feed
from .objects import Account, DynamicGlobalProperties, new_account, new_witness
from .schedule import genesis_schedule
from .state import ACCOUNTS, DGP, FEED_HISTORY, REWARD_FUNDS, WITNESS_SCHEDULE, WITNESSES, State

NULL_KEY = "STM1111111111111111111111111111111114T1Anm"  # 33 zero bytes: no one holds it

# The dev network's achievements board (`stoa board`): an account with a well-known dev key (one key for
# every role, like initminer's) and STEEM POWER carved out of initminer's, so it can post and vote.
DEV_BOARD_ACCOUNT = "steemitboard"
DEV_BOARD_WIF = "5JCs8Y6pAMAAGBsVTeN3pnvoMjE2poQDAE3bBM84XZi3LuC4HSY"
DEV_BOARD_VESTING = 1_000_000_000  # 1,000,000 STEEM as STEEM POWER
BOARD_FIELDS = ("board_account", "board_public_key", "board_vesting")

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
    board_account: str = ""  # dev networks: the board's account, funded with board_vesting
    board_public_key: str = ""
    board_vesting: int = 0

    def chain_id(self) -> bytes:
        """sha256 of the canonical genesis JSON: every network signs for itself."""
        return sha256(orjson.dumps(self.to_json(), option=orjson.OPT_SORT_KEYS))

    def to_json(self) -> dict[str, Any]:
        value = dataclasses.asdict(self)
        if not self.board_account:  # a genesis without a board keeps the chain id it had before boards
            for name in BOARD_FIELDS:
                del value[name]
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Genesis:
        return cls(**{field.name: value[field.name] for field in dataclasses.fields(cls) if field.name in value})


def new_genesis(
    network: str, dev: bool, init_key: PrivateKey, now: int | None = None, board_account: str = DEV_BOARD_ACCOUNT
) -> Genesis:
    """A genesis starting now (on a block-interval boundary); a dev network's includes the board's account."""
    moment = int(time.time()) if now is None else now
    board_key = str(PrivateKey.from_wif(DEV_BOARD_WIF).public_key)
    board = (board_account, board_key, DEV_BOARD_VESTING) if dev else ("", "", 0)
    return Genesis(
        network=network,
        timestamp=moment - moment % params.BLOCK_INTERVAL,
        init_account=params.INIT_MINER,
        init_public_key=str(init_key.public_key),
        initial_supply=250_000_000_000 if dev else 1_000_000_000,
        initial_vesting=50_000_000_000 if dev else 1_000_000,
        account_creation_fee=params.ACCOUNT_CREATION_FEE,
        dev=dev,
        board_account=board[0],
        board_public_key=board[1],
        board_vesting=board[2],
    )


class InitError(RuntimeError):
    """A data directory that cannot be initialised (already holds a network)."""


def init_data_dir(
    data_dir: Path, dev: bool, network: str | None = None, rpc_port: int = 8090, board_account: str = DEV_BOARD_ACCOUNT
) -> Genesis:
    """Write genesis.json and config.json for a new network into `data_dir` (a dev network's genesis
    funds `board_account` for `stoa board`)."""
    if (data_dir / GENESIS_FILE).exists():
        raise InitError(f"{data_dir} already holds a network ({GENESIS_FILE} exists); choose another directory")
    data_dir.mkdir(parents=True, exist_ok=True)
    key = PrivateKey.from_wif(params.DEV_INIT_MINER_WIF) if dev else PrivateKey.generate()
    genesis = new_genesis(network or ("stoa-dev" if dev else "stoa"), dev, key, board_account=board_account)
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


def create_genesis_state(state: State, genesis: Genesis) -> None:
    """Block 0: the init account (the supply, liquid and vested), its witness, the system accounts
    (null, temp, the treasury), a dev network's board account, global properties, the reward fund and
    the first median price."""
    init_key = PublicKey.from_string(genesis.init_public_key)
    init_authority = Authority.single_key(init_key)
    empty = Authority(1)
    vests = genesis.initial_vesting * params.VESTS_PER_STEEM_AT_GENESIS
    init = new_account(
        genesis.init_account,
        0,
        init_authority,
        init_authority,
        init_authority,
        str(init_key),
        "",
        genesis.timestamp,
        "",
    )
    init.balance = genesis.initial_supply
    board_vests = genesis.board_vesting * params.VESTS_PER_STEEM_AT_GENESIS
    give_vests(init, vests - board_vests)
    ACCOUNTS.insert(state.db, init)
    system_accounts = (params.NULL_ACCOUNT, params.TEMP_ACCOUNT, params.TREASURY_ACCOUNT)
    for account_id, name in enumerate(system_accounts, start=1):  # no key can sign for them
        ACCOUNTS.insert(
            state.db, new_account(name, account_id, empty, empty, empty, NULL_KEY, "", genesis.timestamp, "")
        )
    if genesis.board_account:
        insert_board_account(state, genesis, len(system_accounts) + 1, board_vests)
    witness = new_witness(
        genesis.init_account,
        genesis.timestamp,
        "",
        str(init_key),
        genesis.account_creation_fee,
        params.MAX_BLOCK_SIZE,
        0,
    )
    WITNESSES.insert(state.db, witness)
    WITNESS_SCHEDULE.insert(state.db, genesis_schedule(witness))
    supply = genesis.initial_supply + genesis.initial_vesting
    DGP.insert(state.db, genesis_properties(genesis, supply, vests))
    REWARD_FUNDS.insert(state.db, genesis_reward_fund(vests, genesis.timestamp))
    FEED_HISTORY.insert(state.db, genesis_feed())


def give_vests(account: Account, vests: int) -> None:
    account.vesting_shares = vests
    account.voting_mana = vests
    account.downvote_mana = vests * params.DOWNVOTE_POOL_PERCENT // params.PERCENT_100


def insert_board_account(state: State, genesis: Genesis, account_id: int, vests: int) -> None:
    """The dev board's account: its key in every role, its STEEM POWER taken from the init account's."""
    authority = Authority.single_key(PublicKey.from_string(genesis.board_public_key))
    board = new_account(
        genesis.board_account,
        account_id,
        authority,
        authority,
        authority,
        genesis.board_public_key,
        "",
        genesis.timestamp,
        genesis.init_account,
    )
    give_vests(board, vests)
    ACCOUNTS.insert(state.db, board)


def genesis_properties(genesis: Genesis, supply: int, vests: int) -> DynamicGlobalProperties:
    return DynamicGlobalProperties(
        head_block_number=0,
        head_block_id=bytes(20),
        time=genesis.timestamp,
        current_witness=genesis.init_account,
        total_pow=0,
        num_pow_witnesses=0,
        virtual_supply=supply,
        current_supply=supply,
        confidential_supply=0,
        current_sbd_supply=0,
        confidential_sbd_supply=0,
        total_vesting_fund_steem=genesis.initial_vesting,
        total_vesting_shares=vests,
        total_reward_fund_steem=0,
        total_reward_shares2="0",
        pending_rewarded_vesting_shares=0,
        pending_rewarded_vesting_steem=0,
        sbd_interest_rate=0,
        sbd_print_rate=params.PERCENT_100,
        maximum_block_size=params.MAX_BLOCK_SIZE,
        current_aslot=0,
        recent_slots_filled=str((1 << 128) - 1),
        participation_count=128,
        last_irreversible_block_num=0,
        vote_power_reserve_rate=params.VOTE_POWER_RESERVE_RATE,
        delegation_return_period=params.DELEGATION_RETURN_PERIOD,
        reverse_auction_seconds=params.REVERSE_AUCTION_SECONDS,
        available_account_subsidies=0,
        sbd_stop_percent=1000,
        sbd_start_percent=900,
        next_maintenance_time=genesis.timestamp,
        last_budget_time=0,
        content_reward_percent=6500,
        vesting_reward_percent=1500,
        sps_fund_percent=1000,
        sps_interval_ledger=0,
        downvote_pool_percent=params.DOWNVOTE_POOL_PERCENT,
    )
