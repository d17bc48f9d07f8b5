"""Object-level authorization over EVERY route of the app (enumerated, so none is forgotten).

For an account manager (Alan, ``u-am1``, owner of ``acc-a`` and ``acc-b``), an id of
another owner's account or of a person outside his accounts must answer exactly as an id
that does not exist: the same status, the same body (up to the id itself), and the same
store work (the same named queries with the same parameters, in the same order), so that
neither the answer nor its timing tells the two apart. And nothing of ``acc-c`` (Beth's)
appears in any answer he gets.

A route added later is probed automatically through its id parameters; a path parameter
this module does not know fails the test until it is added to ``ID_PROBES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from api_portfolio import headers
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from stakegraph.api.app import create_app
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store


@dataclass(frozen=True)
class Probe:
    """Ids for one kind of parameter: the caller's own, another owner's, and none at all."""

    own: str
    foreign: str
    missing: str


ID_PROBES: dict[str, Probe] = {
    "account_id": Probe(own="acc-a", foreign="acc-c", missing="acc-none"),
    "person_id": Probe(own="a-champ", foreign="c-ceo", missing="p-none"),
    "owner": Probe(own="u-am1", foreign="u-am2", missing="u-none"),
    # Exploration names are no account's: the same for everybody, refused to non-analysts.
    "name": Probe(own="tier_overview", foreign="owner_books", missing="no_such_exploration"),
    "play_id": Probe(own="play-a1", foreign="play-c1", missing="play-none"),
}
# What must never reach Alan: Beth's account, its person, their names, its signal, its play.
FOREIGN_MARKERS = ("acc-c", "Cyan", "c-ceo", "Cy Ode", "sig-c1", "play-c1")

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/cypher"): {"query": "RETURN 1 AS one"},
    ("POST", "/api/explore/{name}"): {"parameters": {}},
    ("POST", "/api/accounts/{account_id}/plays"): {"kind": "value_delivery", "request_id": "m"},
    ("POST", "/api/plays/{play_id}/assign"): {"assignee_id": "u-am1"},
    ("POST", "/api/plays/{play_id}/close"): {"outcome": "no_effect"},
}
# Required query parameters other than ids, so the probes reach past validation.
QUERIES: dict[tuple[str, str], str] = {
    ("GET", "/api/reports/monthly"): "month=2024-06",
    ("GET", "/api/accounts/{account_id}/reports/qbr"): "quarter=2024-Q2",
}
# Role-restricted routes; every other route that takes a key is open to every role (scoped).
RESTRICTED: dict[tuple[str, str], set[str]] = {
    ("POST", "/api/outreach/plan"): {"leader", "admin"},
    ("POST", "/api/cypher"): {"analyst", "admin"},
    ("GET", "/api/explore"): {"analyst", "admin"},
    ("POST", "/api/explore/{name}"): {"analyst", "admin"},
    # Plays: every role reads (scoped); analysts change none.
    ("POST", "/api/accounts/{account_id}/plays"): {"account_manager", "leader", "admin"},
    ("POST", "/api/plays/{play_id}/assign"): {"account_manager", "leader", "admin"},
    ("POST", "/api/plays/{play_id}/close"): {"account_manager", "leader", "admin"},
}
ROLES = ("account_manager", "leader", "analyst", "admin")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    path_ids: tuple[str, ...]
    query_ids: tuple[str, ...]

    def url(self, ids: dict[str, str]) -> str:
        path = self.path
        for name in self.path_ids:
            path = path.replace("{" + name + "}", ids[name])
        query = "&".join(f"{n}={ids[n]}" for n in self.query_ids if n in ids)
        return f"{path}?{query}" if query else path

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every (method, path) the app routes, with its id parameters (path and query)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        assert path is not None, route
        if isinstance(route, Mount):
            found.append(Endpoint("GET", path + "/", (), ()))
            continue
        path_ids = tuple(re.findall(r"{(\w+)(?::\w+)?}", path))
        query_ids: tuple[str, ...] = ()
        if isinstance(route, APIRoute):
            query_ids = tuple(n for n in _query_names(route.dependant) if n in ID_PROBES)
        for method in sorted((context.methods or set()) - {"HEAD"}):
            found.append(Endpoint(method, path, path_ids, query_ids))
    return found


def _query_names(dependant: Dependant) -> list[str]:
    """Query parameter names of a handler and of every dependency under it."""
    names = [p.name for p in dependant.query_params]
    for sub in dependant.dependencies:
        names += [n for n in _query_names(sub) if n not in names]
    return names


ALL = endpoints(create_app(settings=ApiSettings()))


def test_every_path_parameter_is_known() -> None:
    unknown = {(str(e), n) for e in ALL for n in e.path_ids if n not in ID_PROBES}
    assert not unknown, f"add these id parameters to ID_PROBES: {sorted(unknown)}"


def probe_cases() -> list[tuple[Endpoint, str]]:
    return [(e, n) for e in ALL for n in (*e.path_ids, *e.query_ids) if n in ID_PROBES]


def test_the_probes_cover_the_scoped_routes() -> None:
    # The routes the issue names are among those probed: the enumeration is not empty.
    probed = {str(e) for e, _ in probe_cases()}
    assert {
        "GET /api/accounts",
        "GET /api/accounts/{account_id}",
        "GET /api/accounts/{account_id}/map",
        "GET /api/accounts/{account_id}/suggestions",
        "GET /api/people/{person_id}/departure-impact",
        "GET /api/digest",
        "GET /api/accounts/{account_id}/plays",
        "POST /api/accounts/{account_id}/plays",
        "GET /api/plays/{play_id}",
        "POST /api/plays/{play_id}/assign",
        "POST /api/plays/{play_id}/close",
        "GET /api/reports/monthly",
        "GET /api/accounts/{account_id}/reports/qbr",
    } <= probed


@pytest.fixture(scope="module")
def client(served: TestClient) -> TestClient:
    """Served both ways (conftest.served)."""
    return served


class QueryLog:
    """The named queries the store runs (the real store runs them: this only records)."""

    def __init__(self, store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        real = store.query

        def query(name: str, **params: Any) -> Any:
            self.calls.append((name, params))
            return real(name, **params)

        monkeypatch.setattr(store, "query", query)

    def take(self, probe_id: str) -> list[str]:
        """The calls since the last take, the probed id replaced by a placeholder."""
        calls, self.calls = self.calls, []
        return [_masked(f"{name} {sorted(params.items())!r}", probe_id) for name, params in calls]


def _masked(text: str, probe_id: str) -> str:
    return re.sub(re.escape(probe_id), "<id>", text)


def request(client: TestClient, endpoint: Endpoint, ids: dict[str, str], key: str) -> Any:
    body = BODIES.get((endpoint.method, endpoint.path), {})
    url = endpoint.url(ids)
    extra = QUERIES.get((endpoint.method, endpoint.path))
    if extra:
        url += ("&" if "?" in url else "?") + extra
    return client.request(
        endpoint.method,
        url,
        headers=headers(key),
        json=body if endpoint.method == "POST" else None,
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("endpoint", "parameter"), probe_cases(), ids=[f"{e}:{n}" for e, n in probe_cases()]
)
def test_a_foreign_id_answers_exactly_as_a_missing_one(
    client: TestClient,
    portfolio: GraphStore,
    keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    endpoint: Endpoint,
    parameter: str,
) -> None:
    own = {n: ID_PROBES[n].own for n in endpoint.path_ids}
    probe = ID_PROBES[parameter]
    log = QueryLog(portfolio, monkeypatch)
    answers = {}
    for case in ("foreign", "missing"):
        probe_id = getattr(probe, case)
        response = request(client, endpoint, {**own, parameter: probe_id}, keys["account_manager"])
        answers[case] = (
            response.status_code,
            _masked(response.text, probe_id),
            log.take(probe_id),
        )
    foreign, missing = answers["foreign"], answers["missing"]
    assert foreign[0] == missing[0], (foreign, missing)
    assert foreign[1] == missing[1]
    assert foreign[2] == missing[2], "the store work differs, so the timing does too"
    assert not any(m in foreign[1] for m in FOREIGN_MARKERS), foreign[1]


@pytest.mark.parametrize("endpoint", ALL, ids=[str(e) for e in ALL])
@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(
    client: TestClient, keys: dict[str, str], endpoint: Endpoint, role: str
) -> None:
    """With the caller's own ids: a 403 exactly where the role may not, never a 5xx, and
    nothing of another owner's account in what an account manager gets."""
    own = {n: ID_PROBES[n].own for n in endpoint.path_ids}
    response = request(client, endpoint, own, keys[role])
    assert response.status_code < 500, response.text
    allowed = RESTRICTED.get((endpoint.method, endpoint.path))
    if allowed is not None:
        assert (response.status_code == 403) == (role not in allowed), response.text
    else:
        assert response.status_code != 403, f"{endpoint} is restricted: add it to RESTRICTED"
    if role == "account_manager":
        assert not any(m in response.text for m in FOREIGN_MARKERS), response.text


def test_departure_impact_of_a_foreign_person_is_a_plain_404(
    client: TestClient, keys: dict[str, str]
) -> None:
    """Finding 7: Cy Ode (acc-c only) was answered with his name and an empty impact."""
    am = headers(keys["account_manager"])
    response = client.get("/api/people/c-ceo/departure-impact", headers=am)
    assert response.status_code == 404
    assert response.json() == {"detail": "person 'c-ceo' not found"}
    # Ask about acc-c through a person of Alan's: the same 404 whether acc-c exists or not.
    for account in ("acc-c", "acc-none"):
        response = client.get(
            f"/api/people/a-champ/departure-impact?account_id={account}", headers=am
        )
        assert response.json() == {"detail": f"person 'a-champ' not found in account '{account}'"}
    # A leader sees Cy Ode.
    leader = client.get("/api/people/c-ceo/departure-impact", headers=headers(keys["leader"]))
    assert leader.status_code == 200 and leader.json()["person"]["name"] == "Cy Ode"


@pytest.mark.parametrize("by", ["", "?by=account", "?by=owner", "?by=segment"])
def test_kpis_of_an_account_manager_are_read_from_his_accounts_only(
    client: TestClient,
    portfolio: GraphStore,
    keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    by: str,
) -> None:
    """Every KPI read is cut to Alan's accounts in the store, before any figure exists; a
    leader's reads are not cut."""
    reads: list[tuple[str, dict[str, Any]]] = []
    real = portfolio.query_df

    def query_df(name: str, **params: Any) -> Any:
        reads.append((name, params))
        return real(name, **params)

    monkeypatch.setattr(portfolio, "query_df", query_df)
    response = client.get(f"/api/kpis{by}", headers=headers(keys["account_manager"]))
    assert response.status_code == 200, response.text
    assert not any(m in response.text for m in FOREIGN_MARKERS), response.text
    assert {name for name, _ in reads} == {
        "kpis/read_accounts",
        "kpis/read_renewals",
        "kpis/read_engagements",
        "kpis/read_snapshots",
    }
    assert all(params["account_ids"] == ["acc-a", "acc-b"] for _, params in reads)
    assert response.json()["portfolio"]["accounts"] == 2
    reads.clear()
    leader = client.get(f"/api/kpis{by}", headers=headers(keys["leader"]))
    assert leader.json()["portfolio"]["accounts"] == 3
    assert len(reads) == 4 and all(p["account_ids"] is None for _, p in reads)


def test_the_digest_of_an_account_manager_holds_only_their_accounts(
    client: TestClient, keys: dict[str, str]
) -> None:
    """Since 2024-06-10 both acc-a (Alan's) and acc-c (Beth's) raised a signal: a leader
    sees both, Alan only his, and naming Beth as the owner gets him what a missing owner
    gets (nothing)."""
    url = "/api/digest?since=2024-06-10"
    leader = client.get(url, headers=headers(keys["leader"])).json()
    assert {i["account_id"] for i in leader["items"]} == {"acc-a", "acc-c"}
    alan = client.get(url, headers=headers(keys["account_manager"]))
    assert alan.status_code == 200
    assert {i["account_id"] for i in alan.json()["items"]} == {"acc-a"}
    assert not any(m in alan.text for m in FOREIGN_MARKERS)
    for owner in ("u-am2", "u-none"):
        other = client.get(f"{url}&owner={owner}", headers=headers(keys["account_manager"]))
        assert other.json()["items"] == [] and other.json()["accounts"] == 0
