"""The staging import directory: what converters extracted, in the import format.

Converters (mail, calendar, CRM) hand :class:`Staging` the interactions, organizations,
people and roles they found; interactions stream to disk as they come, people are
resolved once everything has been seen (:mod:`stakegraph.ingest.sources.people`), and
:meth:`Staging.finish` writes a complete import directory (docs/import-format.md) plus
``merges.csv`` (every identity decision) and ``errors.csv`` (every source item that could
not be converted). ``import_directory`` then loads it like any other import.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, Final

from stakegraph.ingest.identity import Directory
from stakegraph.ingest.records import (
    INTERACTION_COLUMNS,
    ORGANIZATION_COLUMNS,
    PEOPLE_COLUMNS,
    RENEWAL_COLUMNS,
    ROLE_COLUMNS,
    is_email_address,
)
from stakegraph.ingest.sources.people import (
    AliasRules,
    PeopleResolver,
    Resolution,
    is_personal_domain,
    organization_domain,
    organization_name,
)

MERGE_COLUMNS: Final = ("person_id", "address", "matched", "rule", "confidence", "decision")
ERROR_COLUMNS: Final = ("file", "item", "reason")
SKIPPED_ITEM: Final = "file skipped"  # the item of a file not read at all (errors.csv)
_WARNINGS_KEPT: Final = 50


@dataclass(frozen=True, slots=True)
class SourceError:
    """One source item (a message, an event, a CSV row) that could not be converted.

    ``str()`` is the message people read:
    ``inbox.mbox message 17 (Message-ID <x@y>): Date header "31 Feb 2024" is not a date``.
    """

    file: str
    item: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.file} {self.item}: {self.reason}"
            if self.item
            else f"{self.file}: {self.reason}"
        )


@dataclass(frozen=True, slots=True)
class Extracted:
    """One interaction found in a source, participants still as addresses (or CRM ids)."""

    id: str
    kind: str
    at: datetime
    sender: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str | None = None
    thread_id: str | None = None
    in_reply_to: str | None = None
    account_id: str | None = None
    bulk: bool = False
    # What tells copies of one item apart from other items with the same sender, time and
    # recipients when the subject is not stored (mail: its subject, hashed).
    content_key: str | None = None
    # Tickets (a CRM's cases): in the import format's vocabularies, or None.
    category: str | None = None
    severity: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractedOrganization:
    id: str
    name: str
    domains: tuple[str, ...] = ()
    segment: str | None = None
    arr: float | None = None
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractedPerson:
    """A person a source defines outright (a CRM contact): key, name, address, organization."""

    key: str  # the address when there is one, else a source id (``sf-003...``)
    name: str | None
    email: str | None
    organization_id: str | None


@dataclass(frozen=True, slots=True)
class ExtractedRole:
    person_key: str
    organization_id: str
    title: str | None
    level: str | None
    function: str | None
    start: date


@dataclass(frozen=True, slots=True)
class ExtractedRenewal:
    organization_id: str
    day: date
    outcome: str
    arr_before: float | None
    arr_after: float | None
    reason: str | None


@dataclass
class StagingSummary:
    """What a conversion produced; counted per kind of source item."""

    directory: Path
    interactions: int = 0
    duplicates: int = 0
    skipped_internal: int = 0
    bulk: int = 0
    people: int = 0
    merged_addresses: int = 0
    organizations: int = 0
    errors: list[SourceError] = field(default_factory=list)
    skipped: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    more_warnings: int = 0
    items_read: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        read = ", ".join(f"{n} {kind}" for kind, n in sorted(self.items_read.items()))
        lines = [
            f"extracted from {read or 'nothing'} into {self.directory}:",
            f"  {self.interactions} interactions ({self.bulk} flagged bulk), "
            f"{self.people} people ({self.merged_addresses} addresses merged into another "
            f"person; see merges.csv), {self.organizations} new organizations",
        ]
        if self.duplicates:
            lines.append(f"  {self.duplicates} repeated items stored once")
        if self.skipped_internal:
            lines.append(
                f"  {self.skipped_internal} interactions skipped: nobody outside our domains at "
                "a company (internal or personal mail)"
            )
        if self.skipped:
            lines.append(
                f"  {len(self.skipped)} files not read (not mail, calendar or CRM data; each "
                'with its reason in errors.csv as "file skipped")'
            )
        if self.errors:
            lines.append(f"  {len(self.errors)} source items could not be read (errors.csv):")
            lines.extend(f"    {e}" for e in self.errors[:20])
            if len(self.errors) > 20:
                lines.append(f"    ... and {len(self.errors) - 20} more")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        if self.more_warnings:
            lines.append(f"  ... and {self.more_warnings} more warnings")
        return "\n".join(lines)


def copy_key(item: Extracted) -> str:
    """What the copies of one message share when an archive filed each under an id of its
    own (a sent copy and a received one, each folder's copy numbered): the sender, time to
    the second, recipients and subject (hashed when subjects are not kept). The import
    keeps the first copy it meets, in this run or an earlier one. Empty for what is not
    mail: a calendar's events and a CRM's records keep their ids from copy to copy, and
    two CRM cases a contact opened in the same second are two cases."""
    if item.kind != "email":
        return ""
    content = (
        item.kind,
        item.sender,
        str(int(item.at.timestamp())),
        ",".join(sorted(item.to)),
        ",".join(sorted(item.cc)),
        item.content_key if item.content_key is not None else item.subject or "",
    )
    return "sha256:" + hashlib.sha256("\x1f".join(content).encode()).hexdigest()[:32]


class Staging:
    """Builds one staging import directory.

    Parameters
    ----------
    root
        ``STAKEGRAPH_HOME/imports/staging``: the directory goes to ``root/<content hash>``.
    store_directory
        Who and what the store already knows (people by address, organizations by domain),
        so that addresses keep their person and domains their organization.
    home_domains
        Our own domains: their people belong to the home organization.
    aliases
        The alias file's forced and forbidden merges.
    subjects
        Keep interaction subjects (off by default: metadata only).
    """

    def __init__(
        self,
        root: Path,
        *,
        store_directory: Directory | None = None,
        home_domains: Iterable[str] = (),
        aliases: AliasRules | None = None,
        subjects: bool = False,
    ) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.work = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.work.mkdir()
        self.directory = store_directory or Directory()
        self.home_domains = tuple(sorted({organization_domain(d) for d in home_domains}))
        self.subjects = subjects
        self.resolver = PeopleResolver(aliases=aliases, known=self.directory.by_email)
        self.summary = StagingSummary(self.work)
        self._digest = hashlib.sha256()
        self._digest.update(repr((self.home_domains, subjects, aliases)).encode())
        self._seen_ids: set[str] = set()
        self._organizations: dict[str, ExtractedOrganization] = {}
        self._people: dict[str, ExtractedPerson] = {}
        self._roles: list[ExtractedRole] = []
        self._renewals: dict[tuple[str, date], ExtractedRenewal] = {}
        self._managers: dict[str, str] = {}  # person key -> their manager's person key
        self._hints: dict[str, str] = {}  # address or source key -> organization id
        self._handle: IO[str] = (self.work / "interactions.partial.csv").open(
            "w", encoding="utf-8", newline=""
        )
        self._writer = csv.writer(self._handle)
        self._writer.writerow(INTERACTION_COLUMNS)
        self._errors_handle: IO[str] | None = None
        self._errors_writer: Any = None
        self.home_id = self._home_id()

    # --- what converters call -----------------------------------------------------------------

    def digest(self, data: bytes) -> None:
        """Feed source bytes into the content hash that names the staging directory."""
        self._digest.update(data)

    def read(self, kind: str, n: int = 1) -> None:
        """Count source items read (``messages``, ``events``, ``CRM rows``)."""
        self.summary.items_read[kind] += n

    def error(self, error: SourceError) -> None:
        """Record a source item that could not be converted (errors.csv)."""
        self._error_row(error)
        self.summary.errors.append(error)

    def skip(self, file: str, reason: str) -> None:
        """Record a file under the path that is not read, and why (errors.csv, as a
        ``file skipped`` item); it is counted on the summary, not an error."""
        skipped = SourceError(file, SKIPPED_ITEM, reason)
        self._error_row(skipped)
        self.summary.skipped.append(skipped)

    def _error_row(self, error: SourceError) -> None:
        if self._errors_writer is None:
            self._errors_handle = (self.work / "errors.csv").open("w", encoding="utf-8", newline="")
            self._errors_writer = csv.writer(self._errors_handle)
            self._errors_writer.writerow(ERROR_COLUMNS)
        self._errors_writer.writerow((error.file, error.item, error.reason))

    def warn(self, message: str) -> None:
        """A problem that loses nothing essential; the first few are kept, the rest counted."""
        if len(self.summary.warnings) < _WARNINGS_KEPT:
            self.summary.warnings.append(message)
        else:
            self.summary.more_warnings += 1

    def observe(self, address: str, display_name: str | None = None) -> None:
        self.resolver.observe(address, display_name)

    def add_organization(self, organization: ExtractedOrganization) -> None:
        self._organizations[organization.id] = organization

    def add_person(self, person: ExtractedPerson) -> None:
        self._people[person.key] = person
        if person.organization_id is not None:
            self._hints[person.key] = person.organization_id
        if person.email is not None:
            self._hints.setdefault(person.email, person.organization_id or "")
            if person.name:
                self.resolver.name(person.email, person.name)
            else:
                self.resolver.observe(person.email)

    def add_role(self, role: ExtractedRole) -> None:
        self._roles.append(role)

    def add_renewal(self, renewal: ExtractedRenewal) -> None:
        """Stage a renewal; a second one of the account on the same day replaces it."""
        self._renewals[renewal.organization_id, renewal.day] = renewal

    def set_reports_to(self, person_key: str, manager_key: str) -> None:
        """The manager (a person key) of ``person_key``'s roles: their ``reports_to``."""
        self._managers[person_key] = manager_key

    def add_interaction(
        self, item: Extracted, names: Iterable[tuple[str, str | None]] = ()
    ) -> bool:
        """Stage one interaction; ``False`` when it repeats one already staged or is internal.

        ``names`` are the ``(address, display name)`` pairs seen on it: they count for
        identity resolution only when the interaction is kept, so people met only in
        skipped mail do not become people.

        An interaction is kept only when someone on it can belong to a customer
        organization: internal mail (our domains only) and mail among personal addresses
        nobody has tied to a customer are skipped and counted.
        """
        if item.id in self._seen_ids:
            self.summary.duplicates += 1
            return False
        self._seen_ids.add(item.id)
        participants = (item.sender, *item.to, *item.cc)
        if item.account_id is None and not any(self._maybe_customer(p) for p in participants):
            self.summary.skipped_internal += 1
            return False
        self._writer.writerow(  # in the order of INTERACTION_COLUMNS
            (
                item.id,
                item.kind,
                item.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                item.sender,
                ";".join(item.to),
                ";".join(item.cc),
                (item.subject or "") if self.subjects else "",
                item.thread_id or "",
                item.in_reply_to or "",
                item.account_id or "",
                "true" if item.bulk else "false",
                item.category or "",
                item.severity or "",
                item.status or "",
                copy_key(item),
            )
        )
        self.summary.interactions += 1
        self.summary.bulk += item.bulk
        for address, name in names:
            self.resolver.observe(address, name)
        return True

    # --- finishing ------------------------------------------------------------------------------

    def finish(self, *, reuse: Callable[[Path], bool] | None = None) -> StagingSummary:
        """Resolve people, write the import files and move the directory to its hash name.

        Parameters
        ----------
        reuse
            Called with an existing staging directory of the same sources: when it says
            yes (that directory was imported into this store), it is kept as it is and the
            new one dropped. What a conversion writes depends on what the store knew, so
            re-importing the same sources through the first directory is what keeps a
            re-run from changing anything.
        """
        self._handle.close()
        if self._errors_handle is not None:
            self._errors_handle.close()
        resolution = self.resolver.resolve()
        person_of = dict(resolution.person_of)
        for key, person in self._people.items():
            if person.email is None:
                person_of[key] = key
        organizations = self._write_people(resolution, person_of)
        self._write_organizations(organizations)
        self._write_roles(person_of)
        self._write_renewals()
        self._write_merges(resolution)
        self._rewrite_interactions(person_of)
        target = self.root / self._digest.hexdigest()[:32]
        if target.exists() and reuse is not None and reuse(target):
            shutil.rmtree(self.work)
            self.summary.directory = target
            return self.summary
        if target.exists():
            shutil.rmtree(target)  # the same sources again: replace, the content is equal
        self.work.rename(target)
        self.summary.directory = target
        return self.summary

    def abandon(self) -> None:
        """Remove the half-written directory (a failed conversion)."""
        self._handle.close()
        if self._errors_handle is not None:
            self._errors_handle.close()
        shutil.rmtree(self.work, ignore_errors=True)

    # --- organizations of addresses -------------------------------------------------------------

    def _home_id(self) -> str | None:
        if not self.home_domains:
            return None
        homes = sorted(o.id for o in self.directory.organizations.values() if o.kind == "home")
        return homes[0] if homes else self.home_domains[0]

    def is_home_address(self, address: str) -> bool:
        domain = address.rpartition("@")[2].lower()
        return bool(domain) and organization_domain(domain) in self.home_domains

    def _maybe_customer(self, token: str) -> bool:
        hint = self._hints.get(token) or self._hints.get(token.lower())
        if hint:
            # A CRM organization: a customer unless it is ours (one named only by a
            # contact's AccountId is new, and a customer account).
            if hint in self.directory.organizations:
                return self.directory.is_account(hint)
            return hint != self.home_id
        if not is_email_address(token):
            return token in self.directory.people
        address = token.lower()
        known = self.directory.by_email.get(address)
        if known is not None:
            org = self.directory.organization_of(known)
            return org is not None and self.directory.is_account(org)
        if self.is_home_address(address):
            return False
        domain = address.rpartition("@")[2]
        if is_personal_domain(domain):
            return False
        owner = self.directory.domain_owner(domain)
        return owner is None or self.directory.is_account(owner)

    def organization_of_address(self, address: str) -> str | None:
        """The organization an address's domain gives (a new one named from the domain)."""
        domain = address.rpartition("@")[2].lower()
        if self.is_home_address(address):
            return self.home_id
        owner = self.directory.domain_owner(domain)
        if owner is not None:
            return owner
        if is_personal_domain(domain):
            return None
        return organization_domain(domain)

    # --- writing --------------------------------------------------------------------------------

    def _write_people(self, resolution: Resolution, person_of: Mapping[str, str]) -> set[str]:
        rows: list[dict[str, object]] = []
        used: set[str] = set()
        for person in resolution.people:
            if person.existing:
                continue  # the store has them: interactions name them by id
            organization = next(
                (self._hints[a] for a in person.emails if self._hints.get(a)), None
            ) or next((o for a in person.emails if (o := self.organization_of_address(a))), None)
            if organization is not None:
                used.add(organization)
            rows.append(
                {
                    "id": person.id,
                    "name": person.name or "",
                    "emails": ";".join(person.emails),
                    "organization_id": organization or "",
                }
            )
            self.summary.merged_addresses += len(person.emails) - 1
        for key, extracted in sorted(self._people.items()):
            if extracted.email is None and key not in self.directory.people:
                used.add(extracted.organization_id or "")
                rows.append(
                    {
                        "id": key,
                        "name": extracted.name or "",
                        "organization_id": extracted.organization_id or "",
                    }
                )
        self.summary.people = len(rows)
        _write_csv(self.work / "people.csv", PEOPLE_COLUMNS, rows)
        used.discard("")
        return used

    def _write_organizations(self, used: set[str]) -> None:
        rows: list[dict[str, object]] = []
        before = self.directory.organizations.get(self.home_id or "")
        # The home organization is written only when new or missing a domain: its row
        # would replace the name the store holds.
        if self.home_id is not None and (
            before is None or not set(self.home_domains) <= set(before.domains)
        ):
            domains = sorted({*(before.domains if before else ()), *self.home_domains})
            rows.append(
                {
                    "id": self.home_id,
                    "name": organization_name(self.home_domains[0]),
                    "domains": ";".join(domains),
                    "kind": "home",
                }
            )
        for org_id in sorted(used | self._organizations.keys()):
            if org_id == self.home_id:
                continue
            extracted = self._organizations.get(org_id)
            if extracted is not None:
                rows.append(
                    {
                        "id": extracted.id,
                        "name": extracted.name,
                        "domains": ";".join(extracted.domains),
                        "kind": "account",
                        "segment": extracted.segment or "",
                        "arr": "" if extracted.arr is None else extracted.arr,
                        "owner_id": extracted.owner_id or "",
                    }
                )
            elif org_id not in self.directory.organizations and "." in org_id:
                rows.append(
                    {
                        "id": org_id,
                        "name": organization_name(org_id),
                        "domains": org_id,
                        "kind": "account",
                    }
                )
            elif org_id not in self.directory.organizations:
                # Named only by a CRM contact's AccountId, absent from the account export.
                rows.append({"id": org_id, "name": f"CRM account {org_id}", "kind": "account"})
        self.summary.organizations = sum(
            1 for r in rows if r["id"] not in self.directory.organizations
        )
        _write_csv(self.work / "organizations.csv", ORGANIZATION_COLUMNS, rows)

    def _write_roles(self, person_of: Mapping[str, str]) -> None:
        rows = sorted(
            {
                (
                    person_of.get(r.person_key, r.person_key),
                    r.organization_id,
                    r.title or "",
                    r.level or "",
                    r.function or "",
                    r.start.isoformat(),
                    person_of.get(self._managers[r.person_key], self._managers[r.person_key])
                    if r.person_key in self._managers
                    else "",
                )
                for r in self._roles
            }
        )
        if rows:
            _write_csv(
                self.work / "roles.csv",
                ROLE_COLUMNS,
                (
                    dict(
                        zip(
                            (
                                "person_id",
                                "organization_id",
                                "title",
                                "level",
                                "function",
                                "start",
                                "reports_to",
                            ),
                            row,
                            strict=True,
                        )
                    )
                    for row in rows
                ),
            )

    def _write_renewals(self) -> None:
        if not self._renewals:
            return

        def amount(value: float | None) -> str:
            # Plain decimals: 1234567.5, never 1.23457e+06.
            return "" if value is None else format(value, "f").rstrip("0").rstrip(".")

        _write_csv(
            self.work / "renewals.csv",
            RENEWAL_COLUMNS,
            (
                {
                    "account_id": r.organization_id,
                    "date": r.day.isoformat(),
                    "outcome": r.outcome,
                    "arr_before": amount(r.arr_before),
                    "arr_after": amount(r.arr_after),
                    "reason": r.reason or "",
                }
                for _, r in sorted(self._renewals.items())
            ),
        )

    def _write_merges(self, resolution: Resolution) -> None:
        _write_csv(
            self.work / "merges.csv",
            MERGE_COLUMNS,
            (
                {
                    "person_id": d.person_id,
                    "address": d.address,
                    "matched": d.matched,
                    "rule": d.rule,
                    "confidence": f"{d.confidence:.2f}",
                    "decision": d.decision,
                }
                for d in resolution.decisions
            ),
        )

    def _rewrite_interactions(self, person_of: Mapping[str, str]) -> None:
        # Participants become person ids now that people are resolved; one streaming pass.
        def person(token: str) -> str:
            return (
                person_of.get(token.lower(), token) if "@" in token else person_of.get(token, token)
            )

        partial = self.work / "interactions.partial.csv"
        with (
            partial.open(encoding="utf-8", newline="") as source,
            (self.work / "interactions.csv").open("w", encoding="utf-8", newline="") as target,
        ):
            reader = csv.reader(source)
            writer = csv.writer(target)
            writer.writerow(next(reader))
            sender = INTERACTION_COLUMNS.index("from")
            recipients = (INTERACTION_COLUMNS.index("to"), INTERACTION_COLUMNS.index("cc"))
            for row in reader:
                row[sender] = person(row[sender])
                for column in recipients:
                    if row[column]:
                        row[column] = ";".join(
                            dict.fromkeys(person(t) for t in row[column].split(";"))
                        )
                writer.writerow(row)
        partial.unlink()


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[Mapping[str, object]]) -> None:
    # Rows name their values: a column no source fills stays empty (read as absent), and a
    # name outside the format raises instead of shifting the columns.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, restval="", extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)
