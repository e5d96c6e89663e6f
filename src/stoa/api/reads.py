"""The chain's query layer: every read the API namespaces share.

Reads run on per-thread read-only connections.
"""

from __future__ import annotations

import threading
from typing import Any

import orjson

from ..chain import params
from ..chain.authority import SignState, required_authorities
from ..chain.node import Node
from ..chain.objects import Account, DynamicGlobalProperties, Witness
from ..chain.reputation import reputation
from ..chain.state import ACCOUNTS, WITNESS_VOTES, WITNESSES, State, block_op_ids
from ..protocol import Authority, PublicKey, SignedBlock, SignedTransaction
from ..protocol.asset import SYMBOLS
from ..protocol.operations import OPERATION
from ..protocol.types import format_time
from .jsonrpc import invalid_params
from .shapes import chain_properties_json

MAX_LIST = 1000


class ChainReader:
    """Read access for API handlers; never takes the writer's lock."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._local = threading.local()

    @property
    def state(self) -> State:
        reader = getattr(self._local, "state", None)
        if reader is None:
            reader = State.reader(self.node.state_path)
            self._local.state = reader
        return reader

    # --- globals -------------------------------------------------------------------------------

    def dgp(self) -> DynamicGlobalProperties:
        return self.state.dgp()

    def median_props(self, appbase: bool) -> dict[str, Any]:
        """The chain properties in force: the medians of the scheduled witnesses' proposals."""
        schedule = self.state.schedule()
        return chain_properties_json(
            schedule.account_creation_fee, schedule.maximum_block_size, schedule.sbd_interest_rate, appbase
        )

    def config(self) -> dict[str, Any]:
        """get_config: complete enough for beem to detect the chain (protocol.md §3.3–3.4)."""
        genesis = self.node.genesis
        values: dict[str, Any] = {
            "IS_TEST_NET": False,
            "STEEM_CHAIN_ID": self.node.chain_id.hex(),
            "STEEM_BLOCKCHAIN_VERSION": params.BLOCKCHAIN_VERSION,
            "STEEM_BLOCKCHAIN_HARDFORK_VERSION": params.HARDFORK_VERSION,
            "STEEM_ADDRESS_PREFIX": "STM",
            "STEEM_GENESIS_TIME": format_time(genesis.timestamp),
            "STEEM_INIT_PUBLIC_KEY_STR": genesis.init_public_key,
            "STEEM_INIT_MINER_NAME": genesis.init_account,
            "STEEM_NULL_ACCOUNT": params.NULL_ACCOUNT,
            "STEEM_TEMP_ACCOUNT": params.TEMP_ACCOUNT,
            "STEEM_BLOCK_INTERVAL": params.BLOCK_INTERVAL,
            "STEEM_BLOCKS_PER_DAY": params.BLOCKS_PER_DAY,
            "STEEM_100_PERCENT": params.PERCENT_100,
            "STEEM_1_PERCENT": params.PERCENT_100 // 100,
            "STEEM_MAX_TIME_UNTIL_EXPIRATION": params.MAX_TIME_UNTIL_EXPIRATION,
            "STEEM_MIN_BLOCK_SIZE_LIMIT": 65536,
            "STEEM_MIN_ACCOUNT_NAME_LENGTH": 3,
            "STEEM_MAX_ACCOUNT_NAME_LENGTH": 16,
            "STEEM_MAX_PERMLINK_LENGTH": 256,
            "STEEM_MAX_MEMO_SIZE": 2048,
            "STEEM_MAX_WITNESS_URL_LENGTH": 2048,
            "STEEM_MAX_SIG_CHECK_DEPTH": params.MAX_SIG_CHECK_DEPTH,
            "STEEM_MIN_ROOT_COMMENT_INTERVAL": params.MIN_ROOT_COMMENT_INTERVAL * 1_000_000,
            "STEEM_MIN_REPLY_INTERVAL_HF20": params.MIN_REPLY_INTERVAL * 1_000_000,
            "STEEM_MIN_COMMENT_EDIT_INTERVAL": params.MIN_COMMENT_EDIT_INTERVAL * 1_000_000,
            "STEEM_MIN_VOTE_INTERVAL_SEC": params.MIN_VOTE_INTERVAL,
            "STEEM_MAX_VOTE_CHANGES": params.MAX_VOTE_CHANGES,
            "STEEM_CASHOUT_WINDOW_SECONDS": params.CASHOUT_WINDOW_SECONDS,
            "STEEM_UPVOTE_LOCKOUT_SECONDS": params.UPVOTE_LOCKOUT_SECONDS,
            "STEEM_UPVOTE_LOCKOUT_HF17": params.UPVOTE_LOCKOUT_SECONDS * 1_000_000,
            "STEEM_REVERSE_AUCTION_WINDOW_SECONDS_HF21": params.REVERSE_AUCTION_SECONDS,
            "STEEM_VOTING_MANA_REGENERATION_SECONDS": params.VOTING_MANA_REGENERATION_SECONDS,
            "STEEM_VOTE_REGENERATION_SECONDS": params.VOTING_MANA_REGENERATION_SECONDS,
            "STEEM_VOTE_DUST_THRESHOLD": params.VOTE_DUST_THRESHOLD,
            "STEEM_DOWNVOTE_POOL_PERCENT_HF21": params.DOWNVOTE_POOL_PERCENT,
            "STEEM_VESTING_WITHDRAW_INTERVALS": params.VESTING_WITHDRAW_INTERVALS,
            "STEEM_VESTING_WITHDRAW_INTERVAL_SECONDS": params.VESTING_WITHDRAW_INTERVAL_SECONDS,
            "STEEM_MAX_WITHDRAW_ROUTES": params.MAX_WITHDRAW_ROUTES,
            "STEEM_DELEGATION_RETURN_PERIOD_HF20": params.DELEGATION_RETURN_PERIOD,
            "STEEM_SAVINGS_WITHDRAW_TIME": params.SAVINGS_WITHDRAW_TIME,
            "STEEM_SAVINGS_WITHDRAW_REQUEST_LIMIT": params.SAVINGS_WITHDRAW_REQUEST_LIMIT,
            "STEEM_CONVERSION_DELAY": params.CONVERSION_DELAY * 1_000_000,
            "STEEM_MAX_ACCOUNT_WITNESS_VOTES": params.MAX_ACCOUNT_WITNESS_VOTES,
            "STEEM_MAX_PROXY_RECURSION_DEPTH": params.MAX_PROXY_RECURSION_DEPTH,
            "STEEM_IRREVERSIBLE_THRESHOLD": 7500,
        }
        for name in ("STEEM", "SBD", "VESTS"):  # exactly three *_SYMBOL entries, as beem expects
            symbol = SYMBOLS[name]
            values[f"{name}_SYMBOL"] = {"nai": symbol.nai, "decimals": symbol.precision}
        return values

    def version(self) -> dict[str, Any]:
        from .. import __version__

        return {
            "blockchain_version": params.BLOCKCHAIN_VERSION,
            "steem_revision": f"stoa-{__version__}",
            "fc_revision": f"stoa-{__version__}",
            "chain_id": self.node.chain_id.hex(),
        }

    def hardfork_properties(self) -> dict[str, Any]:
        genesis_time = format_time(self.node.genesis.timestamp)
        return {
            "id": 0,
            "processed_hardforks": [genesis_time] * 24,
            "last_hardfork": 23,
            "current_hardfork_version": params.HARDFORK_VERSION,
            "next_hardfork": params.HARDFORK_VERSION,
            "next_hardfork_time": genesis_time,
        }

    def witness_schedule(self, appbase: bool) -> dict[str, Any]:
        schedule = self.state.schedule()
        names = schedule.witnesses()
        return {
            "id": 0,
            "current_virtual_time": schedule.current_virtual_time,
            "next_shuffle_block_num": schedule.next_shuffle_block_num,
            "current_shuffled_witnesses": names,
            "num_scheduled_witnesses": len(names),
            "elected_weight": 1,
            "timeshare_weight": 5,
            "miner_weight": 1,
            "witness_pay_normalization_factor": 25,
            "median_props": self.median_props(appbase),
            "majority_version": params.BLOCKCHAIN_VERSION,
            "max_voted_witnesses": 20,
            "max_miner_witnesses": 0,
            "max_runner_witnesses": 1,
            "hardfork_required_witnesses": 17,
        }

    # --- accounts -------------------------------------------------------------------------------

    def accounts(self, names: list[Any]) -> list[Account | None]:
        if len(names) > MAX_LIST:
            raise invalid_params(f"at most {MAX_LIST} accounts per call")
        return [self.state.account(name) if isinstance(name, str) else None for name in names]

    def lookup_accounts(self, lower_bound: str, limit: int) -> list[str]:
        limit = checked_limit(limit)
        rows = self.state.db.execute(
            "SELECT name FROM accounts WHERE name >= ? ORDER BY name LIMIT ?", (lower_bound, limit)
        )
        return [name for (name,) in rows]

    def account_count(self) -> int:
        return self.state.count(ACCOUNTS)

    def reputation(self, account: str) -> int:
        return reputation(self.state, account)

    def witness_votes(self, account: str) -> list[str]:
        return [vote.witness for vote in WITNESS_VOTES.scan(self.state.db, "account = ?", (account,))]

    def witnesses_by_vote(self, lower_bound: str, limit: int) -> list[Witness]:
        return WITNESSES.scan(self.state.db, "owner >= ?", (lower_bound,), checked_limit(limit))

    # --- blocks and history ---------------------------------------------------------------------

    def block(self, block_num: int) -> SignedBlock | None:
        if not isinstance(block_num, int) or isinstance(block_num, bool):
            raise invalid_params("block_num must be an integer")
        if not 1 <= block_num <= self.node.blocklog.head_num:
            return None
        return SignedBlock.from_bytes(self.node.blocklog.read(block_num))

    def operations_in_block(self, block_num: int, only_virtual: bool) -> list[dict[str, Any]]:
        sql = (
            "SELECT * FROM operations WHERE id BETWEEN ? AND ?"
            + (" AND virtual_op = 1" if only_virtual else "")
            + " ORDER BY id"
        )
        ids = block_op_ids(block_num)
        return [operation_row(row) for row in self.state.db.execute(sql, (ids.start, ids.stop - 1))]

    def account_history(self, account: str, start: int, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """Entries with sequence numbers in (start − limit, start]; start −1 means the newest."""
        if not 0 < limit <= MAX_LIST:
            raise invalid_params(f"limit must be 1..{MAX_LIST}")
        if start < 0:
            start = 1 << 62
        elif start < limit - 1:
            raise invalid_params("start must be at least limit - 1 (or -1 for the newest)")
        rows = self.state.db.execute(
            "SELECT h.seq, o.* FROM account_history h JOIN operations o ON o.id = h.op_id"
            " WHERE h.account = ? AND h.seq <= ? ORDER BY h.seq DESC LIMIT ?",
            (account, start, limit),
        ).fetchall()
        return [(row[0], operation_row(row[1:])) for row in reversed(rows)]

    def transaction_position(self, trx_id: str) -> tuple[int, int] | None:
        found = self.state.db.execute(
            "SELECT block_num, trx_num FROM transaction_index WHERE trx_id = ?", (trx_id,)
        ).fetchone()
        return None if found is None else (found[0], found[1])

    # --- signatures -----------------------------------------------------------------------------

    def authority(self, name: str, role: str) -> Authority:
        account = self.state.account(name)
        if account is None:
            raise invalid_params(f"account {name!r} does not exist")
        return account.authority(role)

    def potential_signatures(self, tx: SignedTransaction) -> list[PublicKey]:
        """Every key that could take part in signing `tx` (its required authorities, two levels deep)."""
        required = required_authorities(tx.operations)
        keys: set[PublicKey] = set()
        roles = ("posting", "active", "owner") if required.posting else ("active", "owner")
        for name in sorted(required.posting | required.active):
            for role in roles:
                self._collect_keys(self.authority(name, role), role, keys, 0)
        for name in sorted(required.owner):
            self._collect_keys(self.authority(name, "owner"), "owner", keys, 0)
        return sorted(keys)

    def _collect_keys(self, authority: Authority, role: str, keys: set[PublicKey], depth: int) -> None:
        keys.update(key for key, _ in authority.key_auths)
        if depth < params.MAX_SIG_CHECK_DEPTH:
            for name, _ in authority.account_auths:
                self._collect_keys(self.authority(name, role), role, keys, depth + 1)

    def required_signatures(self, tx: SignedTransaction, available: list[PublicKey]) -> list[PublicKey]:
        """The keys among `available` that signing would use (steemd get_required_signatures)."""
        required = required_authorities(tx.operations)
        getter = "posting" if required.posting else "active"
        state = SignState(available, lambda name: self.authority(name, getter), params.MAX_SIG_CHECK_DEPTH)
        for name in sorted(required.posting | required.active):
            state.check_account(name) or state.check(self.authority(name, "active")) or state.check(
                self.authority(name, "owner")
            )
        for name in sorted(required.owner):
            state.check(self.authority(name, "owner"))
        return [key for key, used in state.used.items() if used]


def checked_limit(limit: Any) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_LIST:
        raise invalid_params(f"limit must be an integer from 1 to {MAX_LIST}")
    return limit


def operation_row(row: Any) -> dict[str, Any]:
    """An `operations` row as the history APIs print it (legacy op form)."""
    _, block_num, trx_in_block, op_in_trx, virtual_op, trx_id, timestamp, op = row
    return {
        "trx_id": trx_id,
        "block": block_num,
        "trx_in_block": trx_in_block,
        "op_in_trx": op_in_trx,
        "virtual_op": virtual_op,
        "timestamp": format_time(timestamp),
        "op": orjson.loads(op),
    }


def appbase_operation_row(entry: dict[str, Any]) -> dict[str, Any]:
    """The same entry with its operation in appbase form."""
    return {**entry, "op": OPERATION.dump(OPERATION.parse(entry["op"]), True)}
