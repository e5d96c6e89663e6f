"""Moving value: transfers, savings, power up/down, withdraw routes, delegation, reward claims."""

from __future__ import annotations

from ..asset import SBD, STEEM, VESTS, require_not_negative, require_positive, require_symbol
from ..errors import ValidationError
from ..fields import AccountName, AssetField, Bool, Text, Uint16, Uint32
from ..rules import validate_account_name, validate_memo, validate_percent
from .base import Operation, RequiredAuths, active, operation, posting


@operation(2, "transfer")
class Transfer(Operation):
    """Liquid STEEM or SBD from one account to another, with a memo."""

    from_: AccountName
    to: AccountName
    amount: AssetField
    memo: Text

    def validate(self) -> None:
        """transfer_operation::validate."""
        validate_account_name(self.from_, "from")
        validate_account_name(self.to, "to")
        if self.amount.symbol == VESTS:
            raise ValidationError("amount", "symbol", "transferring STEEM POWER (VESTS) is not allowed")
        require_positive(self.amount, "amount")
        validate_memo(self.memo)

    def required_authorities(self) -> RequiredAuths:
        return active(self.from_)


@operation(3, "transfer_to_vesting")
class TransferToVesting(Operation):
    """Power up: STEEM into STEEM POWER for `to` (empty `to` means the sender)."""

    from_: AccountName
    to: AccountName
    amount: AssetField

    def validate(self) -> None:
        """transfer_to_vesting_operation::validate."""
        validate_account_name(self.from_, "from")
        require_symbol(self.amount, "amount", STEEM)
        if self.to:
            validate_account_name(self.to, "to")
        require_positive(self.amount, "amount")

    def required_authorities(self) -> RequiredAuths:
        return active(self.from_)


@operation(4, "withdraw_vesting")
class WithdrawVesting(Operation):
    """Power down `vesting_shares` in weekly installments; 0 VESTS cancels."""

    account: AccountName
    vesting_shares: AssetField

    def validate(self) -> None:
        """withdraw_vesting_operation::validate."""
        validate_account_name(self.account, "account")
        require_symbol(self.vesting_shares, "vesting_shares", VESTS)
        require_not_negative(self.vesting_shares, "vesting_shares")

    def required_authorities(self) -> RequiredAuths:
        return active(self.account)


@operation(20, "set_withdraw_vesting_route")
class SetWithdrawVestingRoute(Operation):
    """Send `percent` of each power-down installment to another account, optionally still vested."""

    from_account: AccountName
    to_account: AccountName
    percent: Uint16
    auto_vest: Bool

    def validate(self) -> None:
        """set_withdraw_vesting_route_operation::validate."""
        validate_account_name(self.from_account, "from_account")
        validate_account_name(self.to_account, "to_account")
        validate_percent(self.percent, "percent")

    def required_authorities(self) -> RequiredAuths:
        return active(self.from_account)


def validate_savings_transfer(op: TransferToSavings | TransferFromSavings) -> None:
    """What both savings transfers require: valid names, a positive STEEM or SBD amount, a valid memo."""
    validate_account_name(op.from_, "from")
    validate_account_name(op.to, "to")
    require_positive(op.amount, "amount")
    require_symbol(op.amount, "amount", STEEM, SBD)
    validate_memo(op.memo)


@operation(32, "transfer_to_savings")
class TransferToSavings(Operation):
    from_: AccountName
    to: AccountName
    amount: AssetField
    memo: Text

    def validate(self) -> None:
        """transfer_to_savings_operation::validate."""
        validate_savings_transfer(self)

    def required_authorities(self) -> RequiredAuths:
        return active(self.from_)


@operation(33, "transfer_from_savings")
class TransferFromSavings(Operation):
    """Start a 3-day withdrawal from savings, identified by `request_id`."""

    from_: AccountName
    request_id: Uint32
    to: AccountName
    amount: AssetField
    memo: Text

    def validate(self) -> None:
        """transfer_from_savings_operation::validate."""
        validate_savings_transfer(self)

    def required_authorities(self) -> RequiredAuths:
        return active(self.from_)


@operation(34, "cancel_transfer_from_savings")
class CancelTransferFromSavings(Operation):
    from_: AccountName
    request_id: Uint32

    def validate(self) -> None:
        """cancel_transfer_from_savings_operation::validate."""
        validate_account_name(self.from_, "from")

    def required_authorities(self) -> RequiredAuths:
        return active(self.from_)


@operation(39, "claim_reward_balance")
class ClaimRewardBalance(Operation):
    """Move pending rewards into the liquid and vesting balances."""

    JSON_ALIASES = {"reward_hive": "reward_steem", "reward_hbd": "reward_sbd"}

    account: AccountName
    reward_steem: AssetField
    reward_sbd: AssetField
    reward_vests: AssetField

    def validate(self) -> None:
        """claim_reward_balance_operation::validate."""
        validate_account_name(self.account, "account")
        require_symbol(self.reward_steem, "reward_steem", STEEM)
        require_symbol(self.reward_sbd, "reward_sbd", SBD)
        require_symbol(self.reward_vests, "reward_vests", VESTS)
        for field in ("reward_steem", "reward_sbd", "reward_vests"):
            require_not_negative(getattr(self, field), field)
        if not (self.reward_steem.amount > 0 or self.reward_sbd.amount > 0 or self.reward_vests.amount > 0):
            raise ValidationError("", "empty", "must claim something")

    def required_authorities(self) -> RequiredAuths:
        return posting(self.account)


@operation(40, "delegate_vesting_shares")
class DelegateVestingShares(Operation):
    """Lend STEEM POWER to another account; a lower amount returns the difference after 5 days."""

    delegator: AccountName
    delegatee: AccountName
    vesting_shares: AssetField

    def validate(self) -> None:
        """delegate_vesting_shares_operation::validate."""
        validate_account_name(self.delegator, "delegator")
        validate_account_name(self.delegatee, "delegatee")
        if self.delegator == self.delegatee:
            raise ValidationError("delegatee", "self", "you cannot delegate VESTS to yourself")
        require_symbol(self.vesting_shares, "vesting_shares", VESTS)
        require_not_negative(self.vesting_shares, "vesting_shares")

    def required_authorities(self) -> RequiredAuths:
        return active(self.delegator)
