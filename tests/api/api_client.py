"""A test client of the API app, handed out once its read model serves.

A module of its own rather than conftest.py: test modules import it, and every test
directory's conftest.py is a module named ``conftest``, so importing from one picks
whichever was loaded last (``pytest tests/api tests/web`` found the web one).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from stakegraph.api.app import create_app
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


@contextmanager
def serving(store: GraphStore, settings: ApiSettings) -> Iterator[TestClient]:
    """A client of the app, once its read model (when on) serves."""
    app = create_app(store, settings=settings)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        holder = app.state.read_model
        # Not a timing assertion: a generous bound so that a broken build fails, not hangs.
        assert holder is None or holder.ready.wait(timeout=120), "the read model did not build"
        yield test_client


# The API answers from its precomputed read model or computes each answer per request;
# modules that check answers run them both ways.
SERVING_MODES = ("read_model", "per_request")


@contextmanager
def serving_as(mode: str, store: GraphStore, settings: ApiSettings) -> Iterator[TestClient]:
    """:func:`serving` in one of :data:`SERVING_MODES`."""
    with serving(store, settings.model_copy(update={"read_model": mode == "read_model"})) as client:
        yield client
