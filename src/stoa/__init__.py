"""Stoa: a self-hostable, Steem-compatible, reward-based blogging network."""

__version__ = "0.1.0"
