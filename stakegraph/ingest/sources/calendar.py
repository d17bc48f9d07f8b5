"""Calendars into meetings: ``.ics`` files read with the ``icalendar`` package.

Each VEVENT is parsed on its own (wrapped with the file's time zones), so one broken event
is one error naming the file and the event, and the others still load. A meeting's
organizer is ``from``, its attendees are ``to``; attendees who declined
(``PARTSTAT=DECLINED``), rooms and resources are not participants; cancelled events are
skipped. A recurring event (RRULE, RDATE, EXDATE) is expanded into one meeting per
occurrence inside the imported range: ``--since``/``--until`` when given, and never past
the moment of the import (a meeting that has not happened yet is not an interaction), at
most :data:`MAX_OCCURRENCES` per series. An occurrence moved or cancelled by its own VEVENT
(RECURRENCE-ID) takes that VEVENT's place.

A calendar may hold invitations from anyone, so a series' expansion is bounded in work,
not only in what it yields: its rule is searched up to the year the imported range ends (a rule
no day can satisfy, such as the 30th of February, is searched no further than that, not
to the year 9999), a series recurs at most daily (``FREQ=HOURLY``, ``MINUTELY`` and
``SECONDLY`` are refused), has one RRULE (RFC 5545), starts on or after
:data:`EARLIEST_START` and reaches the imported range within :data:`MAX_EXAMINED`
occurrences; a series that does not is that event's error.
"""

from __future__ import annotations

import datetime as datetime_module
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import icalendar
from dateutil import rrule as rrule_module
from dateutil.rrule import rrule, rruleset, rrulestr

from stakegraph.ingest.records import is_email_address
from stakegraph.ingest.sources.mail import BULK_RECIPIENTS
from stakegraph.ingest.sources.staging import Extracted, SourceError, Staging

#: Occurrences of one recurring series taken at most (a daily stand-up over ten years is
#: still bounded).
MAX_OCCURRENCES: Final = 1000
#: Occurrences of one series looked at, before the imported range included (a daily
#: series since 1900 is about 46,000).
MAX_EXAMINED: Final = 100_000
#: The first day a series may start on (the import format's earliest date).
EARLIEST_START: Final = datetime(1900, 1, 1, tzinfo=UTC)
_SUB_DAILY: Final = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_NOT_PEOPLE: Final = frozenset({"ROOM", "RESOURCE"})


@dataclass(frozen=True)
class CalendarOptions:
    """The imported range ``[since, until)`` (``until`` defaults to now) and subjects."""

    since: datetime | None = None
    until: datetime | None = None
    subjects: bool = False


@dataclass(frozen=True)
class _Event:
    number: int
    uid: str
    component: Any  # icalendar.Event


def read_events(path: Path, staging: Staging) -> Iterator[_Event]:
    """Every VEVENT of an .ics file, each parsed alone; broken ones become source errors."""
    data = path.read_bytes()
    staging.digest(data)
    text = data.decode("utf-8", "replace")
    lines = re.split(r"\r\n|\n|\r", text)
    timezones: list[str] = []
    events: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    zone: list[str] | None = None
    number = 0
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VTIMEZONE":
            zone = [line]
        elif zone is not None:
            zone.append(line)
            if upper == "END:VTIMEZONE":
                timezones.append("\r\n".join(zone))
                zone = None
        elif upper == "BEGIN:VEVENT":
            if current is not None:
                events.append((number, current))  # unterminated: reported when parsed
            number += 1
            current = [line]
        elif current is not None:
            current.append(line)
            if upper == "END:VEVENT":
                events.append((number, current))
                current = None
    if current is not None:
        events.append((number, current))
    for number, block in events:
        label = f"event {number}"
        uid = _uid_of(block)
        if uid:
            label += f" (UID {uid})"
        if block[-1].strip().upper() != "END:VEVENT":
            staging.error(SourceError(path.name, label, "the event has no END:VEVENT"))
            continue
        wrapped = "\r\n".join(
            ["BEGIN:VCALENDAR", "VERSION:2.0", *timezones, *block, "END:VCALENDAR", ""]
        )
        try:
            calendar = icalendar.Calendar.from_ical(wrapped)
            found = list(calendar.walk("VEVENT"))
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            staging.error(SourceError(path.name, label, f"the event cannot be parsed ({exc})"))
            continue
        if len(found) != 1:
            staging.error(SourceError(path.name, label, "the event cannot be parsed"))
            continue
        yield _Event(number, uid or f"{path.name}#{number}", found[0])


def convert_calendar(path: Path, staging: Staging, options: CalendarOptions) -> None:
    """Stage the meetings of one .ics file."""
    until = min(options.until or datetime.now(UTC), datetime.now(UTC))
    events = list(read_events(path, staging))
    overridden: dict[str, set[datetime]] = {}
    for event in events:
        recurrence = event.component.get("RECURRENCE-ID")
        if recurrence is not None:
            moment = _moment(_decoded(recurrence))
            if moment is not None:
                overridden.setdefault(event.uid, set()).add(moment)
    for event in events:
        staging.read("events")
        label = f"event {event.number} (UID {event.uid})"
        try:
            _convert_event(path, event, label, staging, options, until, overridden)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            staging.error(SourceError(path.name, label, f"the event cannot be read ({exc})"))


def _convert_event(
    path: Path,
    event: _Event,
    label: str,
    staging: Staging,
    options: CalendarOptions,
    until: datetime,
    overridden: dict[str, set[datetime]],
) -> None:
    component = event.component
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return
    if "DTSTART" not in component:
        staging.error(SourceError(path.name, label, "the event has no DTSTART"))
        return
    start = _moment(component.decoded("DTSTART"))
    if start is None:
        staging.error(
            SourceError(path.name, label, f'DTSTART "{component.get("DTSTART")}" is not a date')
        )
        return
    organizer, attendees, names = _people(component)
    sender = organizer or (attendees[0] if attendees else None)
    if sender is None:
        staging.error(SourceError(path.name, label, "the event has no organizer or attendees"))
        return
    to = tuple(a for a in attendees if a != sender)
    subject = str(component.get("SUMMARY", "")) or None
    recurrence = component.get("RECURRENCE-ID")
    if recurrence is not None:
        original = _moment(_decoded(recurrence)) or start
        occurrences = [(original, start)]
    elif "RRULE" in component or "RDATE" in component:
        occurrences = [
            (o, o)
            for o in _expand(component, start, options.since, until)
            if o not in overridden.get(event.uid, set())
        ]
    else:
        occurrences = [(start, start)]
    recurring = len(occurrences) > 1 or "RRULE" in component or recurrence is not None
    for original, at in occurrences:
        if at >= until or (options.since is not None and at < options.since):
            continue
        suffix = "/" + original.strftime("%Y%m%dT%H%M%SZ") if recurring else ""
        staging.add_interaction(
            Extracted(
                id=f"ics:{event.uid}{suffix}",
                kind="meeting",
                at=at,
                sender=sender,
                to=to,
                subject=subject,
                thread_id=f"ics:{event.uid}",
                bulk=len(to) > BULK_RECIPIENTS,
            ),
            names,
        )


def _people(component: Any) -> tuple[str | None, list[str], list[tuple[str, str]]]:
    names: list[tuple[str, str]] = []
    organizer = None
    raw_organizer = component.get("ORGANIZER")
    if raw_organizer is not None:
        organizer = _address(raw_organizer)
        if organizer is not None:
            names.append((organizer, str(raw_organizer.params.get("CN", ""))))
    raw = component.get("ATTENDEE", [])
    attendees: list[str] = []
    for attendee in raw if isinstance(raw, list) else [raw]:
        params = getattr(attendee, "params", {})
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
            continue
        if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        address = _address(attendee)
        if address is not None and address not in attendees:
            attendees.append(address)
            names.append((address, str(params.get("CN", ""))))
    return organizer, attendees, names


def _address(value: Any) -> str | None:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if is_email_address(text) else None


def _expand(
    component: Any, start: datetime, since: datetime | None, until: datetime
) -> list[datetime]:
    """The series' occurrences in ``[since, until)``, at most :data:`MAX_OCCURRENCES`.

    Raises ValueError (the event's error) for a series whose expansion is not bounded:
    see the module's documentation.
    """
    rules = rruleset()
    # dateutil wants the rule's UNTIL and DTSTART both naive or both aware: work in UTC.
    anchor = start
    recurrence_rules = _as_list(component.get("RRULE"))
    if len(recurrence_rules) > 1:
        raise ValueError(f"the event has {len(recurrence_rules)} RRULEs; a series has one")
    if recurrence_rules and anchor < EARLIEST_START:
        raise ValueError(f"the series starts before {EARLIEST_START.date()}")
    for rule in recurrence_rules:
        frequency = str(rule.get("FREQ", [""])[0]).upper()
        if frequency in _SUB_DAILY:
            raise ValueError(f"FREQ={frequency}: a meeting series recurs at most daily")
        text = rule.to_ical().decode()
        # An all-day UNTIL, or one without a zone, against an aware start: read it as UTC.
        text = re.sub(r"UNTIL=(\d{8})(;|$)", r"UNTIL=\1T235959Z\2", text)
        text = re.sub(r"UNTIL=(\d{8}T\d{6})(;|$)", r"UNTIL=\1Z\2", text)
        parsed = rrulestr(text, dtstart=anchor, forceset=False, ignoretz=False)
        rules.rrule(_searched_until(parsed, until.year))
    for rdate in _as_list(component.get("RDATE")):
        for item in getattr(rdate, "dts", []):
            moment = _moment(item.dt)
            if moment is not None:
                rules.rdate(moment)
    for exdate in _as_list(component.get("EXDATE")):
        for item in getattr(exdate, "dts", []):
            moment = _moment(item.dt)
            if moment is not None:
                rules.exdate(moment)
    lower = since or anchor
    out: list[datetime] = []
    # Every occurrence from the first is produced (dateutil cannot start later), so those
    # before the range are counted too.
    for examined, moment in enumerate(rules, start=1):
        if examined > MAX_EXAMINED:
            raise ValueError(
                f"the series has more than {MAX_EXAMINED:,} occurrences before the imported "
                "range ends"
            )
        if moment >= until or len(out) >= MAX_OCCURRENCES:
            break
        if moment >= lower:
            out.append(moment)
    return out


def _searched_until(rule: rrule, last_year: int) -> rrule:
    """``rule``, its search for occurrences ending with ``last_year``.

    dateutil ends a rule's search at its UNTIL only when an occurrence passes it: days
    the rule's BY parts filter out are walked to ``datetime.MAXYEAR``, so a rule no day
    satisfies (``BYMONTH=2;BYMONTHDAY=30``) cost 3.5 s from 1971 (``FREQ=DAILY``) and
    10 s from 2024 (``FREQ=SECONDLY``), however few occurrences are taken. The same
    iteration runs here with the last year lowered, in its own namespace (nothing shared
    is changed).
    """
    clock = types.SimpleNamespace(**vars(datetime_module))
    clock.MAXYEAR = last_year
    namespace = {**vars(rrule_module), "datetime": clock}
    search = types.FunctionType(rrule._iter.__code__, namespace, "_iter")
    rule._iter = types.MethodType(search, rule)
    return rule


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _decoded(prop: Any) -> Any:
    return getattr(prop, "dt", prop)


def _moment(value: Any) -> datetime | None:
    """UTC datetime of a DATE or DATE-TIME (a date is midnight UTC; floating time is UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _uid_of(block: list[str]) -> str:
    for line in block:
        if line.upper().startswith("UID:"):
            return line[4:].strip()
    return ""
