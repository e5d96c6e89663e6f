"""The `stoa` command line: create networks, and tools for keys and transactions."""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import orjson
import uvicorn
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .api.app import node_app
from .board.badges import CATEGORIES, DEFAULT_POLICY, KINDS
from .board.run import BoardKeyError, serve
from .board.send import Settings
from .chain.genesis import DEV_BOARD_ACCOUNT, GENESIS_FILE, InitError, init_data_dir, load_genesis
from .chain.node import BLOCK_MODES, Node
from .chain.params import DEV_INIT_MINER_WIF
from .chain.state import connect, discard_outdated
from .demo import needs_demo, seed
from .index.ingest import ingest as index_ingest
from .index.ingest import prepare as prepare_index_tables
from .index.ingest import rebuild as rebuild_index
from .market import widget as coin_marketplace
from .protocol import ProtocolError, SignedTransaction
from .protocol.keys import ROLES, PrivateKey
from .web.site import link_board

PR_SET_PDEATHSIG = 1  # prctl option: a signal for this process when its parent dies


def emit(value: Any) -> None:
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def parse_chain_id(context: click.Context | None, parameter: click.Parameter | None, text: str) -> bytes:
    """A click callback: --chain-id as 32 bytes, or an error that names the option."""
    try:
        chain_id = bytes.fromhex(text)
    except ValueError:
        raise click.BadParameter("must be 64 hex digits") from None
    if len(chain_id) != 32:
        raise click.BadParameter(f"must be 32 bytes (64 hex digits), got {len(chain_id)} bytes")
    return chain_id


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stoa")
def main() -> None:
    """Stoa: a self-hostable, Steem-compatible, reward-based blogging network."""


@main.command()
@click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Where the network lives."
)
@click.option(
    "--dev", is_flag=True, help="A dev network: initminer with the well-known testnet key, debug_node_api on."
)
@click.option("--network", help="A name for the network (part of its genesis, so of its chain id).")
@click.option("--rpc-port", type=int, default=8090, show_default=True, help="JSON-RPC port written to the config.")
def init(data_dir: Path, dev: bool, network: str | None, rpc_port: int) -> None:
    """Create a new network in DATA_DIR: genesis, chain id and config."""
    try:
        genesis = init_data_dir(data_dir, dev, network, rpc_port)
    except InitError as error:
        raise click.ClickException(str(error)) from None
    emit({"data_dir": str(data_dir), "network": genesis.network, "chain_id": genesis.chain_id().hex(), "dev": dev})


def progress_bar(label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)


def open_node(data_dir: Path, block_mode: str) -> Node:
    """A node on DATA_DIR with its social index, replaying what its database lacks with a progress bar."""
    with progress_bar("replaying blocks") as progress:
        task = progress.add_task("replay", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            prepare_index(data_dir)
            return Node(data_dir, block_mode=block_mode, progress=advance, consumers=[index_ingest])
        except InitError as error:
            raise click.ClickException(str(error)) from None


def prepare_index(data_dir: Path) -> None:
    """The index's tables, created beside the state before the node applies anything."""
    if not (data_dir / GENESIS_FILE).exists():
        raise InitError(f"{data_dir} holds no network; run `stoa init --data-dir {data_dir}` first")
    if discard_outdated(data_dir / "state.db"):
        click.echo("The state was written by another version of Stoa; it is derived again from the block log.")
    db = connect(data_dir / "state.db")
    if prepare_index_tables(db, load_genesis(data_dir)):
        click.echo("The index was written by another version of Stoa; it was derived again from the operations.")
    db.close()


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="The network to run.")
@click.option("--host", help="Address to serve JSON-RPC on (default: from config.json, 127.0.0.1).")
@click.option("--port", type=int, help="Port to serve JSON-RPC on (default: from config.json, 8090).")
@click.option(
    "--block-mode",
    type=click.Choice(BLOCK_MODES),
    default="slot",
    show_default=True,
    help="slot: a block every 3 s; instant: a block as soon as transactions wait; manual: only debug_node_api.",
)
@click.option("--demo", is_flag=True, help="On a fresh dev network, first add demo people, posts, votes and follows.")
@click.option("--board", is_flag=True, help="On a dev network, also start `stoa board` (port: the JSON-RPC port + 5).")
def run(data_dir: Path, host: str | None, port: int | None, block_mode: str, demo: bool, board: bool) -> None:
    """Run the node: produce blocks and serve the JSON-RPC API until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    node = open_node(data_dir, block_mode)
    if demo:
        add_demo(node)
    rpc = node.config.get("rpc", {})
    host = host or rpc.get("host", "127.0.0.1")
    port = port or rpc.get("port", 8090)
    dgp = node.state.dgp()
    click.echo(f"Stoa node {node.genesis.network}: head block {dgp.head_block_number}, chain id {node.chain_id.hex()}")
    click.echo(f"JSON-RPC: http://{host}:{port}/  (blocks: {block_mode})")
    click.echo(f"Web site: http://{host}:{port}/trending  (market: http://{host}:{port}/market)")
    if node.genesis.dev:
        click.echo(f"Dev network. Witness {node.witness}, key (owner/active/posting): {DEV_INIT_MINER_WIF}")
    board_process = start_board(node, data_dir, host, port) if board else None  # before the producer thread
    node.start()
    coin_marketplace.start(node, demo=demo)
    try:
        uvicorn.run(node_app(node), host=host, port=port, log_level="warning")
    finally:
        if board_process is not None:
            board_process.terminate()
            board_process.wait(15)
        node.stop()


def start_board(node: Node, data_dir: Path, host: str, port: int) -> subprocess.Popen[bytes] | None:
    """`stoa board` beside a dev node, as its own process that reaches the node over JSON-RPC only."""
    if not node.genesis.dev or not node.genesis.board_account:
        click.echo("No board: its account is in the genesis of dev networks made by this version (stoa init --dev).")
        return None
    board_dir, board_port = data_dir / "board", port + 5
    click.echo(f"Board of Honor: http://{host}:{board_port}/  (@{node.genesis.board_account}, data in {board_dir})")
    link_board(f"http://{host}:{board_port}")
    command = ["board", "--node", f"http://{host}:{port}/", "--site-url", f"http://{host}:{port}"]
    command += ["--data-dir", str(board_dir), "--host", host, "--port", str(board_port)]
    command += ["--account", node.genesis.board_account]
    return subprocess.Popen([sys.executable, "-m", "stoa.cli", *command], preexec_fn=die_with_parent)


def die_with_parent() -> None:
    """In the child before exec: on Linux, SIGTERM when the node's process ends however it ends (uvicorn
    re-raises the node's SIGTERM, so `run` gets no chance to stop the board itself)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def add_demo(node: Node) -> None:
    if not node.genesis.dev:
        raise click.ClickException("--demo only seeds dev networks (stoa init --dev)")
    if not needs_demo(node):
        click.echo("Demo content is already there.")
        return
    passwords = seed(node)
    click.echo("Demo accounts (log in with these passwords):")
    for name, password in passwords.items():
        click.echo(f"  @{name:<8} {password}")


def vote_policy(
    context: click.Context | None, parameter: click.Parameter | None, values: tuple[str, ...]
) -> dict[str, int]:
    """A click callback: --vote KIND=PERCENT entries over the default policy, as basis points."""
    policy = dict(DEFAULT_POLICY)
    for entry in values:
        name, _, percent = entry.partition("=")
        if name not in CATEGORIES and name not in KINDS:
            raise click.BadParameter(f"{name!r} is neither a category ({', '.join(CATEGORIES)}) nor a badge kind")
        try:
            weight = round(float(percent) * 100)
        except ValueError:
            raise click.BadParameter(f"{entry!r}: the percent after = must be a number") from None
        if not 0 <= weight <= 10_000:
            raise click.BadParameter(f"{entry!r}: the percent must be 0 to 100")
        policy[name] = weight
    return policy


@main.command()
@click.option(
    "--node", "node_url", default="http://127.0.0.1:8090/", show_default=True, help="The node's JSON-RPC URL."
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Where the board keeps board.db.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve the Board of Honor on.")
@click.option("--port", type=int, default=8095, show_default=True, help="Port to serve the Board of Honor on.")
@click.option("--account", default=DEV_BOARD_ACCOUNT, show_default=True, help="The board's account.")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A file holding the account's posting key (WIF); or set STOA_BOARD_KEY. Dev networks need neither.",
)
@click.option("--network-name", default="Steemit", show_default=True, help='Replaces "Steemit" in what the bot writes.')
@click.option("--public-url", help="The board's address as notifications link it (default: http://HOST:PORT).")
@click.option("--site-url", default="", help="The site's address, for links from the Board of Honor to profiles.")
@click.option("--horizon-days", type=float, default=7.0, show_default=True, help="Never notify about older history.")
@click.option(
    "--vote",
    multiple=True,
    callback=vote_policy,
    metavar="KIND=PERCENT",
    help="Upvote weight by category (first, self, others, personal) or badge kind; "
    + ", ".join(f"{name}={weight / 100:g}" for name, weight in DEFAULT_POLICY.items())
    + " by default.",
)
@click.option(
    "--mana-floor", type=click.FloatRange(0, 100), default=50.0, show_default=True, help="Never vote below this mana %."
)
@click.option("--batch-blocks", type=click.IntRange(1), default=1000, show_default=True, help="Blocks per transaction.")
def board(
    node_url: str,
    data_dir: Path,
    host: str,
    port: int,
    account: str,
    key_file: Path | None,
    network_name: str,
    public_url: str | None,
    site_url: str,
    horizon_days: float,
    vote: dict[str, int],
    mana_floor: float,
    batch_blocks: int,
) -> None:
    """Run the achievements board: follow the node, award badges, notify, and serve the Board of Honor."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    board_url = (public_url or f"http://{host}:{port}").rstrip("/")
    settings = Settings(account, board_url, network_name, round(horizon_days * 86_400), vote, mana_floor)
    try:
        serve(node_url, data_dir, settings, host, port, key_file, batch_blocks, site_url)
    except (BoardKeyError, ValueError) as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def replay(data_dir: Path) -> None:
    """Rebuild the database from the block log (signatures are not re-checked: the log is trusted)."""
    for path in data_dir.glob("state.db*"):
        path.unlink()
    node = open_node(data_dir, "manual")
    dgp = node.state.dgp()
    click.echo(f"replayed to block {dgp.head_block_number}; state digest {node.state.digest()}")
    node.stop()


@main.group("index")
def index_group() -> None:
    """The social index (posts, votes, follows, feeds) derived from the chain's operations."""


@index_group.command("rebuild")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def index_rebuild(data_dir: Path) -> None:
    """Drop the social index and derive it again from the operations the node recorded."""
    try:
        prepare_index(data_dir)
    except InitError as error:
        raise click.ClickException(str(error)) from None
    db = connect(data_dir / "state.db")
    with progress_bar("indexing blocks") as progress:
        task = progress.add_task("index", total=None)
        db.execute("BEGIN IMMEDIATE")
        head = rebuild_index(
            db, load_genesis(data_dir), lambda done, total: progress.update(task, completed=done, total=total)
        )
        db.execute("COMMIT")
    posts = db.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    db.close()
    click.echo(f"index rebuilt to block {head}: {posts} posts and comments")


@main.command("state-digest")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def state_digest(data_dir: Path) -> None:
    """Print the head block and a hash of the consensus state, to compare nodes or replays."""
    node = open_node(data_dir, "manual")
    emit({"head_block_number": node.state.dgp().head_block_number, "digest": node.state.digest()})
    node.stop()


@main.group()
def tx() -> None:
    """Inspect transactions: bytes, ids, digests and signers."""


@tx.command("inspect")
@click.argument("source", type=click.File("rb"), default="-")
@click.option(
    "--chain-id",
    default="00" * 32,
    callback=parse_chain_id,
    help="Chain id, 64 hex digits.  [default: all zeros, Steem mainnet]",
)
def tx_inspect(source: Any, chain_id: bytes) -> None:
    """Read a transaction (legacy or appbase JSON) from SOURCE (a file, or - for stdin) and print its
    serialized hex (without signatures), id, signature digest and the public keys that signed it."""
    network = chain_id
    try:
        data = orjson.loads(source.read())
    except orjson.JSONDecodeError as error:
        raise click.ClickException(f"not JSON: {error}") from None
    try:
        transaction = SignedTransaction.parse(data)
        signers = [str(key) for key in transaction.signers(network)]
    except ProtocolError as error:
        raise click.ClickException(str(error)) from None
    try:
        transaction.validate()
        validation: Any = "ok"
    except ProtocolError as error:
        validation = error.as_dict()
    emit(
        {
            "hex": transaction.unsigned_bytes().hex(),
            "id": transaction.id(),
            "digest": transaction.digest(network).hex(),
            "chain_id": network.hex(),
            "signers": signers,
            "validation": validation,
        }
    )


@main.group()
def keys() -> None:
    """Make key sets: owner, active, posting and memo keys."""


def key_set(keys_by_role: dict[str, PrivateKey]) -> dict[str, dict[str, str]]:
    return {role: {"private": key.wif(), "public": str(key.public_key)} for role, key in keys_by_role.items()}


@keys.command("new")
def keys_new() -> None:
    """Print a fresh random key for each role."""
    emit(key_set({role: PrivateKey.generate() for role in ROLES}))


@keys.command("from-password")
@click.argument("account")
@click.argument("password")
def keys_from_password(account: str, password: str) -> None:
    """Print the keys a Steem wallet derives from ACCOUNT and PASSWORD (sha256(account + role + password))."""
    emit({"account": account, **key_set({role: PrivateKey.from_password(account, role, password) for role in ROLES})})


if __name__ == "__main__":
    sys.exit(main())
