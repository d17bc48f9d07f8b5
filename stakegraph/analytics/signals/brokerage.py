"""A departing person's place in their account's conversations: the contacts they shared
conversations with over the half-year before, and Burt's effective size of that network
(how much of the relationship ran through them), read from one index of the
participations built once per run.

References: Burt, R. S. (1992), *Structural Holes*; Borgatti, S. P. (1997), "Structural
holes: unpacking Burt's redundancy measures", *Connections* 20(1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.dates import WEEK

__all__ = ["Participations", "brokerage", "effective_size", "last_sent", "shared_pairs"]


@dataclass(frozen=True)
class Participations:
    """What a departure's evidence reads, indexed once per run: the tables' participations
    ordered by account, then time (one account's conversations over a stretch of time are
    one slice, found by binary search: a mask over the portfolio's participations per
    departure cost most of the detector's time), and the role history's people and
    organizations as strings.
    """

    account: np.ndarray
    at: np.ndarray
    row: np.ndarray
    person: np.ndarray
    role_person: np.ndarray
    role_org: np.ndarray

    @classmethod
    def of(cls, tables: WeeklyTables) -> Participations:
        account = tables.pair_account[tables.part_pair]
        order = np.lexsort((tables.part_at, account))
        roles = tables.roles
        has_roles = (
            roles is not None and len(roles) > 0 and {"person_id", "org_id"} <= set(roles.columns)
        )
        return cls(
            account=account[order],
            at=tables.part_at[order],
            row=tables.part_row[order],
            person=tables.pair_person[tables.part_pair[order]],
            role_person=roles["person_id"].astype(str).to_numpy() if has_roles else np.zeros(0),
            role_org=roles["org_id"].astype(str).to_numpy() if has_roles else np.zeros(0),
        )

    def between(self, account: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Conversation rows and people of the account's participations with
        ``lo <= at <= hi``."""
        first, last = np.searchsorted(self.account, [account, account + 1])
        start = first + np.searchsorted(self.at[first:last], lo, side="left")
        end = first + np.searchsorted(self.at[first:last], hi, side="right")
        return self.row[start:end], self.person[start:end]


def brokerage(
    tables: WeeklyTables, pair: int, until: int, parts: Participations
) -> tuple[int, float]:
    """Distinct people they shared the account's conversations with over the half-year
    before ``until``, and Burt's effective size of their network there (contacts not
    otherwise connected to each other: how much of the relationship ran through them)."""
    conversation, person = parts.between(int(tables.pair_account[pair]), until - 26 * WEEK, until)
    return effective_size(conversation, person, int(tables.pair_person[pair]))


def effective_size(conversation: np.ndarray, person: np.ndarray, me: int) -> tuple[int, float]:
    """``me``'s contacts (the people who shared a conversation with them) and Burt's
    effective size of their co-participation network: Borgatti's ``n - 2 t / n`` for ``n``
    contacts with ``t`` ties among them (two people are tied when they shared any of the
    conversations), as ``networkx.effective_size`` computes it on the graph; ``(0, 0.0)``
    without contacts.

    ``conversation`` and ``person`` are parallel: one participation each.

    Examples
    --------
    Person 0 met 1 and 2 together and 3 alone; 1 and 2 also met without them. Three
    contacts, one tie among them: ``3 - 2 / 3``.

    >>> conversation = np.array([10, 10, 10, 11, 11, 12, 12])
    >>> person = np.array([0, 1, 2, 0, 3, 1, 2])
    >>> n, size = effective_size(conversation, person, 0)
    >>> n, round(size, 4)
    (3, 2.3333)
    """
    contacts = np.unique(person[np.isin(conversation, conversation[person == me])])
    contacts = contacts[contacts != me]
    if contacts.size == 0:
        return 0, 0.0
    among = np.isin(person, contacts)
    ties = shared_pairs(conversation[among], person[among])
    n = int(contacts.size)
    return n, float(n - (2 * ties) / n)


def shared_pairs(conversation: np.ndarray, person: np.ndarray) -> int:
    """Distinct pairs of different people sharing at least one conversation.

    Examples
    --------
    >>> shared_pairs(np.array([1, 1, 1, 2, 2, 3]), np.array([7, 8, 9, 7, 8, 9]))
    3
    >>> shared_pairs(np.array([1, 1, 2]), np.array([7, 7, 8]))
    0
    """
    # Each conversation's distinct people, sorted by conversation.
    both = np.unique(np.column_stack([conversation, person]).astype(np.int64), axis=0)
    conversation, person = both[:, 0], both[:, 1]
    # Every row paired with the rows after it in its conversation.
    group_end = np.searchsorted(conversation, conversation, side="right")
    later = group_end - np.arange(len(conversation)) - 1
    first = np.repeat(np.arange(len(conversation)), later)
    # The position of each pair's second row: the first's next rows, in order.
    starts = np.cumsum(later) - later
    second = first + 1 + np.arange(len(first)) - np.repeat(starts, later)
    a, b = person[first], person[second]
    pairs = np.minimum(a, b) * (int(person.max(initial=0)) + 1) + np.maximum(a, b)
    return int(np.unique(pairs).size)


def last_sent(tables: WeeklyTables, pair: int, until: int) -> int | None:
    """When the person of ``pair`` last sent anything on its account, replies included, at
    or before ``until`` (epoch seconds); None when never. Mail to someone who left goes on
    for weeks, and counts as their appearance: this says when they last wrote. The index
    of sent messages is built on the first call of a run (only departures raised ask)."""
    sent_key, sent_at = _sent_index(tables)
    key = int(tables.pair_account[pair]) * tables.activity.n_persons + int(tables.pair_person[pair])
    first, end = np.searchsorted(sent_key, [key, key + 1])
    last = first + np.searchsorted(sent_at[first:end], until, side="right")
    return int(sent_at[last - 1]) if last > first else None


def _sent_index(tables: WeeklyTables) -> tuple[np.ndarray, np.ndarray]:
    """Every message sent on an account, by ``(account * people + person, time)``."""
    found: tuple[np.ndarray, np.ndarray] | None = tables.memo.get("sent_index")
    if found is None:
        every = tables.activity.participations
        sent = every[every["sender"].to_numpy()]
        key = sent["account"].to_numpy().astype(np.int64) * tables.activity.n_persons + (
            sent["person"].to_numpy()
        )
        at = sent["at"].to_numpy().astype(np.int64)
        order = np.lexsort((at, key))
        found = (key[order], at[order])
        tables.memo["sent_index"] = found
    return found
