"""Calendars and CRM exports through the whole pipeline, against the real embedded store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from source_files import HOME, calendar, event

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_COMPLETE, EXIT_PARTIAL
from stakegraph.ingest.sources import SourceOptions, detect_sources, ingest_path
from stakegraph.ingest.titles import classify_title

pytestmark = pytest.mark.store


def rows(store: GraphStore, cypher: str, **params: Any) -> set[tuple[Any, ...]]:
    records, _, _ = store.driver.execute_query(cypher, params, database_=store.database)
    return {tuple(tuple(v) if isinstance(v, list) else v for v in r.values()) for r in records}


ORGANIZER = f"ORGANIZER;CN=Ann Home:mailto:ann@{HOME}"


def test_meetings_declines_cancellations_recurrence_and_a_broken_event(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    path = tmp_path / "work.ics"
    path.write_text(
        calendar(
            event(
                "single",
                "20240902T150000Z",
                ORGANIZER,
                "ATTENDEE;PARTSTAT=ACCEPTED;CN=Bob:mailto:bob@acme.example",
                "ATTENDEE;PARTSTAT=DECLINED:mailto:carl@acme.example",
                "ATTENDEE;CUTYPE=ROOM:mailto:room1@acme.example",
            ),
            event(
                "cancelled",
                "20240903T150000Z",
                ORGANIZER,
                "STATUS:CANCELLED",
                "ATTENDEE:mailto:bob@acme.example",
            ),
            event(
                "weekly",
                "20240902T090000Z",
                ORGANIZER,
                "ATTENDEE:mailto:bob@acme.example",
                "RRULE:FREQ=WEEKLY;COUNT=5",
                "EXDATE:20240909T090000Z",
            ),
            # the third occurrence moved by an hour
            event(
                "weekly",
                "20240916T100000Z",
                ORGANIZER,
                "ATTENDEE:mailto:bob@acme.example",
                "RECURRENCE-ID:20240916T090000Z",
            ),
            "BEGIN:VEVENT\r\nUID:broken\r\nDTSTART:2024-13-45\r\nORGANIZER:mailto:ann@home.example\r\n"
            "END:VEVENT\r\n",
        )
    )
    assert [s.format for s in detect_sources(path)] == ["ics"]
    report = ingest_path(store, path, options=SourceOptions(home_domains=(HOME,)))
    assert report.exit_code == EXIT_PARTIAL
    (error,) = [str(e) for e in report.errors]
    assert error.startswith("work.ics event 5 (UID broken): ")
    assert rows(store, "MATCH (i:Interaction) RETURN i.id, i.kind, i.at_epoch, i.person_ids") == {
        ("ics:single", "meeting", 1725289200, ("ann@home.example", "bob@acme.example")),
        *{
            (f"ics:weekly/{stamp}", "meeting", at, ("ann@home.example", "bob@acme.example"))
            for stamp, at in (
                ("20240902T090000Z", 1725267600),
                ("20240916T090000Z", 1726480800),  # moved to 10:00
                ("20240923T090000Z", 1727082000),
                ("20240930T090000Z", 1727686800),
            )
        },
    }
    assert rows(store, "MATCH (p:Person {id: 'carl@acme.example'}) RETURN p.id") == set()


def test_recurrence_is_bounded_by_the_range(clean_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "daily.ics"
    path.write_text(
        calendar(
            event(
                "daily",
                "20240101T090000Z",
                ORGANIZER,
                "ATTENDEE:mailto:bob@acme.example",
                "RRULE:FREQ=DAILY",
            )
        )
    )
    options = SourceOptions(
        home_domains=(HOME,),
        since=datetime(2024, 3, 1, tzinfo=UTC),
        until=datetime(2024, 3, 11, tzinfo=UTC),
    )
    report = ingest_path(clean_store, path, options=options)
    assert report.exit_code == EXIT_COMPLETE
    assert rows(clean_store, "MATCH (i:Interaction) RETURN count(i)") == {(10,)}


ACCOUNTS = """Id,Name,Website,Type,AnnualRevenue,OwnerId
001A,Acme Corp,https://www.acme.example/,Customer,5000000,005U
001B,Globex,,Customer,,005U
"""
CONTACTS = """Id,FirstName,LastName,Email,Title,AccountId,Department
003A,John,Smith,john.smith@acme.example,"VP, IT Operations",001A,IT
003B,Gina,Lopez,gina@gmail.com,Chief Financial Officer,001B,Finance
003C,Sam,Nomail,,Buyer,001B,
"""
USERS = """Id,FirstName,LastName,Email,Title
005U,Ann,Home,ann@home.example,Account Executive
"""
TASKS = """Id,Subject,ActivityDate,WhoId,WhatId,OwnerId,TaskSubtype
00T1,Call John,2024-05-02,003A,001A,005U,Call
00T2,Email Gina,2024-05-03,003B,,005U,Email
00T3,Bad date,2024-13-03,003A,,005U,Call
00T4,Note Sam,2024-05-04,003C,001B,005U,
"""
EVENTS = """Id,Subject,StartDateTime,WhoId,AccountId,OwnerId
00U1,QBR,2024-05-10T15:00:00.000+0000,003A,001A,005U
"""


def crm_export(directory: Path, **exports: str) -> Path:
    """A CRM export folder: the accounts, contacts and users above, and ``Name=text``
    files (``Task=TASKS`` writes Task.csv)."""
    directory.mkdir()
    files = {"Account": ACCOUNTS, "Contact": CONTACTS, "User": USERS, **exports}
    for name, text in files.items():
        (directory / f"{name}.csv").write_text(text)
    return directory


def test_a_crm_export_lands_with_titles_and_bad_files_named(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    export = crm_export(
        tmp_path / "crm",
        Task=TASKS,
        Event=EVENTS,
        Opportunity="Id,Name\n006,Big deal\n",
        BrokenContact="Id,FirstName,LastName,AccountId\n003Z,No,Email,001A\n",
    )
    # BrokenContact is not recognised as a contact export by its header: the mapping file
    # names it, so its missing column is reported.
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[contact]\nfile = "BrokenContact.csv"\n')
    report = ingest_path(
        store, export, options=SourceOptions(home_domains=(HOME,), mapping=mapping)
    )
    errors = [str(e) for e in report.errors]
    assert 'Task.csv line 4 (Id 00T3): date "2024-13-03" is not a date or timestamp' in errors
    assert any(
        e.startswith('BrokenContact.csv: required column "Email" (contact email) is missing')
        for e in errors
    ), errors
    assert report.exit_code == EXIT_PARTIAL
    assert rows(store, "MATCH (o:Organization) RETURN o.id, o.name, o.kind, o.segment") == {
        ("home.example", "Home", "home", None),
        ("acme.example", "Acme Corp", "account", "Customer"),
        ("sf-001B", "Globex", "account", "Customer"),
    }
    assert rows(
        store,
        "MATCH (p:Person)-[r:HOLDS_ROLE]->(o) RETURN p.id, o.id, r.title, r.level, r.function",
    ) == {
        ("john.smith@acme.example", "acme.example", "VP, IT Operations", "vp", "it"),
        ("gina@gmail.com", "sf-001B", "Chief Financial Officer", "c_level", "finance"),
        ("sf-003C", "sf-001B", "Buyer", "ic", "procurement"),
        ("ann@home.example", "home.example", "Account Executive", "ic", "sales"),
    }
    assert rows(store, "MATCH (i:Interaction) RETURN i.id, i.kind, i.account_id, i.person_ids") == {
        ("sf-00T1", "call", "acme.example", ("ann@home.example", "john.smith@acme.example")),
        ("sf-00T2", "email", "sf-001B", ("ann@home.example", "gina@gmail.com")),
        ("sf-00T4", "note", "sf-001B", ("ann@home.example", "sf-003C")),
        ("sf-00U1", "meeting", "acme.example", ("ann@home.example", "john.smith@acme.example")),
    }


CASES = (
    "Id,CaseNumber,AccountId,ContactId,Subject,Status,Priority,Origin,Type,Reason,CreatedDate,"
    "OwnerId\n"
    "500A,00001001,001A,003A,Need a full export of our records,Escalated,High,Web,,,"
    "2024-06-03T08:00:00.000+0000,005U\n"
    "500B,00001002,001A,003A,Dashboards,Closed,Low,Email,Feature Request,,"
    "2024-06-04T08:00:00.000+0000,005U\n"
    "500C,00001003,001B,,Invoice question,New,Critical,Phone,Other,Billing,"
    "2024-06-05T08:00:00.000+0000,005U\n"
    "500D,00001004,001Z,003A,Unknown account,New,Low,Web,,,2024-06-06T08:00:00.000+0000,005U\n"
)


def test_support_cases_become_tickets_with_category_severity_and_status(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    export = crm_export(tmp_path / "crm", Case=CASES)
    report = ingest_path(clean_store, export, options=SourceOptions(home_domains=(HOME,)))
    assert [str(e) for e in report.errors] == [
        'Case.csv line 5 (Id 500D): AccountId "001Z" names no account of the export'
    ]
    assert rows(
        clean_store,
        "MATCH (i:Interaction) RETURN i.id, i.kind, i.account_id, i.person_ids, i.category, "
        "i.severity, i.status",
    ) == {
        # No Type or Reason: the subject's category (an export: the exit blueprint).
        (
            "sf-500A",
            "ticket",
            "acme.example",
            ("john.smith@acme.example", "ann@home.example"),
            "data_export",
            "high",
            "open",
        ),
        (
            "sf-500B",
            "ticket",
            "acme.example",
            ("john.smith@acme.example", "ann@home.example"),
            "feature_request",
            "low",
            "closed",
        ),
        # No contact: the owner files it; a Type of "Other" says less than the Reason.
        ("sf-500C", "ticket", "sf-001B", ("ann@home.example",), "billing", "urgent", "new"),
    }


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("VP Sales", ("vp", "sales")),
        ("Chief Executive Officer", ("c_level", "executive")),
        ("CxO", ("c_level", "executive")),
        ("IT Manager", ("manager", "it")),
        ("Director of Procurement", ("director", "procurement")),
        ("Staff Accountant", ("ic", "finance")),
        ("Gardener", ("ic", "other")),
        ("", (None, None)),
        # A vice president is not a president; chief and owner are c-level only as a
        # chief ... officer and as the title's first word.
        ("Senior Vice President, Trading", ("vp", "other")),
        ("Vice-President Finance", ("vp", "finance")),
        ("Executive Vice President & Chief Operating Officer", ("c_level", "executive")),
        ("Chief Information Security Officer", ("c_level", "it")),
        ("Chief Architect", ("ic", "engineering")),
        ("Product Owner", ("ic", "product")),
        ("Owner", ("c_level", "executive")),
    ],
)
def test_title_keywords(title: str, expected: tuple[str | None, str | None]) -> None:
    assert classify_title(title) == expected


OPPORTUNITIES = """Id,AccountId,Name,Amount,CloseDate,StageName,Type,IsWon,IsClosed,Loss_Reason__c
006A1,001A,Acme 2023,100000,2023-06-30,Closed Won,Renewal,true,true,
006A2,001A,Acme 2024,120000,2024-06-30,Closed Won,Renewal,true,true,
006A3,001A,Acme 2025,90000,2025-06-30,Closed Won,Existing Customer - Renewal,true,true,
006A4,001A,Acme 2026,95000,2026-06-30,Prospecting,Renewal,false,false,
006A5,001A,Acme typo,lots,2025-07-30,Closed Won,Renewal,true,true,
006B1,001B,Globex 2024,"50,000",2024-03-31,Closed Lost,Renewal,false,true,budget
006B2,001B,Globex upsell,70000,2024-01-15,Closed Won,New Business,true,true,
"""


def test_closed_renewal_opportunities_become_renewals_with_revenue(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    export = crm_export(tmp_path / "crm", Task=TASKS, Opportunity=OPPORTUNITIES)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[opportunity]\nreason = "Loss_Reason__c"\n')
    report = ingest_path(
        clean_store, export, options=SourceOptions(home_domains=(HOME,), mapping=mapping)
    )
    assert 'Opportunity.csv line 6 (Id 006A5): amount "lots" is not a number' in [
        str(e) for e in report.errors
    ]
    # Acme: the first renewal has no ARR before it in the export; each later one compares
    # its Amount with the previous won renewal's. Globex lost: churned, ARR after 0. The
    # open renewal and the new-business deal are not renewals.
    assert rows(
        clean_store,
        "MATCH (a)-[:HAD_RENEWAL]->(r:Renewal) "
        "RETURN a.id, toString(r.date), r.outcome, r.arr_before, r.arr_after, r.reason",
    ) == {
        ("acme.example", "2023-06-30", "renewed", None, 100000.0, None),
        ("acme.example", "2024-06-30", "expanded", 100000.0, 120000.0, None),
        ("acme.example", "2025-06-30", "downgraded", 120000.0, 90000.0, None),
        ("sf-001B", "2024-03-31", "churned", None, 0.0, "budget"),
    }
    # The same export again changes nothing.
    counts = clean_store.counts()
    ingest_path(clean_store, export, options=SourceOptions(home_domains=(HOME,), mapping=mapping))
    assert clean_store.counts() == counts


def test_crm_reports_to_becomes_reporting_lines(clean_store: GraphStore, tmp_path: Path) -> None:
    """Contact ReportsToId -> roles.csv reports_to -> REPORTS_TO; the manager may come after
    the report in the export; an unknown manager and a self-reference are named, and the
    contact still loads without the line."""
    store = clean_store
    export = tmp_path / "crm"
    export.mkdir()
    contacts = (
        "Id,FirstName,LastName,Email,Title,AccountId,ReportsToId\n"
        "003D,Dee,Dev,dee@acme.example,Engineering Director,001A,003V\n"
        "003V,Val,Vp,val@acme.example,VP Engineering,001A,\n"
        "003X,Xi,Lost,xi@acme.example,Engineer,001A,003NOPE\n"
        "003S,Sol,Self,sol@acme.example,Engineer,001A,003S\n"
    )
    for name, text in {"Account.csv": ACCOUNTS, "Contact.csv": contacts}.items():
        (export / name).write_text(text)
    report = ingest_path(store, export, options=SourceOptions(home_domains=(HOME,)))
    errors = [str(e) for e in report.errors]
    assert (
        'Contact.csv line 4 (Id 003X): ReportsToId "003NOPE" names no contact or user in the '
        "export" in errors
    ), errors
    assert "Contact.csv line 5 (Id 003S): a contact cannot report to themselves" in errors
    lines = "MATCH (p:Person)-[l:REPORTS_TO]->(m:Person) RETURN p.id, m.id, l.organization_id"
    assert rows(store, lines) == {("dee@acme.example", "val@acme.example", "acme.example")}
    assert rows(store, "MATCH (p:Person {id: 'xi@acme.example'})-[:HOLDS_ROLE]->(o) RETURN o.id")
    # The same export again changes nothing.
    ingest_path(store, export, options=SourceOptions(home_domains=(HOME,)))
    assert rows(store, "MATCH ()-[l:REPORTS_TO]->() RETURN count(l)") == {(1,)}
