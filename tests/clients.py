"""Drive real Steem clients from the tests: dsteem (JavaScript) through `tests/js/dsteem_bridge.js`.

The bridge is one long-running `node` process speaking one JSON request per line on stdin and one
JSON response per line on stdout; `DsteemBridge` starts it once, sends requests and closes it.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

JS_DIR = Path(__file__).resolve().parent / "js"
BRIDGE_SCRIPT = JS_DIR / "dsteem_bridge.js"
DSTEEM_PACKAGE = JS_DIR / "node_modules" / "dsteem" / "package.json"
TIMEOUT = 30.0


class ClientError(Exception):
    """The client refused a request (its message is the client's own error)."""


class BridgeDied(RuntimeError):
    """The bridge process went away or stopped answering."""


def dsteem_missing() -> str | None:
    """Why the dsteem bridge cannot start here, or None when it can."""
    if shutil.which("node") is None:
        return "`node` is not on PATH (Node.js 20 is needed for the dsteem client tests)"
    if not DSTEEM_PACKAGE.is_file():
        return f"dsteem is not installed ({DSTEEM_PACKAGE.relative_to(JS_DIR.parent.parent)} is missing)"
    return None


class DsteemBridge:
    """A running `node tests/js/dsteem_bridge.js`; one request, one response, in order."""

    def __init__(self, script: Path = BRIDGE_SCRIPT, timeout: float = TIMEOUT) -> None:
        node = shutil.which("node")
        if node is None:
            raise BridgeDied("`node` is not on PATH")
        self.timeout = timeout
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 -- lives as long as the bridge; close() closes it
        self._process = subprocess.Popen(
            [node, str(script)], cwd=script.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin = self._process.stdin
        self._stdout_fd = self._process.stdout.fileno()
        os.set_blocking(self._stdout_fd, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._stdout_fd, selectors.EVENT_READ)
        self._buffer = bytearray()
        self._next_id = 0

    # --- the wire ------------------------------------------------------------------------------

    def request(self, cmd: str, **params: Any) -> dict[str, Any]:
        """Send one request and return its response; a client-side failure raises ClientError."""
        self._next_id += 1
        request_id = self._next_id
        line = json.dumps({"id": request_id, "cmd": cmd, **params}) + "\n"
        try:
            self._stdin.write(line.encode("utf-8"))
            self._stdin.flush()
        except (BrokenPipeError, ValueError):
            raise BridgeDied(f"the dsteem bridge is gone: {self._stderr_text()}") from None
        response = json.loads(self._read_line())
        if response.get("id") != request_id:
            raise BridgeDied(f"out-of-step response {response!r} to request {request_id} ({cmd})")
        if "error" in response:
            raise ClientError(response["error"])
        return response  # type: ignore[no-any-return]

    def _read_line(self) -> bytes:
        deadline = time.monotonic() + self.timeout
        while (newline := self._buffer.find(b"\n")) < 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                raise BridgeDied(f"no answer from the dsteem bridge in {self.timeout} s")
            chunk = os.read(self._stdout_fd, 1 << 16)
            if not chunk:
                raise BridgeDied(f"the dsteem bridge exited ({self._process.poll()}): {self._stderr_text()}")
            self._buffer += chunk
        line = bytes(self._buffer[:newline])
        del self._buffer[: newline + 1]
        return line

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace").strip() or "(no stderr)"

    def close(self) -> None:
        if self._process.poll() is None:
            self._stdin.close()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._selector.close()
        self._process.stdout.close()  # type: ignore[union-attr]
        self._stderr.close()

    def __enter__(self) -> DsteemBridge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what dsteem does ---------------------------------------------------------------------

    def version(self) -> str:
        return str(self.request("version")["version"])

    def serialize_operation(self, op: Any) -> bytes:
        """dsteem's bytes for a legacy-JSON operation `["name", {...}]` (varint id then fields)."""
        return bytes.fromhex(self.request("serialize_operation", op=op)["hex"])

    def serialize_transaction(self, tx: dict[str, Any]) -> bytes:
        """dsteem's bytes for a transaction without its signatures (what is hashed and signed)."""
        return bytes.fromhex(self.request("serialize_transaction", tx=tx)["hex"])

    def transaction_digest(self, tx: dict[str, Any], chain_id: bytes) -> bytes:
        return bytes.fromhex(self.request("transaction_digest", tx=tx, chain_id=chain_id.hex())["hex"])

    def sign_transaction(self, tx: dict[str, Any], wifs: list[str], chain_id: bytes) -> dict[str, Any]:
        """`tx` with one more signature per WIF key, as dsteem's cryptoUtils.signTransaction makes it."""
        signed = self.request("sign_transaction", tx=tx, keys=wifs, chain_id=chain_id.hex())["tx"]
        return signed  # type: ignore[no-any-return]

    def recover(self, signature: bytes, digest: bytes) -> str:
        """The public key ("STM…") dsteem recovers from a 65-byte signature over a 32-byte digest."""
        return str(self.request("recover", signature=signature.hex(), digest=digest.hex())["key"])

    def public_key(self, wif: str) -> str:
        return str(self.request("public_key", wif=wif)["key"])

    def login_key(self, account: str, role: str, password: str) -> str:
        return str(self.request("login_key", account=account, role=role, password=password)["wif"])
