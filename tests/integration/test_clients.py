"""Real clients against a real node: beem (given only the URL) and dsteem (given the chain id)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from beem import Steem
from beem.account import Account
from beemgraphenebase.account import PasswordKey

from .conftest import INIT_WIF, RunningNode

JS = Path(__file__).resolve().parents[1] / "js"


def password_keys(name: str, password: str) -> list[str]:
    return [str(PasswordKey(name, password, role).get_private_key()) for role in ("owner", "active", "posting")]


@pytest.fixture(scope="module")
def steem(node: RunningNode) -> Steem:
    keys = [INIT_WIF, *password_keys("alice", "alice-pw-123"), *password_keys("bob", "bob-pw-123")]
    return Steem(node=node.url, keys=keys, num_retries=0, timeout=30, blocking=True)


def test_beem_detects_the_chain_from_get_config(steem: Steem, node: RunningNode) -> None:
    assert steem.chain_params["chain_id"] == node.chain_id
    assert steem.chain_params["prefix"] == "STM"
    assert {asset["symbol"] for asset in steem.chain_params["chain_assets"]} == {"STEEM", "SBD", "VESTS"}


def test_beem_full_flow(steem: Steem, node: RunningNode) -> None:
    for name in ("alice", "bob"):
        steem.create_account(name, creator="initminer", password=f"{name}-pw-123", storekeys=False)
    init = Account("initminer", blockchain_instance=steem)
    init.transfer("alice", 500, "STEEM", memo="welcome")
    init.transfer("bob", 50, "STEEM")
    init.transfer_to_vesting(200, to="alice")
    alice = Account("alice", blockchain_instance=steem)
    assert str(alice["balance"]) == "500.000 STEEM"
    assert alice["vesting_shares"].amount == pytest.approx(200_000)

    steem.post(
        "Hello Stoa",
        "A post from beem",
        author="alice",
        permlink="hello-stoa",
        tags=["news"],
        beneficiaries=[{"account": "bob", "weight": 1000}],
    )
    steem.vote(100, "@alice/hello-stoa", account="alice")
    alice.refresh()
    assert alice.get_voting_power() == pytest.approx(98, abs=0.1)
    assert alice["post_count"] == 1

    alice.transfer("bob", 1.5, "STEEM", memo="thanks")
    alice.delegate_vesting_shares("bob", "10000 VESTS")
    alice.withdraw_vesting("13000 VESTS")
    alice.refresh()
    bob = Account("bob", blockchain_instance=steem)
    assert str(alice["balance"]) == "498.500 STEEM"
    assert str(bob["balance"]) == "51.500 STEEM"
    assert bob["received_vesting_shares"].amount == pytest.approx(10_000)
    assert alice["vesting_withdraw_rate"].amount == pytest.approx(1000)

    history = node.call("condenser_api.get_account_history", ["alice", -1, 100])
    kinds = [entry[1]["op"][0] for entry in history]
    for kind in (
        "account_create",
        "transfer",
        "transfer_to_vesting",
        "comment",
        "comment_options",
        "vote",
        "delegate_vesting_shares",
        "withdraw_vesting",
    ):
        assert kind in kinds
    options = next(entry[1]["op"][1] for entry in history if entry[1]["op"][0] == "comment_options")
    assert options["extensions"] == [[0, {"beneficiaries": [{"account": "bob", "weight": 1000}]}]]


def test_beem_sees_rejections_as_errors_and_the_node_keeps_going(steem: Steem, node: RunningNode) -> None:
    from beemapi.exceptions import UnhandledRPCError

    head = node.call("condenser_api.get_dynamic_global_properties")["head_block_number"]
    with pytest.raises(UnhandledRPCError, match="not enough"):
        Account("bob", blockchain_instance=steem).transfer("alice", 1_000_000, "STEEM")
    Account("initminer", blockchain_instance=steem).transfer("bob", 1, "STEEM")
    assert node.call("condenser_api.get_dynamic_global_properties")["head_block_number"] > head


def test_dsteem_flow(node: RunningNode) -> None:
    if shutil.which("node") is None or not (JS / "node_modules" / "dsteem").is_dir():
        pytest.fail("node and tests/js/node_modules are needed; run `make test`", pytrace=False)
    done = subprocess.run(
        ["node", str(JS / "dsteem_flow.js"), node.url, node.chain_id, INIT_WIF, "dave"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for step in ("create", "transfer", "power_up", "post", "vote", "delegate", "power_down"):
        assert result[step]["expired"] is False and result[step]["block_num"] > 0, step
    account = result["account"]
    assert account["balance"] == "100.000 STEEM"
    assert account["delegated_vesting_shares"] == "1000.000000 VESTS"
    assert account["vesting_withdraw_rate"] == "1000.000000 VESTS"
    assert result["block"]["transaction_ids"][result["post"]["trx_num"]] == result["post"]["id"]
