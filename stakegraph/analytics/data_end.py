"""Where the data starts and ends: the default analysis span, robust to a few misdated
interactions.

Real mail carries wrong clocks: a corpus of 2000-2002 holds messages dated 1980, 2020 or
2044, a handful among hundreds of thousands. Taken at face value, the latest of them is the
end of the data, and every window of the analysis falls in the years after the data: no
tie, no signal, every account silent. The earliest of them is the start of the data, and
every account has years of history before its first real week, so the gates that wait for
enough history pass at once, against empty baselines. So the span is the bulk of the data:

- the days on which interactions happened, sorted: the first gap of at least
  :data:`STRAY_GAP_DAYS` days after which at most :data:`STRAY_SHARE` of all interactions
  lie marks every later one as stray, and the last such gap before which at most that
  share lie marks every earlier one (strays may themselves be years apart);
- a day after today is stray whatever its count (nothing has happened yet);
- the analysis reads interactions from the first day that is not stray, as of the
  midnight after the last.

Stray interactions stay in the store; ``--as-of`` takes the analysis to any date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from stakegraph.dates import DAY, day_text

__all__ = ["STRAY_GAP_DAYS", "STRAY_SHARE", "DataEnd", "data_end"]

# A portfolio's traffic does not stop for a quarter and come back as a trickle.
STRAY_GAP_DAYS: Final = 90
# At most one interaction in a thousand is taken for a wrong clock, at each end.
STRAY_SHARE: Final = 0.001


@dataclass(frozen=True)
class DataEnd:
    """The default analysis span, ``[since, as_of)``, and the interactions it leaves out
    as misdated: ``stray`` after it (dated ``stray_first`` to ``stray_last``) and
    ``early`` before it (the latest dated ``early_last``)."""

    as_of: int
    since: int = 0
    stray: int = 0
    stray_first: int | None = None
    stray_last: int | None = None
    early: int = 0
    early_last: int | None = None

    def describe(self) -> str:
        """What the analysis span left out, and how to include it."""
        parts = []
        if self.early and self.early_last is not None:
            parts.append(
                f"{self.early} interaction(s) dated up to {day_text(self.early_last)}, before "
                f"the start of the rest of the data ({day_text(self.since)})"
            )
        if self.stray and self.stray_first is not None and self.stray_last is not None:
            span = day_text(self.stray_first)
            if self.stray_last != self.stray_first:
                span += f" to {day_text(self.stray_last)}"
            parts.append(
                f"{self.stray} interaction(s) dated {span}, after the end of the rest of the "
                f"data ({day_text(self.as_of - DAY)})"
            )
        if not parts:
            return "no interaction is left out"
        return (
            f"{' and '.join(parts)}, are left out as misdated (--as-of DAY sets another "
            "analysis date)"
        )


def data_end(days: np.ndarray, counts: np.ndarray, *, now: int) -> DataEnd | None:
    """The bulk of the data's span (module docstring).

    ``days`` are epoch days with interactions, ``counts`` how many each; ``now`` is epoch
    seconds. None when there are no interactions, or all are after today.

    Examples
    --------
    A message twenty years early, a year of daily traffic, then three messages two and
    twenty years on; the data runs from day 7300 to day 7664 (the midnight after it is
    day 7665):

    >>> days = np.array([0, *range(7300, 7665), 7665 + 730, 7665 + 7300, 7665 + 7301])
    >>> end = data_end(days, np.array([1] + [10] * 365 + [1, 1, 1]), now=20_000 * DAY)
    >>> end.since // DAY, end.as_of // DAY, end.stray, end.stray_first // DAY, end.early
    (7300, 7665, 3, 8395, 1)

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
    limit = STRAY_SHARE * int(counts.sum())
    # Interactions on and after each day, and before it; the gap before each day.
    after = np.cumsum(counts[::-1])[::-1]
    before = after[0] - after
    gap_before = np.diff(days, prepend=days[:1])
    wide = gap_before >= STRAY_GAP_DAYS
    late = np.flatnonzero(wide & (after <= limit))
    if len(late):
        keep[late[0] :] = False
    early_cut = np.flatnonzero(wide & (before <= limit))
    first = int(early_cut[-1]) if len(early_cut) else 0
    early = np.zeros(len(days), dtype=bool)
    early[:first] = True
    keep &= ~early
    if not keep.any():
        return None
    stray = ~keep & ~early
    return DataEnd(
        as_of=(int(days[keep][-1]) + 1) * DAY,
        since=int(days[keep][0]) * DAY if first else 0,
        stray=int(counts[stray].sum()),
        stray_first=int(days[stray][0]) * DAY if stray.any() else None,
        stray_last=int(days[stray][-1]) * DAY if stray.any() else None,
        early=int(counts[early].sum()),
        early_last=int(days[early][-1]) * DAY if early.any() else None,
    )
