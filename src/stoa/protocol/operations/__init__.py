"""Every operation Stoa knows, registered by wire id; import from here."""

from .accounts import (
    AccountCreate,
    AccountCreateWithDelegation,
    AccountUpdate,
    ClaimAccount,
    CreateClaimedAccount,
    DeclineVotingRights,
)
from .base import BY_ID, BY_NAME, OPERATION, Operation, RequiredAuths, operation_class, validate_operation
from .market import Convert, FeedPublish, LimitOrderCancel, LimitOrderCreate, LimitOrderCreate2
from .social import Beneficiary, Comment, CommentOptions, CommentPayoutBeneficiaries, CustomJson, DeleteComment, Vote
from .transfers import (
    CancelTransferFromSavings,
    ClaimRewardBalance,
    DelegateVestingShares,
    SetWithdrawVestingRoute,
    Transfer,
    TransferFromSavings,
    TransferToSavings,
    TransferToVesting,
    WithdrawVesting,
)
from .witness import AccountWitnessProxy, AccountWitnessVote, ChainProperties, Pow2Operation, PowOperation, WitnessUpdate

__all__ = [
    "BY_ID",
    "BY_NAME",
    "OPERATION",
    "AccountCreate",
    "AccountCreateWithDelegation",
    "AccountUpdate",
    "AccountWitnessProxy",
    "AccountWitnessVote",
    "Beneficiary",
    "CancelTransferFromSavings",
    "ChainProperties",
    "ClaimAccount",
    "ClaimRewardBalance",
    "Comment",
    "CommentOptions",
    "CommentPayoutBeneficiaries",
    "Convert",
    "CreateClaimedAccount",
    "CustomJson",
    "DeclineVotingRights",
    "DelegateVestingShares",
    "DeleteComment",
    "FeedPublish",
    "LimitOrderCancel",
    "LimitOrderCreate",
    "LimitOrderCreate2",
    "Operation",
    "Pow2Operation",
    "PowOperation",
    "RequiredAuths",
    "SetWithdrawVestingRoute",
    "Transfer",
    "TransferFromSavings",
    "TransferToSavings",
    "TransferToVesting",
    "Vote",
    "WithdrawVesting",
    "WitnessUpdate",
    "operation_class",
    "validate_operation",
]
