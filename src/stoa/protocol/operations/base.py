"""The operation base class, id table and `operation` static_variant codec (protocol.md §2.1).

Each operation is a typed record registered under its wire id and name. JSON comes in two forms:
legacy `["vote", {...}]` and appbase `{"type": "vote_operation", "value": {...}}`.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple, TypeVar, dataclass_transform

from ..errors import EncodingError, ProtocolError, ShapeError, ValidationError
from ..record import Record, record
from ..types import pack_varint, type_name, unpack_varint

OpT = TypeVar("OpT", bound="Operation")


class RequiredAuths(NamedTuple):
    """Which of each account's authorities must sign (get_required_*_authorities)."""

    active: frozenset[str] = frozenset()
    owner: frozenset[str] = frozenset()
    posting: frozenset[str] = frozenset()


class Operation(Record):
    """A typed operation; subclasses declare fields, their stateless rules and who must sign."""

    __slots__ = ()
    OP_ID: ClassVar[int]
    OP_NAME: ClassVar[str]
    VIRTUAL: ClassVar[bool] = False

    def required_authorities(self) -> RequiredAuths:
        raise NotImplementedError(f"{self.OP_NAME} declares no signers")

    def to_json(self, appbase: bool = False) -> Any:
        return OPERATION.dump(self, appbase)


BY_ID: dict[int, type[Operation]] = {}
BY_NAME: dict[str, type[Operation]] = {}


@dataclass_transform()
def operation(op_id: int, name: str):  # type: ignore[no-untyped-def]
    """Register an operation record under its wire id and JSON name."""

    def register(cls: type[OpT]) -> type[OpT]:
        made = record(cls)
        made.OP_ID = op_id
        made.OP_NAME = name
        if op_id in BY_ID or name in BY_NAME:
            raise RuntimeError(f"operation {op_id} {name} registered twice")
        BY_ID[op_id] = made
        BY_NAME[name] = made
        BY_NAME[name + "_operation"] = made
        return made

    return register


def posting(*names: str) -> RequiredAuths:
    return RequiredAuths(posting=frozenset(names))


def active(*names: str) -> RequiredAuths:
    return RequiredAuths(active=frozenset(names))


def owner(*names: str) -> RequiredAuths:
    return RequiredAuths(owner=frozenset(names))


def operation_class(key: Any) -> type[Operation]:
    """The class for a JSON operation name (either form) or a numeric id."""
    cls = BY_NAME.get(key) if isinstance(key, str) else BY_ID.get(key) if type(key) is int else None
    if cls is None:
        raise ShapeError("", "unknown-operation", f"unknown operation {key!r}")
    return cls


class OperationCodec:
    """static_variant<operations…>: varint id then the record; JSON in either form."""

    def parse(self, value: Any) -> Operation:
        if type(value) is list and len(value) == 2:
            key, body = value
        elif type(value) is dict and "type" in value and "value" in value:
            key, body = value["type"], value["value"]
        else:
            raise ShapeError(
                "",
                "type",
                f'expected ["name", {{...}}] or {{"type": "name_operation", "value": {{...}}}}, got {type_name(value)}',
            )
        cls = operation_class(key)
        try:
            return cls.parse(body)
        except ProtocolError as error:
            raise error.nested(cls.OP_NAME) from None

    def dump(self, value: Operation, appbase: bool) -> Any:
        body = type(value).dump(value, appbase)
        if appbase:
            return {"type": value.OP_NAME + "_operation", "value": body}
        return [value.OP_NAME, body]

    def pack(self, value: Operation, out: bytearray) -> None:
        pack_varint(value.OP_ID, out)
        type(value).pack(value, out)

    def unpack(self, data: bytes, pos: int) -> tuple[Operation, int]:
        op_id, pos = unpack_varint(data, pos)
        cls = BY_ID.get(op_id)
        if cls is None:
            raise EncodingError("", "unknown-operation", f"unknown operation id {op_id}")
        try:
            return cls.unpack(data, pos)
        except ProtocolError as error:
            raise error.nested(cls.OP_NAME) from None


OPERATION = OperationCodec()


def validate_operation(op: Operation) -> None:
    """Run an operation's stateless rules, naming the operation in any error."""
    try:
        op.validate()
    except ProtocolError as error:
        raise error.nested(op.OP_NAME) from None


def fail(field: str, rule: str, message: str) -> ValidationError:
    return ValidationError(field, rule, message)
