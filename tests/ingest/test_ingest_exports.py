"""Whole imports of what real exports look like, against the store: a spreadsheet's
dialect lands what the plain files land, a file that cannot be read as meant stops the
import before anything is written, and bad values are rejects, never a crash."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from ingest_files import full_import

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_COMPLETE, EXIT_PARTIAL, ImportFileError, import_directory

pytestmark = pytest.mark.store


def landed(store: GraphStore) -> set[tuple[Any, ...]]:
    """Every node and relationship with its properties (those an import run stamps left out)."""
    records, _, _ = store.driver.execute_query(
        "MATCH (n) WHERE NOT n:ImportRun OPTIONAL MATCH (n)-[r]->(m) "
        "RETURN labels(n), properties(n), type(r), properties(r), m.id",
        database_=store.database,
    )
    out = set()
    for record in records:
        node, rel = dict(record[1]), dict(record[3] or {})
        for props in (node, rel):
            for key in [k for k in props if "run" in k or k.endswith("_at_epoch")]:
                props.pop(key)
        out.add(
            (
                tuple(sorted(record[0])),
                repr(sorted(node.items())),
                record[2],
                repr(sorted(rel.items())),
                record[4],
            )
        )
    return out


def european_excel(directory: Path) -> None:
    """Rewrite every file as a European spreadsheet saves it: a byte-order mark, CRLF,
    ';' between fields, column names capitalised and padded, an unknown column."""
    for path in directory.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        rows[0] = [*(f" {name.title()} " for name in rows[0]), "Salesforce Id"]
        rows[1:] = [[*row, "003XX"] for row in rows[1:]]
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        path.write_text("\ufeff" + out.getvalue(), encoding="utf-8", newline="")


def test_a_european_spreadsheet_export_lands_what_the_plain_files_land(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    plain = import_directory(store, full_import(tmp_path / "plain"), rejects_dir=tmp_path)
    assert plain.exit_code == EXIT_COMPLETE
    expected = landed(store)
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    excel = full_import(tmp_path / "excel")
    european_excel(excel)
    report = import_directory(store, excel, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE
    assert [(f.rows_read, f.rows_loaded) for f in report.files] == [
        (f.rows_read, f.rows_loaded) for f in plain.files
    ]
    assert landed(store) == expected
    assert 'interactions.csv: ignoring unknown column(s) "salesforce id"' in report.warnings
    again = import_directory(store, excel, rejects_dir=tmp_path)
    assert again.nodes_created == again.relationships_created == 0
    assert landed(store) == expected


def test_a_header_problem_stops_the_import_before_anything_is_written(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # roles.csv is read after organizations and people: without the check up front those
    # would have been written, and every role rejected as "a value is required".
    directory = full_import(
        tmp_path / "in",
        roles="person_id,organization_id,title,started\na1,acme,CTO,2021-01-01\n",
    )
    with pytest.raises(
        ImportFileError,
        match=r'roles\.csv: line 1: the header lacks the required column\(s\) "start"',
    ):
        import_directory(clean_store, directory, rejects_dir=tmp_path)
    records, _, _ = clean_store.driver.execute_query(
        "MATCH (n) WHERE NOT n:ImportRun RETURN count(n)", database_=clean_store.database
    )
    assert records[0][0] == 0


def test_out_of_range_values_are_rejects_not_a_crash(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # A capacity of 1e300 used to reach the driver as an integer too large to send.
    people = (
        "id,name,emails,organization_id,outreach_capacity\n"
        "h1,Hana Home,hana@home.example,home,1e300\n"
        "h2,Hugo Home,hugo@home.example,home,2\n"
        "a1,Ada Acme,ada@acme.example,acme,\n"
        "a2,Abe Acme,abe@acme.example,acme,\n"
        "g1,Gil Globex,gil@globex.example,,\n"
    )
    roles = (
        "person_id,organization_id,title,start,end\n"
        "a1,acme,CTO,2021-01-01,9999-12-31\n"  # an HR system's "open-ended"
        "a2,acme,Buyer,2020-05-01,\n"
    )
    directory = full_import(tmp_path / "in", people=people, roles=roles)
    report = import_directory(clean_store, directory, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_PARTIAL
    assert [str(e) for e in report.first_rejects[:2]] == [
        'people.csv line 2, column "outreach_capacity": "1e300" is too large (at most '
        "9007199254740992)",
        'roles.csv line 2, column "end": "9999-12-31" is outside 1900-01-01 to 2199-12-31 '
        "(leave it empty when it is unknown or open-ended)",
    ]
    again = import_directory(clean_store, directory, rejects_dir=tmp_path)
    assert again.nodes_created == again.relationships_created == 0


def test_rejects_caused_by_a_rejected_row_point_to_it(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # One bad cell rejects Acme's row, so everything naming Acme or its people goes too:
    # each such reject names the row that caused it, not only an "unknown" id.
    organizations = (
        "id,name,domains,kind,segment,arr,renewal_date\n"
        "home,Home Inc.,home.example,home,,,\n"
        "acme,Acme,acme.example,account,enterprise,1.2M,\n"
        "globex,Globex,globex.example,account,smb,9000,\n"
    )
    directory = full_import(tmp_path / "in", organizations=organizations)
    report = import_directory(clean_store, directory, rejects_dir=tmp_path)
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8", newline="") as handle:
        reasons = [(r["file"], r["line"], r["reason"]) for r in csv.DictReader(handle)]
    assert reasons[:3] == [
        (
            "organizations.csv",
            "3",
            "\"1.2M\" is not a number (write digits with a '.' for "
            "decimals, without thousands separators or currency)",
        ),
        (
            "people.csv",
            "4",
            'unknown organization "acme" (its own row, organizations.csv line 3, was rejected)',
        ),
        (
            "people.csv",
            "5",
            'unknown organization "acme" (its own row, organizations.csv line 3, was rejected)',
        ),
    ]
    assert (
        "interactions.csv",
        "2",
        '"a1" is neither a known person id nor an email address '
        "(its own row, people.csv line 4, was rejected)",
    ) in reasons
