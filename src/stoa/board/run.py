"""Starting a board process: its key, database, follower thread and the web server on its port."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import uvicorn

from ..chain.genesis import DEV_BOARD_WIF
from ..protocol import PrivateKey
from .rpc import Rpc
from .send import Settings
from .service import Board, board_status, wait_for_node
from .store import open_store
from .web import board_app

log = logging.getLogger("stoa.board")

KEY_ENV = "STOA_BOARD_KEY"
DB_FILE = "board.db"


class BoardKeyError(RuntimeError):
    """No usable key for the board's account."""


def posting_keys(rpc: Rpc, account: str) -> list[str]:
    found = rpc.call("condenser_api.get_accounts", [[account]])
    if not found:
        raise BoardKeyError(f"@{account} does not exist on this chain; create it or choose --account")
    return [str(key) for key, _ in found[0]["posting"]["key_auths"]]


def resolve_key(rpc: Rpc, account: str, key_file: Path | None) -> PrivateKey:
    """The posting key from --key-file or $STOA_BOARD_KEY, else the dev network's well-known board key when
    the account holds it. The key itself is never logged."""
    text = key_file.read_text().strip() if key_file else os.environ.get(KEY_ENV, "").strip()
    keys = posting_keys(rpc, account)
    if not text:
        dev = PrivateKey.from_wif(DEV_BOARD_WIF)
        if str(dev.public_key) not in keys:
            raise BoardKeyError(f"no key for @{account}: give --key-file or set {KEY_ENV}")
        log.info("@%s holds the dev network's well-known board key: using it", account)
        return dev
    try:
        key = PrivateKey.from_wif(text)
    except Exception:
        raise BoardKeyError("the board's key is not a WIF private key") from None
    if str(key.public_key) not in keys:
        log.error(
            "the key given is not in @%s's posting authority: its broadcasts will be refused and retried", account
        )
    return key


def serve(
    node_url: str,
    data_dir: Path,
    settings: Settings,
    host: str,
    port: int,
    key_file: Path | None = None,
    batch_blocks: int = 1000,
    site_url: str = "",
) -> None:
    """Run the board until interrupted: the follower in a thread, the web server in this one."""
    db = open_store(data_dir / DB_FILE)
    rpc = Rpc(node_url)
    stopping = threading.Event()
    wait_for_node(rpc, stopping)
    board = Board(db, rpc, settings, resolve_key(rpc, settings.account, key_file), batch_blocks, stopping)
    follower = threading.Thread(target=board.run, name="stoa-board", daemon=True)
    follower.start()
    app = board_app(data_dir / DB_FILE, settings.board_url, settings.network, lambda read: board_status(board, read),
                    site_url)  # fmt: skip
    log.info("board @%s following %s; Board of Honor on http://%s:%d/", settings.account, node_url, host, port)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        stopping.set()
        follower.join(10)
        rpc.close()
