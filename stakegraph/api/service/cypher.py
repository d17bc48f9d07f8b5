"""Read-only Cypher for analysts."""

from __future__ import annotations

from stakegraph.api import schemas as s
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.readonly import run_read_only
from stakegraph.graph.store import GraphStore


def read_only_cypher(
    store: GraphStore, settings: ApiSettings, request: s.CypherRequest, *, caller: str
) -> s.CypherResultPublic:
    """Run an analyst's statement so that it cannot change anything (``caller``: the key)."""
    result = run_read_only(
        store,
        request.query,
        request.parameters,
        limit=min(request.limit, settings.cypher_max_rows),
        timeout_s=settings.cypher_timeout_s,
        max_bytes=settings.cypher_max_bytes,
        caller=caller,
    )
    return s.CypherResultPublic(
        columns=result.columns,
        rows=result.rows,
        count=len(result.rows),
        truncated=result.truncated,
    )
