"""The FastAPI application: ``create_app()`` builds it, ``stakegraph serve`` runs it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.types import Scope

from stakegraph.api.cache import ResponseCache
from stakegraph.api.deps import API_KEY_HEADER, identify
from stakegraph.api.edge import RequestLimits, SecurityHeaders
from stakegraph.api.errors import ApiError, install_error_handlers
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.limits import RateLimits
from stakegraph.api.read_model import ReadModelHolder
from stakegraph.api.routes import (
    accounts,
    cypher,
    digest,
    explore,
    health,
    kpis,
    maps,
    outreach,
    people,
    plays,
    reports,
    suggestions,
)
from stakegraph.api.settings import ApiSettings, get_api_settings
from stakegraph.config import Settings
from stakegraph.graph.store import GraphStore

log = logging.getLogger(__name__)

DEMO_KEY_LABEL = "demo"

# The web app (docs/web.md): plain files, same origin as the API, public (the key is entered in
# the page and sent as X-API-Key on every API call).
STATIC_DIR = Path(__file__).parent / "static"
WEB_APP_PATH = "/app"
# /docs is Swagger UI from the vendored files, not from a CDN (static/docs/, web/vendor.sh).
DOCS_PAGE = STATIC_DIR / "docs" / "index.html"

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
        opened = None
        if store is None:
            opened = GraphStore.open(Settings(STAKEGRAPH_HOME=settings.home))
            app.state.store = opened
            log.info("serving %s", opened.backend)
        app.state.impact_slots = anyio.CapacityLimiter(settings.impact_concurrency)
        holder: ReadModelHolder | None = app.state.read_model
        if holder is not None:
            holder.start()  # in the background: /health answers while it builds
        try:
            yield
        finally:
            if holder is not None:
                holder.stop()
            if opened is not None:
                opened.close()

    app = FastAPI(
        title="stakegraph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from our own files
        redoc_url=None,  # it would load ReDoc from a CDN
    )
    app.state.store = store
    app.state.settings = settings
    app.state.key_ring = KeyRing(settings.keys_file)
    app.state.cache = cache = ResponseCache(ttl_s=settings.cache_ttl_s)
    app.state.rate_limits = RateLimits.of(
        settings.rate_limit_per_minute, settings.auth_failures_per_minute
    )
    # Made in the lifespan: an anyio limiter belongs to the running event loop.
    app.state.impact_slots = None
    app.state.impact_callers = set()  # keys with a departure impact being computed
    app.state.key_turns = {}  # per key: one view computed per request at a time
    # Answers cached per request were computed from the old state: a new model drops them.
    app.state.read_model = (
        ReadModelHolder(lambda: app.state.store, settings, on_swap=cache.clear)
        if settings.read_model
        else None
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[API_KEY_HEADER, "Content-Type"],
        )
    # The last added runs first: limits before anything reads the request, headers on every
    # answer (the limits' own refusals included).
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        admit=lambda scope: _refusal(app, scope),
    )
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    for module in (
        health,
        accounts,
        maps,
        suggestions,
        plays,
        reports,
        outreach,
        people,
        kpis,
        digest,
        cypher,
        explore,
    ):
        app.include_router(module.router)

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        return FileResponse(DOCS_PAGE, media_type="text/html")

    app.mount(WEB_APP_PATH, StaticFiles(directory=STATIC_DIR, html=True), name="web")
    return app


def _refusal(app: FastAPI, scope: Scope) -> ApiError | None:
    """Why a request to the API may not have its body read: no valid key (or too many
    invalid ones from its address); None when it may."""
    try:
        identify(app.state, Headers(scope=scope).get(API_KEY_HEADER), scope.get("client"))
    except ApiError as refusal:
        return refusal
    return None


def demo_key(keys_file: Path) -> str:
    """A fresh admin key labelled ``demo``, replacing the previous one.

    Only hashes are kept, so an existing key can never be shown again: the demo revokes
    the key it made last time and makes a new one, leaving every other key alone.
    """
    ring = KeyRing(keys_file)
    for record in ring.records():
        if record.label == DEMO_KEY_LABEL and record.role is Role.ADMIN:
            ring.revoke(record.key_id)
    return ring.create(Role.ADMIN, label=DEMO_KEY_LABEL)


def serve_api(*, host: str, port: int, access_log: bool = False) -> None:
    """Run the API under uvicorn until interrupted (``stakegraph serve``, ``demo``).

    One worker: the read model lives in the process, so a second worker would hold and
    rebuild a second copy and contend for the same two cores (docs/api.md, "Performance").
    Access lines are off by default: through the CLI's rich log handler they cost about
    1.4 ms of CPU per request, a third of a request's budget under load.
    """
    import uvicorn

    from stakegraph.api.connections import ConnectionLimits, guarded_protocol

    settings = get_api_settings()
    protocol = guarded_protocol(ConnectionLimits.from_settings(settings))
    uvicorn.run(
        create_app(settings=settings),
        host=host,
        port=port,
        http=protocol,
        log_config=None,
        access_log=access_log,
    )
