"""The `stoa` command line: `tx inspect`, `keys new`, `keys from-password` and help.

Most tests run the installed console script in a subprocess, so they prove the command a user types
works; a few use click's CliRunner where only the command's logic is in question.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from stoa.chain.genesis import load_genesis
from stoa.chain.node import Node
from stoa.chain.state import connect
from stoa.cli import main
from stoa.index.ingest import genesis_accounts, ingest
from stoa.index.schema import create as create_index
from stoa.protocol import PrivateKey, PublicKey, SignedTransaction, recover_public_key
from stoa.protocol.hashes import sha256
from stoa.protocol.keys import ROLES
from stoa.protocol.operations import Comment, CustomJson, Vote

from .chain.conftest import DevChain, role_key
from .index.test_ingest import tables as index_tables
from .vectors import PUBLIC, SIGNATURE_HEX, TRANSFER, TRANSFER_ID, TRANSFER_UNSIGNED_HEX, WIF

EXAMPLE = TRANSFER
APPBASE_EXAMPLE: dict[str, Any] = {
    **EXAMPLE,
    "operations": [
        {
            "type": "transfer_operation",
            "value": {
                "from": "foo",
                "to": "baar",
                "amount": {"amount": "111110", "precision": 3, "nai": "@@000000021"},
                "memo": "Fooo",
            },
        }
    ],
}
HEX = TRANSFER_UNSIGNED_HEX
TX_ID = TRANSFER_ID
ZERO_CHAIN = "00" * 32
OTHER_CHAIN = "beeab0de" + "00" * 28


def stoa_executable() -> str:
    beside_python = Path(sys.executable).with_name("stoa")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("stoa")
    if found is None:
        pytest.fail("the `stoa` console script is not installed; run `pip install -e .`", pytrace=False)
    return found


def stoa(*args: str, stdin: bytes | str = b"") -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run([stoa_executable(), *args], input=data, capture_output=True, timeout=60, check=False)
    return subprocess.CompletedProcess(
        completed.args, completed.returncode, completed.stdout.decode(), completed.stderr.decode()
    )


def invoke(*args: str, stdin: bytes | str = b"") -> subprocess.CompletedProcess[str]:
    """The same as `stoa(...)` through click's CliRunner, in process (faster); an uncaught exception
    shows up as a traceback on stderr, as it would from the real command."""
    result = CliRunner().invoke(main, list(args), input=stdin, prog_name="stoa")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(["stoa", *args], result.exit_code, result.stdout, stderr)


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def inspect_ok(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    output = orjson.loads(result.stdout)
    assert set(output) == {"hex", "id", "digest", "chain_id", "signers", "validation"}
    return output  # type: ignore[no-any-return]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str, code: int = 1) -> str:
    """A failed run: exit `code`, nothing on stdout, one `Error: …` line on stderr, no traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), result.stderr
    if code == 1:  # a ClickException: just the one line (usage errors, code 2, also show the usage)
        assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[-1], (fragment, lines[-1])
    return lines[-1]


# --- tx inspect -----------------------------------------------------------------------------------


def test_inspect_stdin_with_the_installed_command() -> None:
    output = inspect_ok(stoa("tx", "inspect", "-", stdin=dumps(EXAMPLE)))
    assert output["hex"] == HEX
    assert output["id"] == TX_ID
    assert output["signers"] == [PUBLIC]
    assert output["validation"] == "ok"
    assert output["chain_id"] == ZERO_CHAIN
    assert output["digest"] == sha256(bytes(32) + bytes.fromhex(HEX)).hex()


def test_inspect_reads_stdin_by_default() -> None:
    assert inspect_ok(stoa("tx", "inspect", stdin=dumps(EXAMPLE))) == inspect_ok(
        stoa("tx", "inspect", "-", stdin=dumps(EXAMPLE))
    )


def test_inspect_file_argument(tmp_path: Path) -> None:
    path = tmp_path / "transfer.json"
    path.write_text(orjson.dumps(EXAMPLE, option=orjson.OPT_INDENT_2).decode())
    output = inspect_ok(stoa("tx", "inspect", str(path)))
    assert (output["hex"], output["id"], output["signers"], output["validation"]) == (HEX, TX_ID, [PUBLIC], "ok")


def test_inspect_with_another_chain_id() -> None:
    output = inspect_ok(stoa("tx", "inspect", "--chain-id", OTHER_CHAIN, "-", stdin=dumps(EXAMPLE)))
    assert output["hex"] == HEX and output["id"] == TX_ID  # the id does not depend on the chain
    assert output["chain_id"] == OTHER_CHAIN
    digest = sha256(bytes.fromhex(OTHER_CHAIN) + bytes.fromhex(HEX))
    assert output["digest"] == digest.hex()
    assert output["digest"] != sha256(bytes(32) + bytes.fromhex(HEX)).hex()
    # the mainnet signature, checked against another chain's digest, names some other key
    expected = str(recover_public_key(bytes.fromhex(SIGNATURE_HEX), digest))
    assert output["signers"] == [expected] and expected != PUBLIC


def test_inspect_transaction_signed_for_another_chain() -> None:
    chain = bytes.fromhex(OTHER_CHAIN)
    signed = SignedTransaction.parse({**EXAMPLE, "signatures": []}).sign([PrivateKey.from_wif(WIF)], chain)
    text = dumps(signed.to_json())
    assert inspect_ok(stoa("tx", "inspect", "--chain-id", OTHER_CHAIN, stdin=text))["signers"] == [PUBLIC]
    assert inspect_ok(stoa("tx", "inspect", stdin=text))["signers"] != [PUBLIC]
    uppercase = inspect_ok(stoa("tx", "inspect", "--chain-id", OTHER_CHAIN.upper(), stdin=text))
    assert uppercase["signers"] == [PUBLIC] and uppercase["chain_id"] == OTHER_CHAIN


@pytest.mark.parametrize(
    "document",
    [
        APPBASE_EXAMPLE,
        SignedTransaction.parse(EXAMPLE).to_json(appbase=True),
        {**EXAMPLE, "operations": [[2, EXAMPLE["operations"][0][1]]]},
        {**EXAMPLE, "operations": [["transfer", {**EXAMPLE["operations"][0][1], "amount": "111.110 HIVE"}]]},
    ],
    ids=["appbase-by-hand", "appbase-dumped", "numeric-tag", "hive-symbol"],
)
def test_inspect_other_json_forms_give_identical_results(document: dict[str, Any]) -> None:
    legacy = inspect_ok(invoke("tx", "inspect", stdin=dumps(EXAMPLE)))
    assert inspect_ok(invoke("tx", "inspect", stdin=dumps(document))) == legacy
    assert legacy["hex"] == HEX and legacy["id"] == TX_ID and legacy["signers"] == [PUBLIC]


def test_inspect_unsigned_transaction() -> None:
    output = inspect_ok(stoa("tx", "inspect", stdin=dumps({**EXAMPLE, "signatures": []})))
    assert output["signers"] == [] and output["hex"] == HEX and output["validation"] == "ok"


def test_inspect_reports_validation_failures_in_its_output() -> None:
    """A well-formed transaction that breaks a stateless rule is still inspected; `validation` says why."""
    bad = {**EXAMPLE, "operations": [["transfer", {**EXAMPLE["operations"][0][1], "to": "BA"}]]}
    output = inspect_ok(stoa("tx", "inspect", stdin=dumps(bad)))
    assert output["validation"]["kind"] == "validation"
    assert output["validation"]["field"] == "operations.0.transfer.to"
    assert output["validation"]["rule"] == "account-name"
    assert "account name" in output["validation"]["message"]


# --- tx inspect: bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["not json", "", "{", "{'a': 1}", "\xff\xfe"], ids=["words", "empty", "open", "py", "bin"]
)
def test_inspect_not_json(text: str) -> None:
    stdin = text.encode("latin-1")
    assert_one_line_error(stoa("tx", "inspect", stdin=stdin), "not JSON")


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        ([], ("expected an object",)),
        ("transfer", ("expected an object",)),
        ({**EXAMPLE, "operations": [["fly", {}]]}, ("operations.0", "unknown operation 'fly'")),
        ({**EXAMPLE, "operations": [{"type": "fly_operation", "value": {}}]}, ("operations.0", "unknown operation")),
        (
            {**EXAMPLE, "operations": [["vote", {"voter": "a", "author": "b", "permlink": "c", "weight": 40000}]]},
            ("operations.0.vote.weight", "40000"),
        ),
        (
            {
                **EXAMPLE,
                "operations": [["transfer", {"from": "foo", "to": "baar", "amount": "1.00 STEEM", "memo": ""}]],
            },
            ("operations.0.transfer.amount", "decimal places"),
        ),
        ({**EXAMPLE, "operations": [["transfer", {"from": "foo"}]]}, ("operations.0.transfer.to", "missing")),
        ({**EXAMPLE, "ref_block_num": 65536}, ("ref_block_num", "range")),
        ({**EXAMPLE, "expiration": "tomorrow"}, ("expiration",)),
        ({**EXAMPLE, "signatures": ["zz"]}, ("signatures.0", "hexadecimal")),
        ({**EXAMPLE, "signatures": [SIGNATURE_HEX, SIGNATURE_HEX]}, ("signatures.1", "duplicate")),
        ({**EXAMPLE, "signatures": [SIGNATURE_HEX[:2] + "00" * 32 + SIGNATURE_HEX[66:]]}, ("signatures.0", "r and s")),
        ({**EXAMPLE, "signatures": ["10" + SIGNATURE_HEX[2:]]}, ("signatures.0", "header")),
    ],
    ids=[
        "array",
        "string",
        "unknown-op",
        "unknown-appbase-op",
        "int16-range",
        "precision",
        "missing-field",
        "uint16-range",
        "bad-time",
        "bad-hex",
        "duplicate-signature",
        "r-zero",
        "bad-header",
    ],
)
def test_inspect_bad_transactions(document: Any, fragments: tuple[str, ...]) -> None:
    assert_one_line_error(invoke("tx", "inspect", stdin=dumps(document)), *fragments)


def test_inspect_bad_transaction_with_the_installed_command() -> None:
    document = {**EXAMPLE, "operations": [["fly", {}]]}
    line = assert_one_line_error(stoa("tx", "inspect", stdin=dumps(document)))
    assert line == "Error: operations.0: unknown operation 'fly'"


def test_inspect_non_canonical_signature() -> None:
    from stoa.protocol.keys import CURVE_ORDER

    signature = bytes.fromhex(SIGNATURE_HEX)
    s = int.from_bytes(signature[33:], "big")
    twin = bytes((signature[0] ^ 1,)) + signature[1:33] + (CURVE_ORDER - s).to_bytes(32, "big")
    line = assert_one_line_error(stoa("tx", "inspect", stdin=dumps({**EXAMPLE, "signatures": [twin.hex()]})))
    assert "signatures.0" in line and "canonical" in line


@pytest.mark.parametrize("chain_id", ["zz", "00" * 31, "00" * 33, "", "0x" + "00" * 31, "0" * 63])
def test_inspect_bad_chain_id(chain_id: str) -> None:
    result = (stoa if chain_id == "zz" else invoke)("tx", "inspect", "--chain-id", chain_id, stdin=dumps(EXAMPLE))
    assert_one_line_error(result, "64 hex digits", code=2)


def test_inspect_missing_file(tmp_path: Path) -> None:
    result = stoa("tx", "inspect", str(tmp_path / "missing.json"))
    assert_one_line_error(result, "No such file", code=2)


def test_bad_chain_id_error_names_the_option() -> None:
    result = invoke("tx", "inspect", "--chain-id", "zz", stdin=dumps(EXAMPLE))
    assert "--chain-id" in result.stderr.strip().splitlines()[-1]


def test_inspect_unhashable_nai_is_a_clean_error() -> None:
    amount = {"amount": "1", "precision": 3, "nai": []}
    document = {**EXAMPLE, "operations": [["transfer", {**EXAMPLE["operations"][0][1], "amount": amount}]]}
    assert_one_line_error(invoke("tx", "inspect", stdin=dumps(document)), "operations.0.transfer.amount")


def test_inspect_huge_number_is_a_clean_error() -> None:
    document = {**EXAMPLE, "ref_block_num": "9" * 5000}
    assert_one_line_error(invoke("tx", "inspect", stdin=dumps(document)), "ref_block_num")


# --- keys ---------------------------------------------------------------------------------------------


def check_key_set(output: dict[str, Any]) -> None:
    for role in ROLES:
        private, public = output[role]["private"], output[role]["public"]
        assert public.startswith("STM")
        assert str(PrivateKey.from_wif(private).public_key) == public
        assert PublicKey.from_string(public) == PrivateKey.from_wif(private).public_key
        assert PrivateKey.from_wif(private).wif() == private


def test_keys_from_password() -> None:
    result = stoa("keys", "from-password", "alice", "secret")
    assert result.returncode == 0, result.stderr
    output = orjson.loads(result.stdout)
    assert output["account"] == "alice"
    assert set(output) == {"account", *ROLES}
    check_key_set(output)
    for role in ROLES:
        expected = PrivateKey.from_password("alice", role, "secret")
        assert output[role] == {"private": expected.wif(), "public": str(expected.public_key)}
    assert len({output[role]["public"] for role in ROLES}) == 4


def test_keys_from_password_is_sha256_of_account_role_password() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["keys", "from-password", "bob", "pässword with spaces"])
    assert result.exit_code == 0, result.output
    output = orjson.loads(result.stdout)
    for role in ROLES:
        secret = sha256(("bob" + role + "pässword with spaces").encode())
        assert output[role]["private"] == PrivateKey(secret).wif()
    assert output != orjson.loads(runner.invoke(main, ["keys", "from-password", "alice", "secret"]).stdout)


def test_keys_from_password_needs_both_arguments() -> None:
    assert_one_line_error(stoa("keys", "from-password", "alice"), "PASSWORD", code=2)


def test_keys_new() -> None:
    first, second = stoa("keys", "new"), stoa("keys", "new")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    keys, others = orjson.loads(first.stdout), orjson.loads(second.stdout)
    assert set(keys) == set(ROLES)
    check_key_set(keys)
    check_key_set(others)
    wifs = {keys[role]["private"] for role in ROLES} | {others[role]["private"] for role in ROLES}
    publics = {keys[role]["public"] for role in ROLES} | {others[role]["public"] for role in ROLES}
    assert len(wifs) == len(publics) == 8


# --- help and usage -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--help",), ("Usage: stoa", "tx", "keys")),
        (("-h",), ("Usage: stoa",)),
        (("tx", "--help"), ("inspect",)),
        (("tx", "inspect", "--help"), ("Usage: stoa tx inspect", "--chain-id", "SOURCE")),
        (("tx", "inspect", "-h"), ("--chain-id",)),
        (("keys", "--help"), ("new", "from-password")),
        (("keys", "from-password", "--help"), ("ACCOUNT", "PASSWORD")),
    ],
)
def test_help(args: tuple[str, ...], fragments: tuple[str, ...]) -> None:
    result = (stoa if args in (("--help",), ("tx", "inspect", "--help")) else invoke)(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for fragment in fragments:
        assert fragment in result.stdout


def test_version() -> None:
    result = stoa("--version")
    assert result.returncode == 0 and "stoa" in result.stdout and "version" in result.stdout


def test_unknown_command() -> None:
    assert_one_line_error(stoa("fly"), "No such command", code=2)


def test_module_entry_point() -> None:
    """`python -m stoa.cli` runs the same command."""
    completed = subprocess.run(
        [sys.executable, "-m", "stoa.cli", "tx", "inspect"],
        input=dumps(EXAMPLE).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert orjson.loads(completed.stdout)["id"] == TX_ID


def test_cli_runner_matches_the_installed_command() -> None:
    result = CliRunner().invoke(main, ["tx", "inspect", "-"], input=dumps(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout) == inspect_ok(stoa("tx", "inspect", stdin=dumps(EXAMPLE)))


# --- index rebuild --------------------------------------------------------------------------------


def seeded_network(data_dir: Path) -> int:
    """`stoa init --dev`, then a node on it (fed to the index, as `stoa run` does) writes alice's post,
    bob's reply and vote, his follow and reblog. Returns the head block."""
    done = stoa("init", "--data-dir", str(data_dir), "--dev")
    assert done.returncode == 0, done.stderr
    db = connect(data_dir / "state.db")
    create_index(db, genesis_accounts(load_genesis(data_dir)))
    db.close()
    node = Node(data_dir, block_mode="manual", consumers=[ingest])
    node.produce_block()
    chain = DevChain(node)
    for name in ("alice", "bob"):
        chain.create_account(name)
    bob = [role_key("bob", "posting")]
    chain.apply(
        Comment("", "news", "alice", "hello", "Hello", "Hello **world**", '{"tags":["stoa"]}'),
        keys=[role_key("alice", "posting")],
    )
    chain.apply(Comment("alice", "hello", "bob", "re-hello", "", "A reply", "{}"), keys=bob)
    chain.apply(Vote("bob", "alice", "hello", 10000), keys=bob)
    follow = dumps(["follow", {"follower": "bob", "following": "alice", "what": ["blog"]}])
    chain.apply(CustomJson((), ("bob",), "follow", follow), keys=bob)
    reblog = dumps(["reblog", {"account": "bob", "author": "alice", "permlink": "hello"}])
    chain.apply(CustomJson((), ("bob",), "follow", reblog), keys=bob)
    node.generate_blocks(2)
    last = node.state.dgp().head_block_number  # every block records operations (the producer's reward)
    node.stop()
    return last


def test_index_rebuild_derives_the_index_again_with_a_progress_bar(tmp_path: Path) -> None:
    data_dir = tmp_path / "net"
    last = seeded_network(data_dir)
    db = connect(data_dir / "state.db")
    live = index_tables(db)
    assert len(live["posts"]) == 2 and live["follows"] and live["reblogs"] and live["post_votes"]
    for table in ("posts", "post_tags", "post_votes", "follows", "reblogs", "blog_entries"):
        db.execute(f"DELETE FROM {table}")  # a damaged index
    db.commit()
    db.close()

    # as on a terminal: rich draws its bar (TTY_COMPATIBLE), then the summary
    env = {**os.environ, "TTY_COMPATIBLE": "1", "COLUMNS": "100"}
    command = [stoa_executable(), "index", "rebuild", "--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stdout)
    assert "indexing blocks" in screen and f"{last}/{last}" in screen, screen
    assert screen.strip().splitlines()[-1] == f"index rebuilt to block {last}: 2 posts and comments"
    db = connect(data_dir / "state.db")
    assert index_tables(db) == live
    db.close()

    # off a terminal: no bar, the summary alone; a second rebuild changes nothing
    again = stoa("index", "rebuild", "--data-dir", str(data_dir))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"index rebuilt to block {last}: 2 posts and comments"
    db = connect(data_dir / "state.db")
    assert index_tables(db) == live
    db.close()


def test_index_rebuild_needs_a_network(tmp_path: Path) -> None:
    assert_one_line_error(stoa("index", "rebuild", "--data-dir", str(tmp_path / "none")), "holds no network")
