"""Importing this package registers every evaluator and every end-of-block step with chain.apply."""

from ..economics import rewards, sbd  # noqa: F401
from . import accounts, content, market, savings, social, transfers, vesting, witness  # noqa: F401
