"""Bulk mail: our newsletters and webinar invitations, sent across the portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np

from stakegraph.dates import DAY
from stakegraph.generate import vocab
from stakegraph.generate.people import NEWSLETTER_ADDRESS
from stakegraph.generate.plan import AccountPlan
from stakegraph.generate.timeline import Timeline

_OPT_IN_SHARE = 0.45
_RECIPIENTS = (50, 301)


def bulk_mail_rows(
    plans: list[AccountPlan], timeline: Timeline, rng: np.random.Generator
) -> Iterator[list[str]]:
    """Rows of marketing mail: one message from a marketing address to 50-300 contacts.

    Recipients are opted-in contacts who are still reachable at their account on the
    send day (present, not gone quiet, account not churned), addressed by email.
    ``account_id`` is empty: such mail concerns no single account; ``bulk`` is ``true``.
    """
    addresses, starts, ends = _mailing_list(plans, timeline, rng)
    for number, (day, subject) in enumerate(_schedule(timeline, rng), start=1):
        reachable = np.flatnonzero((starts <= day) & (day < ends))
        if len(reachable) == 0:
            continue
        size = min(len(reachable), int(rng.integers(*_RECIPIENTS)))
        chosen = np.sort(rng.choice(reachable, size=size, replace=False))
        at = day * DAY + 14 * 3_600 + int(rng.integers(0, 3_600))
        yield [
            f"i-bulk-{number:04d}",
            "email",
            timeline.timestamp(at),
            NEWSLETTER_ADDRESS,
            ";".join(addresses[int(i)] for i in chosen),
            "",
            subject,
            "",
            "",
            "",
            "true",
        ]


def _mailing_list(
    plans: list[AccountPlan], timeline: Timeline, rng: np.random.Generator
) -> tuple[list[str], np.ndarray, np.ndarray]:
    addresses: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for plan in plans:
        for person in plan.contacts:
            if rng.random() >= _OPT_IN_SHARE:
                continue
            spells = [s for s in person.spells if s.organization_id == plan.id]
            end = timeline.days
            for limit in (
                spells[-1].end,
                plan.cutoffs.get(person.id),
                person.dormant_from,
                plan.churn_day,
            ):
                if limit is not None:
                    end = min(end, limit)
            addresses.append(person.emails[plan.id])
            starts.append(spells[0].start)
            ends.append(end)
    return addresses, np.asarray(starts), np.asarray(ends)


def _schedule(timeline: Timeline, rng: np.random.Generator) -> list[tuple[int, str]]:
    """Monthly newsletters (first Tuesday) and a webinar invitation every two months."""
    sends: list[tuple[int, str]] = []
    day = timeline.start
    while day < timeline.end:
        if day.day <= 7 and day.weekday() == 1:
            sends.append((timeline.day_of(day), vocab.BULK_SUBJECTS[0]))
        day += timedelta(days=1)
    for webinar in range(45, timeline.days, 61):
        offset = webinar + int(rng.integers(0, 20))
        if offset < timeline.days:
            subject = vocab.BULK_SUBJECTS[1 + int(rng.integers(len(vocab.BULK_SUBJECTS) - 1))]
            sends.append((offset, subject))
    sends.sort()
    return sends
