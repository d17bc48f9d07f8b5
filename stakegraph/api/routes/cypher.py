"""Read-only Cypher for analysts."""

from __future__ import annotations

from fastapi import APIRouter

from stakegraph.api import schemas as s
from stakegraph.api.deps import AnalystDep, SettingsDep, StoreDep
from stakegraph.api.service import cypher

router = APIRouter(prefix="/api/cypher", tags=["cypher"])


@router.post(
    "",
    response_model=s.CypherResultPublic,
    responses={
        400: {"description": "refused: not a read, or the query failed"},
        429: {"description": "this key's earlier statement is still running in the store"},
    },
)
def run_cypher(
    request: s.CypherRequest, store: StoreDep, settings: SettingsDep, principal: AnalystDep
) -> s.CypherResultPublic:
    """Run one read-only statement with parameters (analyst, admin); rows as JSON."""
    return cypher.read_only_cypher(store, settings, request, caller=principal.key_id)
