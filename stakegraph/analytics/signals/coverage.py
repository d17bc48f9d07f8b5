"""Whether an account's data is complete on a date, from the coverage the import declares.

A coverage span says a source's data is complete from ``start`` to ``end`` (both dates
included; no ``end``: still connected), for every account or for one, and which
interaction kinds the source supplies (none named: every kind). For each source, an
account's own span replaces the source's span for every account (a mailbox disconnected
early for one account).

On a date ``t`` an account's data is

- **complete** when each kind of interaction it has had over the baseline before ``t``
  (``windows.baseline_weeks``, 26: what the detectors compare the recent weeks with)
  that some span declares is covered at ``t`` by a span of the account's;
- **incomplete** when one of those kinds is not covered (the source supplying it had
  ended, or not yet started);
- **undeclared** when no span applies to the account, or none declares a kind it has
  had over the baseline: then only its traffic can tell (:func:`.silence.account_dark`).

A source that ends for good (a calendar connector retired) leaves its accounts
incomplete only while their baseline still holds its kinds: half a year later they are
judged on the kinds they still have.

Only the conversation signals read this (:mod:`.detect`); usage, tickets and
engagements are judged on their own observations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

import numpy as np
import pandas as pd

from stakegraph.analytics.windows import KINDS
from stakegraph.dates import DAY

Span = TypeVar("Span")

COMPLETE: Final = 1
INCOMPLETE: Final = 0
UNDECLARED: Final = -1


@dataclass
class ApplyingSpans(Generic[Span]):
    """The rule of which spans apply to an account: per source, the account's own span,
    else the source's span for every account. The detectors and the API's account detail
    both read coverage through it.

    Examples
    --------
    >>> spans = ApplyingSpans.of([("mail", None, "all"), ("mail", "a-1", "a-1's")])
    >>> spans.of_account("a-1"), spans.of_account("a-2")
    ({'mail': "a-1's"}, {'mail': 'all'})
    """

    everyone: dict[str, Span] = field(default_factory=dict)
    own: dict[str, dict[str, Span]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str | None, Span]]) -> ApplyingSpans[Span]:
        """From ``(source, account_id or None for every account, span)`` rows."""
        index: ApplyingSpans[Span] = cls()
        for source, account, span in rows:
            if account is None:
                index.everyone[source] = span
            else:
                index.own.setdefault(account, {})[source] = span
        return index

    def of_account(self, account: str) -> dict[str, Span]:
        """The spans that apply to ``account``, by source."""
        return {**self.everyone, **self.own.get(account, {})}


@dataclass(frozen=True)
class _Span:
    kinds: frozenset[str]  # empty: every kind
    start: float
    end: float  # exclusive; inf while connected

    def covers(self, kind: str, at: float) -> bool:
        return (not self.kinds or kind in self.kinds) and self.start <= at < self.end


def data_completeness(
    coverage: pd.DataFrame,
    seen: pd.DataFrame,
    account_ids: np.ndarray,
    at: np.ndarray,
    *,
    baseline_s: float,
) -> np.ndarray:
    """:data:`COMPLETE`, :data:`INCOMPLETE` or :data:`UNDECLARED` for each (account, date).

    Parameters
    ----------
    coverage
        Spans (columns of :data:`stakegraph.analytics.frames.COVERAGE_COLUMNS`).
    seen
        ``account_id``, ``kind``, ``at``: the accounts' interactions (epoch seconds).
    account_ids, at
        Parallel queries.
    baseline_s : keyword-only
        How far back the kinds an account has had count (seconds).

    Examples
    --------
    Mail is complete for every account from 1 January 2024 (day 19723) and ends for
    account ``a`` on 31 March 2024 (day 19813); ``a`` has written email since day 19730
    and had meetings, which no source declares:

    >>> day = 86_400
    >>> coverage = pd.DataFrame({"source": ["mail", "mail"], "account_id": [None, "a"],
    ...     "kinds": [("email",), ("email",)], "start": [19723 * day, 19723 * day],
    ...     "end": [np.nan, 19813 * day]})
    >>> seen = pd.DataFrame({"account_id": ["a", "a", "b"], "kind": ["email", "meeting",
    ...     "meeting"], "at": [19730 * day, 19700 * day, 19700 * day]})
    >>> data_completeness(coverage, seen, np.array(["a", "a", "a", "b"]),
    ...     np.array([19800, 19813, 19814, 19900]) * day, baseline_s=182 * day).tolist()
    [1, 1, 0, -1]

    Half a year after its last email, ``a`` has had no kind that a span declares:

    >>> data_completeness(coverage, seen, np.array(["a"]), np.array([19913]) * day,
    ...     baseline_s=182 * day).tolist()
    [-1]
    """
    out = np.full(len(account_ids), UNDECLARED, dtype=np.int8)
    if len(coverage) == 0 or len(account_ids) == 0:
        return out
    spans = _spans_by_account(coverage)
    declared = _declared_kinds(coverage)
    times: dict[str, list[tuple[str, np.ndarray]]] = {}
    asked = seen[seen["account_id"].isin(set(account_ids.tolist()))]  # only theirs is read
    for (account, kind), group in asked.groupby(["account_id", "kind"], observed=True)["at"]:
        times.setdefault(str(account), []).append((str(kind), np.sort(group.to_numpy(float))))
    for i, (account, when) in enumerate(zip(account_ids, at, strict=True)):
        key = str(account)
        own = list(spans.of_account(key).values())
        judged = [
            kind
            for kind, stamps in times.get(key, [])
            if (declared is None or kind in declared)
            and np.searchsorted(stamps, when - baseline_s) < np.searchsorted(stamps, when)
        ]
        if not own or not judged:
            continue
        complete = all(any(span.covers(kind, float(when)) for span in own) for kind in judged)
        out[i] = COMPLETE if complete else INCOMPLETE
    return out


def interactions_by_kind(
    interactions: pd.DataFrame, account_ids: np.ndarray, accounts: np.ndarray
) -> pd.DataFrame:
    """``account_id, kind, at`` of an activity's conversations with the accounts coded
    ``accounts`` (integer ``account`` codes into ``account_ids``, ``kind`` codes into
    :data:`stakegraph.analytics.windows.KINDS`): only theirs are named, not the whole
    portfolio's."""
    code = interactions["account"].to_numpy(dtype=np.int64)
    theirs = np.isin(code, accounts)
    return pd.DataFrame(
        {
            "account_id": account_ids[code[theirs]],
            "kind": np.asarray(KINDS, dtype=object)[
                interactions["kind"].to_numpy(dtype=np.int64)[theirs]
            ],
            "at": interactions["at"].to_numpy()[theirs],
        }
    )


def _declared_kinds(coverage: pd.DataFrame) -> frozenset[str] | None:
    """Every kind some span names; None when a span names none (it declares them all)."""
    kinds: set[str] = set()
    for named in coverage["kinds"]:
        named = _kinds(named)
        if not named:
            return None
        kinds |= named
    return frozenset(kinds)


def _spans_by_account(coverage: pd.DataFrame) -> ApplyingSpans[_Span]:
    """The coverage rows' spans, indexed for the many lookups of a detection."""
    starts = pd.to_numeric(coverage["start"], errors="coerce").to_numpy(dtype=float)
    ends = pd.to_numeric(coverage["end"], errors="coerce").fillna(np.inf).to_numpy(dtype=float)
    accounts = coverage["account_id"].astype(object).where(coverage["account_id"].notna(), None)
    return ApplyingSpans.of(
        (str(source), None if account is None else str(account), _Span(_kinds(k), s, e + DAY))
        for source, account, k, s, e in zip(
            coverage["source"], accounts, coverage["kinds"], starts, ends, strict=True
        )
    )


def _kinds(value: object) -> frozenset[str]:
    """The kinds a span names: a list from the store, a ``;``-separated text from a file."""
    if isinstance(value, str):
        return frozenset(k for k in value.split(";") if k)
    if isinstance(value, Iterable):
        return frozenset(str(k) for k in value)
    return frozenset()  # None or NaN: none named
