"""Synthetic portfolio generator: a realistic B2B portfolio in the import format.

See ``docs/generator.md``.
"""

from __future__ import annotations

from stakegraph.generate.portfolio import (
    DEFAULT_INTERACTIONS_PER_ACCOUNT,
    DEFAULT_PROFILE,
    DEMO_ACCOUNTS,
    PROFILES,
    TRUTH_FILE,
    GenerationSummary,
    generate_portfolio,
)

__all__ = [
    "DEFAULT_INTERACTIONS_PER_ACCOUNT",
    "DEFAULT_PROFILE",
    "DEMO_ACCOUNTS",
    "PROFILES",
    "TRUTH_FILE",
    "GenerationSummary",
    "generate_portfolio",
]
