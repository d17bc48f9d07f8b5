"""Executives at the account's standing meetings: each calendar series judged like the reviews.

Executives of a customer rarely write; they meet, on a cadence: a steering committee every
four to eight weeks, an executive sponsor call. A calendar export gives each recurring
meeting one UID (the interactions' ``thread_id`` of a meeting or call), so the series and
who came to each of its sessions are in the conversations themselves. A VP who came to
five of the last six steering committees and misses the next two while the committee goes
on with the working level is the plainest trace of a withdrawal, long before their few
emails a month fall silent improbably. Each series is scored as :mod:`.reviews` scores
the business reviews: a session is held when someone of the account is on it, and each
executive who came to at least ``min_attended`` of its sessions is judged against their
own attendance rate (beta-binomial: missing ``k`` in a row).

A session on a day the engagements record a business review of the account is that review
(the calendar's copy of it): it is left out, the reviews already count it.

:class:`ExecutiveRhythms` combines the reviews and the series of an account: when every
regular executive of every one of them missed the sessions held since their last, the
joint chance is the product of their chances (independent attendance decisions);
otherwise (someone regular came to their series' last session) it is 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from stakegraph.analytics.signals.reviews import (
    ReviewAbsence,
    ReviewAttendance,
    joint_absence,
)
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.dates import DAY
from stakegraph.vocabulary import EXECUTIVE_LEVELS

__all__ = ["ExecutiveRhythms", "series_attendance"]

_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class ExecutiveRhythms:
    """The executives' attendance of an account's business reviews and standing series.

    Attributes
    ----------
    records : list of ReviewAttendance
        The reviews' record (keyed by account id) and the series' (keyed by account id
        and series).
    held : dict
        The accounts that held a review or a standing series session: per account id,
        its keys in each record (the record's index and the key).
    min_missed : int
        Sessions of a series an executive must have missed in a row for their absence
        there to count (default 2): everyone of theirs skips a session now and then, at
        once when it is moved or held with the working level only; a rhythm is broken by
        two misses in a row, not one. Below it, the series says nothing yet (and, as a
        regular who missed nothing, keeps the joint chance at 1).
    """

    records: tuple[ReviewAttendance, ...] = ()
    held: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    min_missed: int = 2

    @classmethod
    def of(
        cls, reviews: ReviewAttendance | None, series: ReviewAttendance, *, min_missed: int = 2
    ) -> ExecutiveRhythms:
        """The reviews' record (none: empty) and the series' (:func:`series_attendance`)."""
        records = (reviews if reviews is not None else ReviewAttendance(), series)
        keys: dict[str, list[tuple[int, str]]] = {}
        for index, record in enumerate(records):
            for key in record.held:
                keys.setdefault(key.split(_SEPARATOR)[0], []).append((index, key))
        return cls(records=records, held=keys, min_missed=min_missed)

    def absences(
        self,
        account_id: str,
        at: int,
        *,
        min_attended: int,
        prior: tuple[float, float] = (0.8, 2.0),
        leaving: Iterable[str] = (),
    ) -> list[ReviewAbsence]:
        """Each regular executive's record over the account's reviews and series, merged
        per person: their attendances, sessions and sessions missed since added, the
        product of their chances (a series where they missed fewer than ``min_missed``
        since they last came counts as missed 0, chance 1)."""
        gone = list(leaving)
        merged: dict[str, list[ReviewAbsence]] = {}
        for index, key in self.held.get(account_id, []):
            for absence in self.records[index].absences(
                key, at, min_attended=min_attended, prior=prior, leaving=gone
            ):
                if index > 0 and absence.missed_since < self.min_missed:
                    absence = replace(absence, missed_since=0, p_value=1.0)
                merged.setdefault(absence.person_id, []).append(absence)
        return [
            ReviewAbsence(
                person_id=person,
                attended=sum(a.attended for a in found),
                held_while_regular=sum(a.held_while_regular for a in found),
                missed_since=sum(a.missed_since for a in found),
                last_attended_at=max(a.last_attended_at for a in found),
                p_value=math.prod(a.p_value for a in found),
            )
            for person, found in merged.items()
        ]

    def joint_p_value(
        self,
        account_id: str,
        at: int,
        *,
        min_attended: int,
        prior: tuple[float, float] = (0.8, 2.0),
        leaving: Iterable[str] = (),
    ) -> tuple[float, int]:
        """As :meth:`.ReviewAttendance.joint_p_value` over the account's reviews and
        series: 1 when a regular executive came to the last session of one of them."""
        return joint_absence(
            self.absences(account_id, at, min_attended=min_attended, prior=prior, leaving=leaving)
        )


def series_attendance(
    tables: WeeklyTables, reviews: ReviewAttendance | None = None
) -> ReviewAttendance:
    """The sessions of every standing series of every account and their executives' (VP
    or C-level of theirs on the day) attendance, keyed ``account id + "\\x1f" + series``;
    sessions within a day of a review in ``reviews`` left out."""
    interactions = tables.activity.interactions
    if "series" not in interactions or len(tables.part_row) == 0:
        return ReviewAttendance()
    series = interactions["series"].to_numpy()
    account = interactions["account"].to_numpy()
    at = interactions["at"].to_numpy().astype(np.int64)
    sessions = np.flatnonzero(series >= 0)
    sessions = sessions[~_on_review_days(tables, account[sessions], at[sessions], reviews)]
    held: dict[str, list[int]] = {}
    for row in sessions:
        held.setdefault(_key(tables, int(account[row]), int(series[row])), []).append(int(at[row]))
    levels = tables.activity.level_names
    codes = [levels.index(name) for name in EXECUTIVE_LEVELS if name in levels]
    row = tables.part_row
    is_executive = (
        ~tables.pair_home[tables.part_pair]
        & np.isin(tables.part_level, codes)
        & np.isin(row, sessions)
    )
    attended: dict[str, dict[str, list[int]]] = {}
    for part in np.flatnonzero(is_executive):
        key = _key(tables, int(account[row[part]]), int(series[row[part]]))
        person = tables.person_id(int(tables.pair_person[tables.part_pair[part]]))
        attended.setdefault(key, {}).setdefault(person, []).append(int(at[row[part]]))
    return ReviewAttendance(
        held={key: np.unique(times) for key, times in held.items()},
        attended={
            key: {person: np.unique(times) for person, times in people.items()}
            for key, people in attended.items()
        },
    )


def _key(tables: WeeklyTables, account: int, series: int) -> str:
    return f"{tables.account_id(account)}{_SEPARATOR}{series}"


def _on_review_days(
    tables: WeeklyTables,
    account: np.ndarray,
    at: np.ndarray,
    reviews: ReviewAttendance | None,
) -> np.ndarray:
    """Per session: a review of its account was held within a day of it (a review's date
    is its day's start; the session's clock time may be in any time zone)."""
    out = np.zeros(len(at), dtype=bool)
    if reviews is None or not reviews.held:
        return out
    for code in np.unique(account):
        held = reviews.held.get(tables.account_id(int(code)))
        if held is None or len(held) == 0:
            continue
        mine = np.flatnonzero(account == code)
        nearest = np.searchsorted(held, at[mine] - 2 * DAY, "left")
        found = nearest < len(held)
        near = np.zeros(len(mine), dtype=bool)
        near[found] = np.abs(held[nearest[found]] + DAY // 2 - at[mine][found]) <= 1.5 * DAY
        out[mine] = near
    return out
