"""forget after analyze: no trace of the person in the store, derived data included, nor
in any API answer — and a new analysis does not bring them back.

The store is scanned generically: every property of every node label and relationship
type, whatever derived data the analysis writes now or later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stakegraph.analytics.run import analyze
from stakegraph.api.app import create_app
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.settings import ApiSettings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory
from stakegraph.ingest.forget import forget_person

pytestmark = pytest.mark.store


def traces(store: GraphStore, needles: list[str]) -> list[str]:
    """Where any needle occurs: ``Label.property`` or ``[TYPE].property`` (or ``.labels``)."""

    def text(value: Any) -> str:
        return json.dumps(value, default=str).lower()

    found = set()
    nodes, _, _ = store.driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", database_=store.database
    )
    rels, _, _ = store.driver.execute_query(
        "MATCH ()-[r]->() RETURN [type(r)] AS labels, properties(r) AS props",
        database_=store.database,
    )
    patterns = [_word(n) for n in needles]
    for record, kind in [(r, "node") for r in nodes] + [(r, "rel") for r in rels]:
        where = ":".join(sorted(record["labels"])) if kind == "node" else f"[{record['labels'][0]}]"
        for name, value in record["props"].items():
            if any(p.search(text(value)) for p in patterns):
                found.add(f"{where}.{name}")
        if any(p.search(text(record["labels"])) for p in patterns):
            found.add(f"{where}.labels")
    return sorted(found)


def _word(needle: str) -> re.Pattern[str]:
    # Not inside a longer id or address: p-0001-002 must not match p-0001-0021.
    return re.compile(rf"(?<![\w.@-]){re.escape(needle.lower())}(?![\w@-])")


@pytest.fixture(scope="module")
def analysed(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("forget-portfolio")
    generate_portfolio(files, accounts=6, seed=11, interactions_per_account=250)
    import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("forget-rejects"))
    analyze(store)
    return store


def people_to_forget(store: GraphStore) -> list[dict[str, Any]]:
    """Two people the analysis wrote about the most, whose full names no one else's
    contains (so a name found is theirs): the customer-side person with signals and the
    most ties, and the account owner with the most ties (one of our account managers)."""
    people, _, _ = store.driver.execute_query(
        """
        MATCH (p:Person)
        OPTIONAL MATCH (p)-[t:TIE]-()
        WITH p, count(t) AS ties
        OPTIONAL MATCH (s:Signal)-[:CONCERNS]->(p)
        WITH p, ties, count(s) AS signals
        OPTIONAL MATCH (a:Account) WHERE a.owner_id = p.id
        WITH p, ties, signals, count(a) AS owns
        RETURN p.id AS id, p.name AS name, p.emails AS emails, ties, signals, owns,
               exists((p)-[:HOLDS_ROLE]->(:Account)) AS theirs
        """,
        database_=store.database,
    )
    names = [r["name"] for r in people]
    unique = [dict(r) for r in people if sum(r["name"] in other for other in names) == 1]
    customer = max(
        (r for r in unique if r["theirs"]), key=lambda r: (r["signals"] > 0, r["ties"], r["id"])
    )
    owner = max(unique, key=lambda r: (r["owns"] > 0, r["ties"], r["id"]))
    assert customer["signals"] > 0 and owner["owns"] > 0, (customer, owner)
    return [customer, owner]


def api_answers(store: GraphStore, home: Path) -> Iterator[tuple[str, str]]:
    """Every read of the API (admin key) on every account, and departure impacts."""
    key = KeyRing(home / "keys.json").create(Role.ADMIN)
    app = create_app(store, settings=ApiSettings(STAKEGRAPH_HOME=home, STAKEGRAPH_CACHE_TTL=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.read_model.ready.wait(timeout=120)
        h = {"X-API-Key": key}
        accounts = client.get("/api/accounts?limit=500", headers=h)
        yield "/api/accounts", accounts.text
        for account in accounts.json()["data"]:
            for suffix in ("", "/map", "/suggestions"):
                path = f"/api/accounts/{account['id']}{suffix}"
                yield path, client.get(path, headers=h).text
            owner = account["owner_id"]
            if owner:
                path = f"/api/people/{owner}/departure-impact"
                yield path, client.get(path, headers=h).text
        yield "/api/outreach/plan", client.post("/api/outreach/plan", headers=h, json={}).text


def test_forget_after_analyze_leaves_no_trace(
    analysed: GraphStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = analysed
    people = people_to_forget(store)
    needles = [n for p in people for n in (p["id"], p["name"], *p["emails"])]
    before = traces(store, needles)
    # The scan sees derived data (else it would prove nothing).
    assert {
        "Account:Organization.tie_targets",
        "Account:Organization.owner_id",
        "Signal.evidence",
        "Interaction.person_ids",
    } <= set(before), before

    for person in people:
        report = forget_person(store, person["emails"][0])
        assert report.person_ids == (person["id"],)
    assert traces(store, needles) == []
    for path, text in api_answers(store, tmp_path_factory.mktemp("forget-api")):
        assert not any(_word(n).search(text.lower()) for n in needles), path

    analyze(store)  # a new analysis, over what is left, must not bring them back
    assert traces(store, needles) == []
    for path, text in api_answers(store, tmp_path_factory.mktemp("forget-api-again")):
        assert not any(_word(n).search(text.lower()) for n in needles), path
