"""One module per area; importing this package registers every evaluator with chain.apply."""

from . import accounts, content, market, savings, social, transfers, vesting, witness  # noqa: F401
