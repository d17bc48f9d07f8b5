"""The Neo4j the tests start (neo4j-launcher/): what it enforces, and what production runs.

Its settings live in neo4j-launcher/neo4j.conf; docker-compose.yml must set the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
import yaml

from stakegraph.graph.local_neo4j import LAUNCHER_DIR, Neo4jEndpoint

ROOT = Path(__file__).resolve().parents[2]
SLOW = "UNWIND range(1, 2000000000) AS i WITH i WHERE i % 7 = 0 RETURN count(*) AS n"


def conf_settings() -> dict[str, str]:
    lines = (LAUNCHER_DIR / "neo4j.conf").read_text().splitlines()
    return dict(
        line.split("=", 1) for line in (raw.strip() for raw in lines) if line and "=" in line
    )


def test_docker_compose_sets_what_the_tests_ran() -> None:
    """Each setting of neo4j.conf is in the compose file (NEO4J_dots_as_underscores)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j_service = compose["services"]["neo4j"]
    environment = neo4j_service["environment"]
    for name, value in conf_settings().items():
        variable = "NEO4J_" + name.replace("_", "__").replace(".", "_")
        assert str(environment.get(variable)).lower() == value.lower(), variable
    pom = (LAUNCHER_DIR / "pom.xml").read_text()
    version = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", pom)
    assert version is not None
    assert neo4j_service["image"] == f"neo4j:{version.group(1)}-community"


@pytest.fixture
def driver(neo4j_endpoint: Neo4jEndpoint) -> Iterator[neo4j.Driver]:
    with neo4j.GraphDatabase.driver(
        neo4j_endpoint.uri, auth=(neo4j_endpoint.user, neo4j_endpoint.password)
    ) as opened:
        yield opened


@pytest.mark.store
@pytest.mark.only_backend("neo4j")
def test_a_wrong_password_is_refused(neo4j_endpoint: Neo4jEndpoint) -> None:
    with (
        neo4j.GraphDatabase.driver(neo4j_endpoint.uri, auth=("neo4j", "not-it")) as wrong,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        wrong.verify_connectivity()


@pytest.mark.store
@pytest.mark.only_backend("neo4j")
def test_load_csv_cannot_read_the_servers_files(driver: neo4j.Driver) -> None:
    with pytest.raises(neo4j.exceptions.ClientError, match="allow_csv_import_from_file_urls"):
        driver.execute_query("LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row")


@pytest.mark.store
@pytest.mark.only_backend("neo4j")
def test_the_server_ends_a_transaction_past_its_timeout(driver: neo4j.Driver) -> None:
    """The client's transaction timeout is enforced by Neo4j itself (ArcadeDB ignores it)."""
    count = neo4j.unit_of_work(timeout=0.5)(lambda tx: tx.run(SLOW).single())
    with driver.session() as session, pytest.raises(neo4j.exceptions.Neo4jError) as info:
        session.execute_read(count)
    assert "TransactionTimedOut" in str(info.value.code)


@pytest.mark.store
@pytest.mark.only_backend("neo4j")
def test_a_read_transaction_refuses_writes(driver: neo4j.Driver) -> None:
    with driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
        tx = session.begin_transaction()
        with pytest.raises(neo4j.exceptions.ClientError, match="read access mode"):
            tx.run("CREATE (:Hack)").consume()
