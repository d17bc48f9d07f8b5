"""Reading real-world exports: delimiters, header spellings, quoting, encodings, file names.

Pure reading and validation (no store): what a spreadsheet, a CRM or a mail server writes
either reads as the plain file would, or fails naming the file, the line and what to do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stakegraph.ingest.read import (
    ImportDirectoryError,
    ImportFile,
    ImportFileError,
    check_header,
    find_import_files,
    fingerprint_files,
    read_rows,
    unrecognized_files,
)
from stakegraph.ingest.records import (
    ImportRow,
    InteractionRow,
    KnowsRow,
    OrganizationRow,
    PersonRow,
    RawRow,
    RenewalRow,
    RoleRow,
    RowError,
    UsageRow,
    validate_row,
)

PEOPLE = (
    "id,name,emails,organization_id\n"
    'a1,"Doe, Ada",ada@acme.example;ada2@acme.example,acme\n'
    "a2,Abe,abe@acme.example,\n"
)


def people_file(tmp_path: Path, text: str | bytes, name: str = "people.csv") -> ImportFile:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return ImportFile("people", path, path.suffix.lstrip(".").lower())


def read_all(item: ImportFile) -> list[tuple[int, dict[str, object]] | str]:
    out: list[tuple[int, dict[str, object]] | str] = []
    for chunk in read_rows(item, chunk_size=2):
        for row in chunk:
            out.append(str(row) if isinstance(row, RowError) else (row.line, dict(row.values)))
    return out


PLAIN = [
    (
        2,
        {
            "id": "a1",
            "name": "Doe, Ada",
            "emails": "ada@acme.example;ada2@acme.example",
            "organization_id": "acme",
        },
    ),
    (3, {"id": "a2", "name": "Abe", "emails": "abe@acme.example", "organization_id": ""}),
]


# What European Excel saves: ';' between fields, so a list field is quoted.
SEMICOLONS = (
    "id;name;emails;organization_id\r\n"
    'a1;"Doe, Ada";"ada@acme.example;ada2@acme.example";acme\r\n'
    "a2;Abe;abe@acme.example;\r\n"
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(PEOPLE, id="plain"),
        pytest.param("\ufeff" + PEOPLE.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(SEMICOLONS, id="semicolons"),
        pytest.param(PEOPLE.replace(",", "\t").replace('"Doe\t Ada"', "Doe, Ada"), id="tabs"),
        pytest.param(
            PEOPLE.replace("id,name,emails,organization_id", " ID , Name,EMAILS,Organization_Id "),
            id="header-case-and-spaces",
        ),
    ],
)
def test_export_dialects_read_as_the_plain_file(tmp_path: Path, text: str) -> None:
    item = people_file(tmp_path, text)
    check_header(item)
    assert read_all(item) == PLAIN


def test_jsonl_keys_compared_without_case_and_a_key_twice_is_a_reject(tmp_path: Path) -> None:
    item = people_file(
        tmp_path,
        '{"ID": "a1", " Name ": "Ada"}\n{"id": "a2", "Id": "a3"}\n',
        name="people.jsonl",
    )
    assert read_all(item) == [
        (1, {"id": "a1", "name": "Ada"}),
        'people.jsonl line 2: names the key(s) "id" more than once (keys are compared without '
        "case and surrounding spaces)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "id,name,Name,emails\na1,Ada,Abe,\n",
            r'people\.csv: line 1: the header names column\(s\) "name" more than once',
            id="a column twice",
        ),
        pytest.param(
            "person,name\na1,Ada\n",
            r'people\.csv: line 1: the header lacks the required column\(s\) "id" \(it has '
            r'"person", "name"',
            id="a required column missing",
        ),
        pytest.param("", r"people\.csv: is empty: not even a header row", id="empty"),
        pytest.param("\nid,name\n", r"people\.csv: has no header row", id="blank first line"),
    ],
)
def test_unusable_headers_fail_the_file_before_any_row(
    tmp_path: Path, text: str, message: str
) -> None:
    item = people_file(tmp_path, text)
    with pytest.raises(ImportFileError, match=message):
        check_header(item)
    with pytest.raises(ImportFileError, match=message):
        read_all(item)


def test_an_unclosed_quote_fails_naming_its_line_instead_of_swallowing_the_rest(
    tmp_path: Path,
) -> None:
    # Read leniently, line 3's open quote made lines 3-5 one field: two people lost unseen.
    item = people_file(
        tmp_path,
        'id,name\na1,Ada\na2,"Abe\na3,Ann\na4,Al\n',
    )
    with pytest.raises(
        ImportFileError,
        match=r"people\.csv: line 3: a quoted field opened in the row starting here is never "
        r"closed \(the file ends at line 5 inside it\)",
    ):
        read_all(item)


def test_text_after_a_closing_quote_names_the_line(tmp_path: Path) -> None:
    item = people_file(tmp_path, 'id,name\na1,Ada\na2,"Abe" Jr\n')
    with pytest.raises(ImportFileError, match=r"people\.csv: line 3: a quoted field is followed"):
        read_all(item)


def test_a_field_longer_than_the_csv_default_limit_reads_whole(tmp_path: Path) -> None:
    name = "y" * 200_000  # the csv module's default limit is 131,072 characters
    item = people_file(tmp_path, f"id,name\na1,{name}\n")
    assert read_all(item) == [(2, {"id": "a1", "name": name})]


def test_latin1_bytes_fail_before_reading_naming_line_character_and_fix(tmp_path: Path) -> None:
    text = "id,name\na1,Ada\na2,Zoë Müller\n"
    item = people_file(tmp_path, text.encode("cp1252"))
    with pytest.raises(
        ImportFileError,
        match=r'people\.csv: line 3, character 6: byte 0xEB is not UTF-8 \(near "a2,Zo\ufffd '
        r'M\ufffdller"\); the file looks like Latin-1 or Windows-1252 text: save it as '
        r'"CSV UTF-8"',
    ):
        fingerprint_files([item])


def test_utf16_is_named_as_such(tmp_path: Path) -> None:
    item = people_file(tmp_path, PEOPLE.encode("utf-16"))
    with pytest.raises(ImportFileError, match=r"people\.csv: is UTF-16 text, not UTF-8"):
        fingerprint_files([item])


def test_file_names_without_case_and_files_not_read_are_listed(tmp_path: Path) -> None:
    for name in (
        "Interactions.CSV",
        "People.csv",
        "contacts.csv",
        "roles.txt",
        "usage.xlsx",
        "ticket_rules.csv",
        "truth.json",
        "notes.md",
    ):
        (tmp_path / name).write_text("id\n", encoding="utf-8")
    found = find_import_files(tmp_path)
    assert {e: f.name for e, f in found.items()} == {
        "interactions": "Interactions.CSV",
        "people": "People.csv",
    }
    assert found["interactions"].format == "csv"
    assert unrecognized_files(tmp_path) == ["contacts.csv", "roles.txt", "usage.xlsx"]
    (tmp_path / "people.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(ImportDirectoryError, match=r"holds both People\.csv and people\.csv"):
        find_import_files(tmp_path)


def test_a_directory_without_import_files_names_the_files_found(tmp_path: Path) -> None:
    (tmp_path / "interaction.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(ImportDirectoryError, match=r"\(found interaction\.csv\)"):
        find_import_files(tmp_path)


# --- values of real exports -------------------------------------------------------------------


def interaction(at: object) -> InteractionRow | RowError:
    values = {"id": "e1", "kind": "email", "at": at, "from": "a@acme.example"}
    return validate_row(InteractionRow, RawRow("interactions.csv", 2, values))


FORMATS = " such as 2024-03-05T10:00:00Z, 2024-03-05 10:00:00+02:00 or 2024-03-05"


@pytest.mark.parametrize(
    ("at", "epoch"),
    [
        ("2024-03-05", 1709596800),
        ("2024-03-05T10:00:00Z", 1709632800),
        ("2024-03-05 10:00:00+02:00", 1709625600),
    ],
)
def test_iso_timestamps_read(at: str, epoch: int) -> None:
    row = interaction(at)
    assert isinstance(row, InteractionRow) and int(row.at.timestamp()) == epoch


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        (
            "05/03/2024",
            '"05/03/2024" is not an ISO 8601 timestamp' + FORMATS + " (day and "
            "month order is ambiguous)",
        ),
        (
            "1709632800",
            '"1709632800" is not an ISO 8601 timestamp' + FORMATS + " (a bare "
            "number: epoch seconds or a spreadsheet serial date are not read)",
        ),
        (
            "45356.5",
            '"45356.5" is not an ISO 8601 timestamp' + FORMATS + " (a bare number: "
            "epoch seconds or a spreadsheet serial date are not read)",
        ),
        (
            1709632800,
            '"1709632800" is not an ISO 8601 timestamp' + FORMATS + " (a bare "
            "number: epoch seconds or a spreadsheet serial date are not read)",
        ),
        (
            "0001-01-01T00:00:00Z",
            '"0001-01-01T00:00:00Z" is outside 1900-01-01 to 2199-12-31 '
            "(leave it empty when it is unknown or open-ended)",
        ),
        (
            "9999-12-31",
            '"9999-12-31" is outside 1900-01-01 to 2199-12-31 (leave it empty when '
            "it is unknown or open-ended)",
        ),
    ],
)
def test_ambiguous_numeric_and_placeholder_timestamps_rejected(at: object, reason: str) -> None:
    row = interaction(at)
    assert isinstance(row, RowError) and (row.column, row.reason) == ("at", reason)


def usage_value(value: object) -> float | str:
    values = {"account_id": "acme", "date": "2024-03-04", "metric": "api_calls", "value": value}
    row = validate_row(UsageRow, RawRow("usage.csv", 2, values))
    return row.reason if isinstance(row, RowError) else row.value


SEPARATORS = " (write digits with a '.' for decimals, without thousands separators or currency)"


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("12", 12.0),
        (" 7 ", 7.0),
        ("1.5e3", 1500.0),
        (".5", 0.5),
        ("-0", 0.0),
        (3, 3.0),
        ("1,234", '"1,234" is not a number' + SEPARATORS),
        ("1 234", '"1 234" is not a number' + SEPARATORS),
        ("1_000", '"1_000" is not a number' + SEPARATORS),
        ("\uff11\uff12", '"\uff11\uff12" is not a number' + SEPARATORS),  # full-width digits
        ("$12", '"$12" is not a number' + SEPARATORS),
        ("many", '"many" is not a number'),
        ("NaN", '"NaN" is not a finite number'),
        ("1e999", '"1e999" is not a finite number'),
        ("-3", '"-3" is negative; usage is a count or a level'),
    ],
)
def test_usage_values_plain_decimals_only(value: object, read: float | str) -> None:
    assert usage_value(value) == read


def test_a_count_too_large_for_the_store_is_a_reject_not_a_crash() -> None:
    values = {"id": "h1", "outreach_capacity": "1e300"}
    row = validate_row(PersonRow, RawRow("people.csv", 2, values))
    assert isinstance(row, RowError) and (row.column, row.reason) == (
        "outreach_capacity",
        '"1e300" is too large (at most 9007199254740992)',
    )


@pytest.mark.parametrize(("value", "bulk"), [(1, True), (0, False), ("1", True), (True, True)])
def test_json_numbers_0_and_1_are_flags(value: object, bulk: bool) -> None:
    values = {"id": "e1", "kind": "email", "at": "2024-03-05", "from": "h1", "bulk": value}
    row = validate_row(InteractionRow, RawRow("interactions.jsonl", 1, values))
    assert isinstance(row, InteractionRow) and row.bulk is bulk


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        (
            {"id": "e\x001"},
            "id",
            '"e\\x001" holds the control character U+0000 at character 2: an id or an '
            "address cannot (a corrupted export?)",
        ),
        (
            {"to": "a1;b\x1b[31m@acme.example"},
            "to",
            '"b\\x1b[31m@acme.example" holds the control character U+001B at character 2: '
            "an id or an address cannot (a corrupted export?)",
        ),
    ],
)
def test_control_characters_in_ids_and_addresses_are_rejected(
    values: dict[str, str], column: str, reason: str
) -> None:
    row = {"id": "e1", "kind": "email", "at": "2024-03-05", "from": "h1", **values}
    error = validate_row(InteractionRow, RawRow("interactions.csv", 2, row))
    assert isinstance(error, RowError) and (error.column, error.reason) == (column, reason)


# Display text (names, titles, subjects) loads, cleaned: control and bidirectional
# characters removed, whitespace runs (line breaks included) one space.
@pytest.mark.parametrize(
    ("model", "values", "column", "shown"),
    [
        (InteractionRow, {"subject": "a\x07b"}, "subject", "ab"),
        (InteractionRow, {"subject": "Renewal\r\n\tterms"}, "subject", "Renewal terms"),
        (PersonRow, {"name": "Iron\u202egpj.exe"}, "name", "Irongpj.exe"),
        (PersonRow, {"name": "\x1b[31mMallory\x1b[0m\u2066"}, "name", "[31mMallory[0m"),
        (OrganizationRow, {"name": "Acme\nCorp\u0085 Ltd"}, "name", "Acme Corp Ltd"),
        (RoleRow, {"title": "VP\u2028Sales"}, "title", "VP Sales"),
    ],
)
def test_display_text_is_cleaned_with_a_warning(
    model: type[ImportRow], values: dict[str, str], column: str, shown: str
) -> None:
    base: dict[str, dict[str, str]] = {
        "InteractionRow": {"id": "e1", "kind": "email", "at": "2024-03-05", "from": "h1"},
        "PersonRow": {"id": "p1"},
        "OrganizationRow": {"id": "o1", "name": "Acme"},
        "RoleRow": {"person_id": "p1", "organization_id": "o1", "start": "2024-01-01"},
    }
    warnings: list[str] = []
    read = validate_row(model, RawRow("x.csv", 7, {**base[model.__name__], **values}), warnings)
    assert not isinstance(read, RowError) and getattr(read, column) == shown
    assert warnings == [
        f'x.csv line 7, column "{column}": control or bidirectional characters or line '
        "breaks removed from the text"
    ]


def test_ordinary_display_text_loads_unchanged_without_a_warning() -> None:
    warnings: list[str] = []
    row = {"id": "p1", "name": "Zoë [Bo] O'Neil | Ünal"}
    read = validate_row(PersonRow, RawRow("people.csv", 2, row), warnings)
    assert isinstance(read, PersonRow) and read.name == "Zoë [Bo] O'Neil | Ünal"
    assert warnings == []


def test_a_name_of_only_hidden_characters_is_missing() -> None:
    error = validate_row(
        OrganizationRow, RawRow("organizations.csv", 3, {"id": "o1", "name": "\u202e\x1b"})
    )
    assert isinstance(error, RowError) and (error.column, error.reason) == (
        "name",
        "a value is required",
    )


@pytest.mark.parametrize(
    ("model", "values", "column", "why"),
    [
        (PersonRow, {"id": "p/1"}, "id", '"/" at character 2'),
        (
            PersonRow,
            {"id": "p1", "organization_id": "o\u00a01"},
            "organization_id",
            "the space U+00A0 at character 2",
        ),
        (
            RoleRow,
            {
                "person_id": "p1",
                "organization_id": "o1",
                "start": "2024-01-01",
                "reports_to": "p\t2",
            },
            "reports_to",
            "the space U+0009 at character 2",
        ),
        (
            RenewalRow,
            {"account_id": "a/b", "date": "2024-01-01", "outcome": "renewed"},
            "account_id",
            '"/" at character 2',
        ),
        (
            KnowsRow,
            {"person_a": "p1", "person_b": "p\u20032"},
            "person_b",
            "the space U+2003 at character 2",
        ),
    ],
)
def test_ids_that_cannot_be_addresses_are_rejected(
    model: type[ImportRow], values: dict[str, str], column: str, why: str
) -> None:
    error = validate_row(model, RawRow("x.csv", 4, values))
    assert isinstance(error, RowError) and error.column == column
    assert error.reason.endswith(
        f"holds {why}: an organization or person id cannot (it is part of the addresses of "
        "its pages); ids may not hold / or whitespace other than a space"
    )


@pytest.mark.parametrize("value", [".", ".."])
def test_path_steps_are_not_ids(value: str) -> None:
    error = validate_row(PersonRow, RawRow("people.csv", 2, {"id": value}))
    assert isinstance(error, RowError)
    assert (error.column, error.reason) == ("id", f'"{value}" cannot be an id (a path step)')


def test_bidirectional_controls_in_ids_are_rejected() -> None:
    error = validate_row(PersonRow, RawRow("people.csv", 2, {"id": "p\u202e1"}))
    assert isinstance(error, RowError) and error.column == "id"
    assert "U+202E at character 2" in error.reason


def test_ids_with_other_punctuation_load() -> None:
    # CRM and mail ids: addresses, dots, dashes, colons, plus signs, underscores.
    # A space, ? # and %: the API and the web app percent-encode a path segment.
    for value in (
        "jane.doe+crm@acme.example",
        "sf-0015g00000ABC",
        "org:acme_1",
        "Ünal-2",
        "Acme Corp",
        "p-1?x=1",
        "org#1",
        "50%off",
    ):
        assert isinstance(
            validate_row(PersonRow, RawRow("people.csv", 2, {"id": value})), PersonRow
        )
