"""Assets and prices: STEEM, SBD and VESTS in legacy and appbase JSON (protocol.md §1.4).

Legacy JSON is `"1.000 STEEM"`; appbase JSON uses NAIs.

An amount is an integer count of the symbol's smallest unit (satoshis). HIVE and HBD are read as
aliases of STEEM and SBD; everything is written with the Steem names.
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from .errors import EncodingError, ShapeError, ValidationError
from .record import Record, record
from .types import INT64, MAX_INT_DIGITS, need, parse_int_json

STEEM = "STEEM"
SBD = "SBD"
VESTS = "VESTS"


class Symbol(NamedTuple):
    name: str
    precision: int
    nai: str
    wire: bytes  # precision byte + name padded to 7 bytes


def _symbol(name: str, precision: int, nai: str) -> Symbol:
    return Symbol(name, precision, nai, bytes((precision,)) + name.encode("ascii").ljust(7, b"\0"))


SYMBOLS = {
    s.name: s
    for s in (_symbol(STEEM, 3, "@@000000021"), _symbol(SBD, 3, "@@000000013"), _symbol(VESTS, 6, "@@000000037"))
}
SYMBOL_ALIASES = {"HIVE": STEEM, "HBD": SBD}
BY_NAI = {s.nai: s for s in SYMBOLS.values()}
BY_WIRE = {s.wire: s for s in SYMBOLS.values()}


def symbol_named(name: str) -> Symbol:
    symbol = SYMBOLS.get(SYMBOL_ALIASES.get(name, name))
    if symbol is None:
        raise ShapeError("", "symbol", f"unknown asset symbol {name!r}; expected STEEM, SBD or VESTS (HIVE, HBD)")
    return symbol


class Asset(NamedTuple):
    """`amount` satoshis of `symbol` (STEEM, SBD or VESTS)."""

    amount: int
    symbol: str

    @classmethod
    def parse(cls, text: str) -> Asset:
        return ASSET.parse(text)

    def __str__(self) -> str:
        return format_legacy(self)

    def __add__(self, other: Any) -> Asset:
        return Asset(self.amount + _same_symbol(self, other).amount, self.symbol)

    def __sub__(self, other: Asset) -> Asset:
        return Asset(self.amount - _same_symbol(self, other).amount, self.symbol)

    def __neg__(self) -> Asset:
        return Asset(-self.amount, self.symbol)


def _same_symbol(left: Asset, right: Any) -> Asset:
    if not isinstance(right, Asset) or right.symbol != left.symbol:
        raise TypeError(f"cannot combine {left.symbol} with {right!r}")
    return right


def format_legacy(asset: Asset) -> str:
    precision = SYMBOLS[asset.symbol].precision
    sign = "-" if asset.amount < 0 else ""
    whole, fraction = divmod(abs(asset.amount), 10**precision)
    return f"{sign}{whole}.{fraction:0{precision}d} {asset.symbol}"


def parse_legacy(text: str) -> Asset:
    number, _, name = text.partition(" ")
    symbol = symbol_named(name)
    digits = number[1:] if number[:1] == "-" else number
    whole, dot, fraction = digits.partition(".")
    if not (whole.isdigit() and whole.isascii() and dot and fraction.isdigit() and fraction.isascii()):
        raise ShapeError("", "asset", f"{text!r} is not an amount like '1.000 {symbol.name}'")
    if len(whole) > MAX_INT_DIGITS:
        raise ShapeError("", "range", f"{text[:24]}… is far outside the int64 range of an amount")
    if len(fraction) != symbol.precision:
        raise ShapeError(
            "", "precision", f"{symbol.name} has {symbol.precision} decimal places, {text!r} has {len(fraction)}"
        )
    amount = int(whole) * 10**symbol.precision + int(fraction)
    return Asset(INT64.check(-amount if number[:1] == "-" else amount), symbol.name)


def parse_nai(value: dict[str, Any]) -> Asset:
    try:
        amount, precision, nai = value["amount"], value["precision"], value["nai"]
    except KeyError as missing:
        raise ShapeError(
            "", "missing", f"an appbase asset needs amount, precision and nai; {missing} is missing"
        ) from None
    symbol = BY_NAI.get(nai) if isinstance(nai, str) else None
    if symbol is None:
        raise ShapeError("", "symbol", f"unknown NAI {nai!r}; expected @@000000021, @@000000013 or @@000000037")
    if type(precision) is not int or precision != symbol.precision:
        raise ShapeError("", "precision", f"{symbol.name} ({nai}) has precision {symbol.precision}, not {precision!r}")
    return Asset(INT64.check(parse_int_json(amount)), symbol.name)


class AssetCodec:
    """asset: int64 amount then the 8-byte legacy symbol."""

    def parse(self, value: Any) -> Asset:
        if type(value) is str:
            return parse_legacy(value)
        if type(value) is dict:
            return parse_nai(value)
        if type(value) is list and len(value) == 3:  # [amount, precision, nai], as some steemd versions print
            return parse_nai({"amount": value[0], "precision": value[1], "nai": value[2]})
        raise ShapeError("", "type", 'expected an asset like "1.000 STEEM" or {"amount","precision","nai"}')

    def dump(self, value: Asset, appbase: bool) -> Any:
        if appbase:
            symbol = SYMBOLS[value.symbol]
            return {"amount": str(value.amount), "precision": symbol.precision, "nai": symbol.nai}
        return format_legacy(value)

    def pack(self, value: Asset, out: bytearray) -> None:
        INT64.pack(value.amount, out)
        out += SYMBOLS[value.symbol].wire

    def unpack(self, data: bytes, pos: int) -> tuple[Asset, int]:
        amount, pos = INT64.unpack(data, pos)
        end = need(data, pos, 8)
        symbol = BY_WIRE.get(bytes(data[pos:end]))
        if symbol is None:
            raise EncodingError("", "symbol", f"unknown asset symbol bytes {bytes(data[pos:end]).hex()}")
        return Asset(amount, symbol.name), end


ASSET = AssetCodec()
AssetField = Annotated[Asset, ASSET]


def require_symbol(asset: Asset, field: str, *allowed: str) -> None:
    if asset.symbol not in allowed:
        raise ValidationError(field, "symbol", f"must be {' or '.join(allowed)}, got {asset.symbol}")


def require_positive(asset: Asset, field: str) -> None:
    if asset.amount <= 0:
        raise ValidationError(field, "positive", f"must be greater than zero, got {asset}")


def require_not_negative(asset: Asset, field: str) -> None:
    if asset.amount < 0:
        raise ValidationError(field, "not-negative", f"must not be negative, got {asset}")


@record
class Price(Record):
    """An exchange rate `base / quote` (feeds: base SBD, quote STEEM)."""

    base: AssetField
    quote: AssetField

    def validate(self) -> None:
        """price::validate: both sides positive, different symbols."""
        require_positive(self.base, "base")
        require_positive(self.quote, "quote")
        if self.base.symbol == self.quote.symbol:
            raise ValidationError("quote", "symbol", "base and quote must be different assets")
