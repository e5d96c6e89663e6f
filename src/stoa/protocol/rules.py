"""Stateless value rules shared by the operations' validators.

They follow steemd's validation.hpp and authority.cpp.
"""

from __future__ import annotations

import orjson

from .errors import ValidationError

PERCENT_100 = 10000
MIN_ACCOUNT_NAME_LENGTH = 3
MAX_ACCOUNT_NAME_LENGTH = 16
MAX_PERMLINK_LENGTH = 256
MAX_MEMO_SIZE = 2048
MAX_WITNESS_URL_LENGTH = 2048
MAX_CUSTOM_ID_LENGTH = 32
MAX_TITLE_LENGTH = 256
MIN_BLOCK_SIZE_LIMIT = 65536
MIN_ACCOUNT_CREATION_FEE = 1
MAX_BENEFICIARIES = 127

_NAME_FIRST = set("abcdefghijklmnopqrstuvwxyz")
_NAME_LAST = _NAME_FIRST | set("0123456789")
_NAME_MIDDLE = _NAME_LAST | {"-"}
_PERMLINK_CHARS = _NAME_MIDDLE


def account_name_problem(name: str) -> str | None:
    """Why `name` is not a valid account name (is_valid_account_name), or None when it is."""
    if not MIN_ACCOUNT_NAME_LENGTH <= len(name) <= MAX_ACCOUNT_NAME_LENGTH:
        return f"must be 3 to 16 characters long, {name!r} has {len(name)}"
    for segment in name.split("."):
        if len(segment) < MIN_ACCOUNT_NAME_LENGTH:
            return f"each dot-separated part must be at least 3 characters, {name!r} has {segment!r}"
        if segment[0] not in _NAME_FIRST:
            return f"each part must start with a letter a-z, {name!r} does not"
        if segment[-1] not in _NAME_LAST:
            return f"each part must end with a letter or digit, {name!r} does not"
        if not set(segment[1:-1]) <= _NAME_MIDDLE:
            return f"only a-z, 0-9, '-' and '.' are allowed, {name!r} has others"
    return None


def validate_account_name(name: str, field: str) -> None:
    problem = account_name_problem(name)
    if problem is not None:
        raise ValidationError(field, "account-name", f"invalid account name: {problem}")


def validate_utf8(text: str, field: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "utf8", "must be valid UTF-8") from None


def validate_permlink(permlink: str, field: str = "permlink") -> None:
    """validate_permlink: shorter than 256 bytes and UTF-8 (the character set is checked on creation)."""
    validate_utf8(permlink, field)
    if len(permlink.encode("utf-8")) >= MAX_PERMLINK_LENGTH:
        raise ValidationError(field, "length", f"must be shorter than {MAX_PERMLINK_LENGTH} bytes")


def validate_new_permlink(permlink: str, field: str = "permlink") -> None:
    """validate_permlink_0_1: a new comment's permlink is 1..255 characters of a-z, 0-9 and '-'."""
    if not 0 < len(permlink) < MAX_PERMLINK_LENGTH:
        raise ValidationError(field, "length", "must be 1 to 255 characters")
    if not set(permlink) <= _PERMLINK_CHARS:
        raise ValidationError(field, "permlink", f"may use only a-z, 0-9 and '-', {permlink[:60]!r} has others")


def validate_json(text: str, field: str) -> None:
    validate_utf8(text, field)
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ValidationError(field, "json", "must be valid JSON") from None


def validate_optional_json(text: str, field: str) -> None:
    """json_metadata may be empty; when it is not, it must be valid JSON."""
    if text:
        validate_json(text, field)


def validate_memo(memo: str, field: str = "memo") -> None:
    validate_utf8(memo, field)
    if len(memo.encode("utf-8")) >= MAX_MEMO_SIZE:
        raise ValidationError(field, "length", f"must be shorter than {MAX_MEMO_SIZE} bytes")


def validate_percent(value: int, field: str, low: int = 0) -> None:
    if not low <= value <= PERCENT_100:
        raise ValidationError(field, "percent", f"must be between {low} and {PERCENT_100} (100 %), got {value}")
