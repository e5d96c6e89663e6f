"""Reward curves in integer arithmetic, bit-exact with steemd's util/reward.cpp (protocol.md §4.3)."""

from __future__ import annotations

CONTENT_CONSTANT = 2_000_000_000_000  # s, HF21


def approx_sqrt(x: int) -> int:
    """steemd's approx_sqrt: a fast estimate that is NOT an exact integer square root; replicated bit for bit."""
    if x == 0:
        return 0
    msb = x.bit_length() - 1
    half = msb >> 1
    mantissa = x & ((1 << msb) - 1)
    high = (1 << half) if msb & 1 else 0
    low = (mantissa >> (msb - half)) & 0xFFFFFFFFFFFFFFFF
    return (1 << half) | ((high | low) >> 1)


def linear(rshares: int) -> int:
    return rshares


def convergent_linear(rshares: int, s: int = CONTENT_CONSTANT) -> int:
    """≈ r/2 for r ≪ s, → r for r ≫ s: the HF21 author curve."""
    return ((rshares + s) ** 2 - s * s) // (rshares + 4 * s)


def convergent_square_root(rshares: int, s: int = CONTENT_CONSTANT) -> int:
    """The HF21 curation curve: r / approx_sqrt(r + 2s)."""
    return rshares // approx_sqrt(rshares + 2 * s)
