"""coverage.csv: validation (pure) and what lands in the store and is read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_files import full_import
from test_ingest_beyond import DIRECTORY, rows

from stakegraph.analytics.run import read_frames
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_PARTIAL, import_directory
from stakegraph.ingest.records import RawRow
from stakegraph.ingest.transform import transform_coverage

DAY = 86_400


def coverage_row(line: int, **values: str) -> RawRow:
    row = {"source": "mail", "start": "2024-01-01", "end": "2024-06-30"}
    row.update(values)
    return RawRow("coverage.csv", line, row)


def test_coverage_rows_are_validated_and_bad_ones_name_file_line_and_column() -> None:
    result = transform_coverage(
        [
            coverage_row(2, kinds="email"),
            coverage_row(3, account_id="acme", end="", kinds="Meeting;call;meeting"),
            coverage_row(4, source="crm", end="2023-12-31"),
            coverage_row(5, source="crm", account_id="home"),
            coverage_row(6, source="crm", account_id="nobody"),
            coverage_row(7, source="crm", kinds="email;fax"),
            coverage_row(8, source=""),
            coverage_row(9, kinds="email", end="2024-07-31"),  # line 2's (source, account)
            coverage_row(10, source="mail:Jane.Doe@ourco.com"),
        ],
        directory=DIRECTORY,
    )
    assert [(r.record.account_id, r.record.end, r.record.kinds) for r in result.records] == [
        (None, result.records[0].record.end, ("email",)),
        ("acme", None, ("meeting", "call")),
    ]
    assert [(e.line, e.column) for e in result.errors] == [
        (4, "end"),
        (5, "account_id"),
        (6, "account_id"),
        (7, "kinds"),
        (8, "source"),
        (9, ""),  # a conflicting duplicate: the row, not one column
        (10, "source"),  # a person's address would outlive `stakegraph forget`
    ]
    assert result.errors[0].reason == "end 2023-12-31 is before start 2024-01-01"
    assert "home organization" in result.errors[1].reason
    assert '"fax" is not a kind' in result.errors[3].reason
    assert "duplicate coverage (source, account_id)" in result.errors[5].reason
    assert "holds an email address" in result.errors[6].reason


COVERAGE = """\
source,start,end,account_id,kinds
mail,2024-01-01,,,email
mail,2024-01-01,2024-04-30,acme,email
calendar,2024-01-01,2024-06-30,,meeting;call
crm,2024-01-01,2024-06-30,nobody,
"""


@pytest.mark.store
def test_coverage_lands_is_read_back_and_a_reimport_replaces_its_dates(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    data = full_import(tmp_path / "in", coverage=COVERAGE)
    report = import_directory(store, data, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_PARTIAL  # the unknown account's row
    assert report.file("coverage").rows_loaded == 3
    assert rows(store, "MATCH (a:Account)-[:HAS_COVERAGE]->(c:Coverage) RETURN a.id, c.id") == {
        ("acme", "mail|acme")
    }
    frame = read_frames(store, since=0, until=2_000_000_000).coverage
    spans = {
        (s, a, tuple(k), int(b), None if e != e else int(e))
        for s, a, k, b, e in frame[["source", "account_id", "kinds", "start", "end"]].itertuples(
            index=False
        )
    }
    jan1, apr30, jun30 = 1704067200, 1714435200, 1719705600
    assert spans == {
        ("mail", None, ("email",), jan1, None),
        ("mail", "acme", ("email",), jan1, apr30),
        ("calendar", None, ("meeting", "call"), jan1, jun30),
    }
    moved = full_import(tmp_path / "again", coverage=COVERAGE.replace("2024-04-30", "2024-05-31"))
    again = import_directory(store, moved, rejects_dir=tmp_path)
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert rows(store, "MATCH (c:Coverage) RETURN count(c)") == {(3,)}
    assert rows(store, "MATCH (c:Coverage {id: 'mail|acme'}) RETURN c.end_epoch") == {
        (apr30 + 31 * DAY,)
    }
