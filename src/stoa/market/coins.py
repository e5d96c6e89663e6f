"""The coins the widget shows, in condenser's order, and how each is named, priced and drawn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NETWORK_COLOUR = "#09d6a8"  # STEEM and SBD (SteemMarket.jsx)
OTHER_COLOUR = "#788187"


@dataclass(frozen=True)
class Coin:
    symbol: str
    name: str
    provider_id: str  # the coin's id at a CoinGecko-compatible provider
    decimals: int = 2  # condenser shows 2, 3 for JST
    link: str = ""

    @property
    def colour(self) -> str:
        return NETWORK_COLOUR if self.symbol in NETWORK_COINS else OTHER_COLOUR


NETWORK_COINS = ("STEEM", "SBD")
POLONIEX = "https://poloniex.com/exchange#"
DEFAULT_COINS = (
    Coin("STEEM", "Steem", "steem", link=POLONIEX + "trx_steem"),
    Coin("TRX", "TRON", "tron", link=POLONIEX + "usdt_trx"),
    Coin("JST", "JUST", "just", decimals=3, link=POLONIEX + "trx_jst"),
    Coin("BTC", "Bitcoin", "bitcoin", link=POLONIEX + "usdt_btc"),
    Coin("ETH", "Ethereum", "ethereum", link=POLONIEX + "usdt_eth"),
    Coin("USDT", "Tether", "tether"),
    Coin("SBD", "Steem Dollars", "steem-dollars"),
)


def coins_from_config(entries: list[dict[str, Any]] | None) -> tuple[Coin, ...]:
    """Coins from config (`[{"symbol", "name", "id", "decimals"?, "link"?}, …]`), or the default seven."""
    if not entries:
        return DEFAULT_COINS
    return tuple(
        Coin(e["symbol"], e.get("name", e["symbol"]), e["id"], int(e.get("decimals", 2)), e.get("link", ""))
        for e in entries
    )
