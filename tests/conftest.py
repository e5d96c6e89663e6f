"""Shared fixtures: real Steem clients to check Stoa against."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .clients import DsteemBridge, dsteem_missing


@pytest.fixture(scope="session")
def dsteem() -> Iterator[DsteemBridge]:
    """The dsteem bridge (`node tests/js/dsteem_bridge.js`), started once per session."""
    problem = dsteem_missing()
    if problem is not None:
        message = (
            f"cannot run the dsteem client tests: {problem}. Run `make test`: it installs tests/js's npm packages"
            " (it needs Node.js 20 and npm on PATH)"
        )
        pytest.fail(message, pytrace=False)
    with DsteemBridge() as bridge:
        yield bridge
