"""Liveness and readiness: no key needed (load balancers and docker-compose call these)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from stakegraph.api import schemas as s
from stakegraph.api.deps import StoreDep
from stakegraph.api.read_model import ReadModelHolder

router = APIRouter(tags=["health"])


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    """People who open the server's address land on the web app."""
    return RedirectResponse("/app/")


@router.get("/health", response_model=s.HealthPublic)
def health() -> s.HealthPublic:
    """The process is up (does not touch the store)."""
    return s.HealthPublic()


@router.get("/ready", response_model=s.ReadyPublic, responses={503: {"description": "store down"}})
def ready(store: StoreDep, request: Request) -> s.ReadyPublic:
    """The graph store answers a query; 503 otherwise. Says whether the read model serves."""
    store.query("api/ping")
    holder: ReadModelHolder | None = request.app.state.read_model
    return s.ReadyPublic(
        backend=store.backend.split(" at ")[0],
        read_model="off" if holder is None else holder.state,
    )
