"""Property-based run against the OpenAPI schema: whatever the inputs, no server error.

schemathesis generates requests from the app's own OpenAPI document (valid and invalid
query parameters, path segments and bodies) and sends them in-process through ASGI,
with an admin key so that every route is exercised past authentication.
"""

from __future__ import annotations

import pytest
import schemathesis
from api_portfolio import headers
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from stakegraph.api.app import create_app
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def api_app(portfolio: GraphStore, api_settings: ApiSettings) -> FastAPI:
    return create_app(portfolio, settings=api_settings)


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


# Each operation of the schema, by "METHOD path" (the pytest plugin of schemathesis does not
# work with this pytest, so hypothesis drives schemathesis' strategies directly).
OPERATIONS = [
    "GET /health",
    "GET /ready",
    "GET /api/accounts",
    "GET /api/accounts/{account_id}",
    "GET /api/accounts/{account_id}/map",
    "GET /api/accounts/{account_id}/suggestions",
    "POST /api/outreach/plan",
    "GET /api/people/{person_id}/departure-impact",
    "GET /api/kpis",
    "GET /api/digest",
    "POST /api/cypher",
    "GET /api/explore",
    "POST /api/explore/{name}",
    "GET /api/accounts/{account_id}/plays",
    "POST /api/accounts/{account_id}/plays",
    "GET /api/plays",
    "GET /api/plays/kpis",
    "GET /api/plays/{play_id}",
    "POST /api/plays/{play_id}/assign",
    "POST /api/plays/{play_id}/close",
    "GET /api/reports/monthly",
    "GET /api/accounts/{account_id}/reports/qbr",
]


def test_every_operation_is_fuzzed(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]
    found = {f"{op.method.upper()} {op.path}" for op in operations}
    assert found == set(OPERATIONS)


# Negative mode (inputs that violate the schema) needs something to violate: not on
# /health and /ready, which take no input.
CASES = [(op, "positive") for op in OPERATIONS] + [
    (op, "negative") for op in OPERATIONS if op not in ("GET /health", "GET /ready")
]


@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_no_input_makes_a_server_error(
    api_schema: schemathesis.BaseSchema,
    api_app: FastAPI,
    keys: dict[str, str],
    operation: str,
    mode: str,
) -> None:
    method, path = operation.split(" ")
    strategy = api_schema[path][method].as_strategy(
        generation_mode=schemathesis.GenerationMode(mode)
    )
    key = headers(keys["admin"])

    @given(case=strategy)
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=key)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text)
        assert "Traceback" not in response.text

    check()
