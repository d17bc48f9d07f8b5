"""Identity resolution of real addresses: hand-checked merges, refusals and audits. Pure."""

from __future__ import annotations

from pathlib import Path

import pytest

from stakegraph.ingest.sources.people import (
    AliasFileError,
    AliasRules,
    PeopleResolver,
    is_personal_domain,
    organization_domain,
    organization_name,
    parse_display_name,
    read_aliases,
)


def groups(resolver: PeopleResolver) -> set[frozenset[str]]:
    return {frozenset(p.emails) for p in resolver.resolve().people}


def resolver_of(*seen: tuple[str, str | None], **kwargs: object) -> PeopleResolver:
    resolver = PeopleResolver(**kwargs)  # type: ignore[arg-type]
    for address, name in seen:
        resolver.observe(address, name)
    return resolver


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        # first.last and f.last at one domain, no display names: one person
        (
            [("john.smith@acme.com", None), ("j.smith@acme.com", None)],
            {frozenset({"john.smith@acme.com", "j.smith@acme.com"})},
        ),
        # flast and case
        (
            [("John.Smith@acme.com", None), ("JSmith@acme.com", None)],
            {frozenset({"john.smith@acme.com", "jsmith@acme.com"})},
        ),
        # display names "Last, First" and "First Last" at one domain
        (
            [("js@acme.com", "Smith, John"), ("john@acme.com", '"John Smith"')],
            {frozenset({"js@acme.com", "john@acme.com"})},
        ),
        # the same name at two companies: two people
        (
            [("john.smith@acme.com", None), ("john.smith@globex.com", None)],
            {frozenset({"john.smith@acme.com"}), frozenset({"john.smith@globex.com"})},
        ),
        # personal domains never merge by name
        (
            [("john.smith@gmail.com", "John Smith"), ("j.smith@gmail.com", "John Smith")],
            {frozenset({"john.smith@gmail.com"}), frozenset({"j.smith@gmail.com"})},
        ),
        # j.smith fits John and Jane Smith: ambiguous, not merged
        (
            [
                ("john.smith@acme.com", None),
                ("jane.smith@acme.com", None),
                ("j.smith@acme.com", None),
            ],
            {
                frozenset({"john.smith@acme.com"}),
                frozenset({"jane.smith@acme.com"}),
                frozenset({"j.smith@acme.com"}),
            },
        ),
        # sub-addressing, and a subdomain of the same company
        (
            [
                ("ann@acme.com", None),
                ("ann+crm@acme.com", None),
                ("ann.lee@eu.acme.com", "Ann Lee"),
                ("alee@acme.com", None),
            ],
            {
                frozenset({"ann@acme.com", "ann+crm@acme.com"}),
                frozenset({"ann.lee@eu.acme.com", "alee@acme.com"}),
            },
        ),
    ],
)
def test_merges(seen: list[tuple[str, str | None]], expected: set[frozenset[str]]) -> None:
    assert groups(resolver_of(*seen)) == expected


def test_every_merge_is_audited_with_rule_and_confidence() -> None:
    resolution = resolver_of(
        ("john.smith@acme.com", None),
        ("j.smith@acme.com", None),
        ("jane.smith@acme.com", None),
        ("jsmith@acme.com", "J. Smith"),
    ).resolve()
    rows = {(d.address, d.decision, d.rule) for d in resolution.decisions}
    assert ("j.smith@acme.com", "ambiguous", "initials fit several people") in rows
    assert ("jsmith@acme.com", "ambiguous", "initials fit several people") in rows
    one = resolver_of(("john.smith@acme.com", None), ("j.smith@acme.com", None)).resolve()
    (decision,) = one.decisions
    assert (decision.person_id, decision.address, decision.matched) == (
        "john.smith@acme.com",
        "j.smith@acme.com",
        "john.smith@acme.com",
    )
    assert decision.confidence == pytest.approx(0.75) and decision.decision == "merged"
    (person,) = one.people
    assert person.confidence == pytest.approx(0.75)


def test_alias_file_forces_and_forbids(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text(
        "email,person_key\n"
        "john@gmail.com,john-smith\n"
        "john.smith@acme.com,john-smith\n"
        "j.smith@acme.com,!john.smith@acme.com\n"
    )
    aliases = read_aliases(path)
    resolution = resolver_of(
        ("john.smith@acme.com", None),
        ("j.smith@acme.com", None),
        ("john@gmail.com", "Johnny"),
        aliases=aliases,
    ).resolve()
    assert {p.id: set(p.emails) for p in resolution.people} == {
        "john-smith": {"john.smith@acme.com", "john@gmail.com"},
        "j.smith@acme.com": {"j.smith@acme.com"},
    }
    assert ("j.smith@acme.com", "refused") in {
        (d.address, d.decision) for d in resolution.decisions
    }
    assert ("john@gmail.com", "alias file", "merged") in {
        (d.address, d.rule, d.decision) for d in resolution.decisions
    } | {(d.matched, d.rule, d.decision) for d in resolution.decisions}


def test_alias_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("email,person_key\nnot-an-address,x\n")
    with pytest.raises(AliasFileError, match=r"aliases.csv: line 2"):
        read_aliases(path)


def test_addresses_known_to_the_store_keep_their_person() -> None:
    resolver = resolver_of(
        ("john.smith@acme.com", None),
        ("j.smith@acme.com", None),
        known={"j.smith@acme.com": "p-17"},
    )
    (person,) = resolver.resolve().people
    assert person.id == "p-17" and person.existing
    assert AliasRules().forced == {}


def test_domains_and_names() -> None:
    assert organization_domain("mail.eu.acme.com") == "acme.com"
    assert organization_domain("acme.co.uk") == "acme.co.uk"
    assert organization_name("acme-corp.com") == "Acme Corp"
    assert is_personal_domain("gmail.com") and is_personal_domain("proton.me")
    assert not is_personal_domain("acme.com")
    assert (
        parse_display_name("Smith, John") == parse_display_name("John Smith") == ("john", "smith")
    )
    assert parse_display_name("Support") is None
