"""What an outside sender writes into a mail has a bounded length in the store.

A sender chooses their display name, the subject and the Message-ID. Before, a 300,000-
character name and subject and a 100,000-character Message-ID loaded as they were, and
one such mail grew its account's map from 15.9 KB to 417 KB for every caller (the
evidence lists the interactions' ids and subjects, the nodes their names).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from source_files import HOME, mbox, message

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_PARTIAL
from stakegraph.ingest.records import (
    MAX_DISPLAY_LENGTH,
    InteractionRow,
    PersonRow,
    RawRow,
    RowError,
    is_email_address,
    validate_row,
)
from stakegraph.ingest.sources import SourceOptions, ingest_path

INTERACTION = {"id": "e1", "kind": "email", "at": "2024-03-05", "from": "h1"}


def test_display_text_longer_than_the_bound_is_cut_with_a_warning() -> None:
    warnings: list[str] = []
    row = {**INTERACTION, "subject": "S" * 300_000}
    read = validate_row(InteractionRow, RawRow("interactions.csv", 4, row), warnings)
    assert isinstance(read, InteractionRow) and read.subject is not None
    assert len(read.subject) == MAX_DISPLAY_LENGTH and read.subject.endswith("\u2026")
    assert warnings == [
        'interactions.csv line 4, column "subject": text longer than 500 characters cut to 500'
    ]
    exact = validate_row(PersonRow, RawRow("people.csv", 2, {"id": "p1", "name": "N" * 500}))
    assert isinstance(exact, PersonRow) and exact.name == "N" * 500


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"id": "x" * 1001}, "id"),
        ({"thread_id": "t" * 5000}, "thread_id"),
        ({"to": "a@acme.example;" + "b" * 2000}, "to"),
        ({"account_id": "o" * 1001}, "account_id"),
    ],
)
def test_an_id_longer_than_1000_characters_is_a_reject(values: dict[str, str], column: str) -> None:
    error = validate_row(InteractionRow, RawRow("interactions.csv", 2, {**INTERACTION, **values}))
    assert isinstance(error, RowError) and error.column == column
    assert "characters long: an id or an address holds at most 1,000" in error.reason
    assert len(error.reason) < 200  # the value is quoted cut short


def test_an_address_longer_than_a_mail_server_accepts_is_not_one() -> None:
    assert is_email_address("a" * 250 + "@acme.example") is False
    assert is_email_address("a" * 200 + "@acme.example") is True


def stored(store: GraphStore, cypher: str) -> list[dict[str, Any]]:
    records, _, _ = store.driver.execute_query(cypher, database_=store.database)
    return [dict(r) for r in records]


@pytest.mark.store
def test_a_hostile_mail_stores_nothing_longer_than_the_bounds(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    box = tmp_path / "in.mbox"
    box.write_bytes(
        mbox(
            message(
                sender=f"Ann Home <ann@{HOME}>",
                to=["bob@acme.example"],
                message_id="ok@home",
                subject="Renewal",
            ),
            message(
                sender="N" * 300_000 + " <mallory@acme.example>",
                to=[f"ann@{HOME}"],
                message_id="long-name@acme",
                subject="S" * 300_000,
            ),
            message(
                sender="Eve <eve@acme.example>",
                to=[f"ann@{HOME}"],
                message_id="n" * 100_000 + "@acme",
                subject="Hi",
            ),
        )
    )
    options = SourceOptions(home_domains=(HOME,), subjects=True)
    report = ingest_path(clean_store, box, options=options)
    assert report.exit_code == EXIT_PARTIAL  # the mail with the long Message-ID
    lengths = stored(
        clean_store,
        "MATCH (i:Interaction) RETURN size(i.id) AS id, size(i.subject) AS subject",
    )
    assert len(lengths) == 2
    assert max(r["id"] for r in lengths) <= 1000
    assert max(r["subject"] for r in lengths) == MAX_DISPLAY_LENGTH
    names = stored(clean_store, "MATCH (p:Person) RETURN p.id AS id, size(p.name) AS name")
    assert {r["id"]: r["name"] for r in names}["mallory@acme.example"] == MAX_DISPLAY_LENGTH
