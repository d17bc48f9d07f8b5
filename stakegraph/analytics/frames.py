"""The tables every analytics function reads: the contract between the store and the math.

The orchestrator (:mod:`stakegraph.analytics.run`) pulls these from the graph store; tests
build them by hand or from an import directory. Every time is an integer count of seconds
since the Unix epoch, UTC (bulk reads return numbers, not temporal objects), and every
window is half-open ``[start, end)``.

Columns
-------
interactions
    ``interaction_id`` str, ``account_id`` str (the account the interaction is about),
    ``kind`` str (email, meeting, call, ticket, note), ``at`` int64 epoch seconds,
    ``thread_id`` str or None, ``reply_latency_s`` float (NaN when not a reply),
    ``participants`` int64 (distinct people on it, sender included); optional ``bulk``
    bool (mailing-list or broadcast mail flagged on import; missing means False).
participations
    ``interaction_id`` str, ``person_id`` str, ``role`` str (from, to, cc, organizer,
    attendee). One row per person per interaction.
people
    ``person_id`` str, ``name`` str, ``org_id`` str or None, ``is_home`` bool (one of ours).
roles
    ``person_id`` str, ``org_id`` str, ``title`` str, ``level`` str (ic, manager, director,
    vp, c_level), ``function`` str, ``start`` int64, ``end`` float (NaN while current).
accounts
    ``account_id`` str, ``name`` str, ``segment`` str, ``arr`` float, ``renewal_date``
    float (epoch seconds, NaN when unknown), ``owner_id`` str or None.
renewals
    ``account_id`` str, ``at`` int64, ``outcome`` str (renewed, churned, downgraded,
    expanded).
coverage (optional: empty when no coverage was imported)
    ``source`` str, ``account_id`` str or None (None: every account), ``kinds`` tuple of
    interaction kinds (empty: every kind), ``start`` int64, ``end`` float (NaN while the
    source is still connected); the span is ``[start, end + 1 day)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

INTERACTION_COLUMNS = (
    "interaction_id",
    "account_id",
    "kind",
    "at",
    "thread_id",
    "reply_latency_s",
    "participants",
)
PARTICIPATION_COLUMNS = ("interaction_id", "person_id", "role")
PEOPLE_COLUMNS = ("person_id", "name", "org_id", "is_home")
ROLE_COLUMNS = ("person_id", "org_id", "title", "level", "function", "start", "end")
ACCOUNT_COLUMNS = ("account_id", "name", "segment", "arr", "renewal_date", "owner_id")
RENEWAL_COLUMNS = ("account_id", "at", "outcome")
COVERAGE_COLUMNS = ("source", "account_id", "kinds", "start", "end")


def empty_coverage() -> pd.DataFrame:
    """A coverage frame with no spans: every account's completeness is judged by its
    traffic (:mod:`stakegraph.analytics.signals.coverage`)."""
    return pd.DataFrame(columns=list(COVERAGE_COLUMNS))


@dataclass(frozen=True)
class PortfolioFrames:
    """Everything an analytics run reads, as plain DataFrames (see the module docstring)."""

    interactions: pd.DataFrame
    participations: pd.DataFrame
    people: pd.DataFrame
    roles: pd.DataFrame
    accounts: pd.DataFrame
    renewals: pd.DataFrame
    coverage: pd.DataFrame = field(default_factory=empty_coverage)

    def __post_init__(self) -> None:
        for name, columns in (
            ("interactions", INTERACTION_COLUMNS),
            ("participations", PARTICIPATION_COLUMNS),
            ("people", PEOPLE_COLUMNS),
            ("roles", ROLE_COLUMNS),
            ("accounts", ACCOUNT_COLUMNS),
            ("renewals", RENEWAL_COLUMNS),
            ("coverage", COVERAGE_COLUMNS),
        ):
            missing = [c for c in columns if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"{name} frame lacks columns {missing}")


def empty_frames() -> PortfolioFrames:
    """Frames with the right columns and no rows (a store with nothing loaded)."""
    return PortfolioFrames(
        interactions=pd.DataFrame(columns=list(INTERACTION_COLUMNS)),
        participations=pd.DataFrame(columns=list(PARTICIPATION_COLUMNS)),
        people=pd.DataFrame(columns=list(PEOPLE_COLUMNS)),
        roles=pd.DataFrame(columns=list(ROLE_COLUMNS)),
        accounts=pd.DataFrame(columns=list(ACCOUNT_COLUMNS)),
        renewals=pd.DataFrame(columns=list(RENEWAL_COLUMNS)),
    )
