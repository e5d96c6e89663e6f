"""One module per area; importing this package registers every evaluator with chain.apply.

Import order is the order of the end-of-block steps: steemd returns expired delegations and pays
power-down installments (vesting) before it pays savings withdrawals.
"""

from . import accounts, content, market, social, transfers, vesting, witness  # noqa: F401

# isort: split
from . import savings  # noqa: F401
