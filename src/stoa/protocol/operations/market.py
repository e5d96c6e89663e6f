"""The internal STEEM/SBD market and SBD: limit orders, price feeds, conversions."""

from __future__ import annotations

from ..asset import SBD, STEEM, Price, require_positive, require_symbol
from ..errors import ProtocolError, ValidationError
from ..fields import AccountName, AssetField, Bool, TimePointSec, Uint32
from ..rules import validate_account_name
from .base import Operation, RequiredAuths, active, operation


def require_steem_sbd_market(sell: str, receive: str, field: str) -> None:
    if {sell, receive} != {STEEM, SBD}:
        raise ValidationError(field, "market", "limit orders must be for the STEEM:SBD market")


def validate_price(price: Price, field: str) -> None:
    try:
        price.validate()
    except ProtocolError as error:
        raise error.nested(field) from None


@operation(5, "limit_order_create")
class LimitOrderCreate(Operation):
    """Offer `amount_to_sell` for at least `min_to_receive` until `expiration`."""

    owner: AccountName
    orderid: Uint32
    amount_to_sell: AssetField
    min_to_receive: AssetField
    fill_or_kill: Bool
    expiration: TimePointSec

    def validate(self) -> None:
        """limit_order_create_operation::validate."""
        validate_account_name(self.owner, "owner")
        require_steem_sbd_market(self.amount_to_sell.symbol, self.min_to_receive.symbol, "min_to_receive")
        require_positive(self.amount_to_sell, "amount_to_sell")  # the price amount_to_sell / min_to_receive
        require_positive(self.min_to_receive, "min_to_receive")

    def required_authorities(self) -> RequiredAuths:
        return active(self.owner)


@operation(21, "limit_order_create2")
class LimitOrderCreate2(Operation):
    """Like limit_order_create, with the price given as an exchange rate."""

    owner: AccountName
    orderid: Uint32
    amount_to_sell: AssetField
    exchange_rate: Price
    fill_or_kill: Bool
    expiration: TimePointSec

    def validate(self) -> None:
        """limit_order_create2_operation::validate."""
        validate_account_name(self.owner, "owner")
        require_steem_sbd_market(self.exchange_rate.base.symbol, self.exchange_rate.quote.symbol, "exchange_rate")
        validate_price(self.exchange_rate, "exchange_rate")
        if self.amount_to_sell.symbol != self.exchange_rate.base.symbol:
            raise ValidationError("amount_to_sell", "symbol", "sell asset must be the base of the price")
        require_positive(self.amount_to_sell, "amount_to_sell")

    def required_authorities(self) -> RequiredAuths:
        return active(self.owner)


@operation(6, "limit_order_cancel")
class LimitOrderCancel(Operation):
    owner: AccountName
    orderid: Uint32

    def validate(self) -> None:
        """limit_order_cancel_operation::validate."""
        validate_account_name(self.owner, "owner")

    def required_authorities(self) -> RequiredAuths:
        return active(self.owner)


@operation(7, "feed_publish")
class FeedPublish(Operation):
    """A witness's STEEM price in SBD (base SBD, quote STEEM)."""

    publisher: AccountName
    exchange_rate: Price

    def validate(self) -> None:
        """feed_publish_operation::validate."""
        validate_account_name(self.publisher, "publisher")
        rate = self.exchange_rate
        if {rate.base.symbol, rate.quote.symbol} != {STEEM, SBD}:
            raise ValidationError("exchange_rate", "market", "price feed must be a STEEM/SBD price")
        validate_price(rate, "exchange_rate")

    def required_authorities(self) -> RequiredAuths:
        return active(self.publisher)


@operation(8, "convert")
class Convert(Operation):
    """Turn SBD into STEEM at the median feed price, 3.5 days later."""

    owner: AccountName
    requestid: Uint32
    amount: AssetField

    def validate(self) -> None:
        """convert_operation::validate."""
        validate_account_name(self.owner, "owner")
        require_symbol(self.amount, "amount", SBD)
        require_positive(self.amount, "amount")

    def required_authorities(self) -> RequiredAuths:
        return active(self.owner)
