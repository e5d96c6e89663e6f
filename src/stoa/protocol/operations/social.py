"""Social operations: vote, comment, delete_comment, comment_options, custom_json.

comment_options comes with beneficiaries.
"""

from __future__ import annotations

from typing import Annotated, Any

from ..asset import SBD, require_not_negative, require_symbol
from ..errors import ProtocolError, ValidationError
from ..fields import AccountName, AccountNameSet, AssetField, Bool, Int16, Permlink, Text, Uint16
from ..record import Record, record
from ..rules import (
    MAX_BENEFICIARIES,
    MAX_CUSTOM_ID_LENGTH,
    MAX_TITLE_LENGTH,
    PERCENT_100,
    validate_account_name,
    validate_json,
    validate_optional_json,
    validate_percent,
    validate_permlink,
    validate_utf8,
)
from ..types import FlatSet, StaticVariant, Vector, variant_key
from .base import Operation, RequiredAuths, operation, posting


@operation(0, "vote")
class Vote(Operation):
    """An up- or downvote; weight in basis points, −10000..10000 (0 removes a vote)."""

    voter: AccountName
    author: AccountName
    permlink: Permlink
    weight: Int16

    def validate(self) -> None:
        """vote_operation::validate."""
        validate_account_name(self.voter, "voter")
        validate_account_name(self.author, "author")
        if abs(self.weight) > PERCENT_100:
            raise ValidationError("weight", "percent", f"must be between -10000 and 10000, got {self.weight}")
        validate_permlink(self.permlink)

    def required_authorities(self) -> RequiredAuths:
        return posting(self.voter)


@operation(1, "comment")
class Comment(Operation):
    """A root post (empty parent_author; parent_permlink is the category) or a reply; also an edit."""

    parent_author: AccountName
    parent_permlink: Permlink
    author: AccountName
    permlink: Permlink
    title: Text
    body: Text
    json_metadata: Text

    def validate(self) -> None:
        """comment_operation::validate."""
        validate_account_name(self.author, "author")
        if self.parent_author:
            validate_account_name(self.parent_author, "parent_author")
        validate_utf8(self.title, "title")
        if len(self.title.encode("utf-8")) >= MAX_TITLE_LENGTH:
            raise ValidationError("title", "length", f"must be shorter than {MAX_TITLE_LENGTH} bytes")
        if not self.body:
            raise ValidationError("body", "empty", "body is empty")
        validate_utf8(self.body, "body")
        validate_permlink(self.parent_permlink, "parent_permlink")
        validate_permlink(self.permlink)
        validate_optional_json(self.json_metadata, "json_metadata")

    def required_authorities(self) -> RequiredAuths:
        return posting(self.author)


@operation(17, "delete_comment")
class DeleteComment(Operation):
    author: AccountName
    permlink: Permlink

    def validate(self) -> None:
        """delete_comment_operation::validate."""
        validate_account_name(self.author, "author")
        validate_permlink(self.permlink)

    def required_authorities(self) -> RequiredAuths:
        return posting(self.author)


@record
class Beneficiary(Record):
    """beneficiary_route_type: a share of the author reward, in basis points."""

    account: AccountName
    weight: Uint16


@record
class CommentPayoutBeneficiaries(Record):
    beneficiaries: Annotated[tuple[Beneficiary, ...], Vector(Beneficiary)]

    def validate(self) -> None:
        """comment_payout_beneficiaries::validate: 1..127 routes, sorted by account, weights sum ≤ 100 %."""
        routes = self.beneficiaries
        if not routes:
            raise ValidationError("beneficiaries", "empty", "must specify at least one beneficiary")
        if len(routes) > MAX_BENEFICIARIES:
            raise ValidationError(
                "beneficiaries", "count", f"cannot specify more than {MAX_BENEFICIARIES} beneficiaries"
            )
        total = 0
        for index, route in enumerate(routes):
            field = f"beneficiaries.{index}"
            validate_account_name(route.account, f"{field}.account")
            validate_percent(route.weight, f"{field}.weight")
            total += route.weight
            if index and not routes[index - 1].account < route.account:
                raise ValidationError(
                    f"{field}.account", "unsorted", "beneficiaries must be sorted by account, each once"
                )
        if total > PERCENT_100:
            raise ValidationError("beneficiaries", "percent", f"weights add up to {total}, more than 10000 (100 %)")


CommentOptionsExtensions = Annotated[
    tuple[tuple[int, Any], ...],
    FlatSet(StaticVariant([("comment_payout_beneficiaries", CommentPayoutBeneficiaries)]), variant_key),
]


@operation(19, "comment_options")
class CommentOptions(Operation):
    """Payout options of a comment; may only lower them, and set beneficiaries once, before votes."""

    JSON_ALIASES = {"percent_hbd": "percent_steem_dollars"}

    author: AccountName
    permlink: Permlink
    max_accepted_payout: AssetField
    percent_steem_dollars: Uint16
    allow_votes: Bool
    allow_curation_rewards: Bool
    extensions: CommentOptionsExtensions = ()

    def beneficiaries(self) -> tuple[Beneficiary, ...]:
        for _, extension in self.extensions:
            return tuple(extension.beneficiaries)
        return ()

    def validate(self) -> None:
        """comment_options_operation::validate."""
        validate_account_name(self.author, "author")
        validate_percent(self.percent_steem_dollars, "percent_steem_dollars")
        require_symbol(self.max_accepted_payout, "max_accepted_payout", SBD)
        require_not_negative(self.max_accepted_payout, "max_accepted_payout")
        validate_permlink(self.permlink)
        for index, (_, extension) in enumerate(self.extensions):
            try:
                extension.validate()
            except ProtocolError as error:
                raise error.nested(f"extensions.{index}") from None

    def required_authorities(self) -> RequiredAuths:
        return posting(self.author)


@operation(18, "custom_json")
class CustomJson(Operation):
    """Application data (follows, reblogs, communities …) signed by active or posting authorities."""

    required_auths: AccountNameSet
    required_posting_auths: AccountNameSet
    id: Text
    json: Text

    def validate(self) -> None:
        """custom_json_operation::validate."""
        if not self.required_auths and not self.required_posting_auths:
            raise ValidationError("required_auths", "empty", "at least one account must be specified")
        for index, name in enumerate(self.required_auths):
            validate_account_name(name, f"required_auths.{index}")
        for index, name in enumerate(self.required_posting_auths):
            validate_account_name(name, f"required_posting_auths.{index}")
        validate_utf8(self.id, "id")
        if len(self.id.encode("utf-8")) > MAX_CUSTOM_ID_LENGTH:
            raise ValidationError("id", "length", f"must be at most {MAX_CUSTOM_ID_LENGTH} bytes")
        validate_json(self.json, "json")

    def required_authorities(self) -> RequiredAuths:
        return RequiredAuths(active=frozenset(self.required_auths), posting=frozenset(self.required_posting_auths))
