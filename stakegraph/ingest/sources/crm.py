"""CRM exports into organizations, people, roles and interactions (Salesforce-shaped CSVs).

Seven exports are read, each recognised by its header (or named in the mapping file):
``Account`` (organizations), ``Contact`` (their people), ``User`` (ours, optional),
``Task`` / ``Event`` (interactions), ``Case`` (support cases: tickets) and ``Opportunity``
(its closed renewals: renewals with their revenue). The column of each field is in
:data:`DEFAULT_MAPPING` (documented in ``docs/sources.md``); a mapping file
(``--mapping mapping.toml``) overrides any of it::

    [contact]
    email = "Email__c"
    [account]
    arr = "ARR__c"

A file missing a required column is reported as one error naming the file and the column,
and skipped; a row with a bad value is one error naming the file, line and record id. The
other files and rows still load.

Titles become a level and a function through the keyword tables of
:mod:`stakegraph.ingest.titles` (first match wins, whole words, case-insensitive).
"""

from __future__ import annotations

import csv
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from stakegraph.ingest.read import IngestError
from stakegraph.ingest.records import entity_id_from, is_email_address
from stakegraph.ingest.sources.people import is_personal_domain, organization_domain
from stakegraph.ingest.sources.staging import (
    Extracted,
    ExtractedOrganization,
    ExtractedPerson,
    ExtractedRenewal,
    ExtractedRole,
    SourceError,
    Staging,
)
from stakegraph.ingest.ticket_rules import categorize_subject
from stakegraph.ingest.titles import classify_title
from stakegraph.vocabulary import TICKET_CATEGORIES

#: field -> CSV column, per export. ``None`` means not mapped unless the mapping file says.
DEFAULT_MAPPING: Final[dict[str, dict[str, str | None]]] = {
    "account": {
        "id": "Id",
        "name": "Name",
        "website": "Website",
        "segment": "Type",
        "arr": None,  # AnnualRevenue is the customer's own revenue, not what they pay us
        "owner": "OwnerId",
    },
    "contact": {
        "id": "Id",
        "first_name": "FirstName",
        "last_name": "LastName",
        "email": "Email",
        "title": "Title",
        "account": "AccountId",
        "department": "Department",
        "created": "CreatedDate",
        "reports_to": "ReportsToId",
    },
    "user": {
        "id": "Id",
        "first_name": "FirstName",
        "last_name": "LastName",
        "email": "Email",
        "title": "Title",
        "department": "Department",
    },
    "task": {
        "id": "Id",
        "subject": "Subject",
        "date": "ActivityDate",
        "who": "WhoId",
        "account": "AccountId",
        "what": "WhatId",
        "owner": "OwnerId",
        "type": "TaskSubtype",
        "type_fallback": "Type",
        "status": "Status",
    },
    "opportunity": {
        "id": "Id",
        "account": "AccountId",
        "amount": "Amount",
        "close_date": "CloseDate",
        "stage": "StageName",
        "type": "Type",
        "won": "IsWon",
        "closed": "IsClosed",
        "arr_before": None,  # no standard field: the previous won renewal's Amount
        "reason": None,  # no standard field (e.g. a custom Loss_Reason__c)
    },
    "case": {
        "id": "Id",
        "number": "CaseNumber",
        "subject": "Subject",
        "date": "CreatedDate",
        "contact": "ContactId",
        "account": "AccountId",
        "owner": "OwnerId",
        "type": "Type",
        "reason": "Reason",
        "priority": "Priority",
        "status": "Status",
    },
    "event": {
        "id": "Id",
        "subject": "Subject",
        "date": "StartDateTime",
        "date_fallback": "ActivityDateTime",
        "who": "WhoId",
        "account": "AccountId",
        "what": "WhatId",
        "owner": "OwnerId",
        "type": "Type",
        "type_fallback": None,
        "status": None,
    },
}
#: Fields each export must have a column for.
REQUIRED: Final = {
    "account": ("id", "name"),
    "contact": ("id", "email"),
    "user": ("id", "email"),
    "task": ("id", "date", "owner"),
    "event": ("id", "date", "owner"),
    "opportunity": ("id", "account", "close_date", "stage"),
    "case": ("id", "date", "account"),
}
#: The order exports are read in: everything an activity refers to comes first.
ENTITY_ORDER: Final = ("account", "user", "contact", "task", "event", "case", "opportunity")
#: An opportunity is a renewal when its Type contains one of these words (case-insensitive).
RENEWAL_TYPE_WORDS: Final = ("renewal",)

_ACTIVITY_KINDS: Final = {
    "call": "call",
    "email": "email",
    "listemail": "email",
    "meeting": "meeting",
    "task": "note",
    "other": "note",
}
#: A case's Priority (Salesforce's picklist and common additions) as a ticket severity.
CASE_PRIORITIES: Final = {
    "low": "low",
    "medium": "normal",
    "normal": "normal",
    "high": "high",
    "critical": "urgent",
    "urgent": "urgent",
}
#: A case's Status as a ticket status.
CASE_STATUSES: Final = {
    "new": "new",
    "working": "open",
    "open": "open",
    "in_progress": "open",
    "escalated": "open",
    "on_hold": "on_hold",
    "pending": "pending",
    "waiting_on_customer": "pending",
    "solved": "solved",
    "resolved": "solved",
    "closed": "closed",
}
#: When a role started is rarely exported; without CreatedDate the title is taken to hold
#: over the whole history (docs/sources.md).
UNKNOWN_ROLE_START: Final = date(2000, 1, 1)

_Get = Callable[[str], str]


class MappingFileError(IngestError):
    """The mapping file is not TOML, or names an export or field that does not exist."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path.name}: {message}")
        self.path = path


def read_mapping(path: Path | None) -> dict[str, dict[str, str | None]]:
    """:data:`DEFAULT_MAPPING` overridden by a TOML mapping file (``[export] field = "Col"``).

    Raises
    ------
    MappingFileError
        When the file is not TOML or names an unknown export or field.
    """
    mapping = {entity: dict(fields) for entity, fields in DEFAULT_MAPPING.items()}
    if path is None:
        return mapping
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingFileError(f"cannot be read as TOML: {exc}", path=path) from exc
    for entity, fields in data.items():
        if entity not in mapping or not isinstance(fields, dict):
            raise MappingFileError(
                f"unknown export [{entity}]; expected one of {', '.join(mapping)}", path=path
            )
        for name, column in fields.items():
            if name not in mapping[entity] and name != "file":
                raise MappingFileError(
                    f"unknown field {entity}.{name}; expected one of {', '.join(mapping[entity])}",
                    path=path,
                )
            if not isinstance(column, str):
                raise MappingFileError(f"{entity}.{name} must be a column name", path=path)
            mapping[entity][name] = column or None
    return mapping


def entity_of_header(
    header: list[str], mapping: Mapping[str, Mapping[str, str | None]] = DEFAULT_MAPPING
) -> str | None:
    """Which export a CSV header is (``account``, ``contact``, ``user``, ``task``, ``event``).

    Examples
    --------
    >>> entity_of_header(["Id", "FirstName", "LastName", "Email", "AccountId"])
    'contact'
    >>> entity_of_header(["Id", "Subject", "ActivityDate", "WhoId", "OwnerId"])
    'task'
    """
    columns = set(header)

    def has(entity: str, *fields: str) -> bool:
        return all(mapping[entity].get(f) in columns for f in fields)

    if has("event", "id", "date", "who") or (
        mapping["event"].get("date_fallback") in columns and has("event", "id", "who")
    ):
        return "event"
    if has("task", "id", "date", "who") or has("task", "id", "date", "what"):
        return "task"
    if has("opportunity", "id", "account", "close_date", "stage"):
        return "opportunity"
    if has("case", "id", "number", "date", "account"):
        return "case"
    if has("contact", "id", "email", "last_name") and has("contact", "account"):
        return "contact"
    if has("user", "id", "email", "last_name"):
        return "user"
    if has("account", "id", "name") and (has("account", "website") or has("account", "segment")):
        return "account"
    return None


@dataclass(frozen=True)
class _Renewal:
    crm_id: str
    account: str  # organization id
    day: date
    won: bool
    amount: float | None
    arr_before: float | None
    reason: str | None


@dataclass
class _CrmState:
    accounts: dict[str, str]  # CRM account id -> organization id
    people: dict[str, str]  # CRM contact/user id -> person key
    contact_accounts: dict[str, str]  # CRM contact id -> organization id
    renewals: list[_Renewal] = field(default_factory=list)
    # CRM contact id -> (its person key, its manager's CRM contact id, where it was read)
    reports_to: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)


def convert_crm(
    root: Path, staging: Staging, mapping: Mapping[str, Mapping[str, str | None]]
) -> None:
    """Stage every CRM export found in ``root`` (a directory, or one CSV file)."""
    files = _crm_files(root, mapping)
    state = _CrmState({}, {}, {})
    for entity in ENTITY_ORDER:
        for path in files.get(entity, []):
            _convert_file(entity, path, staging, mapping[entity], state)
    _stage_renewals(state.renewals, staging)
    _reporting_lines(staging, state)


def _reporting_lines(staging: Staging, state: _CrmState) -> None:
    """Contacts' ``ReportsToId`` as their roles' ``reports_to``, once every contact is known
    (a manager may come after their reports in the export)."""
    for crm_id, (key, manager_id, file, item) in state.reports_to.items():
        manager = state.people.get(manager_id)
        if manager is None:
            staging.error(
                SourceError(
                    file, item, f'ReportsToId "{manager_id}" names no contact or user in the export'
                )
            )
        elif manager_id == crm_id or manager == key:
            staging.error(SourceError(file, item, "a contact cannot report to themselves"))
        else:
            staging.set_reports_to(key, manager)


def _crm_files(
    root: Path, mapping: Mapping[str, Mapping[str, str | None]]
) -> dict[str, list[Path]]:
    paths = (
        [root]
        if root.is_file()
        else sorted(
            Path(d) / f for d, _, fs in os.walk(root) for f in fs if f.lower().endswith(".csv")
        )
    )
    files: dict[str, list[Path]] = {}
    named = {str(m["file"]): e for e, m in mapping.items() if m.get("file")}
    for path in paths:
        entity = named.get(path.name) or entity_of_header(_header(path), mapping)
        if entity is None:
            entity = _entity_of_name(path)
        if entity is not None:
            files.setdefault(entity, []).append(path)
    return files


def _entity_of_name(path: Path) -> str | None:
    stem = path.stem.lower().rstrip("s")
    return stem if stem in ENTITY_ORDER else None


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [h.strip() for h in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        line_end = reader.line_num
        for fields in reader:
            line, line_end = line_end + 1, reader.line_num
            if fields and any(f.strip() for f in fields):
                yield line, {h: v.strip() for h, v in zip(header, fields, strict=False)}


def _convert_file(
    entity: str,
    path: Path,
    staging: Staging,
    fields: Mapping[str, str | None],
    state: _CrmState,
) -> None:
    header = _header(path)
    if not header:
        staging.error(SourceError(path.name, "", "is not a readable UTF-8 CSV file with a header"))
        return
    missing = [f for f in REQUIRED[entity] if fields.get(f) not in header]
    if entity in ("task", "event") and "date" in missing and fields.get("date_fallback") in header:
        missing.remove("date")
    if missing:
        columns = ", ".join(f'"{fields.get(f) or f}" ({entity} {f})' for f in missing)
        staging.error(
            SourceError(path.name, "", f"required column {columns} is missing; file skipped")
        )
        return
    staging.digest(path.read_bytes())
    convert = {
        "account": _account,
        "contact": _contact,
        "user": _user,
        "task": _activity,
        "event": _activity,
        "case": _case,
        "opportunity": _opportunity,
    }[entity]
    try:
        for line, row in _rows(path):
            staging.read("CRM rows")

            def get(field: str, row: dict[str, str] = row) -> str:
                column = fields.get(field)
                return row.get(column, "") if column else ""

            problem = convert(entity, get, staging, state)
            if problem is None and entity == "contact" and get("reports_to"):
                state.reports_to[get("id")] = (
                    state.people[get("id")],
                    get("reports_to"),
                    path.name,
                    f"line {line} (Id {get('id')})",
                )
            if problem is not None:
                record = get("id")
                item = f"line {line}" + (f" (Id {record})" if record else "")
                staging.error(SourceError(path.name, item, problem))
    except (UnicodeDecodeError, csv.Error) as exc:
        staging.error(SourceError(path.name, "", f"cannot be read past this point: {exc}"))


def _sf_id(crm_id: str) -> str:
    """The id of an organization or person known only by their CRM id: ``sf-<Id>``, made
    an id as addresses are when the CRM's id holds a character an id cannot."""
    return entity_id_from(f"sf-{crm_id}")


def _account(entity: str, get: _Get, staging: Staging, state: _CrmState) -> str | None:
    crm_id, name = get("id"), get("name")
    if not crm_id or not name:
        return "an account needs an Id and a Name"
    domain = _website_domain(get("website"))
    org_id = domain or _sf_id(crm_id)
    arr_text = get("arr")
    arr: float | None = None
    if arr_text:
        try:
            arr = float(arr_text.replace(",", ""))
        except ValueError:
            return f'ARR "{arr_text}" is not a number'
    owner = get("owner")
    state.accounts[crm_id] = org_id
    staging.add_organization(
        ExtractedOrganization(
            id=org_id,
            name=name,
            domains=(domain,) if domain else (),
            segment=get("segment") or None,
            arr=arr,
            owner_id=state.people.get(owner) if owner else None,
        )
    )
    return None


def _contact(entity: str, get: _Get, staging: Staging, state: _CrmState) -> str | None:
    crm_id = get("id")
    if not crm_id:
        return "a contact needs an Id"
    email = get("email").lower()
    if email and not is_email_address(email):
        return f'Email "{email}" is not an email address'
    name = " ".join(p for p in (get("first_name"), get("last_name")) if p) or None
    account = get("account")
    org_id = state.accounts.get(account) if account else None
    if account and org_id is None:
        org_id = _sf_id(account)  # not in the export: named by its CRM id
    if org_id is None and email:
        domain = email.rpartition("@")[2]
        org_id = None if is_personal_domain(domain) else staging.organization_of_address(email)
    key = email or _sf_id(crm_id)
    state.people[crm_id] = key
    staging.add_person(ExtractedPerson(key, name, email or None, org_id))
    title = get("title") or None
    if title and org_id is not None:
        level, function = classify_title(title)
        staging.add_role(
            ExtractedRole(key, org_id, title, level, function, _role_start(get("created")))
        )
    return None


def _user(entity: str, get: _Get, staging: Staging, state: _CrmState) -> str | None:
    crm_id, email = get("id"), get("email").lower()
    if not crm_id or not is_email_address(email):
        return f'a user needs an Id and an email address (got "{email}")'
    name = " ".join(p for p in (get("first_name"), get("last_name")) if p) or None
    state.people[crm_id] = email
    org_id = staging.home_id if staging.is_home_address(email) else None
    staging.add_person(ExtractedPerson(email, name, email, org_id))
    title = get("title") or None
    if title and org_id is not None:
        level, function = classify_title(title)
        staging.add_role(ExtractedRole(email, org_id, title, level, function, UNKNOWN_ROLE_START))
    return None


def _activity(entity: str, get: _Get, staging: Staging, state: _CrmState) -> str | None:
    crm_id = get("id")
    if not crm_id:
        return "an activity needs an Id"
    text = get("date") or get("date_fallback")
    at = _parse_when(text)
    if at is None:
        return f'date "{text}" is not a date or timestamp'
    owner = get("owner")
    if not owner:
        return "an activity needs an OwnerId (who on our side)"
    sender = state.people.get(owner)
    if sender is None:
        sender = _sf_id(owner)
        staging.add_person(ExtractedPerson(sender, None, None, staging.home_id))
    who = get("who")
    participants = [state.people[who]] if who and who in state.people else []
    account_ref = get("account") or get("what")
    account = state.accounts.get(account_ref) if account_ref else None
    if not participants and account is None:
        return f'WhoId "{who}" names no contact of the export and no account is given'
    kind_text = (get("type") or get("type_fallback")).strip().lower().replace(" ", "")
    kind = "meeting" if entity == "event" else _ACTIVITY_KINDS.get(kind_text, "note")
    staging.add_interaction(
        Extracted(
            id=f"sf-{crm_id}",
            kind=kind,
            at=at,
            sender=sender,
            to=tuple(participants),
            subject=get("subject") or None,
            account_id=account,
        )
    )
    return None


def _case(entity: str, get: _Get, staging: Staging, state: _CrmState) -> str | None:
    """A support case as a ticket from its contact to its owner, of its account.

    Its category is its Type, else its Reason, when either is a ticket category other
    than ``other`` by name (``Feature Request`` is ``feature_request``); else the one its
    subject gives by the default rule table (the subject may not be stored). Priority and
    Status map to the ticket vocabularies (:data:`CASE_PRIORITIES`, :data:`CASE_STATUSES`).
    """
    crm_id = get("id")
    if not crm_id:
        return "a case needs an Id"
    text = get("date")
    at = _parse_when(text)
    if at is None:
        return f'date "{text}" is not a date or timestamp'
    account = state.accounts.get(get("account"))
    if account is None:
        return f'AccountId "{get("account")}" names no account of the export'
    owner = state.people.get(get("owner")) if get("owner") else None
    contact = state.people.get(get("contact")) if get("contact") else None
    sender = contact or owner
    if sender is None:
        return "a case needs a ContactId or an OwnerId the export knows"
    named = (_vocabulary_word(get("type")), _vocabulary_word(get("reason")))
    category = next((c for c in named if c in TICKET_CATEGORIES and c != "other"), None)
    subject = get("subject") or None
    staging.add_interaction(
        Extracted(
            id=f"sf-{crm_id}",
            kind="ticket",
            at=at,
            sender=sender,
            to=(owner,) if owner and owner != sender else (),
            subject=subject,
            account_id=account,
            category=category or categorize_subject(subject),
            severity=CASE_PRIORITIES.get(_vocabulary_word(get("priority"))),
            status=CASE_STATUSES.get(_vocabulary_word(get("status"))),
        )
    )
    return None


def _vocabulary_word(text: str) -> str:
    """``Feature Request`` -> ``feature_request``."""
    return "_".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _opportunity(entity: str, get: _Get, staging: Staging, state: _CrmState) -> str | None:
    """A closed renewal opportunity, kept until every export is read (see _stage_renewals)."""
    kind = get("type").lower()
    if not any(word in kind for word in RENEWAL_TYPE_WORDS):
        staging.read("opportunities that are not renewals (skipped)")
        return None
    stage = get("stage").strip().lower()
    won = _flag(get("won")) if get("won") else stage == "closed won"
    closed = _flag(get("closed")) if get("closed") else stage in ("closed won", "closed lost")
    if not closed:
        staging.read("renewal opportunities still open (skipped)")
        return None
    day = _parse_when(get("close_date"))
    if day is None:
        return f'CloseDate "{get("close_date")}" is not a date'
    amounts = {}
    for name in ("amount", "arr_before"):
        text = get(name).replace(",", "")
        try:
            amounts[name] = float(text) if text else None
        except ValueError:
            return f'{name} "{get(name)}" is not a number'
    account = get("account")
    state.renewals.append(
        _Renewal(
            crm_id=get("id"),
            account=state.accounts.get(account, _sf_id(account)),
            day=day.date(),
            won=won,
            amount=amounts["amount"],
            arr_before=amounts["arr_before"],
            reason=get("reason") or None,
        )
    )
    return None


def _stage_renewals(renewals: list[_Renewal], staging: Staging) -> None:
    """Renewals from closed renewal opportunities, per account in date order: won is renewed,
    expanded or downgraded (its Amount against the ARR before), lost is churned (ARR after 0).
    The ARR before is the mapped ``arr_before`` column, else the Amount of the account's
    previous won renewal in the export, else unknown."""
    previous: dict[str, float | None] = {}
    for renewal in sorted(renewals, key=lambda r: (r.account, r.day, r.crm_id)):
        before = renewal.arr_before
        after: float | None
        if before is None:
            before = previous.get(renewal.account)
        if not renewal.won:
            outcome, after = "churned", 0.0
        else:
            after = renewal.amount
            outcome = "renewed"
            if before is not None and after is not None and after != before:
                outcome = "expanded" if after > before else "downgraded"
            previous[renewal.account] = after
        staging.add_renewal(
            ExtractedRenewal(renewal.account, renewal.day, outcome, before, after, renewal.reason)
        )


def _flag(text: str) -> bool:
    return text.strip().lower() in ("true", "1", "yes")


def _website_domain(website: str) -> str | None:
    if not website:
        return None
    text = website.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname
    if not host or "." not in host:
        return None
    host = host.removeprefix("www.")
    return organization_domain(host)


def _parse_when(text: str) -> datetime | None:
    if not text:
        return None
    candidate = text.strip().replace(" ", "T", 1) if len(text.strip()) > 10 else text.strip()
    try:
        if len(candidate) == 10:
            day = date.fromisoformat(candidate)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(candidate.replace(".000+0000", "+00:00"))
    except ValueError:
        for pattern in ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%d/%m/%Y"):
            try:
                parsed = datetime.strptime(text.strip(), pattern)
                break
            except ValueError:
                continue
        else:
            return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _role_start(created: str) -> date:
    at = _parse_when(created)
    return at.date() if at is not None else UNKNOWN_ROLE_START
