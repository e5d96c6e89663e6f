"""Virtual operations: what the chain itself does (rewards, fills, returns), reported in history.

They are never signed.

Ids follow Steem HF21's numbering (protocol.md §2.1). A transaction that carries one is invalid.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from ..asset import ASSET, Asset
from ..fields import AccountName, AssetField, Int64, Permlink, Text, Uint32, Uint64
from ..types import Vector
from .base import Operation, RequiredAuths, operation


class VirtualOperation(Operation):
    __slots__ = ()
    VIRTUAL: ClassVar[bool] = True

    def required_authorities(self) -> RequiredAuths:
        return RequiredAuths()


@operation(47, "fill_convert_request")
class FillConvertRequest(VirtualOperation):
    owner: AccountName
    requestid: Uint32
    amount_in: AssetField
    amount_out: AssetField


@operation(48, "author_reward")
class AuthorReward(VirtualOperation):
    author: AccountName
    permlink: Permlink
    sbd_payout: AssetField
    steem_payout: AssetField
    vesting_payout: AssetField


@operation(49, "curation_reward")
class CurationReward(VirtualOperation):
    curator: AccountName
    reward: AssetField
    comment_author: AccountName
    comment_permlink: Permlink


@operation(50, "comment_reward")
class CommentReward(VirtualOperation):
    author: AccountName
    permlink: Permlink
    payout: AssetField


@operation(52, "interest")
class Interest(VirtualOperation):
    owner: AccountName
    interest: AssetField


@operation(53, "fill_vesting_withdraw")
class FillVestingWithdraw(VirtualOperation):
    from_account: AccountName
    to_account: AccountName
    withdrawn: AssetField
    deposited: AssetField


@operation(54, "fill_order")
class FillOrder(VirtualOperation):
    current_owner: AccountName
    current_orderid: Uint32
    current_pays: AssetField
    open_owner: AccountName
    open_orderid: Uint32
    open_pays: AssetField


@operation(64, "limit_order_cancelled")
class LimitOrderCancelled(VirtualOperation):
    """An order's unsold rest went back to its seller: cancelled, expired, or too small to sell (Hive's
    operation, which Steem lacks; Stoa numbers it after its last)."""

    seller: AccountName
    orderid: Uint32
    amount_back: AssetField


@operation(56, "fill_transfer_from_savings")
class FillTransferFromSavings(VirtualOperation):
    from_: AccountName
    to: AccountName
    amount: AssetField
    request_id: Uint32
    memo: Text


@operation(58, "comment_payout_update")
class CommentPayoutUpdate(VirtualOperation):
    author: AccountName
    permlink: Permlink


@operation(59, "return_vesting_delegation")
class ReturnVestingDelegation(VirtualOperation):
    account: AccountName
    vesting_shares: AssetField


@operation(60, "comment_benefactor_reward")
class CommentBenefactorReward(VirtualOperation):
    benefactor: AccountName
    author: AccountName
    permlink: Permlink
    sbd_payout: AssetField
    steem_payout: AssetField
    vesting_payout: AssetField


@operation(61, "producer_reward")
class ProducerReward(VirtualOperation):
    producer: AccountName
    vesting_shares: AssetField


@operation(63, "effective_comment_vote")
class EffectiveCommentVote(VirtualOperation):
    """What a vote did: its rshares, the comment's total curation weight after it, and the payout the
    comment would now get (Hive's operation; Stoa numbers it after Steem's last)."""

    voter: AccountName
    author: AccountName
    permlink: Permlink
    weight: Uint64
    rshares: Int64
    total_vote_weight: Uint64
    pending_payout: AssetField


@operation(62, "clear_null_account_balance")
class ClearNullAccountBalance(VirtualOperation):
    total_cleared: Annotated[tuple[Asset, ...], Vector(ASSET)]
