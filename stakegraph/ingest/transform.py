"""Turning raw rows into typed records: validation, references, duplicates. Pure.

Each ``transform_*`` takes raw rows (and what it needs to check references against) and
returns a :class:`Transformed`: the valid records, a :class:`RowError` for every bad row,
and warnings. A bad row never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import networkx as nx

from stakegraph.dates import epoch_seconds
from stakegraph.ingest.identity import Directory, UnknownParticipant, resolve_account
from stakegraph.ingest.records import (
    CoverageRow,
    EngagementRow,
    InteractionRecord,
    InteractionRow,
    KnowsRow,
    NewPerson,
    OrganizationRow,
    Participation,
    PersonRow,
    RawRow,
    RenewalRow,
    RoleRow,
    RowError,
    UsageRow,
    validate_row,
)
from stakegraph.ingest.ticket_rules import DEFAULT_RULES, TicketRule, categorize_subject
from stakegraph.ingest.titles import classify_title

T = TypeVar("T")
R = TypeVar(
    "R", OrganizationRow, PersonRow, RoleRow, RenewalRow, KnowsRow, EngagementRow, CoverageRow
)

NO_ACCOUNT = "no account: no participant belongs to a customer organization"
_ORGANIZER_KINDS = frozenset({"meeting", "call"})


@dataclass(frozen=True)
class Located(Generic[T]):
    """A record with the file line it came from."""

    line: int
    record: T


@dataclass
class Transformed(Generic[T]):
    """The outcome of transforming rows: records, rejected rows and warnings."""

    records: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: interactions whose account was chosen among several customer accounts
    ambiguous_accounts: int = 0


def transform_organizations(
    rows: Iterable[RawRow | RowError], *, existing_kinds: Mapping[str, str]
) -> Transformed[Located[OrganizationRow]]:
    """Validate organizations.

    Parameters
    ----------
    rows
        Raw rows of ``organizations``.
    existing_kinds
        ``kind`` of organizations already in the store: an import cannot turn an account
        into the home organization or back (the store keys them by label).
    """

    def check(row: RawRow, org: OrganizationRow) -> RowError | None:
        before = existing_kinds.get(org.id)
        if before is not None and before != org.kind:
            return RowError(
                row.file,
                row.line,
                "kind",
                f'organization "{org.id}" is already in the store as {before}; '
                f"an import cannot change it to {org.kind}",
                row.values,
            )
        return None

    return _transform(rows, OrganizationRow, key=lambda o: o.id, label="id", check=check)


def transform_people(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[Located[PersonRow]]:
    """Validate people; a person without ``organization_id`` gets the owner of their domain.

    ``directory`` must know every organization (store and import).
    """

    def check(row: RawRow, person: PersonRow) -> RowError | None:
        if person.organization_id is not None and person.organization_id not in (
            directory.organizations
        ):
            return _unknown(
                row, "organization_id", "organization", person.organization_id, directory
            )
        return None

    result = _transform(rows, PersonRow, key=lambda p: p.id, label="id", check=check)
    for i, located in enumerate(result.records):
        person = located.record
        if person.organization_id is None:
            owners = [directory.organization_of_address(e) for e in person.emails]
            owner = next((o for o in owners if o is not None), None)
            if owner is not None:
                result.records[i] = Located(
                    located.line, person.model_copy(update={"organization_id": owner})
                )
    return result


def transform_roles(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[Located[RoleRow]]:
    """Validate roles: known person and organization, ``end`` not before ``start``, and a
    ``reports_to`` (optional) naming a known person other than themselves.

    "Known" means in the store or anywhere in this import's people: people are read before
    roles, so a manager listed after their reports in people.csv is known. A manager who is
    in neither is an error (the row goes to the rejects file; re-run it once they exist).
    """

    def check(row: RawRow, role: RoleRow) -> RowError | None:
        if role.person_id not in directory.people:
            return _unknown(row, "person_id", "person", role.person_id, directory)
        if role.organization_id not in directory.organizations:
            return _unknown(row, "organization_id", "organization", role.organization_id, directory)
        if role.reports_to is not None:
            if role.reports_to == role.person_id:
                return RowError(
                    row.file,
                    row.line,
                    "reports_to",
                    f'a person cannot report to themselves ("{role.reports_to}")',
                    row.values,
                )
            if role.reports_to not in directory.people:
                return RowError(
                    row.file,
                    row.line,
                    "reports_to",
                    f'unknown person "{role.reports_to}"{_rejected_row(role.reports_to, directory)}'
                    " (a manager must be in people.csv or already in the store)",
                    row.values,
                )
        if role.end is not None and role.end < role.start:
            return RowError(
                row.file,
                row.line,
                "end",
                f"end {role.end.isoformat()} is before start {role.start.isoformat()}",
                row.values,
            )
        return None

    result = _transform(
        rows,
        RoleRow,
        key=lambda r: (r.person_id, r.organization_id, r.start, r.title),
        label="role (person_id, organization_id, start, title)",
        check=check,
    )
    result.records, titled = _levels_from_titles(result.records)
    if titled:
        result.warnings.append(
            f"{titled} role(s) without a level or a function took the ones their title "
            "gives (docs/import-format.md: a role's level from its title)"
        )
    result.warnings.extend(reporting_loops(result.records))
    return result


def _levels_from_titles(
    roles: list[Located[RoleRow]],
) -> tuple[list[Located[RoleRow]], int]:
    """Each role without a ``level`` (or ``function``) given the one its title gives, when a
    keyword of the title gives one: an HR export or an org chart has titles, and an
    executive left at no level is never tested as one
    (:func:`~stakegraph.ingest.titles.classify_title`)."""
    out, titled = [], 0
    for located in roles:
        role = located.record
        level, function = classify_title(role.title, fallback=False)
        update = {
            name: value
            for name, value in (("level", level), ("function", function))
            if getattr(role, name) is None and value is not None
        }
        if update:
            titled += 1
            located = Located(located.line, role.model_copy(update=update))
        out.append(located)
    return out, titled


def reporting_loops(roles: Sequence[Located[RoleRow]]) -> list[str]:
    """Warnings for reporting lines that form a loop on some date (``a`` reports to ``b``
    and ``b`` to ``a``, or a longer chain back to its start).

    An org chart has none, so a loop is a data error; which of its rows is wrong cannot be
    told, so the rows load as given and the warning names them. Lines held at different
    times are no loop (a report who later becomes the manager). A loop exists on a date
    exactly when it exists on the latest start among its lines, so only start dates of the
    lines in one strongly connected component of the undated chart are checked.

    >>> from datetime import date
    >>> def role(line, person, manager, start, end=None):
    ...     return Located(line, RoleRow(person_id=person, organization_id="o",
    ...                    start=start, end=end, reports_to=manager))
    >>> [loop] = reporting_loops([role(2, "a", "b", "2020-01-01"), role(3, "b", "a", "2021-06-01")])
    >>> loop.split(";")[0]
    'reporting lines form a loop on 2021-06-01: a -> b -> a (lines 2, 3)'
    >>> reporting_loops([role(2, "a", "b", "2020-01-01", "2020-12-31"),
    ...                  role(3, "b", "a", "2021-06-01")])
    []
    """
    chart = nx.MultiDiGraph()
    for located in roles:
        role = located.record
        if role.reports_to is not None:
            chart.add_edge(role.person_id, role.reports_to, located=located)
    warnings = []
    for component in nx.strongly_connected_components(chart):
        if len(component) < 2:
            continue
        lines = list(chart.subgraph(component).edges(data="located"))
        for day in sorted({located.record.start for _, _, located in lines}):
            held = nx.DiGraph()
            for person, manager, located in lines:
                role = located.record
                if role.start <= day and (role.end is None or day <= role.end):
                    held.add_edge(person, manager, line=located.line)
            try:
                cycle = nx.find_cycle(held)
            except nx.NetworkXNoCycle:
                continue
            chain = " -> ".join([str(a) for a, _ in cycle] + [str(cycle[0][0])])
            numbers = ", ".join(str(held.edges[a, b]["line"]) for a, b in cycle)
            warnings.append(
                f"reporting lines form a loop on {day.isoformat()}: {chain} (lines {numbers}); "
                "loaded as given, check their reports_to"
            )
            break  # one warning per loop, at its first date
    return warnings


def transform_renewals(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[Located[RenewalRow]]:
    """Validate renewals: the account must be a customer account.

    A churn keeps no revenue, so a churned renewal with ``arr_after`` above 0 is rejected.
    A downgrade whose ``arr_after`` is not below ``arr_before`` (or an expansion not above
    it) is loaded as given, outcome first, with one warning counting such rows.
    """

    def check(row: RawRow, renewal: RenewalRow) -> RowError | None:
        if renewal.outcome == "churned" and (renewal.arr_after or 0.0) > 0:
            return RowError(
                row.file,
                row.line,
                "arr_after",
                f"a churned renewal keeps no revenue: arr_after must be 0 or empty, "
                f"not {renewal.arr_after:g}",
                row.values,
            )
        return _account_error(row, "account_id", renewal.account_id, directory)

    result = _transform(
        rows,
        RenewalRow,
        key=lambda r: (r.account_id, r.date),
        label="renewal (account_id, date)",
        check=check,
    )
    disagree = [located.line for located in result.records if _revenue_disagrees(located.record)]
    if disagree:
        first = ", ".join(str(line) for line in disagree[:3])
        result.warnings.append(
            f"{len(disagree)} renewal(s) whose arr_before/arr_after disagree with the outcome "
            f"(a downgrade not shrinking or an expansion not growing; lines {first}): "
            "loaded as given, the outcome counts"
        )
    return result


def transform_engagements(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[Located[EngagementRow]]:
    """Validate engagements: a customer account, known people, ``our_person_id`` one of ours.

    The key is ``(account_id, kind, date, person_id)``: the same person's invitation to the
    same meeting twice with another status is a conflicting duplicate.
    """

    def check(row: RawRow, engagement: EngagementRow) -> RowError | None:
        problem = _account_error(row, "account_id", engagement.account_id, directory)
        if problem is not None:
            return problem
        if engagement.person_id is not None and engagement.person_id not in directory.people:
            return _unknown(row, "person_id", "person", engagement.person_id, directory)
        ours = engagement.our_person_id
        if ours is not None:
            person = directory.people.get(ours)
            if person is None:
                return _unknown(row, "our_person_id", "person", ours, directory)
            org = directory.organizations.get(person.organization_id or "")
            if org is None or org.kind != "home":
                return RowError(
                    row.file,
                    row.line,
                    "our_person_id",
                    f'"{ours}" is not a person of the home organization',
                    row.values,
                )
        return None

    return _transform(
        rows,
        EngagementRow,
        key=lambda e: (e.account_id, e.kind, e.date, e.person_id),
        label="engagement (account_id, kind, date, person_id)",
        check=check,
    )


def transform_coverage(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[Located[CoverageRow]]:
    """Validate coverage spans: ``end`` not before ``start``, and an ``account_id`` (when
    given) naming a customer account. The key is ``(source, account_id)``: one span per
    source for every account, and one per account that differs from it.
    """

    def check(row: RawRow, coverage: CoverageRow) -> RowError | None:
        if coverage.end is not None and coverage.end < coverage.start:
            return RowError(
                row.file,
                row.line,
                "end",
                f"end {coverage.end.isoformat()} is before start {coverage.start.isoformat()}",
                row.values,
            )
        if coverage.account_id is not None:
            return _account_error(row, "account_id", coverage.account_id, directory)
        return None

    return _transform(
        rows,
        CoverageRow,
        key=lambda c: (c.source, c.account_id),
        label="coverage (source, account_id)",
        check=check,
    )


def transform_knows(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[Located[KnowsRow]]:
    """Validate who-knows-whom: two distinct known people."""

    def check(row: RawRow, knows: KnowsRow) -> RowError | None:
        for column, person_id in (("person_a", knows.person_a), ("person_b", knows.person_b)):
            if person_id not in directory.people:
                return _unknown(row, column, "person", person_id, directory)
        if knows.person_a == knows.person_b:
            return RowError(
                row.file, row.line, "person_b", "a person cannot know themselves", (row.values)
            )
        return None

    return _transform(
        rows,
        KnowsRow,
        key=lambda k: (k.person_a, k.person_b),
        label="pair (person_a, person_b)",
        check=check,
    )


def transform_usage(
    rows: Iterable[RawRow | RowError], *, directory: Directory
) -> Transformed[UsageRow]:
    """Validate usage measurements: each of a known account (see docs/import-format.md)."""
    out: Transformed[UsageRow] = Transformed()
    for row in rows:
        if isinstance(row, RowError):
            out.errors.append(row)
            continue
        parsed = validate_row(UsageRow, row)
        if isinstance(parsed, RowError):
            out.errors.append(parsed)
            continue
        problem = _account_error(row, "account_id", parsed.account_id, directory)
        if problem is not None:
            out.errors.append(problem)
            continue
        out.records.append(parsed)
    return out


def transform_interactions(
    rows: Iterable[RawRow | RowError],
    *,
    directory: Directory,
    ticket_rules: Sequence[TicketRule] = DEFAULT_RULES,
) -> Transformed[InteractionRecord]:
    """Validate interactions and resolve their participants and account.

    A ticket without a ``category`` gets the one ``ticket_rules`` give its subject
    (:func:`~stakegraph.ingest.ticket_rules.categorize_subject`).

    Duplicates are not removed here (they may sit in different chunks): see
    :class:`InteractionDeduplicator`. ``in_reply_to`` is not checked here either: the
    parent may be in the store or later in the file.
    """
    out: Transformed[InteractionRecord] = Transformed()
    ambiguous = 0
    for row in rows:
        if isinstance(row, RowError):
            out.errors.append(row)
            continue
        parsed = validate_row(InteractionRow, row, out.warnings)
        if isinstance(parsed, RowError):
            out.errors.append(parsed)
            continue
        record = _interaction(row, parsed, directory, ticket_rules)
        if isinstance(record, RowError):
            out.errors.append(record)
            continue
        interaction, was_ambiguous = record
        ambiguous += was_ambiguous
        out.records.append(interaction)
    out.ambiguous_accounts = ambiguous
    return out


class InteractionDeduplicator:
    """Drops repeated interactions across chunks; state is the ids seen so far.

    The identical row repeated is dropped silently; a different row reusing an id is
    rejected (the first one stays).
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[int, int]] = {}

    def __call__(
        self, records: Iterable[InteractionRecord], file: str, raws: Mapping[int, RawRow]
    ) -> tuple[list[InteractionRecord], list[RowError]]:
        unique: list[InteractionRecord] = []
        errors: list[RowError] = []
        for record in records:
            first = self._seen.get(record.id)
            if first is None:
                self._seen[record.id] = (record.fingerprint, record.line)
                unique.append(record)
            elif first[0] != record.fingerprint:
                raw = raws.get(record.line)
                errors.append(
                    RowError(
                        file,
                        record.line,
                        "id",
                        f'duplicate id "{record.id}" (first at line {first[1]}) with different '
                        "values",
                        raw.values if raw else {},
                    )
                )
        return unique, errors


# --- helpers ----------------------------------------------------------------------------------


def _interaction(
    row: RawRow,
    parsed: InteractionRow,
    directory: Directory,
    ticket_rules: Sequence[TicketRule],
) -> RowError | tuple[InteractionRecord, bool]:
    organizer = parsed.kind in _ORGANIZER_KINDS
    roles = (
        ("from", "organizer" if organizer else "from", (parsed.sender,)),
        ("to", "attendee" if organizer else "to", parsed.to),
        ("cc", "attendee" if organizer else "cc", parsed.cc),
    )
    participations: dict[str, Participation] = {}
    new_people: dict[str, NewPerson] = {}
    organizations: list[str | None] = []
    for column, role, tokens in roles:
        for token in tokens:
            try:
                resolved = directory.resolve(token)
            except UnknownParticipant:
                return RowError(
                    row.file,
                    row.line,
                    column,
                    f'"{token}" is neither a known person id nor an email address'
                    + _rejected_row(token, directory),
                    row.values,
                )
            if resolved.person_id in participations:
                continue  # the first role wins: from > to > cc
            participations[resolved.person_id] = Participation(resolved.person_id, role)
            if resolved.new_person is not None:
                new_people[resolved.person_id] = resolved.new_person
            organizations.append(directory.organization_of(resolved.person_id, resolved.new_person))
    ambiguous = False
    if parsed.account_id is not None:
        problem = _account_error(row, "account_id", parsed.account_id, directory)
        if problem is not None:
            return problem
        account_id = parsed.account_id
    else:
        resolved_account, ambiguous = resolve_account(organizations, directory)
        if resolved_account is None:
            return RowError(row.file, row.line, "account_id", NO_ACCOUNT, row.values)
        account_id = resolved_account
    return (
        InteractionRecord(
            id=parsed.id,
            kind=parsed.kind,
            at_epoch=epoch_seconds(parsed.at),
            subject=parsed.subject,
            thread_id=parsed.thread_id,
            in_reply_to=parsed.in_reply_to,
            account_id=account_id,
            participations=tuple(participations.values()),
            new_people=tuple(new_people.values()),
            line=row.line,
            fingerprint=hash(parsed),
            bulk=parsed.bulk,
            category=(
                parsed.category or categorize_subject(parsed.subject, ticket_rules)
                if parsed.kind == "ticket"
                else parsed.category
            ),
            severity=parsed.severity,
            status=parsed.status,
            copy_key=parsed.copy_key,
        ),
        ambiguous,
    )


def _transform(
    rows: Iterable[RawRow | RowError],
    model: type[R],
    *,
    key: Callable[[R], Hashable],
    label: str,
    check: Callable[[RawRow, R], RowError | None],
) -> Transformed[Located[R]]:
    out: Transformed[Located[R]] = Transformed()
    first: dict[Hashable, tuple[R, int]] = {}
    for row in rows:
        if isinstance(row, RowError):
            out.errors.append(row)
            continue
        parsed = validate_row(model, row, out.warnings)
        if isinstance(parsed, RowError):
            out.errors.append(parsed)
            continue
        problem = check(row, parsed)
        if problem is not None:
            out.errors.append(problem)
            continue
        identity = key(parsed)
        seen = first.get(identity)
        if seen is not None:
            if seen[0] != parsed:
                out.errors.append(
                    RowError(
                        row.file,
                        row.line,
                        "",
                        f"duplicate {label} {_show_key(identity)} (first at line {seen[1]}) "
                        "with different values",
                        row.values,
                    )
                )
            continue
        first[identity] = (parsed, row.line)
        out.records.append(Located(row.line, parsed))
    return out


def _revenue_disagrees(renewal: RenewalRow) -> bool:
    before, after = renewal.arr_before, renewal.arr_after
    if before is None or after is None:
        return False
    if renewal.outcome == "downgraded":
        return after >= before
    if renewal.outcome == "expanded":
        return after <= before
    return False


def _account_error(
    row: RawRow, column: str, account_id: str, directory: Directory
) -> RowError | None:
    org = directory.organizations.get(account_id)
    if org is None:
        return _unknown(row, column, "account", account_id, directory)
    if org.kind != "account":
        return RowError(
            row.file,
            row.line,
            column,
            f'"{account_id}" is the home organization, not a customer account',
            row.values,
        )
    return None


def _unknown(row: RawRow, column: str, what: str, value: str, directory: Directory) -> RowError:
    reason = f'unknown {what} "{value}"{_rejected_row(value, directory)}'
    return RowError(row.file, row.line, column, reason, row.values)


def _rejected_row(value: str, directory: Directory) -> str:
    """Where the row of ``value`` was rejected, when it was: the cause of the reject that
    names it, which otherwise reads as if the id were misspelt."""
    where = directory.rejected.get(value)
    return f" (its own row, {where}, was rejected)" if where else ""


def _show_key(identity: Hashable) -> str:
    if isinstance(identity, tuple):
        return (
            "(" + ", ".join(f'"{part}"' if part is not None else "none" for part in identity) + ")"
        )
    return f'"{identity}"'
