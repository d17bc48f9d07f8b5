"""Where the data ends: the default analysis date, robust to a few misdated interactions.

Real mail carries wrong clocks: a corpus of 2000-2002 holds messages dated 2020 or 2044,
a handful among hundreds of thousands. Taken at face value, the latest of them is the end
of the data, and every window of the analysis falls in the years after the data: no tie,
no signal, every account silent. So the end is the last day of the bulk of the data:

- the days on which interactions happened, sorted: the first gap of at least
  :data:`STRAY_GAP_DAYS` days after which at most :data:`STRAY_SHARE` of all interactions
  lie marks every later one as stray (the first such gap: strays may themselves be years
  apart);
- a day after today is stray whatever its count (nothing has happened yet);
- the analysis date is the midnight after the last day that is not stray.

Stray interactions stay in the store; an analysis as of an earlier date leaves them out,
and ``--as-of`` takes the analysis wherever it is asked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from stakegraph.dates import DAY, day_text

__all__ = ["STRAY_GAP_DAYS", "STRAY_SHARE", "DataEnd", "data_end"]

# A portfolio's traffic does not stop for a quarter and come back as a trickle.
STRAY_GAP_DAYS: Final = 90
# At most one interaction in a thousand is taken for a wrong clock.
STRAY_SHARE: Final = 0.001


@dataclass(frozen=True)
class DataEnd:
    """The default analysis date and the interactions it leaves out as misdated."""

    as_of: int
    stray: int = 0
    stray_first: int | None = None
    stray_last: int | None = None

    def describe(self) -> str:
        """What the analysis date left out, and how to include it."""
        if not self.stray or self.stray_first is None or self.stray_last is None:
            return "no interaction is left out"
        span = day_text(self.stray_first)
        if self.stray_last != self.stray_first:
            span += f" to {day_text(self.stray_last)}"
        return (
            f"{self.stray} interaction(s) dated {span}, after the end of the rest of the data "
            f"({day_text(self.as_of - DAY)}), are left out as misdated (--as-of DAY sets "
            "another analysis date)"
        )


def data_end(days: np.ndarray, counts: np.ndarray, *, now: int) -> DataEnd | None:
    """The midnight after the last day of the bulk of the data (module docstring).

    ``days`` are epoch days with interactions, ``counts`` how many each; ``now`` is epoch
    seconds. None when there are no interactions, or all are after today.

    Examples
    --------
    A year of daily traffic, then three messages two and twenty years on; the data ends
    on day 364 (the midnight after it is day 365):

    >>> days = np.array([*range(365), 365 + 730, 365 + 7300, 365 + 7301])
    >>> end = data_end(days, np.array([10] * 365 + [1, 1, 1]), now=10_000 * DAY)
    >>> end.as_of // DAY, end.stray, end.stray_first // DAY, end.stray_last // DAY
    (365, 3, 1095, 7666)

    A quarter's pause and a month back, a tenth of the data, is not a wrong clock:

    >>> days = np.array([*range(300), *range(400, 430)])
    >>> data_end(days, np.ones(330, int), now=10_000 * DAY).as_of // DAY
    430

    Tomorrow's interaction is stray whatever its count:

    >>> data_end(np.array([0, 1, 2]), np.array([5, 5, 50]), now=int(1.5 * DAY)).as_of // DAY
    2
    """
    order = np.argsort(days, kind="stable")
    days = np.asarray(days, dtype=np.int64)[order]
    counts = np.asarray(counts, dtype=np.int64)[order]
    keep = days <= now // DAY
    total = int(counts.sum())
    # Interactions on and after each day; the gap before each day.
    after = np.cumsum(counts[::-1])[::-1]
    gap_before = np.diff(days, prepend=days[:1])
    cut = np.flatnonzero((gap_before >= STRAY_GAP_DAYS) & (after <= STRAY_SHARE * total))
    if len(cut):
        keep[cut[0] :] = False
    if not keep.any():
        return None
    last = int(days[keep][-1])
    stray = days[~keep]
    return DataEnd(
        as_of=(last + 1) * DAY,
        stray=int(counts[~keep].sum()),
        stray_first=int(stray[0]) * DAY if len(stray) else None,
        stray_last=int(stray[-1]) * DAY if len(stray) else None,
    )
