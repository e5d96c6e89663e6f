"""The price cache, refreshed by a background thread; pages read only the cache.

Every few minutes the thread asks each coin's provider for its last 24 hours. A failed refresh keeps
the coin's last good answer and records why and since when, so the widget can show its age.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from .coins import Coin
from .providers import Point, Provider, ProviderError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quote:
    """A coin's last good 24 hours, when they were fetched, and why the latest refresh failed, if it did."""

    coin: Coin
    points: tuple[Point, ...]
    fetched: float
    failure: str = ""

    @property
    def price(self) -> float:
        return self.points[-1][1]


class Ticker:
    """Quotes for `coins` from their providers (a coin without one is not shown)."""

    def __init__(
        self,
        coins: tuple[Coin, ...],
        providers: dict[str, Provider],
        refresh_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.coins = tuple(coin for coin in coins if coin.symbol in providers)
        self.providers = providers
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self.quotes: dict[str, Quote] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.refreshed = threading.Event()  # set after each refresh round (tests wait on it)
        self.thread: threading.Thread | None = None

    @property
    def demo(self) -> bool:
        return any(provider.demo for provider in self.providers.values())

    @property
    def labels(self) -> list[str]:
        return sorted({provider.label for provider in self.providers.values()})

    def refresh(self) -> None:
        """Ask every provider once; keep the last good quote of a coin whose provider fails."""
        for coin in self.coins:
            try:
                points = tuple(self.providers[coin.symbol].history(coin))
            except ProviderError as error:
                log.warning("coin marketplace: %s", error)
                with self.lock:
                    if coin.symbol in self.quotes:
                        self.quotes[coin.symbol] = replace(self.quotes[coin.symbol], failure=str(error))
                continue
            with self.lock:
                self.quotes[coin.symbol] = Quote(coin, points, self.clock())
        self.refreshed.set()

    def snapshot(self) -> list[Quote]:
        """The quotes there are, in the coins' order; never waits on a provider."""
        with self.lock:
            return [self.quotes[coin.symbol] for coin in self.coins if coin.symbol in self.quotes]

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="stoa-coin-marketplace", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.refresh()
            except Exception:  # a provider bug must not end the widget's refreshes
                log.exception("coin marketplace refresh failed")
            self.stopping.wait(self.refresh_seconds)
