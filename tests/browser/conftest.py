"""Browser tests: a real node (`stoa run --demo`, instant blocks) and Debian's chromium driven by
Playwright, with every request the page makes recorded (and any to a foreign host refused)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect, sync_playwright

from stoa.demo import demo_password, key
from stoa.protocol import PrivateKey, SignedTransaction, reference_block
from stoa.protocol.operations import Operation
from stoa.protocol.types import parse_time

from ..integration.conftest import RunningNode, init_network, start_node

CHROMIUM = "/usr/bin/chromium"
expect.set_options(timeout=15_000)  # a broadcast waits for its block; the machine may be busy
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PEOPLE = ("alice", "bob", "carol")


def secrets(people: Iterable[str] = PEOPLE, password: Callable[[str], str] = demo_password) -> list[str]:
    """Each person's password and every key derived from it (WIF and hex): none may ever appear in a
    request. By default the demo accounts' passwords."""
    found = []
    for name in people:
        secret = password(name)
        found.append(secret)
        for role in ("owner", "active", "posting", "memo"):
            key = PrivateKey.from_password(name, role, secret)
            found += [key.wif(), key.secret.hex()]
    return found


def leaks(requests: Iterable[Request], hidden: list[str]) -> list[str]:
    """The URLs of the requests whose URL, headers or body carry one of the `hidden` secrets."""
    found = []
    for request in requests:
        sent = (request.post_data or "") + request.url + str(request.headers)
        if any(secret in sent for secret in hidden):
            found.append(request.url)
    return found


def start_demo_node(data_dir: Path) -> RunningNode:
    """A dev network with the demo people and posts, making a block as soon as transactions wait."""
    return start_node(data_dir, init_network(data_dir), extra=("--demo",), wait=60)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    running = start_demo_node(tmp_path_factory.mktemp("browser") / "net")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Traffic:
    """What a browser context asked for: every request, the foreign ones (refused) and any dialog."""

    requests: list[Request] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def bodies(self) -> list[str]:
        return [request.post_data or "" for request in self.requests]


def open_context(
    browser: Browser, node: RunningNode, traffic: Traffic, width: int = 1200, height: int = 900
) -> BrowserContext:
    context = browser.new_context(base_url=node.url.rstrip("/"), viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)

    def route(handle: Route) -> None:
        if urlsplit(handle.request.url).netloc == f"127.0.0.1:{node.port}":
            handle.continue_()
        else:
            traffic.foreign.append(handle.request.url)
            handle.abort()

    context.route("**/*", route)
    context.on("request", lambda request: traffic.requests.append(request))
    return context


def watch_dialogs(page: Page, traffic: Traffic, accept: bool) -> None:
    """Record every dialog; confirm() prompts of the site's own actions are accepted when asked."""

    def handle(dialog: Any) -> None:
        traffic.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", handle)


def login(page: Page, name: str, secret: str | None = None) -> None:
    page.goto("/login.html")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password or private key").fill(secret or demo_password(name))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/@{name}/feed")


def advance(node: RunningNode, seconds: int) -> None:
    """Move block time forward (past the chain's posting and voting intervals) without waiting."""
    head = node.call("debug_node_api.debug_get_head_block", {})
    target = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(parse_time(head["time"]) + seconds))
    node.call("debug_node_api.debug_generate_blocks_until", {"head_block_time": target, "generate_sparsely": True})


def broadcast(node: RunningNode, ops: list[Operation], name: str, role: str = "posting") -> None:
    """A transaction signed here with a demo account's key (test setup that needs no browser)."""
    signed(node, ops, key(name, role))


def signed(node: RunningNode, ops: list[Operation], signer: PrivateKey) -> None:
    dgp = node.call("condenser_api.get_dynamic_global_properties")
    num, prefix = reference_block(bytes.fromhex(dgp["head_block_id"]))
    tx = SignedTransaction(num, prefix, parse_time(dgp["time"]) + 60, tuple(ops))
    node.call(
        "condenser_api.broadcast_transaction_synchronous",
        [tx.sign([signer], bytes.fromhex(node.chain_id)).to_json()],
    )


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
