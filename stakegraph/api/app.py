"""The FastAPI application: ``create_app()`` builds it, ``stakegraph serve`` runs it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from stakegraph.api.cache import ResponseCache
from stakegraph.api.deps import API_KEY_HEADER
from stakegraph.api.errors import install_error_handlers
from stakegraph.api.keys import KeyRing
from stakegraph.api.routes import accounts, cypher, health, maps, outreach, people, suggestions
from stakegraph.api.settings import ApiSettings, get_api_settings
from stakegraph.config import Settings
from stakegraph.graph.store import GraphStore

log = logging.getLogger(__name__)

DESCRIPTION = """\
Relationship intelligence for account teams: accounts with churn risk, stakeholder maps,
re-mapping suggestions, portfolio outreach plans, departure impact and read-only Cypher.

Every endpoint but `/health` and `/ready` needs an API key in the `X-API-Key` header
(`stakegraph keys create --role ...`). See docs/api.md.
"""


def create_app(store: GraphStore | None = None, settings: ApiSettings | None = None) -> FastAPI:
    """Build the API.

    Parameters
    ----------
    store
        An open store to serve; when None, the configured store is opened when the app
        starts and closed when it stops (the caller owns a store it passes in).
    settings
        API settings; read from the environment when None.
    """
    settings = settings or get_api_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if store is not None:
            yield
            return
        opened = GraphStore.open(Settings(STAKEGRAPH_HOME=settings.home))
        app.state.store = opened
        log.info("serving %s", opened.backend)
        try:
            yield
        finally:
            opened.close()

    app = FastAPI(
        title="stakegraph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.key_ring = KeyRing(settings.keys_file)
    app.state.cache = ResponseCache(ttl_s=settings.cache_ttl_s)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[API_KEY_HEADER, "Content-Type"],
        )
    install_error_handlers(app)
    for module in (health, accounts, maps, suggestions, outreach, people, cypher):
        app.include_router(module.router)
    return app
