"""The digest and alert tests' shared fixture: the small portfolio of
:mod:`digest_portfolio` in a fresh store."""

from __future__ import annotations

import pytest
from digest_portfolio import build

from stakegraph.graph.store import GraphStore


@pytest.fixture
def portfolio(store: GraphStore) -> GraphStore:
    build(store)
    return store
