"""Steem's economics: reward curves, and (with the economics issue) inflation and payouts."""
