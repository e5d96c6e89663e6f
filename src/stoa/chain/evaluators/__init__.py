"""One module per area; importing this package registers every evaluator with chain.apply."""

from . import accounts, social, transfers  # noqa: F401
