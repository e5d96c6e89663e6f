"""Wire primitives: each codec turns one fc type into JSON, bytes and back (protocol.md §1.3).

A codec has four methods. `parse(json) -> value` accepts both the legacy and the appbase JSON form,
`dump(value, appbase) -> json` writes one of them, `pack(value, out)` appends the fc::raw bytes to a
bytearray and `unpack(data, pos) -> (value, pos)` reads them back. Errors carry an empty field path;
containers put their own key or index in front as the error travels up.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from .errors import EncodingError, ProtocolError, ShapeError

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

# fc's JSON writer prints integers outside ±0xFFFFFFFF as strings (protocol.md §3.3).
JSON_SAFE_INT = 0xFFFFFFFF
TIME_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
MAX_INT_DIGITS = 20  # uint64's maximum has 20 decimal digits


class Codec(Protocol[T]):
    """What every wire type knows how to do."""

    def parse(self, value: Any) -> T: ...

    def dump(self, value: T, appbase: bool) -> Any: ...

    def pack(self, value: T, out: bytearray) -> None: ...

    def unpack(self, data: bytes, pos: int) -> tuple[T, int]: ...


def type_name(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def expect(value: Any, kind: type | tuple[type, ...], what: str) -> None:
    """Raise a ShapeError unless `value` is an instance of `kind` (booleans are never numbers)."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ShapeError("", "type", f"expected {what}, got {type_name(value)}")


def need(data: bytes, pos: int, size: int) -> int:
    """The end offset of `size` bytes at `pos`, or an EncodingError if the input is shorter."""
    end = pos + size
    if end > len(data):
        raise EncodingError("", "truncated", f"needs {size} more bytes at offset {pos}, input ends at {len(data)}")
    return end


# --- varint -----------------------------------------------------------------------------------


def pack_varint(value: int, out: bytearray) -> None:
    """Append `value` as unsigned LEB128 (fc's unsigned_int)."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def unpack_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Read an unsigned LEB128 value of at most 32 bits, as fc does."""
    if pos < len(data) and data[pos] < 0x80:  # one byte: most counts and string lengths
        return data[pos], pos + 1
    result = shift = 0
    while True:
        if pos >= len(data):
            raise EncodingError("", "truncated", f"varint runs past the end of the input at offset {pos}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
        if shift > 28:
            raise EncodingError("", "varint", "varint longer than 5 bytes")
    if result > 0xFFFFFFFF:
        raise EncodingError("", "varint", "varint does not fit in 32 bits")
    return result, pos


def parse_int_json(value: Any) -> int:
    """An integer from JSON: a number, or a decimal string as fc writes large ones."""
    if type(value) is int:
        return value
    if isinstance(value, str):
        text = value[1:] if value[:1] == "-" else value
        if text.isdigit() and text.isascii():
            if len(text) > MAX_INT_DIGITS:
                raise ShapeError("", "range", f"{value[:24]}… has {len(text)} digits; no wire integer has more than 20")
            return int(value)
        raise ShapeError("", "type", f"expected an integer, got the string {value!r}")
    raise ShapeError("", "type", f"expected an integer, got {type_name(value)}")


def dump_int_json(value: int) -> int | str:
    return value if -JSON_SAFE_INT <= value <= JSON_SAFE_INT else str(value)


class Int:
    """A fixed-width little-endian integer (int16, uint16, uint32, int64, uint64, uint8)."""

    def __init__(self, fmt: str) -> None:
        self._struct = struct.Struct("<" + fmt)
        bits = self._struct.size * 8
        signed = fmt.islower()
        self.low = -(1 << (bits - 1)) if signed else 0
        self.high = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        self.name = f"{'' if signed else 'u'}int{bits}"
        self._size = self._struct.size

    def check(self, value: int) -> int:
        if not self.low <= value <= self.high:
            raise ShapeError("", "range", f"{value} is outside the {self.name} range {self.low}..{self.high}")
        return value

    def parse(self, value: Any) -> int:
        if type(value) is int and self.low <= value <= self.high:
            return value
        return self.check(parse_int_json(value))

    def dump(self, value: int, appbase: bool) -> int | str:
        return dump_int_json(value)

    def pack(self, value: int, out: bytearray) -> None:
        out += self._struct.pack(value)

    def unpack(self, data: bytes, pos: int) -> tuple[int, int]:
        try:
            return self._struct.unpack_from(data, pos)[0], pos + self._size
        except struct.error:
            need(data, pos, self._size)  # the input is short: say by how much
            raise


UINT8 = Int("B")
INT16 = Int("h")
UINT16 = Int("H")
UINT32 = Int("I")
INT64 = Int("q")
UINT64 = Int("Q")


class Varint:
    """fc's unsigned_int: a 32-bit value written as LEB128."""

    def parse(self, value: Any) -> int:
        return UINT32.check(parse_int_json(value))

    def dump(self, value: int, appbase: bool) -> int:
        return value

    def pack(self, value: int, out: bytearray) -> None:
        pack_varint(value, out)

    def unpack(self, data: bytes, pos: int) -> tuple[int, int]:
        return unpack_varint(data, pos)


VARINT = Varint()


class Bool:
    """One byte, 0 or 1."""

    def parse(self, value: Any) -> bool:
        if value is True or value is False:
            return value
        raise ShapeError("", "type", f"expected true or false, got {type_name(value)}")

    def dump(self, value: bool, appbase: bool) -> bool:
        return value

    def pack(self, value: bool, out: bytearray) -> None:
        out.append(1 if value else 0)

    def unpack(self, data: bytes, pos: int) -> tuple[bool, int]:
        need(data, pos, 1)
        byte = data[pos]
        if byte > 1:
            raise EncodingError("", "bool", f"a bool byte must be 0 or 1, got {byte}")
        return byte == 1, pos + 1


BOOL = Bool()


class String:
    """A varint byte length followed by UTF-8 bytes.

    Bytes read off the wire that are not UTF-8 survive a round trip (surrogateescape); the
    operations' validators reject them where the reference requires UTF-8.
    """

    def parse(self, value: Any) -> str:
        if type(value) is not str:
            raise ShapeError("", "type", f"expected a string, got {type_name(value)}")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ShapeError("", "utf8", "string holds a lone surrogate, which UTF-8 cannot encode") from None
        return value

    def dump(self, value: str, appbase: bool) -> str:
        return value

    def pack(self, value: str, out: bytearray) -> None:
        raw = value.encode("utf-8", "surrogateescape")
        pack_varint(len(raw), out)
        out += raw

    def unpack(self, data: bytes, pos: int) -> tuple[str, int]:
        if pos < len(data) and data[pos] < 0x80:  # a length under 128, in one byte: nearly every string
            size = data[pos]
            pos += 1
        else:
            size, pos = unpack_varint(data, pos)
        end = pos + size
        if end > len(data):
            need(data, pos, size)
        return data[pos:end].decode("utf-8", "surrogateescape"), end


STRING = String()


class HexBytes:
    """Raw bytes shown as hex in JSON: fixed-size hashes (`size` given) or vector<char> (varint length)."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size

    def parse(self, value: Any) -> bytes:
        expect(value, str, "a hex string")
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise ShapeError("", "hex", f"{value[:80]!r} is not hexadecimal") from None
        if self.size is not None and len(raw) != self.size:
            raise ShapeError("", "length", f"expected {self.size} bytes ({2 * self.size} hex digits), got {len(raw)}")
        return raw

    def dump(self, value: bytes, appbase: bool) -> str:
        return value.hex()

    def pack(self, value: bytes, out: bytearray) -> None:
        if self.size is None:
            pack_varint(len(value), out)
        out += value

    def unpack(self, data: bytes, pos: int) -> tuple[bytes, int]:
        size = self.size
        if size is None:
            size, pos = unpack_varint(data, pos)
        end = need(data, pos, size)
        return bytes(data[pos:end]), end


RIPEMD160 = HexBytes(20)
SHA256 = HexBytes(32)
BLOCK_ID = RIPEMD160
BYTES = HexBytes()


def format_time(seconds: int) -> str:
    """`YYYY-MM-DDTHH:MM:SS` in UTC, as steemd writes time_point_sec."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_time(text: str) -> int:
    """Seconds since the epoch from `YYYY-MM-DDTHH:MM:SS` (UTC; a trailing `Z` is allowed)."""
    body = text[:-1] if text.endswith("Z") else text
    if not TIME_PATTERN.fullmatch(body):
        raise ShapeError("", "time", f"expected a UTC time like 2016-04-06T08:29:27, got {text!r}")
    try:
        moment = datetime.fromisoformat(body)
    except ValueError:
        raise ShapeError("", "time", f"{text!r} is not a valid date and time") from None
    return int(moment.replace(tzinfo=UTC).timestamp())  # whole seconds: exact in a float


class TimePointSec:
    """Seconds since the Unix epoch as uint32; JSON `YYYY-MM-DDTHH:MM:SS`."""

    def parse(self, value: Any) -> int:
        expect(value, str, "a time string like 2016-04-06T08:29:27")
        return UINT32.check(parse_time(value))

    def dump(self, value: int, appbase: bool) -> str:
        return format_time(value)

    def pack(self, value: int, out: bytearray) -> None:
        UINT32.pack(value, out)

    def unpack(self, data: bytes, pos: int) -> tuple[int, int]:
        return UINT32.unpack(data, pos)


TIME = TimePointSec()


class Optional(Generic[T]):
    """A presence byte, then the value if present. JSON null (or a missing key) is absent."""

    def __init__(self, inner: Codec[T]) -> None:
        self.inner = inner

    def parse(self, value: Any) -> T | None:
        return None if value is None else self.inner.parse(value)

    def dump(self, value: T | None, appbase: bool) -> Any:
        return None if value is None else self.inner.dump(value, appbase)

    def pack(self, value: T | None, out: bytearray) -> None:
        if value is None:
            out.append(0)
        else:
            out.append(1)
            self.inner.pack(value, out)

    def unpack(self, data: bytes, pos: int) -> tuple[T | None, int]:
        present, pos = BOOL.unpack(data, pos)
        return self.inner.unpack(data, pos) if present else (None, pos)


def parse_items(codec: Codec[T], value: Any) -> tuple[T, ...]:
    """Parse each element of a JSON array, prefixing errors with the element's index."""
    expect(value, (list, tuple), "an array")
    items = []
    for index, item in enumerate(value):
        try:
            items.append(codec.parse(item))
        except ProtocolError as error:
            raise error.nested(str(index)) from None
    return tuple(items)


def unpack_items(codec: Codec[T], data: bytes, pos: int) -> tuple[tuple[T, ...], int]:
    count, pos = unpack_varint(data, pos)
    if count > len(data) - pos:
        raise EncodingError("", "truncated", f"claims {count} elements but only {len(data) - pos} bytes remain")
    items = []
    for index in range(count):
        try:
            item, pos = codec.unpack(data, pos)
        except ProtocolError as error:
            raise error.nested(str(index)) from None
        items.append(item)
    return tuple(items), pos


class Vector(Generic[T]):
    """A varint count followed by the elements, kept in the order given."""

    def __init__(self, inner: Codec[T]) -> None:
        self.inner = inner

    def parse(self, value: Any) -> tuple[T, ...]:
        return parse_items(self.inner, value)

    def dump(self, value: Sequence[T], appbase: bool) -> list[Any]:
        return [self.inner.dump(item, appbase) for item in value]

    def pack(self, value: Sequence[T], out: bytearray) -> None:
        pack_varint(len(value), out)
        for item in value:
            self.inner.pack(item, out)

    def unpack(self, data: bytes, pos: int) -> tuple[tuple[T, ...], int]:
        return unpack_items(self.inner, data, pos)


def require_sorted_unique(keys: Iterable[Any], what: str, error: type[ProtocolError] = ShapeError) -> None:
    """fc's flat containers hold their keys sorted ascending and unique; anything else is refused."""
    previous = None
    for index, key in enumerate(keys):
        if index and not previous < key:
            rule = "duplicate" if previous == key else "unsorted"
            detail = "appears twice" if previous == key else "is out of order"
            shown = str(key) if str(key).isprintable() else ascii(str(key))  # bytes off the wire may be anything
            raise error(str(index), rule, f"{what} must be sorted ascending and unique; {shown} {detail}")
        previous = key


class FlatSet(Vector[T]):
    """A vector whose elements must be sorted ascending and unique (fc::flat_set)."""

    def __init__(self, inner: Codec[T], sort_key: Callable[[T], Any] = lambda item: item) -> None:
        super().__init__(inner)
        self.sort_key = sort_key

    def parse(self, value: Any) -> tuple[T, ...]:
        items = parse_items(self.inner, value)
        if len(items) > 1:
            require_sorted_unique(map(self.sort_key, items), "a flat_set")
        return items

    def unpack(self, data: bytes, pos: int) -> tuple[tuple[T, ...], int]:
        items, pos = unpack_items(self.inner, data, pos)
        if len(items) > 1:
            require_sorted_unique(map(self.sort_key, items), "a flat_set", EncodingError)
        return items, pos


class FlatMap(Generic[K, V]):
    """Sorted unique (key, value) pairs; JSON `[[key, value], …]`, a value a tuple of pairs."""

    def __init__(self, key: Codec[K], value: Codec[V]) -> None:
        self.key = key
        self.value = value

    def _parse_pair(self, pair: Any) -> tuple[K, V]:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ShapeError("", "type", f"expected a [key, value] pair, got {type_name(pair)}")
        return self.key.parse(pair[0]), self.value.parse(pair[1])

    def parse(self, value: Any) -> tuple[tuple[K, V], ...]:
        expect(value, (list, tuple), "an array of [key, value] pairs")
        pairs = []
        for index, pair in enumerate(value):
            try:
                pairs.append(self._parse_pair(pair))
            except ProtocolError as error:
                raise error.nested(str(index)) from None
        require_sorted_unique((key for key, _ in pairs), "map keys")
        return tuple(pairs)

    def dump(self, value: Sequence[tuple[K, V]], appbase: bool) -> list[list[Any]]:
        return [[self.key.dump(k, appbase), self.value.dump(v, appbase)] for k, v in value]

    def pack(self, value: Sequence[tuple[K, V]], out: bytearray) -> None:
        pack_varint(len(value), out)
        for key, item in value:
            self.key.pack(key, out)
            self.value.pack(item, out)

    def unpack(self, data: bytes, pos: int) -> tuple[tuple[tuple[K, V], ...], int]:
        count, pos = unpack_varint(data, pos)
        if count > len(data) - pos:
            raise EncodingError("", "truncated", f"claims {count} pairs but only {len(data) - pos} bytes remain")
        pairs = []
        for _ in range(count):
            key, pos = self.key.unpack(data, pos)
            item, pos = self.value.unpack(data, pos)
            pairs.append((key, item))
        require_sorted_unique((key for key, _ in pairs), "map keys", EncodingError)
        return tuple(pairs), pos


class Void:
    """fc's void_t: no bytes, JSON `{}`."""

    def parse(self, value: Any) -> None:
        if value not in ({}, None):
            raise ShapeError("", "type", "void_t takes no value")
        return None

    def dump(self, value: None, appbase: bool) -> dict[str, Any]:
        return {}

    def pack(self, value: None, out: bytearray) -> None:
        return None

    def unpack(self, data: bytes, pos: int) -> tuple[None, int]:
        return None, pos


VOID = Void()


class StaticVariant:
    """A tagged union: varint tag then payload; a value is a `(tag, payload)` pair.

    JSON: legacy `[tag or name, payload]`, appbase `{"type": name, "value": payload}`.
    """

    def __init__(self, options: Sequence[tuple[str, Codec[Any]]]) -> None:
        self.options = tuple(options)
        self.tags = {name: tag for tag, (name, _) in enumerate(self.options)}

    def _tag(self, key: Any) -> int:
        if type(key) is int and 0 <= key < len(self.options):
            return key
        if isinstance(key, str) and key in self.tags:
            return self.tags[key]
        known = ", ".join(name for name, _ in self.options)
        raise ShapeError("", "variant", f"unknown variant {key!r}; expected one of: {known}")

    def parse(self, value: Any) -> tuple[int, Any]:
        if isinstance(value, (list, tuple)) and len(value) == 2:
            key, payload = value
        elif isinstance(value, dict) and "type" in value:
            key, payload = value["type"], value.get("value")
        else:
            raise ShapeError("", "type", 'expected [tag, value] or {"type": name, "value": value}')
        tag = self._tag(key)
        try:
            return tag, self.options[tag][1].parse(payload)
        except ProtocolError as error:
            raise error.nested(self.options[tag][0]) from None

    def dump(self, value: tuple[int, Any], appbase: bool) -> Any:
        tag, payload = value
        name, codec = self.options[tag]
        if appbase:
            return {"type": name, "value": codec.dump(payload, appbase)}
        return [tag, codec.dump(payload, appbase)]

    def pack(self, value: tuple[int, Any], out: bytearray) -> None:
        tag, payload = value
        pack_varint(tag, out)
        self.options[tag][1].pack(payload, out)

    def unpack(self, data: bytes, pos: int) -> tuple[tuple[int, Any], int]:
        tag, pos = unpack_varint(data, pos)
        if tag >= len(self.options):
            raise EncodingError("", "variant", f"variant tag {tag} is unknown (only {len(self.options)} options)")
        payload, pos = self.options[tag][1].unpack(data, pos)
        return (tag, payload), pos


def variant_key(value: tuple[int, Any]) -> int:
    """Extensions sort by their variant tag."""
    return value[0]


# `extensions_type`: a flat_set of future extensions, of which only void_t exists. Always `[]` in practice.
EXTENSIONS: FlatSet[tuple[int, Any]] = FlatSet(StaticVariant([("void_t", VOID)]), variant_key)
