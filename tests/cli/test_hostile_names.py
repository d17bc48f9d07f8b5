"""Hostile names imported from CSV, as the security review's second pass attacked a running
instance: every command family that prints imported text prints them as plain text.

One portfolio (6 accounts) with one account and one person renamed, a person row whose id
cannot be an address, and the account owner's name written to the store directly with escape
sequences and a right-to-left override (as data imported before ingest cleaned display
text may hold).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import NamedTuple

import pytest
from test_cli import stakegraph

from stakegraph.graph.store import GraphStore

pytestmark = [pytest.mark.store, pytest.mark.slow]

ACCOUNT = "org-0001"
ACCOUNT_NAME = (
    "Mallory [/] [link=https://evil.example/sso]Corp[/link] <img src=x onerror=alert(1)> |"
)
PERSON_NAME = "Eve [/]\x1b[31m\nIron\u202egpj.exe"
# What ingest keeps of PERSON_NAME: no control or bidi characters, one line.
PERSON_SHOWN = "Eve [/][31m Irongpj.exe"
# Written to the store directly: what the consoles must clean themselves.
STORED_NAME = "Trent \x1b]8;;https://evil.example\x1b\\sso\x1b[0m\u202eexe"
STORED_SHOWN = "Trent ]8;;https://evil.example\\sso[0mexe"
# A stakeholder of the account's suggestions, renamed in the store.
STAKEHOLDER_NAME = "Sybil [/] [link=https://evil.example/sso]x\x1b[31m"
STAKEHOLDER_SHOWN = "Sybil [/] [link=https://evil.example/sso]x[31m"


class Hostile(NamedTuple):
    env: dict[str, str]
    person: str  # the renamed person (an account's contact)
    stored: str  # the person renamed in the store: the account's owner
    owner: str  # the renamed account's owner (one of ours)
    ingest_output: str


def rewrite(path: Path, change: dict[str, dict[str, str]], extra: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or [])
        rows = [{**row, **change.get(row["id"], {})} for row in reader]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows([*rows, *extra])


@pytest.fixture(scope="module")
def hostile(
    store: GraphStore, store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Hostile:
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    portfolio = tmp_path_factory.mktemp("hostile") / "portfolio"
    stakegraph(store_env, "generate", str(portfolio), "--accounts", "6", "--seed", "3")
    with (portfolio / "organizations.csv").open(encoding="utf-8") as f:
        owner = next(r["owner_id"] for r in csv.DictReader(f) if r["id"] == ACCOUNT)
    with (portfolio / "people.csv").open(encoding="utf-8") as f:
        contacts = [r["id"] for r in csv.DictReader(f) if r["organization_id"] == ACCOUNT]
    person, stored = contacts[0], owner
    rewrite(portfolio / "organizations.csv", {ACCOUNT: {"name": ACCOUNT_NAME}}, [])
    bad_id = {"id": "p/evil", "name": "Bad Id", "organization_id": ACCOUNT}
    rewrite(portfolio / "people.csv", {person: {"name": PERSON_NAME}}, [bad_id])
    done = stakegraph(store_env, "ingest", str(portfolio), check=False)
    stakegraph(store_env, "analyze")
    answer = json.loads(stakegraph(store_env, "suggestions", ACCOUNT, "--json").stdout)
    stakeholder = next(
        d["stakeholder"]["id"] for d in answer["data"] if d["stakeholder"]["id"] != person
    )
    for person_id, name in ((stored, STORED_NAME), (stakeholder, STAKEHOLDER_NAME)):
        store.driver.execute_query(
            "MATCH (p:Person {id: $id}) SET p.name = $name",
            id=person_id,
            name=name,
            database_=store.database,
        )
    return Hostile(store_env, person, stored, owner, done.stdout + done.stderr)


def assert_plain(text: str) -> None:
    """No escape sequence, bidi control or line break from the data reached the output."""
    assert "\x1b" not in text and "\u202e" not in text and "Eve [/][31m\n" not in text


def test_ingest_cleans_names_with_a_warning_and_rejects_the_bad_id(hostile: Hostile) -> None:
    output = hostile.ingest_output
    assert "people.csv line " in output and 'column "name": control or bidirectional' in output
    assert 'holds "/" at character 2: an organization or person id cannot' in output
    ids = f"['{hostile.person}', 'p/evil']"
    query = f"MATCH (p:Person) WHERE p.id IN {ids} RETURN p.id AS id, p.name AS name"
    rows = json.loads(stakegraph(hostile.env, "cypher", "--json", query).stdout)
    assert rows == [{"id": hostile.person, "name": PERSON_SHOWN}]


def test_cypher_prints_names_as_plain_text(hostile: Hostile) -> None:
    ids = f"['{hostile.person}', '{hostile.stored}']"
    query = f"MATCH (p:Person) WHERE p.id IN {ids} RETURN p.name AS name ORDER BY name"
    done = stakegraph(hostile.env, "cypher", query)
    assert PERSON_SHOWN in done.stdout and STORED_SHOWN in done.stdout
    assert_plain(done.stdout)
    account = stakegraph(
        hostile.env, "cypher", f"MATCH (a:Account {{id: '{ACCOUNT}'}}) RETURN a.name"
    )
    assert ACCOUNT_NAME in account.stdout


def test_suggestions_print_hostile_names(hostile: Hostile) -> None:
    done = stakegraph(hostile.env, "suggestions", ACCOUNT, check=False, columns=400)
    assert done.returncode == 0, done.stderr
    assert STAKEHOLDER_SHOWN in done.stdout
    assert_plain(done.stdout)


def test_explore_prints_hostile_names(hostile: Hostile) -> None:
    explored = stakegraph(hostile.env, "explore", "owner_books", columns=400)
    assert STORED_SHOWN in explored.stdout
    assert_plain(explored.stdout)


def test_plays_print_hostile_names(hostile: Hostile) -> None:
    stakegraph(hostile.env, "plays", "open", ACCOUNT, "--kind", "value_delivery")
    listed = stakegraph(hostile.env, "plays", "list", "--account", ACCOUNT, columns=400)
    assert "Mallory [/] [link=https://evil.example/sso]Corp[/link]" in listed.stdout
    assert_plain(listed.stdout)


def test_markdown_digest_escapes_hostile_names(hostile: Hostile) -> None:
    done = stakegraph(
        hostile.env, "digest", "--format", "md", "--since", "2000-01-01", "--no-record"
    )
    assert_plain(done.stdout)
    assert "<img" not in done.stdout and "[link=" not in done.stdout


def test_an_unknown_key_owner_is_refused(hostile: Hostile) -> None:
    refused = stakegraph(
        hostile.env,
        "keys",
        "create",
        "--role",
        "account_manager",
        "--owner",
        "nobody",
        check=False,
    )
    assert refused.returncode == 2
    assert "no person with id 'nobody' in the graph store" in refused.stderr
    created = stakegraph(
        hostile.env, "keys", "create", "--role", "account_manager", "--owner", hostile.owner
    )
    key_id = created.stdout.strip().split("_")[1]
    stakegraph(hostile.env, "keys", "revoke", key_id)
