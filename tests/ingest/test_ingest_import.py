"""import_directory against the real embedded store, through the driver."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from ingest_files import INTERACTIONS, PEOPLE, TIMESTAMP_FORMATS, full_import, jsonl, write_import

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import (
    EXIT_COMPLETE,
    EXIT_PARTIAL,
    ImportDirectoryError,
    ImportFileError,
    import_directory,
)
from stakegraph.ingest.forget import forget_person

pytestmark = pytest.mark.store


def rows(store: GraphStore, cypher: str, **params: Any) -> set[tuple[Any, ...]]:
    records, _, _ = store.driver.execute_query(cypher, params, database_=store.database)
    return {tuple(_hashable(v) for v in r.values()) for r in records}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def test_every_file_lands(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    report = import_directory(store, full_import(tmp_path / "in"), rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE and report.rejects_path is None
    # The writer's time is a part of the interactions phase, never more.
    assert 0 < report.interactions_write_seconds <= report.stage_seconds["interactions"]
    assert rows(store, "MATCH (o:Account) RETURN o.id, o.name, o.domains, o.segment, o.arr") == {
        ("acme", "Acme", ("acme.example", "acme-corp.example"), "enterprise", 120000.0),
        ("globex", "Globex", ("globex.example",), "smb", 9000.5),
    }
    assert rows(store, "MATCH (o:Home) RETURN o.id, o.kind") == {("home", "home")}
    assert rows(store, "MATCH (o:Account {id: 'acme'}) RETURN o.renewal_epoch") == {(1751241600,)}
    assert rows(store, "MATCH (p:Person)-[:MEMBER_OF]->(o) RETURN p.id, o.id") == {
        ("h1", "home"),
        ("h2", "home"),
        ("a1", "acme"),
        ("a2", "acme"),
        ("g1", "globex"),  # no organization_id: from the email domain
    }
    assert rows(store, "MATCH (p:Person {id: 'h2'}) RETURN p.emails, p.outreach_capacity") == {
        (("hugo@home.example", "hugo.h@home.example"), None)
    }
    assert rows(
        store,
        "MATCH (p:Person)-[r:HOLDS_ROLE]->(o) "
        "RETURN p.id, o.id, r.title, r.level, r.function, r.start_epoch, r.end_epoch, "
        "r.buying_role",
    ) == {
        ("a1", "acme", "CTO", "c_level", "engineering", 1609459200, None, "sponsor"),
        ("a2", "acme", "Buyer", "ic", "procurement", 1588291200, 1675123200, None),
        (
            "a2",
            "acme",
            "Head of Procurement",
            "director",
            "procurement",
            1675209600,
            None,
            "economic_buyer",
        ),
    }
    # What the analysis reads: the buying role beside the role history.
    read = store.query_df("analytics/read_roles")
    assert dict(zip(read["title"], read["buying_role"].fillna(""), strict=True)) == {
        "CTO": "sponsor",
        "Buyer": "",
        "Head of Procurement": "economic_buyer",
    }
    assert rows(
        store,
        "MATCH (a)-[:HAD_RENEWAL]->(r:Renewal) "
        "RETURN a.id, r.id, r.outcome, r.arr_before, r.arr_after, r.reason",
    ) == {
        ("acme", "acme@2024-06-30", "renewed", 100000.0, 120000.0, None),
        ("globex", "globex@2024-03-31", "churned", 9000.5, None, "budget cuts"),
    }
    assert rows(
        store,
        "MATCH (a)-[:HAD_ENGAGEMENT]->(e:Engagement) "
        "RETURN a.id, e.id, e.account_id, e.kind, e.status, toString(e.date), e.date_epoch, "
        "e.person_id, e.our_person_id",
    ) == {
        (
            "acme",
            "acme|qbr|2024-03-15|a1",
            "acme",
            "qbr",
            "attended",
            "2024-03-15",
            1710460800,
            "a1",
            "h1",
        ),
        (
            "acme",
            "acme|qbr|2024-03-15|a2",
            "acme",
            "qbr",
            "no_show",
            "2024-03-15",
            1710460800,
            "a2",
            "h1",
        ),
        (
            "acme",
            "acme|beta|2024-04-02|",
            "acme",
            "beta",
            "declined",
            "2024-04-02",
            1712016000,
            None,
            "h2",
        ),
        (
            "globex",
            "globex|check_in|2024-02-01|g1",
            "globex",
            "check_in",
            "attended",
            "2024-02-01",
            1706745600,
            "g1",
            None,
        ),
    }
    assert rows(store, "MATCH (a)-[k:KNOWS]->(b) RETURN a.id, b.id, k.source") == {
        ("h1", "a1", "linkedin"),
        ("h2", "g1", None),
    }
    assert rows(
        store,
        "MATCH (i:Interaction)-[:ABOUT]->(a:Account) "
        "RETURN i.id, i.kind, i.at_epoch, i.at.epochSeconds, a.id, i.account_id, i.participants",
    ) == {
        ("e1", "email", 1714557600, 1714557600, "acme", "acme", 3),
        ("e2", "email", 1714559400, 1714559400, "acme", "acme", 2),
        ("m1", "meeting", 1714640400, 1714640400, "acme", "acme", 3),
        ("c1", "call", 1714726800, 1714726800, "globex", "globex", 2),
    }
    assert rows(store, "MATCH (p:Person)-[r:PARTICIPATED]->(i) RETURN i.id, p.id, r.as") == {
        ("e1", "h1", "from"),
        ("e1", "a1", "to"),
        ("e1", "a2", "cc"),
        ("e2", "a1", "from"),  # alias address
        ("e2", "h1", "to"),
        ("m1", "h2", "organizer"),
        ("m1", "a1", "attendee"),
        ("m1", "a2", "attendee"),
        ("c1", "h1", "organizer"),
        ("c1", "g1", "attendee"),
    }
    assert rows(store, "MATCH (i:Interaction {id: 'm1'}) RETURN i.person_ids, i.person_roles") == {
        (("h2", "a1", "a2"), ("organizer", "attendee", "attendee"))
    }
    # Reply latency: 12:30+02:00 is 10:30Z, half an hour after e1.
    assert rows(store, "MATCH (i:Interaction) RETURN i.id, i.reply_latency_s") == {
        ("e1", None),
        ("e2", 1800),
        ("m1", None),
        ("c1", None),
    }
    assert rows(
        store, "MATCH (n) WHERE n:Person OR n:Interaction RETURN DISTINCT n.import_run"
    ) == {(report.run_id,)}
    assert rows(
        store, "MATCH (r:ImportRun) RETURN r.id, r.status, r.rows_rejected, r.interactions_created"
    ) == {(report.run_id, "complete", 0, 4)}
    assert [(f.file, f.rows_read, f.rows_loaded) for f in report.files] == [
        ("organizations.csv", 3, 3),
        ("people.csv", 5, 5),
        ("roles.csv", 3, 3),
        ("renewals.csv", 2, 2),
        ("knows.csv", 2, 2),
        ("engagements.csv", 4, 4),
        ("interactions.csv", 4, 4),
    ]
    assert report.interactions_created == 4


def test_jsonl_equals_csv(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    data = full_import(tmp_path / "csv")
    with (data / "interactions.csv").open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    for record in records:  # JSONL may hold real lists
        record["to"] = [t for t in record["to"].split(";") if t]
    as_jsonl = {"interactions", "engagements", "renewals"}
    files = {p.stem: p.read_text() for p in data.glob("*.csv") if p.stem not in as_jsonl}
    with (data / "engagements.csv").open(encoding="utf-8") as handle:
        engagements = list(csv.DictReader(handle))
    with (data / "renewals.csv").open(encoding="utf-8") as handle:
        # JSONL may hold real numbers (and null for an empty value).
        renewals: list[dict[str, Any]] = [
            {k: (float(v) if k.startswith("arr_") and v else (v or None)) for k, v in r.items()}
            for r in csv.DictReader(handle)
        ]
    jsonl_dir = write_import(
        tmp_path / "jsonl",
        **files,
        interactions_jsonl=jsonl(records),
        engagements_jsonl=jsonl(engagements),
        renewals_jsonl=jsonl(renewals),
    )
    import_directory(store, data, rejects_dir=tmp_path)
    from_csv = store.counts()
    queries = (
        "MATCH (p)-[r:PARTICIPATED]->(i) RETURN i.id, p.id, r.as, i.at_epoch",
        "MATCH (a)-[:HAD_ENGAGEMENT]->(e) RETURN a.id, e.id, e.status, e.date_epoch, "
        "e.our_person_id",
        "MATCH (r:Renewal) RETURN r.id, r.outcome, r.arr_before, r.arr_after, r.reason",
    )
    expected = [rows(store, query) for query in queries]
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    report = import_directory(store, jsonl_dir, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE
    assert store.counts() == from_csv
    assert [rows(store, query) for query in queries] == expected


def test_bad_rows_rejected_valid_rows_load(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    interactions = INTERACTIONS + (
        "x1,email,2024-13-01,h1,a1,,,,,acme\n"  # line 6
        "x2,fax,2024-05-01T10:00:00Z,h1,a1,,,,,acme\n"  # line 7
        "x3,email,2024-05-01T10:00:00Z,ghost,a1,,,,,\n"  # line 8
        "x4,email,2024-05-01T10:00:00Z,h1,stray@nowhere.example,,,,,\n"  # line 9
        "e1,email,2024-05-01T10:00:00Z,h1,a1,a2,Hello,t1,,acme\n"  # line 10: identical repeat
        "e1,email,2024-05-01T11:00:00Z,h1,a1,a2,Hello,t1,,acme\n"  # line 11: conflicting
        "ok,note,2024-05-04T10:00:00Z,h1,a1,,,,,\n"  # line 12
    )
    roles = (
        "person_id,organization_id,title,level,function,start,end\n"
        "a1,acme,CTO,c_level,,2021-01-01,2020-01-01\n"
    )
    data = full_import(tmp_path / "in", interactions=interactions, roles=roles)
    report = import_directory(store, data, rejects_dir=tmp_path / "rejects")
    assert report.exit_code == EXIT_PARTIAL and report.status == "partial"
    assert report.file("interactions").rows_read == 11
    assert report.file("interactions").rows_rejected == 5
    assert report.file("interactions").duplicates == 1
    assert report.file("interactions").rows_loaded == 5
    assert rows(store, "MATCH (i:Interaction) RETURN i.id") == {
        ("e1",),
        ("e2",),
        ("m1",),
        ("c1",),
        ("ok",),
    }
    assert rows(store, "MATCH (i:Interaction {id: 'e1'}) RETURN i.at_epoch") == {(1714557600,)}
    assert report.rejects_path == tmp_path / "rejects" / "rejects.csv"
    with report.rejects_path.open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["file"], r["line"], r["column"], r["reason"]) for r in rejected] == [
        ("roles.csv", "2", "end", "end 2020-01-01 is before start 2021-01-01"),
        (
            "interactions.csv",
            "6",
            "at",
            '"2024-13-01" is not an ISO 8601 timestamp' + TIMESTAMP_FORMATS,
        ),
        (
            "interactions.csv",
            "7",
            "kind",
            '"fax" is not a kind; expected one of email, meeting, call, ticket, note',
        ),
        (
            "interactions.csv",
            "8",
            "from",
            '"ghost" is neither a known person id nor an email address',
        ),
        (
            "interactions.csv",
            "9",
            "account_id",
            "no account: no participant belongs to a customer organization",
        ),
        (
            "interactions.csv",
            "11",
            "id",
            'duplicate id "e1" (first at line 2) with different values',
        ),
    ]
    assert json.loads(rejected[1]["raw"])["at"] == "2024-13-01"
    assert rows(store, "MATCH (r:ImportRun) RETURN r.status, r.rows_rejected") == {("partial", 6)}
    # The summary names the first five like the file does, then counts the rest.
    shown = [(e.file, str(e.line), e.column, e.reason) for e in report.first_rejects]
    assert shown == [(r["file"], r["line"], r["column"], r["reason"]) for r in rejected][:5]
    summary = report.describe().splitlines()
    assert (
        '  rejected: roles.csv line 2, column "end": end 2020-01-01 is before start 2021-01-01'
        in summary
    )
    assert "  ... and 1 more rejected rows" in summary


def test_identity_resolution_in_store(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    interactions = (
        "id,kind,at,from,to,cc,subject,thread_id,in_reply_to,account_id\n"
        "n1,email,2024-05-01T10:00:00Z,h1,New.Person@Sales.Acme.example,,,,,\n"
        "n2,email,2024-05-01T11:00:00Z,new.person@sales.acme.example,h1;pat@gmail.example,,,,,\n"
        "n3,email,2024-05-01T12:00:00Z,h1,a1;g1;gil@globex.example,,,,,\n"
    )
    data = full_import(tmp_path / "in", interactions=interactions)
    report = import_directory(store, data, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE
    assert rows(
        store,
        "MATCH (p:Person) WHERE p.id CONTAINS '@' "
        "OPTIONAL MATCH (p)-[:MEMBER_OF]->(o) RETURN p.id, p.emails, o.id",
    ) == {
        ("new.person@sales.acme.example", ("new.person@sales.acme.example",), "acme"),
        ("pat@gmail.example", ("pat@gmail.example",), None),
    }
    assert rows(store, "MATCH (i:Interaction)-[:ABOUT]->(a) RETURN i.id, a.id") == {
        ("n1", "acme"),
        ("n2", "acme"),
        ("n3", "acme"),  # acme and globex tie with one participant each: first id wins
    }
    assert any("several customer accounts" in w for w in report.warnings)
    # A later import sees the people created by the earlier one.
    later = write_import(
        tmp_path / "later",
        interactions="id,kind,at,from,to\nl1,email,2024-06-01T10:00:00Z,h1,NEW.PERSON@sales.acme.example\n",
    )
    import_directory(store, later, rejects_dir=tmp_path)
    assert rows(store, "MATCH (p:Person) WHERE p.id CONTAINS 'new.person' RETURN count(p)") == {
        (1,)
    }
    assert rows(store, "MATCH (i:Interaction {id: 'l1'})-[:ABOUT]->(a) RETURN a.id") == {("acme",)}


def test_reply_latency_cases(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    first = write_import(
        tmp_path / "first",
        organizations="id,name,domains,kind\nacme,Acme,acme.example,account\n",
        interactions="id,kind,at,from,to\np0,email,2024-05-01T10:00:00Z,x@acme.example,y@acme.example\n",
    )
    import_directory(store, first, rejects_dir=tmp_path)
    second = write_import(
        tmp_path / "second",
        organizations="id,name,domains,kind\nacme,Acme,acme.example,account\n",
        interactions=(
            "id,kind,at,from,to,in_reply_to\n"
            "r1,email,2024-05-01T10:10:00Z,y@acme.example,x@acme.example,p0\n"  # parent in store
            "r2,email,2024-05-01T11:00:00Z,y@acme.example,x@acme.example,p3\n"  # parent later
            "r3,email,2024-05-01T09:00:00Z,y@acme.example,x@acme.example,p0\n"  # negative
            "r4,email,2024-05-01T12:00:00Z,y@acme.example,x@acme.example,gone\n"  # unknown
            "p3,email,2024-05-01T10:59:00Z,x@acme.example,y@acme.example,\n"
        ),
    )
    report = import_directory(store, second, batch_size=2, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE
    assert rows(store, "MATCH (i:Interaction) RETURN i.id, i.in_reply_to, i.reply_latency_s") == {
        ("p0", None, None),
        ("r1", "p0", 600),
        ("r2", "p3", 60),
        ("r3", "p0", None),
        ("r4", "gone", None),
        ("p3", None, None),
    }
    assert any("earlier than the one it replies to" in w and "line 4" in w for w in report.warnings)
    assert (
        "interactions.csv: 1 reply to messages not in this import: no latency "
        '(first: line 5: "gone")' in report.warnings
    )


def test_reimport_is_idempotent(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    data = full_import(tmp_path / "in")
    first = import_directory(store, data, batch_size=2, rejects_dir=tmp_path)
    counts = store.counts()
    second = import_directory(store, data, batch_size=3, rejects_dir=tmp_path)
    assert store.counts() == counts
    assert second.run_id == first.run_id
    assert (second.nodes_created, second.relationships_created) == (0, 0)
    assert second.interactions_already_present == 4
    assert rows(store, "MATCH (r:ImportRun) RETURN count(r)") == {(1,)}


def test_unknown_columns_warn_once(clean_store: GraphStore, tmp_path: Path) -> None:
    interactions = "id,kind,at,from,to,mood\n" + "".join(
        f"u{k},email,2024-05-01T10:00:00Z,h1,a1,happy\n" for k in range(5)
    )
    report = import_directory(
        clean_store, full_import(tmp_path / "in", interactions=interactions), rejects_dir=tmp_path
    )
    assert [w for w in report.warnings if "unknown column" in w] == [
        'interactions.csv: ignoring unknown column(s) "mood"'
    ]


def test_progress_callback(clean_store: GraphStore, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    import_directory(
        clean_store,
        full_import(tmp_path / "in"),
        batch_size=1,
        rejects_dir=tmp_path,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert [s for s in seen if s[0] == "interactions"] == [
        ("interactions", k, 4) for k in range(1, 5)
    ]


def test_unreadable_inputs_raise(clean_store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "contacts.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(ImportDirectoryError, match=r"holds no import file .*\(found contacts"):
        import_directory(clean_store, tmp_path / "empty")
    with pytest.raises(ImportDirectoryError, match="is not a directory"):
        import_directory(clean_store, tmp_path / "missing")
    bad = full_import(tmp_path / "latin1")
    (bad / "interactions.csv").write_bytes(
        "id,kind,at,from\nx,email,2024-01-01,h\xe9\n".encode("latin-1")
    )
    # Named before anything is written: the line, the character and what to do.
    with pytest.raises(
        ImportFileError,
        match=r'interactions\.csv: line 2, character 21: byte 0xE9 is not UTF-8 \(near "x,email,'
        r'2024-01-01,h\ufffd"\); the file looks like Latin-1 or Windows-1252 text: save it as '
        '"CSV UTF-8"',
    ):
        import_directory(clean_store, bad, rejects_dir=tmp_path)


def test_person_moving_organization(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    import_directory(store, full_import(tmp_path / "first"), rejects_dir=tmp_path)
    moved = full_import(
        tmp_path / "second",
        people=PEOPLE.replace("a1,Ada Acme", "a1,Ada Globex").replace(
            "ada.alias@acme-corp.example,acme", "ada.alias@acme-corp.example,globex"
        ),
    )
    import_directory(store, moved, rejects_dir=tmp_path)
    assert rows(store, "MATCH (p:Person {id: 'a1'})-[:MEMBER_OF]->(o) RETURN p.name, o.id") == {
        ("Ada Globex", "globex")
    }


def test_bad_engagements_and_renewals_rejected_valid_ones_load(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    engagements = (
        "account_id,kind,date,status,person_id,our_person_id\n"
        "acme,pilot,2024-01-10,accepted,a1,h1\n"  # line 2: loads
        "acme,hackathon,2024-01-10,accepted,a1,\n"  # line 3
        "acme,qbr,2024-01-10,maybe,a1,\n"  # line 4
        "initech,qbr,2024-01-10,invited,,\n"  # line 5
        "acme,qbr,2024-01-10,invited,zz,\n"  # line 6
        "acme,qbr,2024-01-10,invited,a2,a1\n"  # line 7: our_person_id is theirs
        "acme,pilot,2024-01-10,declined,a1,h1\n"  # line 8: same key, other status
        "acme,pilot,2024-01-10,accepted,a1,h1\n"  # line 9: identical repeat
    )
    renewals = (
        "account_id,date,outcome,arr_before,arr_after,reason\n"
        "acme,2024-06-30,downgraded,100000,80000,seat reduction\n"  # line 2: loads
        "globex,2024-03-31,churned,9000,500,\n"  # line 3
        "globex,2023-03-31,renewed,-5,9000,\n"  # line 4
        "globex,2022-03-31,renewed,lots,9000,\n"  # line 5
    )
    data = full_import(tmp_path / "in", engagements=engagements, renewals=renewals)
    report = import_directory(store, data, rejects_dir=tmp_path / "rejects")
    assert report.exit_code == EXIT_PARTIAL
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8") as handle:
        rejected = [
            (r["file"], r["line"], r["column"], r["reason"]) for r in csv.DictReader(handle)
        ]
    assert rejected == [
        (
            "renewals.csv",
            "3",
            "arr_after",
            "a churned renewal keeps no revenue: arr_after must be 0 or empty, not 500",
        ),
        ("renewals.csv", "4", "arr_before", '"-5" is not an amount >= 0'),
        ("renewals.csv", "5", "arr_before", '"lots" is not a number'),
        (
            "engagements.csv",
            "3",
            "kind",
            '"hackathon" is not a kind; expected one of beta, pilot, steering_committee, '
            "advisory_board, roadmap_review, qbr, ebr, check_in, intro_request",
        ),
        (
            "engagements.csv",
            "4",
            "status",
            '"maybe" is not a status; expected one of invited, accepted, declined, attended, '
            "no_show",
        ),
        ("engagements.csv", "5", "account_id", 'unknown account "initech"'),
        ("engagements.csv", "6", "person_id", 'unknown person "zz"'),
        ("engagements.csv", "7", "our_person_id", '"a1" is not a person of the home organization'),
        (
            "engagements.csv",
            "8",
            "",
            'duplicate engagement (account_id, kind, date, person_id) ("acme", "pilot", '
            '"2024-01-10", "a1") (first at line 2) with different values',
        ),
    ]
    assert rows(store, "MATCH (e:Engagement) RETURN e.id, e.status") == {
        ("acme|pilot|2024-01-10|a1", "accepted")
    }
    assert rows(store, "MATCH (r:Renewal) RETURN r.id, r.arr_before, r.arr_after, r.reason") == {
        ("acme@2024-06-30", 100000.0, 80000.0, "seat reduction")
    }
    counts = store.counts()
    again = import_directory(store, data, rejects_dir=tmp_path / "rejects")
    assert store.counts() == counts and again.nodes_created == 0
    assert again.relationships_created == 0


def test_forgetting_a_person_removes_their_engagements(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    import_directory(store, full_import(tmp_path / "in"), rejects_dir=tmp_path)
    forget_person(store, "ada@acme.example")  # a1: invited to the QBR
    forget_person(store, "hana@home.example")  # h1: ran the QBR
    assert rows(store, "MATCH (e:Engagement) RETURN e.id, e.our_person_id") == {
        ("acme|qbr|2024-03-15|a2", None),
        ("acme|beta|2024-04-02|", "h2"),
        ("globex|check_in|2024-02-01|g1", None),
    }


ORG_CHART_ROLES = """\
person_id,organization_id,title,level,function,start,end,reports_to
a1,acme,CTO,c_level,engineering,2021-01-01,,
a2,acme,Buyer,ic,procurement,2020-05-01,2023-01-31,a1
a2,acme,Head of Procurement,director,procurement,2023-02-01,,a1
h2,home,Account Manager,manager,sales,2022-01-01,,h1
g1,globex,Engineer,ic,engineering,2022-01-01,,nobody
g1,globex,Lead,manager,engineering,2023-01-01,,g1
"""
REPORTING_LINES = (
    "MATCH (p:Person)-[l:REPORTS_TO]->(m:Person) "
    "RETURN p.id, m.id, l.organization_id, l.start_epoch, l.end_epoch"
)


def test_reports_to_lands_dated_and_bad_values_are_named(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    data = full_import(tmp_path / "in", roles=ORG_CHART_ROLES)
    report = import_directory(store, data, rejects_dir=tmp_path)
    assert report.exit_code == EXIT_PARTIAL
    assert [(e.file, e.line, e.column, e.reason) for e in report.first_rejects] == [
        (
            "roles.csv",
            6,
            "reports_to",
            'unknown person "nobody" (a manager must be in people.csv or already in the store)',
        ),
        ("roles.csv", 7, "reports_to", 'a person cannot report to themselves ("g1")'),
    ]
    assert report.file("roles").rows_loaded == 4
    expected = {
        ("a2", "a1", "acme", 1588291200, 1675123200),  # ended with the role
        ("a2", "a1", "acme", 1675209600, None),  # the new role: a new, current line
        ("h2", "h1", "home", 1640995200, None),
    }
    assert rows(store, REPORTING_LINES) == expected
    # A role without reports_to (a1, and every row of the default roles.csv) has no line.
    assert rows(store, "MATCH (:Person {id: 'a1'})-[l:REPORTS_TO]->() RETURN count(l)") == {(0,)}
    counts = store.counts()
    again = import_directory(store, data, rejects_dir=tmp_path)
    assert store.counts() == counts
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert rows(store, REPORTING_LINES) == expected


def test_reports_to_replaced_by_a_later_import(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    import_directory(
        store, full_import(tmp_path / "a", roles=ORG_CHART_ROLES), rejects_dir=tmp_path
    )
    # The same roles now name another manager (h2 -> a1 makes no sense in a real org, but the
    # check is what the store keeps), and one line is removed.
    changed = ORG_CHART_ROLES.replace(
        "Account Manager,manager,sales,2022-01-01,,h1",
        ("Account Manager,manager,sales,2022-01-01,,a1"),
    ).replace("2023-02-01,,a1", "2023-02-01,,")
    import_directory(store, full_import(tmp_path / "b", roles=changed), rejects_dir=tmp_path)
    assert rows(store, REPORTING_LINES) == {
        ("a2", "a1", "acme", 1588291200, 1675123200),
        ("h2", "a1", "home", 1640995200, None),
    }


def test_roles_without_reports_to_column_load_no_lines(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    report = import_directory(clean_store, full_import(tmp_path / "in"), rejects_dir=tmp_path)
    assert report.exit_code == EXIT_COMPLETE
    assert rows(clean_store, "MATCH ()-[l:REPORTS_TO]->() RETURN count(l)") == {(0,)}


def test_roles_alone_enrich_the_people_an_earlier_import_created(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # A mailbox import creates people by address; an HR export's titles come after, as
    # an import directory of roles.csv alone (titles only: the level comes from them).
    import_directory(clean_store, full_import(tmp_path / "first"), rejects_dir=tmp_path)
    roles = "person_id,organization_id,title,start\ng1,globex,Vice President Sales,2022-01-01\n"
    report = import_directory(
        clean_store, write_import(tmp_path / "roles", roles=roles), rejects_dir=tmp_path
    )
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    assert rows(
        clean_store,
        "MATCH (:Person {id: 'g1'})-[r:HOLDS_ROLE]->(o) RETURN o.id, r.title, r.level, r.function",
    ) == {("globex", "Vice President Sales", "vp", "sales")}
