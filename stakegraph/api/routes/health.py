"""Liveness and readiness: no key needed (load balancers and docker-compose call these)."""

from __future__ import annotations

from fastapi import APIRouter

from stakegraph.api import schemas as s
from stakegraph.api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/health", response_model=s.HealthPublic)
def health() -> s.HealthPublic:
    """The process is up (does not touch the store)."""
    return s.HealthPublic()


@router.get("/ready", response_model=s.ReadyPublic, responses={503: {"description": "store down"}})
def ready(store: StoreDep) -> s.ReadyPublic:
    """The graph store answers a query; 503 otherwise."""
    store.query("api/ping")
    return s.ReadyPublic(backend=store.backend.split(" at ")[0])
