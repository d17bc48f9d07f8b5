"""Validation and identity resolution without the store: pure functions, fast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ingest_files import TIMESTAMP_FORMATS

from stakegraph.ingest.identity import Directory, KnownOrganization, KnownPerson, resolve_account
from stakegraph.ingest.records import InteractionRecord, RawRow, RowError
from stakegraph.ingest.transform import (
    NO_ACCOUNT,
    InteractionDeduplicator,
    transform_engagements,
    transform_interactions,
    transform_organizations,
    transform_people,
    transform_renewals,
    transform_roles,
)

ORGS = [
    KnownOrganization("home", "home", ("home.example",)),
    KnownOrganization("acme", "account", ("acme.example",)),
    KnownOrganization("acme-eu", "account", ("eu.acme.example",)),
    KnownOrganization("globex", "account", ("globex.example",)),
]
PEOPLE = [
    KnownPerson("h1", "home", ("hana@home.example",)),
    KnownPerson("a1", "acme", ("ada@acme.example", "ada.alias@acme.example")),
    KnownPerson("g1", "globex", ()),
]


@pytest.fixture
def directory() -> Directory:
    return Directory.build(ORGS, PEOPLE)


def interaction(line: int = 2, **values: str) -> RawRow:
    row = {"id": "i1", "kind": "email", "at": "2024-05-01T10:00:00Z", "from": "h1", "to": "a1"}
    row.update(values)
    return RawRow("interactions.csv", line, row)


def one_error(rows: list[RawRow], directory: Directory) -> RowError:
    result = transform_interactions(rows, directory=directory)
    assert not result.records
    assert len(result.errors) == 1
    return result.errors[0]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"at": "2024-13-01"},
            'interactions.csv line 17, column "at": "2024-13-01" is not an ISO 8601 timestamp'
            + TIMESTAMP_FORMATS,
        ),
        ({"at": ""}, 'interactions.csv line 17, column "at": a value is required'),
        (
            {"kind": "fax"},
            'interactions.csv line 17, column "kind": "fax" is not a kind; expected one of '
            "email, meeting, call, ticket, note",
        ),
        ({"id": " "}, 'interactions.csv line 17, column "id": a value is required'),
        (
            {"from": "nobody"},
            'interactions.csv line 17, column "from": "nobody" is neither a known person id '
            "nor an email address",
        ),
        (
            {"to": "a1;ghost"},
            'interactions.csv line 17, column "to": "ghost" is neither a known person id nor '
            "an email address",
        ),
        (
            {"account_id": "initech"},
            'interactions.csv line 17, column "account_id": unknown account "initech"',
        ),
        (
            {"account_id": "home"},
            'interactions.csv line 17, column "account_id": "home" is the home organization, '
            "not a customer account",
        ),
        (
            {"to": "someone@nowhere.example"},
            f'interactions.csv line 17, column "account_id": {NO_ACCOUNT}',
        ),
    ],
)
def test_bad_interaction_names_file_line_and_column(
    values: dict[str, str], message: str, directory: Directory
) -> None:
    error = one_error([interaction(17, **values)], directory)
    assert str(error) == message
    assert error.raw["id"] == values.get("id", "i1")


def test_missing_column_is_reported() -> None:
    row = RawRow("interactions.csv", 3, {"id": "i1", "kind": "email", "from": "h1"})
    error = one_error([row], Directory.build(ORGS, PEOPLE))
    assert (error.line, error.column, error.reason) == (3, "at", "a value is required")


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        ("2024-05-01T10:00:00Z", 1714557600),
        ("2024-05-01T12:00:00+02:00", 1714557600),
        ("2024-05-01T10:00:00", 1714557600),  # naive = UTC
        ("2024-05-01 10:00:00", 1714557600),
    ],
)
def test_timestamps_normalize_to_utc(text: str, epoch: int, directory: Directory) -> None:
    result = transform_interactions([interaction(at=text)], directory=directory)
    assert [r.at_epoch for r in result.records] == [epoch]


def test_an_interaction_after_today_is_refused_and_one_of_today_loads(
    directory: Directory,
) -> None:
    # Real mail carries wrong clocks (a corpus of 2001 holds messages of 2044); taken as
    # true, one of them would be where the data ends. A day of slack covers a clock a few
    # hours ahead and local times written without their offset.
    now = datetime.now(UTC)
    later = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [
        interaction(2, id="now", at=now.strftime("%Y-%m-%dT%H:%M:%S")),
        interaction(3, id="ahead", at=(now + timedelta(hours=14)).strftime("%Y-%m-%dT%H:%M:%S")),
        interaction(4, id="later", at=later),
        interaction(5, id="2044", at="2044-01-01T00:00:00Z"),
    ]
    result = transform_interactions(rows, directory=directory)
    assert [r.id for r in result.records] == ["now", "ahead"]
    today = now.date().isoformat()
    assert [str(e) for e in result.errors] == [
        f'interactions.csv line {line}, column "at": "{text}" is after today ({today}): it '
        "cannot have happened yet (a wrong clock where it was recorded?)"
        for line, text in ((4, later), (5, "2044-01-01T00:00:00Z"))
    ]


def test_valid_rows_survive_bad_ones(directory: Directory) -> None:
    rows = [
        interaction(2, id="ok1"),
        interaction(3, id="bad", at="yesterday"),
        interaction(4, id="ok2"),
    ]
    result = transform_interactions(rows, directory=directory)
    assert [r.id for r in result.records] == ["ok1", "ok2"]
    assert [(e.line, e.column) for e in result.errors] == [(3, "at")]


def test_participants_roles_and_first_role_wins(directory: Directory) -> None:
    email = transform_interactions(
        [interaction(to="a1;hana@home.example", cc="ADA.ALIAS@acme.example;g1")],
        directory=directory,
    ).records[0]
    assert [(p.person_id, p.role) for p in email.participations] == [
        ("h1", "from"),
        ("a1", "to"),
        ("g1", "cc"),
    ]
    meeting = transform_interactions(
        [interaction(kind="meeting", to="a1", cc="g1")], directory=directory
    ).records[0]
    assert [(p.person_id, p.role) for p in meeting.participations] == [
        ("h1", "organizer"),
        ("a1", "attendee"),
        ("g1", "attendee"),
    ]


def test_identity_alias_unknown_owned_subdomain_and_unowned(directory: Directory) -> None:
    assert directory.resolve("Ada.Alias@ACME.example").person_id == "a1"
    new = directory.resolve("Zed@Acme.Example").new_person
    assert new is not None and (new.id, new.organization_id) == ("zed@acme.example", "acme")
    sub = directory.resolve("kim@sales.acme.example").new_person
    assert sub is not None and sub.organization_id == "acme"
    eu = directory.resolve("eva@eu.acme.example").new_person
    assert eu is not None and eu.organization_id == "acme-eu"  # the closest claim wins
    stray = directory.resolve("x@gmail.example").new_person
    assert stray is not None and stray.organization_id is None


def test_account_resolved_from_participants(directory: Directory) -> None:
    record = transform_interactions([interaction(to="zed@acme.example")], directory=directory)
    assert [r.account_id for r in record.records] == ["acme"]
    assert [p.id for p in record.records[0].new_people] == ["zed@acme.example"]


@pytest.mark.parametrize(
    ("organizations", "expected"),
    [
        (["home", "acme"], ("acme", False)),
        (["home", "globex", "acme", "globex"], ("globex", True)),  # most participants
        (["home", "globex", "acme"], ("acme", True)),  # tie: lexicographically first
        (["home", None], (None, False)),
    ],
)
def test_resolve_account(
    organizations: list[str | None], expected: tuple[str | None, bool], directory: Directory
) -> None:
    assert resolve_account(organizations, directory) == expected


def test_ambiguous_account_is_counted(directory: Directory) -> None:
    result = transform_interactions([interaction(to="a1;g1")], directory=directory)
    assert [r.account_id for r in result.records] == ["acme"]
    assert result.ambiguous_accounts == 1


def test_duplicates_identical_dropped_different_rejected(directory: Directory) -> None:
    rows = [interaction(2), interaction(3), interaction(4, subject="changed")]
    result = transform_interactions(rows, directory=directory)
    dedupe = InteractionDeduplicator()
    unique, errors = dedupe(result.records[:2], "interactions.csv", {})
    assert [r.line for r in unique] == [2]
    assert errors == []
    unique, errors = dedupe(result.records[2:], "interactions.csv", {r.line: r for r in rows})
    assert unique == []
    assert [str(e) for e in errors] == [
        'interactions.csv line 4, column "id": duplicate id "i1" (first at line 2) with '
        "different values"
    ]


def test_roles_reference_and_date_checks(directory: Directory) -> None:
    def role(line: int, **values: str) -> RawRow:
        row = {"person_id": "a1", "organization_id": "acme", "title": "CTO", "start": "2021-01-01"}
        row.update(values)
        return RawRow("roles.csv", line, row)

    result = transform_roles(
        [
            role(2),
            role(3, person_id="zz"),
            role(4, organization_id="initech"),
            role(5, end="2020-01-01"),
            role(6, level="boss"),
            role(7, start="2021-02-30"),
            role(8),  # identical repeat: dropped silently
            role(9, buying_role="signer"),
            role(10, reports_to="zz"),
            role(11, reports_to="a1"),  # themselves
            role(12, person_id="g1", organization_id="globex", reports_to="a1"),
        ],
        directory=directory,
    )
    assert [r.line for r in result.records] == [2, 12]
    assert result.records[1].record.reports_to == "a1"
    assert [str(e) for e in result.errors] == [
        'roles.csv line 3, column "person_id": unknown person "zz"',
        'roles.csv line 4, column "organization_id": unknown organization "initech"',
        'roles.csv line 5, column "end": end 2020-01-01 is before start 2021-01-01',
        'roles.csv line 6, column "level": "boss" is not a level; expected one of ic, manager, '
        "director, vp, c_level",
        'roles.csv line 7, column "start": "2021-02-30" is not a date (YYYY-MM-DD)',
        'roles.csv line 9, column "buying_role": "signer" is not a buying_role; expected one '
        "of champion, sponsor, economic_buyer, decision_maker, influencer, user",
        'roles.csv line 10, column "reports_to": unknown person "zz" (a manager must be in '
        "people.csv or already in the store)",
        'roles.csv line 11, column "reports_to": a person cannot report to themselves ("a1")',
    ]


def test_a_role_without_a_level_takes_the_one_its_title_gives(directory: Directory) -> None:
    def role(line: int, **values: str) -> RawRow:
        row = {"person_id": "a1", "organization_id": "acme", "start": "2021-01-01"}
        row.update(values)
        return RawRow("roles.csv", line, row)

    result = transform_roles(
        [
            role(2, title="President & CEO"),
            role(3, title="Vice President, Finance", start="2022-01-01"),
            role(4, title="Chief Executive Officer", level="vp", start="2023-01-01"),
            role(5, title="Sales Trader", start="2024-01-01"),
            role(6, title="Trader", start="2025-01-01"),  # no keyword: nothing said
            role(7, start="2026-01-01"),  # no title
        ],
        directory=directory,
    )
    assert [(r.record.level, r.record.function) for r in result.records] == [
        ("c_level", "executive"),
        ("vp", "finance"),
        ("vp", "executive"),  # the level given is kept; the function was empty
        (None, "sales"),
        (None, None),
        (None, None),
    ]
    assert result.warnings == [
        "4 role(s) without a level or a function took the ones their title gives "
        "(docs/import-format.md: a role's level from its title)"
    ]


def test_organizations_and_people(directory: Directory) -> None:
    orgs = transform_organizations(
        [
            RawRow("organizations.csv", 2, {"id": "x", "name": "X", "arr": "lots"}),
            RawRow("organizations.csv", 3, {"id": "acme", "name": "Acme", "kind": "home"}),
            RawRow("organizations.csv", 4, {"id": "y", "name": "Y", "extra": "ignored"}),
            RawRow("organizations.csv", 5, {"id": "y", "name": "Other Y"}),
        ],
        existing_kinds={"acme": "account"},
    )
    assert [r.record.id for r in orgs.records] == ["y"]
    assert [str(e) for e in orgs.errors] == [
        'organizations.csv line 2, column "arr": "lots" is not a number',
        'organizations.csv line 3, column "kind": organization "acme" is already in the store '
        "as account; an import cannot change it to home",
        'organizations.csv line 5: duplicate id "y" (first at line 4) with different values',
    ]
    people = transform_people(
        [
            RawRow("people.csv", 2, {"id": "p", "emails": "P@Acme.example", "organization_id": ""}),
            RawRow("people.csv", 3, {"id": "q", "organization_id": "initech"}),
            RawRow("people.csv", 4, {"id": "r", "emails": "not-an-address"}),
        ],
        directory=directory,
    )
    assert [(r.record.id, r.record.emails, r.record.organization_id) for r in people.records] == [
        ("p", ("p@acme.example",), "acme")  # organization from the email domain
    ]
    assert [(e.line, e.column) for e in people.errors] == [(3, "organization_id"), (4, "emails")]


def test_records_are_frozen(directory: Directory) -> None:
    record = transform_interactions([interaction()], directory=directory).records[0]
    assert isinstance(record, InteractionRecord)
    with pytest.raises(AttributeError):
        record.id = "other"  # type: ignore[misc]


def test_engagements_valid_missing_and_bad_values(directory: Directory) -> None:
    def engagement(line: int, **values: str) -> RawRow:
        row = {"account_id": "acme", "kind": "QBR", "date": "2024-03-15", "status": "attended"}
        row.update(values)
        return RawRow("engagements.csv", line, {k: v for k, v in row.items() if v is not None})

    result = transform_engagements(
        [
            engagement(2, person_id="a1", our_person_id="h1"),
            engagement(3, person_id=" "),  # empty optional person: the account's row
            engagement(4, date="2024-02-30"),
            engagement(5, account_id="home"),
            engagement(6, our_person_id="g1"),
            engagement(7, status=None),
        ],
        directory=directory,
    )
    assert [(r.line, r.record.kind, r.record.person_id) for r in result.records] == [
        (2, "qbr", "a1"),
        (3, "qbr", None),
    ]
    assert [str(e) for e in result.errors] == [
        'engagements.csv line 4, column "date": "2024-02-30" is not a date (YYYY-MM-DD)',
        'engagements.csv line 5, column "account_id": "home" is the home organization, not a '
        "customer account",
        'engagements.csv line 6, column "our_person_id": "g1" is not a person of the home '
        "organization",
        'engagements.csv line 7, column "status": a value is required',
    ]


def test_renewal_revenue_and_reason(directory: Directory) -> None:
    def renewal(line: int, **values: str) -> RawRow:
        row = {"account_id": "acme", "date": f"202{line}-06-30", "outcome": "downgraded"}
        row.update(values)
        return RawRow("renewals.csv", line, row)

    result = transform_renewals(
        [
            renewal(2, arr_before="1,000", arr_after="800"),
            renewal(3, arr_before="1000", arr_after="800.5", reason=" price "),
            renewal(4),  # no revenue, no reason: still a renewal
            renewal(5, arr_before="1000", arr_after="1200"),  # loads, with a warning
            renewal(6, outcome="churned", arr_before="1000", arr_after="0"),
            renewal(7, arr_after="inf"),
        ],
        directory=directory,
    )
    assert [
        (r.line, r.record.arr_before, r.record.arr_after, r.record.reason) for r in result.records
    ] == [
        (3, 1000.0, 800.5, "price"),
        (4, None, None, None),
        (5, 1000.0, 1200.0, None),
        (6, 1000.0, 0.0, None),
    ]
    assert [str(e) for e in result.errors] == [
        'renewals.csv line 2, column "arr_before": "1,000" is not a number (write digits '
        "with a '.' for decimals, without thousands separators or currency)",
        'renewals.csv line 7, column "arr_after": "inf" is not a finite number',
    ]
    assert result.warnings == [
        "1 renewal(s) whose arr_before/arr_after disagree with the outcome (a downgrade not "
        "shrinking or an expansion not growing; lines 5): loaded as given, the outcome counts"
    ]


def test_reporting_loops_warn_naming_their_lines_and_still_load(directory: Directory) -> None:
    def role(line: int, person: str, manager: str, start: str, end: str = "") -> RawRow:
        values = {"person_id": person, "organization_id": "acme", "title": f"T{line}"}
        values.update(start=start, end=end, reports_to=manager)
        return RawRow("roles.csv", line, values)

    result = transform_roles(
        [
            # h1 -> a1 -> g1 -> h1 from 2022-03-01, when g1's line starts.
            role(2, "h1", "a1", "2020-01-01"),
            role(3, "a1", "g1", "2021-01-01"),
            role(4, "g1", "h1", "2022-03-01"),
            # a1 reported to h1 until 2019; h1 reports to a1 since 2020: no loop.
            role(5, "a1", "h1", "2018-01-01", "2019-12-31"),
        ],
        directory=directory,
    )
    assert [r.line for r in result.records] == [2, 3, 4, 5]
    assert result.warnings == [
        "reporting lines form a loop on 2022-03-01: h1 -> a1 -> g1 -> h1 (lines 2, 3, 4); "
        "loaded as given, check their reports_to"
    ]


def test_a_reference_to_a_rejected_row_names_that_row() -> None:
    directory = Directory.build(ORGS, PEOPLE)
    directory.rejected = {"zz": "people.csv line 7"}
    rows = [
        RawRow(
            "roles.csv", 2, {"person_id": "zz", "organization_id": "acme", "start": "2021-01-01"}
        ),
        RawRow(
            "roles.csv", 3, {"person_id": "yy", "organization_id": "acme", "start": "2021-01-01"}
        ),
    ]
    result = transform_roles(rows, directory=directory)
    assert [str(e) for e in result.errors] == [
        'roles.csv line 2, column "person_id": unknown person "zz" (its own row, people.csv '
        "line 7, was rejected)",
        'roles.csv line 3, column "person_id": unknown person "yy"',
    ]
    error = one_error([interaction(to="zz")], directory)
    assert error.reason == (
        '"zz" is neither a known person id nor an email address (its own row, people.csv '
        "line 7, was rejected)"
    )
