"""Rows of the import-format files (docs/import-format.md), built from the plans.

Each row lists its values in the order of the file's columns, defined once with the row
models in :mod:`stakegraph.ingest.records`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from stakegraph.generate.org_chart import reporting_lines
from stakegraph.generate.people import (
    HOME_DOMAIN,
    HOME_NAME,
    HOME_ORGANIZATION_ID,
    HomeTeam,
    Person,
)
from stakegraph.generate.plan import AccountPlan
from stakegraph.generate.timeline import Timeline
from stakegraph.ingest.records import INTERACTION_COLUMNS, RENEWAL_COLUMNS, ROLE_COLUMNS

#: The one source a generated portfolio comes from, in coverage.csv.
GENERATED_SOURCE: Final = "generated export"

# Every column, ``bulk`` included: newsletters are flagged so that nothing downstream has to
# guess them (before the flag, 244 readers of a newsletter filed under one account showed
# on that account's stakeholder map). But ``copy_key``: a generated interaction has no copy
# under another id, and the files of a seed stay as they were.
GENERATED_INTERACTION_COLUMNS: Final = tuple(c for c in INTERACTION_COLUMNS if c != "copy_key")
# The generator writes no ``buying_role`` (optional), so the files of a seed stay as they were.
GENERATED_ROLE_COLUMNS: Final = tuple(c for c in ROLE_COLUMNS if c != "buying_role")
# Renewals carry their revenue (for retention KPIs); written whether or not the row model
# reads them yet, in this order, after the required columns.
_REVENUE_COLUMNS: Final = ("arr_before", "arr_after", "reason")
GENERATED_RENEWAL_COLUMNS: Final = (
    *(c for c in RENEWAL_COLUMNS if c not in _REVENUE_COLUMNS),
    *_REVENUE_COLUMNS,
)


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[list[str]]) -> int:
    """Write a header and rows; return the number of rows written."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def coverage_rows(timeline: Timeline, data_ends: Mapping[str, int]) -> Iterator[list[str]]:
    """coverage.csv: the whole history is complete for every account, except each account
    of ``data_ends`` (account id to the first day without its data: an export cut).

    Coverage is in UTC days and the history's days are the accounts' local days, so a span
    ends on the day after the last one: evening times west of UTC fall on it.
    """
    first = timeline.date_label(-1)  # and morning times east of UTC on the day before
    yield [GENERATED_SOURCE, first, timeline.date_label(timeline.days), "", ""]
    for account_id, day in data_ends.items():
        yield [GENERATED_SOURCE, first, timeline.date_label(day), account_id, ""]


def organization_rows(plans: list[AccountPlan], timeline: Timeline) -> Iterator[list[str]]:
    """Our company first (``kind=home``), then every account."""
    yield [HOME_ORGANIZATION_ID, HOME_NAME, HOME_DOMAIN, "home", "", "", "", ""]
    for plan in plans:
        renewal = (
            timeline.date_label(plan.churn_day)
            if plan.churn_day is not None
            else plan.next_renewal.isoformat()
        )
        yield [
            plan.id,
            plan.org.name,
            plan.org.domain,
            "account",
            plan.org.segment,
            str(int(round(plan.arr, -2))),
            renewal,
            plan.team.owner.id,
        ]


def all_people(home: HomeTeam, plans: list[AccountPlan]) -> Iterator[Person]:
    """Everyone, each once: our people, then each account's own people."""
    yield from home.people
    for plan in plans:
        yield from plan.org.people


def people_rows(people: Iterable[Person]) -> Iterator[list[str]]:
    """One row per person; addresses of every employer, oldest first."""
    for person in people:
        capacity = "" if person.outreach_capacity is None else str(person.outreach_capacity)
        yield [
            person.id,
            person.name,
            ";".join(person.emails.values()),
            person.organization_id,
            capacity,
        ]


def role_rows(people: Iterable[Person], timeline: Timeline) -> Iterator[list[str]]:
    """One row per dated role; ``end`` empty while the role is current; ``reports_to`` the
    manager of the role in its organization's org chart (:mod:`.org_chart`)."""
    people = list(people)
    managers = reporting_lines(people)
    for person in people:
        for index, spell in enumerate(person.spells):
            end = "" if spell.end is None else timeline.date_label(spell.end)
            yield [
                person.id,
                spell.organization_id,
                spell.title,
                spell.level,
                spell.function,
                timeline.date_label(spell.start),
                end,
                managers.get((person.id, index), ""),
            ]


def renewal_rows(
    plans: list[AccountPlan], timeline: Timeline, revenue: Sequence[Sequence[Any]]
) -> Iterator[list[str]]:
    """Renewals within the history, per account in date order, with their revenue
    (``arr_before``, ``arr_after``, ``reason``: one record per renewal of each plan)."""
    for plan, of_plan in zip(plans, revenue, strict=True):
        for renewal, money in zip(plan.renewals, of_plan, strict=True):
            yield [
                plan.id,
                timeline.date_label(renewal.day),
                renewal.outcome,
                f"{money.arr_before:.0f}",
                f"{money.arr_after:.0f}",
                money.reason or "",
            ]


def knows_rows(
    plans: list[AccountPlan], timeline: Timeline, rng: np.random.Generator
) -> Iterator[list[str]]:
    """Known acquaintances: owner and champion, former colleagues, executives who met."""
    for plan in plans:
        champion = plan.org.champion
        if champion is not None:
            since = timeline.date_label(-int(rng.integers(30, 700)))
            yield [plan.team.owner.id, champion.id, since, "crm"]
        if "executive" in plan.team.parts and rng.random() < 0.4:
            sponsor = plan.team.members[plan.team.parts.index("executive")]
            executives = [p for p in plan.org.people if p.spells[0].level == "c_level"]
            if executives:
                other = executives[int(rng.integers(len(executives)))]
                since = timeline.date_label(-int(rng.integers(30, 1500)))
                yield [sponsor.id, other.id, since, "conference"]
        for person, day in plan.departures:
            if person.spells[-1].organization_id == plan.id:
                continue
            colleagues = sorted(
                (p for p in plan.org.people if p is not person and p.spells[0].start < day),
                key=lambda p: -p.engagement,
            )[:2]
            for colleague in colleagues:
                met = max(person.spells[0].start, colleague.spells[0].start)
                yield [person.id, colleague.id, timeline.date_label(met), "former_colleague"]
