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
from typing import Annotated, Any, ClassVar, TypeVar, dataclass_transform, get_args, get_origin, get_type_hints

from .errors import EncodingError, ProtocolError, ShapeError
from .types import Codec, Optional, type_name

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

    @classmethod
    def parse(cls: type[R], value: Any) -> R:
        if type(value) is not dict:
            raise ShapeError("", "type", f"expected an object for {cls.__name__}, got {type_name(value)}")
        args = []
        for field in cls.FIELDS:
            name = field.key
            if name in value:
                raw = value[name]
            else:
                raw = _fallback(value, field)
                if raw is _MISSING:
                    args.append(field.default)
                    continue
            try:
                args.append(field.codec.parse(raw))
            except ProtocolError as error:
                raise error.nested(name) from None
        return cls(*args)

    @classmethod
    def dump(cls, value: Record, appbase: bool) -> dict[str, Any]:
        out = {}
        for field in cls.FIELDS:
            item = getattr(value, field.name)
            if item is not None:  # fc leaves unset optionals out of JSON
                out[field.key] = field.codec.dump(item, appbase)
        return out

    @classmethod
    def pack(cls, value: Record, out: bytearray) -> None:
        for field in cls.FIELDS:
            field.codec.pack(getattr(value, field.name), out)

    @classmethod
    def unpack(cls: type[R], data: bytes, pos: int) -> tuple[R, int]:
        args, pos = unpack_fields(cls.FIELDS, data, pos)
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
    return made
