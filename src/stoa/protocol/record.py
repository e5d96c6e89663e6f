"""Typed records: dataclasses whose annotated fields carry their codecs, in FC_REFLECT (wire) order.

    @record
    class Beneficiary(Record):
        account: Annotated[str, STRING]
        weight: Annotated[int, UINT16]

A record class is itself a codec (classmethods `parse`, `dump`, `pack`, `unpack`), so records nest.
Field order is wire order; a field with a default may be left out of JSON; `JSON_ALIASES` maps the
other chain's field names (Hive's `percent_hbd`, …) onto ours; a trailing underscore (`from_`) is
dropped from the JSON key. Fields declared with `init=False` are private caches, never on the wire.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import (
    Annotated,
    Any,
    ClassVar,
    NamedTuple,
    TypeVar,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

from .errors import EncodingError, ProtocolError, ShapeError
from .types import Bool, Codec, Optional, String, Varint, type_name

R = TypeVar("R", bound="Record")
_MISSING = dataclasses.MISSING


class Field:
    """One field of a record: its name, codec and what to do when JSON leaves it out."""

    __slots__ = ("aliases", "codec", "default", "key", "name")

    def __init__(self, name: str, codec: Codec[Any], default: Any, aliases: tuple[str, ...]) -> None:
        self.name = name
        self.key = name.rstrip("_")  # `from_` in Python is `from` in JSON
        self.codec = codec
        self.default = default
        self.aliases = aliases


class Record:
    """Base of every protocol struct; see the module docstring."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    JSON_ALIASES: ClassVar[dict[str, str]] = {}
    _codecs: ClassVar[FieldCodecs]  # written by `record` for each class

    @classmethod
    def parse(cls: type[R], value: Any) -> R:
        if type(value) is not dict:
            raise ShapeError("", "type", f"expected an object for {cls.__name__}, got {type_name(value)}")
        return cls(*cls._codecs.parse(value))

    @classmethod
    def dump(cls, value: Record, appbase: bool) -> dict[str, Any]:
        return cls._codecs.dump(value, appbase)

    @classmethod
    def pack(cls, value: Record, out: bytearray) -> None:
        cls._codecs.pack(value, out)

    @classmethod
    def unpack(cls: type[R], data: bytes, pos: int) -> tuple[R, int]:
        args, pos = cls._codecs.unpack(data, pos)
        return cls(*args), pos

    def to_json(self, appbase: bool = False) -> dict[str, Any]:
        return self.dump(self, appbase)

    def to_bytes(self) -> bytes:
        out = bytearray()
        self.pack(self, out)
        return bytes(out)

    @classmethod
    def from_bytes(cls: type[R], data: bytes) -> R:
        value, end = cls.unpack(data, 0)
        if end != len(data):
            raise EncodingError("", "trailing", f"{len(data) - end} bytes left over after {cls.__name__}")
        return value

    def validate(self) -> None:
        """Stateless protocol rules; records without rules accept every well-formed value."""


def parse_fields(fields: tuple[Field, ...], value: dict[str, Any]) -> list[Any]:
    """The values of `fields` parsed from a JSON object, each error naming its field."""
    args = []
    for field in fields:
        raw = value[field.key] if field.key in value else _fallback(value, field)
        if raw is _MISSING:
            args.append(field.default)
            continue
        try:
            args.append(field.codec.parse(raw))
        except ProtocolError as error:
            raise error.nested(field.key) from None
    return args


def unpack_fields(fields: tuple[Field, ...], data: bytes, pos: int) -> tuple[list[Any], int]:
    """The values of `fields` read in order from `data` at `pos`, and the offset after them."""
    args = []
    for field in fields:
        try:
            item, pos = field.codec.unpack(data, pos)
        except ProtocolError as error:
            raise error.nested(field.key) from None
        args.append(item)
    return args, pos


IDENTITY_DUMPS = (String, Varint, Bool)  # codecs whose JSON is the value itself


class FieldCodecs(NamedTuple):
    """One record class's parse, dump, pack and unpack over its fields, written out field by field."""

    parse: Callable[[dict[str, Any]], tuple[Any, ...]]
    dump: Callable[[Any, bool], dict[str, Any]]
    pack: Callable[[Any, bytearray], None]
    unpack: Callable[[bytes, int], tuple[tuple[Any, ...], int]]


def compile_codecs(fields: tuple[Field, ...]) -> FieldCodecs:
    """The four functions for `fields`, generated as source the way dataclasses writes `__init__`.

    Replaying the block log, checking transactions and writing history JSON run them millions of
    times, and a loop over the fields cost as much as the fields' own codecs. On an error the
    generic loop runs again, so that the error names its field exactly as before.
    """
    env: dict[str, Any] = {
        "ProtocolError": ProtocolError,
        "MISSING": _MISSING,
        "fallback": _fallback,
        "parse_fields": parse_fields,
        "unpack_fields": unpack_fields,
        "FIELDS": fields,
    }
    for at, field in enumerate(fields):
        codec = field.codec
        env[f"field{at}"] = field
        env[f"parse{at}"], env[f"dump{at}"] = codec.parse, codec.dump
        env[f"pack{at}"], env[f"unpack{at}"] = codec.pack, codec.unpack
    args = "(" + "".join(f"arg{at}, " for at in range(len(fields))) + ")"
    source = [*_parse_source(fields, args), *_dump_source(fields), *_pack_source(fields), *_unpack_source(fields, args)]
    exec("\n".join(source), env)  # the source holds field names and indexes only, never data
    return FieldCodecs(env["parse"], env["dump"], env["pack"], env["unpack"])


def _parse_source(fields: tuple[Field, ...], args: str) -> list[str]:
    lines = ["def parse(value):", "    try:", "        pass"]
    for at, field in enumerate(fields):
        lines += [
            f"        raw = value.get({field.key!r}, MISSING)",
            f"        if raw is MISSING: raw = fallback(value, field{at})",
            f"        arg{at} = field{at}.default if raw is MISSING else parse{at}(raw)",
        ]
    return [
        *lines,
        "    except ProtocolError:",
        "        parse_fields(FIELDS, value)",
        "        raise",
        f"    return {args}",
    ]


def _dump_source(fields: tuple[Field, ...]) -> list[str]:
    lines = ["def dump(value, appbase):", "    out = {}"]
    for at, field in enumerate(fields):
        item = "item" if type(field.codec) in IDENTITY_DUMPS else f"dump{at}(item, appbase)"
        # fc leaves unset optionals out of JSON
        lines += [f"    item = value.{field.name}", f"    if item is not None: out[{field.key!r}] = {item}"]
    return [*lines, "    return out"]


def _pack_source(fields: tuple[Field, ...]) -> list[str]:
    return ["def pack(value, out):", "    pass", *(f"    pack{at}(value.{f.name}, out)" for at, f in enumerate(fields))]


def _unpack_source(fields: tuple[Field, ...], args: str) -> list[str]:
    lines = ["def unpack(data, pos):", "    start = pos", "    try:", "        pass"]
    lines += [f"        arg{at}, pos = unpack{at}(data, pos)" for at in range(len(fields))]
    return [
        *lines,
        "    except ProtocolError:",
        "        unpack_fields(FIELDS, data, start)",
        "        raise",
        f"    return {args}, pos",
    ]


def _fallback(value: dict[str, Any], field: Field) -> Any:
    """The JSON value under one of the field's aliases, or _MISSING when a default may stand in."""
    for alias in field.aliases:
        if alias in value:
            return value[alias]
    if field.default is _MISSING:
        raise ShapeError(field.key, "missing", f"missing field {field.key!r}")
    return _MISSING


def codec_of(owner: type, name: str, hint: Any) -> Codec[Any]:
    """The codec a field's annotation names: Annotated metadata, or a nested Record class."""
    if get_origin(hint) is Annotated:
        return get_args(hint)[1]  # type: ignore[no-any-return]
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint
    raise TypeError(f"{owner.__name__}.{name}: annotate with Annotated[type, codec] or a Record class")


def _field(owner: type, spec: dataclasses.Field[Any], hint: Any, aliases: dict[str, list[str]]) -> Field:
    codec = codec_of(owner, spec.name, hint)
    default = spec.default
    if default is _MISSING and isinstance(codec, Optional):
        default = None  # an optional left out of JSON is absent
    return Field(spec.name, codec, default, tuple(aliases.get(spec.name.rstrip("_"), ())))


@dataclass_transform(field_specifiers=(dataclasses.field,))
def record(cls: type[R]) -> type[R]:
    """Make `cls` a slotted dataclass and collect its fields' codecs in wire order."""
    made = dataclasses.dataclass(slots=True)(cls)
    hints = get_type_hints(made, include_extras=True)
    aliases: dict[str, list[str]] = {}
    for alias, name in made.JSON_ALIASES.items():
        aliases.setdefault(name, []).append(alias)
    made.FIELDS = tuple(
        _field(made, f, hints[f.name], aliases)
        for f in dataclasses.fields(made)  # type: ignore[arg-type]
        if f.init  # init=False fields are caches, not wire fields
    )
    made._codecs = compile_codecs(made.FIELDS)
    return made
