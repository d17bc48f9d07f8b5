"""Executives at business reviews: each one's own attendance rhythm (engagements.csv).

A VP who came to the account's quarterly and executive business reviews and stops coming
while the reviews go on is the plainest trace an executive withdrawal leaves; their
emails and meetings are a few a month and slow to become improbable. This module scores
that absence executive by executive, for :mod:`.executive` to combine with the silence
test on their conversations.

A review is *held* on a date when someone of the account attended it. For executive
``e`` judged at time ``t``: after the first review they attended, ``n`` were held up to
their last attended one and they came to ``a`` of them; ``k`` more were held since, before
``t``, without them. Their attendance rate has a Beta prior (``prior``: its mean, and
its weight in reviews; executives who come to reviews mostly keep coming) and
the chance of missing ``k`` in a row is the beta-binomial's
``B(alpha + a, beta + n - a + k) / B(alpha + a, beta + n - a)``. Counting from the review
after the first one keeps the first attendance, which made them a regular, out of the
rate.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import betaln

from stakegraph.vocabulary import BUSINESS_REVIEW_KINDS

__all__ = ["EXECUTIVE_REVIEW_KINDS", "ReviewAbsence", "ReviewAttendance", "joint_absence"]

# Check-ins are the working level's meeting; executives are expected at the reviews.
EXECUTIVE_REVIEW_KINDS = tuple(k for k in BUSINESS_REVIEW_KINDS if k != "check_in")


@dataclass(frozen=True)
class ReviewAbsence:
    """One executive's record at the account's reviews up to a time.

    Attributes
    ----------
    person_id : str
    attended : int
        Reviews they attended (``a + 1``).
    held_while_regular : int
        Reviews held from their first attended to their last attended one (``n + 1``).
    missed_since : int
        Reviews held since their last attended one (``k``).
    last_attended_at : int
        Epoch seconds.
    p_value : float
        The beta-binomial chance of missing ``k`` in a row (module docstring).
    """

    person_id: str
    attended: int
    held_while_regular: int
    missed_since: int
    last_attended_at: int
    p_value: float


@dataclass(frozen=True)
class ReviewAttendance:
    """The account's held reviews and each executive's attended ones.

    Built from engagements marked by ``mark_executives`` (an ``executive`` column: the
    person held a VP or C-level role on the date); only ``attended`` rows count.
    """

    held: dict[str, np.ndarray] = field(default_factory=dict)
    attended: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def of(cls, engagements: pd.DataFrame | None) -> ReviewAttendance:
        """The attendance of ``engagements`` (``account_id, kind, at, status, person_id,
        executive``); empty when there is none."""
        if engagements is None or engagements.empty or "executive" not in engagements:
            return cls()
        rows = engagements[
            engagements["kind"].isin(EXECUTIVE_REVIEW_KINDS) & (engagements["status"] == "attended")
        ]
        rows = rows[rows["account_id"].notna()]
        held = {account: at for (account,), at in _distinct_times(rows, ["account_id"]).items()}
        attended: dict[str, dict[str, np.ndarray]] = {}
        executives = rows[rows["executive"].astype(bool) & rows["person_id"].notna()]
        for (account, person), at in _distinct_times(
            executives, ["account_id", "person_id"]
        ).items():
            attended.setdefault(account, {})[person] = at
        return cls(held=held, attended=attended)

    def absences(
        self,
        account_id: str,
        at: int,
        *,
        min_attended: int,
        prior: tuple[float, float] = (0.8, 2.0),
        leaving: Iterable[str] = (),
    ) -> list[ReviewAbsence]:
        """The account's regular review executives (``min_attended`` or more reviews
        before ``at``), with their absences since; those in ``leaving`` (their role at the
        account ended by ``at``) are no longer expected and left out. ``prior`` is the
        attendance rate's prior mean and weight in reviews."""
        alpha, beta = prior[0] * prior[1], (1.0 - prior[0]) * prior[1]
        held = self.held.get(account_id)
        if held is None:
            return []
        n_held = int(np.searchsorted(held, at, "left"))
        gone = set(leaving)
        out = []
        for person, times in self.attended.get(account_id, {}).items():
            n = int(np.searchsorted(times, at, "left"))
            if n < min_attended or person in gone:
                continue
            first, last = int(times[0]), int(times[n - 1])
            span = int(np.searchsorted(held, last, "right") - np.searchsorted(held, first, "left"))
            missed = n_held - int(np.searchsorted(held, last, "right"))
            came, after_first = n - 1, span - 1
            p_value = math.exp(
                betaln(alpha + came, beta + after_first - came + missed)
                - betaln(alpha + came, beta + after_first - came)
            )
            out.append(
                ReviewAbsence(
                    person_id=person,
                    attended=n,
                    held_while_regular=span,
                    missed_since=missed,
                    last_attended_at=last,
                    p_value=p_value,
                )
            )
        return out

    def joint_p_value(
        self,
        account_id: str,
        at: int,
        *,
        min_attended: int,
        prior: tuple[float, float] = (0.8, 2.0),
        leaving: Iterable[str] = (),
    ) -> tuple[float, int]:
        """The chance that every regular review executive missed what they missed, and
        the fewest reviews any of them missed; ``(1.0, 0)`` when one of them came to the
        last held review or there is no regular (nothing withdrawn by this evidence).

        Examples
        --------
        >>> import numpy as np
        >>> day = 86_400
        >>> record = ReviewAttendance(
        ...     held={"acme": np.array([0, 90, 180, 270, 360]) * day},
        ...     attended={"acme": {"vp": np.array([0, 90, 180]) * day}},
        ... )
        >>> p, missed = record.joint_p_value("acme", 400 * day, min_attended=2)
        >>> # came to 2 of 2 after the first: Beta(1.6 + 2, 0.4); missing two in a row:
        >>> # (0.4 x 1.4) / (4 x 5)
        >>> round(p, 4), missed
        (0.028, 2)
        """
        return joint_absence(
            self.absences(account_id, at, min_attended=min_attended, prior=prior, leaving=leaving)
        )


def joint_absence(absences: Sequence[ReviewAbsence]) -> tuple[float, int]:
    """The chance that every regular executive missed what they missed (the product of
    their chances: independent decisions to come) and the fewest any of them missed;
    ``(1.0, 0)`` when one of them missed nothing or there is no regular."""
    if not absences or any(a.missed_since == 0 for a in absences):
        return 1.0, 0
    return math.prod(a.p_value for a in absences), min(a.missed_since for a in absences)


def _distinct_times(rows: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], np.ndarray]:
    """Each group's distinct times (sorted), the groups of the ``keys`` columns (as
    strings) in sorted order: one sort of the rows, not a groupby iterated group by group.

    Examples
    --------
    >>> rows = pd.DataFrame({"account_id": ["b", "a", "b", "b"], "at": [5, 1, 3, 5]})
    >>> _distinct_times(rows, ["account_id"])
    {('a',): array([1]), ('b',): array([3, 5])}
    """
    if rows.empty:
        return {}
    codes, names = [], []
    for key in keys:
        code, uniques = pd.factorize(rows[key].astype(str), sort=True)
        codes.append(code.astype(np.int64))
        names.append([str(u) for u in uniques])
    at = rows["at"].to_numpy(dtype=np.int64)
    pairs = np.unique(np.column_stack([*codes, at]), axis=0)
    change = np.flatnonzero((np.diff(pairs[:, :-1], axis=0) != 0).any(axis=1)) + 1
    bounds = [0, *change.tolist(), len(pairs)]
    return {
        tuple(names[k][int(pairs[lo, k])] for k in range(len(keys))): pairs[lo:hi, -1]
        for lo, hi in itertools.pairwise(bounds)
    }
