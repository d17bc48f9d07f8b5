"""Which tests share a worker under ``make test`` (tests/store_scheduling.py)."""

from __future__ import annotations

import pytest
from store_scheduling import worker_scope


@pytest.mark.parametrize(
    ("nodeid", "scope"),
    [
        ("tests/api/test_security.py::test_deep[neo4j-terms]", "neo4j"),
        ("tests/cli/test_cli.py::test_demo[embedded]", "embedded"),
        # another parameter that names a store, after the backend's: still the backend
        ("tests/test_x.py::test_y[embedded-neo4j]", "embedded"),
        # no backend among the parameters, or not first: the module
        (
            "tests/web/test_browser_required.py::test_missing[env0]",
            "tests/web/test_browser_required.py",
        ),
        ("tests/test_x.py::test_y[terms-neo4j]", "tests/test_x.py"),
        ("tests/test_dates.py::test_a_date", "tests/test_dates.py"),
        ("tests/test_x.py::TestY::test_z[a[1]]", "tests/test_x.py"),
    ],
)
def test_a_tests_scope_is_its_backend_else_its_module(nodeid: str, scope: str) -> None:
    assert worker_scope(nodeid) == scope


@pytest.mark.parametrize("kind", ["terms"])
def test_the_backend_parameter_comes_first_in_the_test_id(
    backend: str, kind: str, request: pytest.FixtureRequest
) -> None:
    # The scheduler reads the backend from the id alone: this pins how conftest names it.
    assert worker_scope(request.node.nodeid) == backend
