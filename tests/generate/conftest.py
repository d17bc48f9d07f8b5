"""Fixtures for the generator tests: small generated portfolios read back as frames.

Reading them back is generated_portfolio.py, which test modules import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from generated_portfolio import LoadedPortfolio, load_portfolio

from stakegraph.generate import generate_portfolio

SMALL_ACCOUNTS = 60
SMALL_SEED = int(os.environ.get("STAKEGRAPH_GENERATOR_TEST_SEED", "11"))
PATTERN_ACCOUNTS = 200
PATTERN_SEED = int(os.environ.get("STAKEGRAPH_GENERATOR_TEST_SEED", "2024"))


@pytest.fixture(scope="session")
def generate_into(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Generate a portfolio into a fresh directory; return the directory."""

    def generate(name: str, **kwargs: Any) -> Path:
        out = tmp_path_factory.mktemp(name)
        generate_portfolio(out, **kwargs)
        return out

    return generate


@pytest.fixture(scope="session")
def small_portfolio(generate_into: Callable[..., Path]) -> LoadedPortfolio:
    """A small portfolio, generated once per session."""
    return load_portfolio(generate_into("small", accounts=SMALL_ACCOUNTS, seed=SMALL_SEED))


@pytest.fixture(scope="session")
def pattern_portfolio(generate_into: Callable[..., Path]) -> LoadedPortfolio:
    """A 200-account portfolio, for the renewal pattern."""
    return load_portfolio(generate_into("pattern", accounts=PATTERN_ACCOUNTS, seed=PATTERN_SEED))
