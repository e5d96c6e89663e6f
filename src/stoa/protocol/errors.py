"""The protocol's one exception family: every rejection names the field and the rule it broke."""

from __future__ import annotations


class ProtocolError(ValueError):
    """Input that does not follow the Steem protocol.

    `field` is a dotted path into the offending value (``operations.0.weight``) and `rule` a short
    stable identifier (``range``, ``account-name``) that callers such as the JSON-RPC layer map to
    error codes; the message says what to fix.
    """

    kind = "invalid"

    def __init__(self, field: str, rule: str, message: str) -> None:
        self.field = field
        self.rule = rule
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)

    def nested(self, prefix: str) -> ProtocolError:
        """The same error with `prefix` put in front of its field path."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return type(self)(field, self.rule, self.message)

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "field": self.field, "rule": self.rule, "message": self.message}


class ShapeError(ProtocolError):
    """A JSON value of the wrong shape or type (a string where a number belongs, a missing key)."""

    kind = "shape"


class EncodingError(ProtocolError):
    """Bytes that do not decode: truncated input, a bad varint, trailing bytes, bad base58 or checksum."""

    kind = "encoding"


class ValidationError(ProtocolError):
    """A well-formed value that breaks a stateless protocol rule (a bad account name, a weight over 100 %)."""

    kind = "validation"


class SignatureError(ProtocolError):
    """A signature that is malformed, not canonical, or does not recover to a key."""

    kind = "signature"
