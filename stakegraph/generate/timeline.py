"""The generator's clock: days since the start of the history, seasonality, timestamp text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from stakegraph.dates import DAY

# Days either side of the history for which date labels are kept: local-time rows and
# role dates before the start need them.
_LABEL_MARGIN_BEFORE = 4_000
_LABEL_MARGIN_AFTER = 800

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Timeline:
    """Day-indexed calendar of a generated history.

    Day ``0`` is ``start``; the history is the half-open range ``[0, days)``.

    Parameters
    ----------
    start : date
        First day of the history (UTC midnight).
    days : int
        Number of days in the history.
    """

    start: date
    days: int
    _labels: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = self.start - timedelta(days=_LABEL_MARGIN_BEFORE)
        total = _LABEL_MARGIN_BEFORE + self.days + _LABEL_MARGIN_AFTER
        labels = tuple((first + timedelta(days=i)).isoformat() for i in range(total))
        object.__setattr__(self, "_labels", labels)

    @property
    def end(self) -> date:
        """First day after the history (exclusive end)."""
        return self.start + timedelta(days=self.days)

    def date_label(self, day: int) -> str:
        """``YYYY-MM-DD`` of a day index (may lie before the start)."""
        return self._labels[day + _LABEL_MARGIN_BEFORE]

    def day_of(self, when: date) -> int:
        """Day index of a calendar date."""
        return (when - self.start).days

    def timestamp(self, seconds: int, offset_minutes: int = 0) -> str:
        """ISO 8601 text of an instant given in seconds since the start (UTC).

        ``offset_minutes == 0`` gives a ``Z`` timestamp; otherwise the local wall time
        with its ``+HH:MM`` offset, the same instant.

        Examples
        --------
        >>> Timeline(date(2024, 1, 1), 10).timestamp(3_600 * 26 + 5)
        '2024-01-02T02:00:05Z'
        >>> Timeline(date(2024, 1, 1), 10).timestamp(3_600, 120)
        '2024-01-01T03:00:00+02:00'
        """
        local = seconds + offset_minutes * 60
        day, second = divmod(local, DAY)
        hour, rest = divmod(second, 3_600)
        minute, sec = divmod(rest, 60)
        text = f"{self._labels[day + _LABEL_MARGIN_BEFORE]}T{hour:02d}:{minute:02d}:{sec:02d}"
        if offset_minutes == 0:
            return text + "Z"
        sign = "+" if offset_minutes > 0 else "-"
        off_h, off_m = divmod(abs(offset_minutes), 60)
        return f"{text}{sign}{off_h:02d}:{off_m:02d}"

    def seasonality(self) -> FloatArray:
        """Business-activity multiplier per day: weekends, August and year-end dips.

        Returns
        -------
        numpy.ndarray
            ``days`` floats, about 1 on an ordinary weekday.
        """
        factors = np.empty(self.days)
        for i in range(self.days):
            factors[i] = _day_factor(self.start + timedelta(days=i))
        return factors


def _day_factor(day: date) -> float:
    weekday = day.weekday()
    if weekday == 5:
        factor = 0.06
    elif weekday == 6:
        factor = 0.04
    else:
        factor = 1.0
    if (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 2):
        factor *= 0.25
    elif day.month == 8:
        factor *= 0.6
    elif day.month in (10, 11):
        # Budget season: a little busier.
        factor *= 1.1
    return factor
