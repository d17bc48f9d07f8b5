"""What the import files hold: raw rows, row models (validation) and typed records.

The pydantic models are the contract of ``docs/import-format.md``: one per file, frozen,
unknown columns ignored. Every validator raises a :class:`PydanticCustomError` whose
message is the reason a person reads in the rejects file, so it names the offending value
(``"2024-13-01" is not an ISO 8601 timestamp``) rather than a type.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from stakegraph.display import CONTROL, display_text
from stakegraph.vocabulary import (
    BUYING_ROLES,
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    FEATURE_TIERS,
    FUNCTIONS,
    INTERACTION_KINDS,
    LEVELS,
    ORGANIZATION_KINDS,
    OUTCOMES,
    TICKET_CATEGORIES,
    TICKET_SEVERITIES,
    TICKET_STATUSES,
)

_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


#: The longest address a mail server accepts (RFC 5321's path limit).
MAX_ADDRESS_LENGTH: Final = 254
#: The longest id or reference. A Message-ID cannot be folded, so one line of mail (998
#: characters) holds any real one; ids are repeated in answers (a map's evidence).
MAX_ID_LENGTH: Final = 1000
#: The longest display text (a name, a title, a subject); longer text is cut to this.
MAX_DISPLAY_LENGTH: Final = 500


def is_email_address(text: str) -> bool:
    """True when ``text`` looks like ``local@domain.tld`` (no full RFC 5322 check) and is
    at most :data:`MAX_ADDRESS_LENGTH` characters long."""
    return len(text) <= MAX_ADDRESS_LENGTH and _EMAIL.match(text) is not None


# --- raw rows and errors -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read: the file it came from, its line (1 = CSV header) and its values."""

    file: str
    line: int
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one input row was rejected; ``str()`` is the message shown to people."""

    file: str
    line: int
    column: str
    reason: str
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}"
        return (
            f'{where}, column "{self.column}": {self.reason}'
            if self.column
            else (f"{where}: {self.reason}")
        )


# --- field validators ----------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


_Value = TypeVar("_Value")


def _present(value: _Value | None) -> _Value:
    """``value``, or the one error of a required field left empty."""
    if value is None:
        raise PydanticCustomError("missing", "a value is required")
    return value


def _text(value: Any) -> str | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError("not_text", "{value} is not text", {"value": _show(value)})
    return str(value)


def _display(value: Any, info: ValidationInfo) -> str | None:
    """Display text (a name, a title, a subject) on one line: control and bidirectional
    characters removed, whitespace runs (line breaks included) one space. A changed value
    is noted in the ``cleaned`` list of the validation context, when there is one."""
    text = _text(value)
    if text is None:
        return None
    shown = display_text(text)
    if shown != text and isinstance(info.context, dict):
        info.context.setdefault("cleaned", []).append(info.field_name)
    if len(shown) > MAX_DISPLAY_LENGTH:
        # Whoever writes a mail's subject or a sender's name chooses its length; it is
        # shown in every answer about the account.
        shown = shown[: MAX_DISPLAY_LENGTH - 1].rstrip() + "\u2026"
        if isinstance(info.context, dict):
            info.context.setdefault("shortened", []).append(info.field_name)
    return shown or None


def _required_display(value: Any, info: ValidationInfo) -> str:
    return _present(_display(value, info))


def _identifier(value: Any) -> str | None:
    text = _text(value)
    if text is not None and len(text) > MAX_ID_LENGTH:
        raise PydanticCustomError(
            "id_length",
            "{value} is {length} characters long: an id or an address holds at most {most}",
            {"value": _show(text), "length": f"{len(text):,}", "most": f"{MAX_ID_LENGTH:,}"},
        )
    if text is not None and (control := CONTROL.search(text)):
        raise PydanticCustomError(
            "control",
            "{value} holds the control character U+{code} at character {at}: an id or an "
            "address cannot (a corrupted export?)",
            {
                "value": _show(text.encode("unicode_escape").decode("ascii")),
                "code": f"{ord(control.group()):04X}",
                "at": control.start() + 1,
            },
        )
    return text


def _required_identifier(value: Any) -> str:
    return _present(_identifier(value))


def _entity_id(value: Any) -> str | None:
    """The id of an organization or a person (or a reference to one): it is a path
    segment of the API's and the web app's addresses (``/api/accounts/{id}``), so it
    holds no ``/`` and is not ``.`` or ``..`` (a path step); nor whitespace but the space
    (a tab or a no-break space would make two ids that look the same). The space, ``?``,
    ``#`` and ``%`` are fine: clients percent-encode a segment and the server decodes it."""
    text = _identifier(value)
    if text is None:
        return None
    if text in (".", ".."):
        raise PydanticCustomError(
            "id_dots", "{value} cannot be an id (a path step)", {"value": _show(text)}
        )
    if unsafe := _UNSAFE_IN_ID.search(text):
        character = unsafe.group()
        raise PydanticCustomError(
            "id_character",
            "{value} holds {what} at character {at}: an organization or person id cannot "
            "(it is part of the addresses of its pages); ids may not hold / or whitespace "
            "other than a space",
            {
                "value": _show(text),
                "what": f'"{character}"'
                if character.isprintable() and not character.isspace()
                else f"the space U+{ord(character):04X}",
                "at": unsafe.start() + 1,
            },
        )
    return text


def _required_entity_id(value: Any) -> str:
    return _present(_entity_id(value))


def _identifier_list(value: Any) -> tuple[str, ...]:
    return tuple(i for i in (_identifier(item) for item in _text_list(value)) if i is not None)


# What an organization or person id may not hold besides: the path separator, and
# whitespace other than the space.
_UNSAFE_IN_ID: Final = re.compile(r"[/]|[^\S ]")


def entity_id_from(text: str) -> str:
    """``text`` (an address, say) as an organization or person id: itself when it can be
    one, else with each character an id cannot hold made ``_`` and a short hash of the
    whole added, so two addresses never share an id and the same one always gets the same.

    RFC 5322 lets a mailbox's local part hold ``/``.

    >>> entity_id_from("ann@acme.example")
    'ann@acme.example'
    >>> entity_id_from("ops/eu%team@acme.example")
    'ops_eu%team@acme.example~ca15af44'
    """
    if not _UNSAFE_IN_ID.search(text) and text not in (".", ".."):
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{_UNSAFE_IN_ID.sub('_', text)}~{digest}"


def _required_text(value: Any) -> str:
    return _present(_text(value))


def _text_list(value: Any) -> tuple[str, ...]:
    value = _blank_to_none(value)
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(";")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise PydanticCustomError(
            "not_list", "{value} is not a ';'-separated list", {"value": _show(value)}
        )
    out = []
    for item in items:
        text = _text(item)
        if text is not None:
            out.append(text)
    return tuple(out)


def _timestamp(value: Any) -> datetime:
    return _parse_timestamp(_present(_blank_to_none(value)))


# What has happened is not after now. A day of slack: a clock a few hours ahead, or a
# local time written without its offset (taken as UTC), is not refused.
_CLOCK_SLACK: Final = timedelta(days=1)


def _past_timestamp(value: Any) -> datetime:
    parsed = _timestamp(value)
    _check_past(value, parsed)
    return parsed


def _past_date(value: Any) -> date:
    parsed = _date(value)
    _check_past(value, datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC))
    return parsed


def after_today(moment: datetime) -> bool:
    """Whether ``moment`` (aware) is more than the clock's slack after now: what is dated
    there cannot have happened yet (every source's rule, mail's included)."""
    return moment > datetime.now(UTC) + _CLOCK_SLACK


def _check_past(value: Any, moment: datetime) -> None:
    if after_today(moment):
        raise PydanticCustomError(
            "future",
            "{value} is after today ({today}): it cannot have happened yet (a wrong clock "
            "where it was recorded?)",
            {"value": _show(value), "today": datetime.now(UTC).date().isoformat()},
        )


# Dates outside these bounds are placeholders ("0001-01-01" for none, "9999-12-31" for
# never) or typos, not events of a customer relationship; they would also overflow the
# analytics' pandas timestamps (1677-2262).
_EARLIEST: Final = date(1900, 1, 1)
_LATEST: Final = date(2199, 12, 31)
_TIMESTAMP_FORMATS: Final = "2024-03-05T10:00:00Z, 2024-03-05 10:00:00+02:00 or 2024-03-05"


def _parse_timestamp(value: Any) -> datetime:
    try:
        if not isinstance(value, str):
            raise ValueError
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "timestamp",
            "{value} is not an ISO 8601 timestamp such as {formats}{guess}",
            {"value": _show(value), "guess": _guess(value), "formats": _TIMESTAMP_FORMATS},
        ) from None
    # A timestamp without an offset is UTC by contract (docs/import-format.md).
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    _check_range(value, parsed.date())
    return parsed


def _date(value: Any) -> date:
    return _parse_date(_present(_blank_to_none(value)))


def _optional_date(value: Any) -> date | None:
    value = _blank_to_none(value)
    return None if value is None else _parse_date(value)


def _parse_date(value: Any) -> date:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date",
            "{value} is not a date (YYYY-MM-DD){guess}",
            {"value": _show(value), "guess": _guess(value)},
        ) from None
    _check_range(value, parsed)
    return parsed


def _guess(value: Any) -> str:
    """What an unreadable date most likely is, so the reason says how to fix it."""
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", text):
        return " (day and month order is ambiguous)"
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return " (a bare number: epoch seconds or a spreadsheet serial date are not read)"
    return ""


def _check_range(value: Any, day: date) -> None:
    if not _EARLIEST <= day <= _LATEST:
        raise PydanticCustomError(
            "date_range",
            "{value} is outside {earliest} to {latest} (leave it empty when it is unknown or "
            "open-ended)",
            {"value": _show(value), "earliest": str(_EARLIEST), "latest": str(_LATEST)},
        )


def _optional_number(value: Any) -> float | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, str) and not _NUMBER.match(value)):
            raise ValueError
        number = float(value) + 0.0  # + 0.0: "-0" is 0
    except (TypeError, ValueError):
        hint = (
            " (write digits with a '.' for decimals, without thousands separators or currency)"
            if isinstance(value, str) and any(c.isdigit() for c in value)
            else ""
        )
        raise PydanticCustomError(
            "number", "{value} is not a number{hint}", {"value": _show(value), "hint": hint}
        ) from None
    if not math.isfinite(number):
        raise PydanticCustomError(
            "number", "{value} is not a finite number", {"value": _show(value)}
        )
    return number


# Plain decimal notation in ASCII (and the words float() reads as NaN or infinity, which
# are then refused as not finite): "1,234" may be a thousand or a decimal comma, and
# float() would also take "1_000" or non-ASCII digits.
_NUMBER: Final = re.compile(
    r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf|infinity)$", re.I | re.ASCII
)


def _optional_amount(value: Any) -> float | None:
    number = _optional_number(value)
    if number is not None and number < 0:
        raise PydanticCustomError(
            "amount", "{value} is not an amount >= 0", {"value": _show(value)}
        )
    return number


def _optional_count(value: Any) -> int | None:
    number = _optional_number(value)
    if number is None:
        return None
    if number < 0 or number != int(number):
        raise PydanticCustomError(
            "count", "{value} is not a whole number >= 0", {"value": _show(value)}
        )
    if number > _LARGEST_COUNT:
        raise PydanticCustomError(
            "count",
            "{value} is too large (at most {largest})",
            {"value": _show(value), "largest": str(_LARGEST_COUNT)},
        )
    return int(number)


# Integers travel as 64-bit; above 2**53 a float no longer holds every whole number.
_LARGEST_COUNT: Final = 2**53


def _flag(value: Any) -> bool:
    value = _blank_to_none(value)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):  # a JSON 0 or 1
        return value == 1
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise PydanticCustomError("flag", "{value} is not true or false", {"value": _show(value)})


_TRUE: Final = frozenset({"true", "1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no"})


def _vocabulary(name: str, words: tuple[str, ...], *, default: str | None = None) -> Any:
    def check(value: Any) -> str | None:
        value = _blank_to_none(value)
        if value is None:
            return _present(default)
        if isinstance(value, str) and value.lower() in words:
            return value.lower()
        raise PydanticCustomError(
            "vocabulary",
            "{value} is not a {name}; expected one of {words}",
            {"value": _show(value), "name": name, "words": ", ".join(words)},
        )

    return check


def _optional_vocabulary(name: str, words: tuple[str, ...]) -> Any:
    strict = _vocabulary(name, words, default="")

    def check(value: Any) -> str | None:
        return strict(value) or None

    return check


def _email_list(value: Any) -> tuple[str, ...]:
    addresses = _identifier_list(value)
    for address in addresses:
        if not is_email_address(address):
            raise PydanticCustomError(
                "email", "{value} is not an email address", {"value": _show(address)}
            )
    # Addresses are compared case-insensitively everywhere; keep one spelling.
    return tuple(dict.fromkeys(a.lower() for a in addresses))


def _domain_list(value: Any) -> tuple[str, ...]:
    domains = tuple(d.lower().lstrip("@").rstrip(".") for d in _identifier_list(value))
    for domain in domains:
        if "." not in domain or "@" in domain or " " in domain:
            raise PydanticCustomError(
                "domain", "{value} is not a domain name", {"value": _show(domain)}
            )
    return tuple(dict.fromkeys(domains))


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return '"' + text.replace('"', '\\"') + '"'


# Display text: one line, no control or bidirectional characters (docs/import-format.md).
RequiredText = Annotated[str, BeforeValidator(_required_display)]
Text = Annotated[str | None, BeforeValidator(_display)]
# Ids and references: text without control characters.
RequiredId = Annotated[str, BeforeValidator(_required_identifier)]
Id = Annotated[str | None, BeforeValidator(_identifier)]
IdList = Annotated[tuple[str, ...], BeforeValidator(_identifier_list)]
# Organization and person ids and the references to them: no / nor whitespace but the space.
RequiredEntityId = Annotated[str, BeforeValidator(_required_entity_id)]
EntityId = Annotated[str | None, BeforeValidator(_entity_id)]
TextList = Annotated[tuple[str, ...], BeforeValidator(_text_list)]
EmailList = Annotated[tuple[str, ...], BeforeValidator(_email_list)]
DomainList = Annotated[tuple[str, ...], BeforeValidator(_domain_list)]
# An interaction's time and a measurement's day: refused when after today.
PastTimestamp = Annotated[datetime, BeforeValidator(_past_timestamp)]
PastDay = Annotated[date, BeforeValidator(_past_date)]
Day = Annotated[date, BeforeValidator(_date)]
OptionalDay = Annotated[date | None, BeforeValidator(_optional_date)]
OptionalNumber = Annotated[float | None, BeforeValidator(_optional_number)]
OptionalAmount = Annotated[float | None, BeforeValidator(_optional_amount)]
OptionalCount = Annotated[int | None, BeforeValidator(_optional_count)]
Flag = Annotated[bool, BeforeValidator(_flag)]


# --- row models: one per import file -------------------------------------------------------


class ImportRow(BaseModel):
    """Base of the row models: frozen, unknown columns ignored (the reader warns once).

    The order of a model's fields is the order of the file's columns wherever the format is
    written (``*_COLUMNS`` below): the generator's output depends on it.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=False)


class OrganizationRow(ImportRow):
    id: RequiredEntityId
    name: RequiredText
    domains: DomainList = ()
    kind: Annotated[
        Literal["home", "account"],
        BeforeValidator(_vocabulary("organization kind", ORGANIZATION_KINDS, default="account")),
    ] = "account"
    segment: Text = None
    arr: OptionalNumber = None
    renewal_date: OptionalDay = None
    owner_id: EntityId = None


class PersonRow(ImportRow):
    id: RequiredEntityId
    name: Text = None
    emails: EmailList = ()
    organization_id: EntityId = None
    outreach_capacity: OptionalCount = None


class RoleRow(ImportRow):
    person_id: RequiredEntityId
    organization_id: RequiredEntityId
    title: Text = None
    level: Annotated[str | None, BeforeValidator(_optional_vocabulary("level", LEVELS))] = None
    function: Annotated[
        str | None, BeforeValidator(_optional_vocabulary("function", FUNCTIONS))
    ] = None
    start: Day
    end: OptionalDay = None
    # Their part in the buying decision (BUYING_ROLES), e.g. from a CRM's contact roles.
    buying_role: Annotated[
        str | None, BeforeValidator(_optional_vocabulary("buying_role", BUYING_ROLES))
    ] = None
    # The person id of their manager during this role (an org chart's reporting line, e.g. a
    # CRM contact's ReportsToId): dated by the role's start and end.
    reports_to: EntityId = None


class InteractionRow(ImportRow):
    id: RequiredId
    kind: Annotated[str, BeforeValidator(_vocabulary("kind", INTERACTION_KINDS))]
    at: PastTimestamp
    sender: Annotated[str, BeforeValidator(_required_identifier), Field(alias="from")]
    to: IdList = ()
    cc: IdList = ()
    subject: Text = None
    thread_id: Id = None
    in_reply_to: Id = None
    account_id: EntityId = None
    # Mailing-list and broadcast mail: kept, but analytics leave it out (docs/sources.md).
    bulk: Flag = False
    # On tickets (docs/import-format.md): an empty category is inferred from the subject.
    category: Annotated[
        str | None, BeforeValidator(_optional_vocabulary("ticket category", TICKET_CATEGORIES))
    ] = None
    severity: Annotated[
        str | None, BeforeValidator(_optional_vocabulary("ticket severity", TICKET_SEVERITIES))
    ] = None
    status: Annotated[
        str | None, BeforeValidator(_optional_vocabulary("ticket status", TICKET_STATUSES))
    ] = None
    # Shared by the copies of one item an archive filed under ids of their own (a sent copy
    # and a received one): the first loaded is kept, in this import or an earlier one.
    copy_key: Id = None


class RenewalRow(ImportRow):
    account_id: RequiredEntityId
    date: Day
    outcome: Annotated[str, BeforeValidator(_vocabulary("outcome", OUTCOMES))]
    # Annual recurring revenue before and after this renewal (for revenue retention) and
    # the reason the customer gave for leaving or shrinking (exit reason frequency).
    arr_before: OptionalAmount = None
    arr_after: OptionalAmount = None
    reason: Text = None


class EngagementRow(ImportRow):
    account_id: RequiredEntityId
    kind: Annotated[str, BeforeValidator(_vocabulary("kind", ENGAGEMENT_KINDS))]
    date: Day
    status: Annotated[str, BeforeValidator(_vocabulary("status", ENGAGEMENT_STATUSES))]
    # Who on their side was invited or came, and who on ours ran it.
    person_id: EntityId = None
    our_person_id: EntityId = None


def _usage_metric(value: Any) -> str:
    text = _required_text(value)
    if not _METRIC.match(text):
        raise PydanticCustomError(
            "metric",
            "{value} is not a usage metric (letters, digits and _ . - /, or feature:<name>)",
            {"value": _show(text)},
        )
    return text.lower()


_METRIC = re.compile(r"^(feature:)?[A-Za-z0-9_.\-/]+$")


def _usage_value(value: Any) -> float:
    number = _present(_optional_number(value))
    if number < 0:
        raise PydanticCustomError(
            "negative", "{value} is negative; usage is a count or a level", {"value": _show(value)}
        )
    return number


class UsageRow(ImportRow):
    account_id: RequiredEntityId
    date: PastDay
    metric: Annotated[str, BeforeValidator(_usage_metric)]
    value: Annotated[float, BeforeValidator(_usage_value)]
    person_id: EntityId = None
    tier: Annotated[
        str | None, BeforeValidator(_optional_vocabulary("feature tier", FEATURE_TIERS))
    ] = None


def _interaction_kinds(value: Any) -> tuple[str, ...]:
    check = _vocabulary("kind", INTERACTION_KINDS)
    return tuple(dict.fromkeys(check(kind) for kind in _text_list(value)))


# An address anywhere in a text: a source named after a mailbox.
_ADDRESS_IN_TEXT = re.compile(r"[^@\s;,:<>]+@[^@\s;,:<>]+\.[^@\s;,:<>]+")


def _source_name(value: Any) -> str:
    text = _required_text(value)
    if _ADDRESS_IN_TEXT.search(text):
        raise PydanticCustomError(
            "address",
            "{value} holds an email address; name the source (mail, calendar, crm) rather "
            "than a person: stakegraph forget could not erase it",
            {"value": _show(text)},
        )
    return text


class CoverageRow(ImportRow):
    """The span over which one source's data is complete (docs/import-format.md)."""

    source: Annotated[str, BeforeValidator(_source_name)]
    start: Day
    end: OptionalDay = None
    # Empty: every account (a row naming the account replaces it for that account).
    account_id: EntityId = None
    # The interaction kinds the source supplies; empty: every kind.
    kinds: Annotated[tuple[str, ...], BeforeValidator(_interaction_kinds)] = ()


class KnowsRow(ImportRow):
    person_a: RequiredEntityId
    person_b: RequiredEntityId
    since: OptionalDay = None
    source: Text = None


M = TypeVar("M", bound=ImportRow)


#: The row model of each import file, by entity (the stem of its file name).
ROW_MODELS: Final[dict[str, type[ImportRow]]] = {
    "organizations": OrganizationRow,
    "people": PersonRow,
    "roles": RoleRow,
    "renewals": RenewalRow,
    "knows": KnowsRow,
    "engagements": EngagementRow,
    "interactions": InteractionRow,
    "usage": UsageRow,
    "coverage": CoverageRow,
}


def columns_of(model: type[ImportRow]) -> tuple[str, ...]:
    """The column names a row model reads (aliases included), in the order of its fields."""
    return tuple(f.alias or name for name, f in model.model_fields.items())


def required_columns_of(model: type[ImportRow]) -> tuple[str, ...]:
    """The columns a row model cannot do without (no default), in the order of its fields."""
    return tuple(f.alias or name for name, f in model.model_fields.items() if f.is_required())


# The header of each import file as written by the generator and by the sources' staging
# directory: taken from the row models, so what is written and what is read cannot drift.
ORGANIZATION_COLUMNS: Final = columns_of(OrganizationRow)
PEOPLE_COLUMNS: Final = columns_of(PersonRow)
ROLE_COLUMNS: Final = columns_of(RoleRow)
INTERACTION_COLUMNS: Final = columns_of(InteractionRow)
RENEWAL_COLUMNS: Final = columns_of(RenewalRow)
KNOWS_COLUMNS: Final = columns_of(KnowsRow)
ENGAGEMENT_COLUMNS: Final = columns_of(EngagementRow)
USAGE_COLUMNS: Final = columns_of(UsageRow)
COVERAGE_COLUMNS: Final = columns_of(CoverageRow)


def validate_row(model: type[M], row: RawRow, warnings: list[str] | None = None) -> M | RowError:
    """Validate one raw row; a bad row becomes a :class:`RowError` naming its first bad column.

    Display text that had to be cleaned (control or bidirectional characters, line breaks)
    adds one warning per column to ``warnings``, naming the file, the line and the column.
    """
    context: dict[str, list[str]] = {}
    try:
        parsed = model.model_validate(row.values, context=context)
    except ValidationError as exc:
        problems = [_problem(e) for e in exc.errors(include_url=False)]
        column, reason = problems[0]
        if len(problems) > 1:
            more = "; ".join(f'column "{c}": {r}' for c, r in problems[1:])
            reason = f"{reason} (also {more})"
        return RowError(row.file, row.line, column, reason, row.values)
    if warnings is not None:
        warnings.extend(
            f'{row.file} line {row.line}, column "{column}": control or bidirectional '
            "characters or line breaks removed from the text"
            for column in dict.fromkeys(context.get("cleaned", ()))
        )
        warnings.extend(
            f'{row.file} line {row.line}, column "{column}": text longer than '
            f"{MAX_DISPLAY_LENGTH} characters cut to {MAX_DISPLAY_LENGTH}"
            for column in dict.fromkeys(context.get("shortened", ()))
        )
    return parsed


def _problem(error: Any) -> tuple[str, str]:
    column = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "missing":
        return column, "a value is required"
    return column, str(error["msg"])


# --- typed records: what the loader writes -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Participation:
    person_id: str
    role: str  # the ``as`` of PARTICIPATED: from, to, cc, organizer, attendee


@dataclass(frozen=True, slots=True)
class NewPerson:
    """A person met only as an email address; ``id`` is the lower-cased address."""

    id: str
    email: str
    organization_id: str | None


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """One validated interaction with its participants and account resolved."""

    id: str
    kind: str
    at_epoch: int
    subject: str | None
    thread_id: str | None
    in_reply_to: str | None
    account_id: str
    participations: tuple[Participation, ...]
    new_people: tuple[NewPerson, ...]
    line: int
    fingerprint: int  # equal for identical rows: a repeated row is dropped silently
    bulk: bool = False
    # Tickets: category (given, or inferred from the subject), severity and status.
    category: str | None = None
    severity: str | None = None
    status: str | None = None
    copy_key: str | None = None
