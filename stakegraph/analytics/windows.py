"""The window grid, window slicing, and the weighted edges of each account's stakeholder network.

Every windowed metric in :mod:`stakegraph.analytics` is written for one half-open window
``[start, end)``; a series over time is that function mapped over :func:`window_grid`.
To make the mapping cheap, :func:`prepare_activity` cleans and integer-codes the frames
once (deduplicated, bulk mail dropped, roles resolved at the time of each interaction,
sorted by time) and :meth:`Activity.between` slices the result by binary search.

Conventions shared by every metric
----------------------------------
*Conversational interaction.* An interaction counts only when it has between 2 and
``bulk_threshold`` (default 25) distinct people, sender included, and at least one of them
is on the customer side (not ``is_home``). Mail to self (one distinct person), bulk mail
and announcements (more than ``bulk_threshold`` people), and our internal chatter about
an account (no customer-side person) are dropped before any metric sees them, and so are
interactions flagged ``bulk`` on import (mailing lists, no-reply senders). With no
``is_home`` person at all (one organization's internal communication) everyone counts as
"customer side", so every interaction with 2..``bulk_threshold`` people counts.

*Duplicates.* Interactions are deduplicated on ``interaction_id`` and participations on
``(interaction_id, person_id)``; a person listed twice keeps the strongest role
(from/organizer > to > attendee > cc).

*Stakeholder edges.* Each interaction links its sender (``from`` or ``organizer``) to each
other participant: a star, for meetings too (organizer to attendees). An edge means that
one person addressed another; co-attendance is weaker evidence and would turn every
meeting into a clique that hides exactly the bottleneck centralization is there to find.
Interactions without a sender link every pair of participants. Each edge weighs
``1 / (people - 1)`` (Newman 2001's collaboration weighting), so a message to ten people
is worth one relationship unit in total, not ten. Meetings, calls and sender-less
interactions are ``mutual``: a conversation runs both ways, which matters for reciprocity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames, empty_coverage
from stakegraph.analytics.kernels import KeyedTimes, positions_in, text_codes, unique_inverse
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import BULK_THRESHOLD, FUNCTIONS, LEVELS

__all__ = [
    "DEFAULT_BULK_THRESHOLD",
    "DEFAULT_STEP",
    "DEFAULT_WINDOW",
    "KINDS",
    "Activity",
    "account_stakeholder_edges",
    "as_activity",
    "is_broadcast",
    "prepare_activity",
    "slice_window",
    "window_grid",
]

DEFAULT_WINDOW = 90 * DAY
DEFAULT_STEP = WEEK
DEFAULT_BULK_THRESHOLD = BULK_THRESHOLD  # the one threshold, shared with the API's maps
KINDS = ("email", "meeting", "call", "ticket", "note")
MUTUAL_KINDS = frozenset({"meeting", "call"})
SENDER_ROLES = frozenset({"from", "organizer"})


def window_grid(
    as_of: int,
    *,
    window: int = DEFAULT_WINDOW,
    step: int = DEFAULT_STEP,
    windows: int = 52,
) -> pd.DataFrame:
    """Trailing windows of ``window`` seconds ending every ``step`` seconds, the last at ``as_of``.

    Parameters
    ----------
    as_of : int
        End (exclusive) of the last window, epoch seconds.
    window : int, keyword-only
        Window length in seconds (default 90 days).
    step : int, keyword-only
        Seconds between consecutive window ends (default 7 days).
    windows : int, keyword-only
        Number of windows (default 52).

    Returns
    -------
    pandas.DataFrame
        Columns ``window_start`` and ``window_end`` (int64), oldest first; each window is
        half-open ``[window_start, window_end)``.

    Examples
    --------
    >>> window_grid(100, window=10, step=5, windows=3)
       window_start  window_end
    0            80          90
    1            85          95
    2            90         100
    """
    if window <= 0 or step <= 0 or windows < 1:
        raise ValueError("window and step must be positive and windows at least 1")
    ends = int(as_of) - step * np.arange(windows - 1, -1, -1, dtype=np.int64)
    return pd.DataFrame({"window_start": ends - window, "window_end": ends})


def slice_window(frames: PortfolioFrames, start: int, end: int) -> PortfolioFrames:
    """The frames restricted to interactions with ``start <= at < end``.

    Participations follow their interactions; people, roles, accounts and renewals are
    kept whole (they describe who people are, not what happened in the window).

    Examples
    --------
    >>> from stakegraph.analytics.frames import empty_frames
    >>> len(slice_window(empty_frames(), 0, 10).interactions)
    0
    """
    at = frames.interactions["at"].astype("int64")
    inside = frames.interactions[(at >= start) & (at < end)]
    parts = frames.participations
    parts = parts[parts["interaction_id"].isin(inside["interaction_id"])]
    return replace(frames, interactions=inside, participations=parts)


@dataclass(frozen=True)
class Activity:
    """Frames prepared once for windowed metrics: cleaned, integer-coded, sorted by ``at``.

    Build it with :func:`prepare_activity`; slice it with :meth:`between`. Accounts and
    people are integer codes into ``account_ids`` and ``person_ids`` (sorted, so code
    order is id order).

    Attributes
    ----------
    account_ids, person_ids : numpy.ndarray
        Code to id.
    person_home : numpy.ndarray
        ``is_home`` per person code.
    has_home : bool
        Whether any person is ours; False for one organization's internal communication.
    interactions : pandas.DataFrame
        Conversational interactions: ``interaction_id, account, kind, at, reply_latency_s,
        people, home_people, sender, sender_home, series`` (``sender`` -1 when none; ``series``
        codes a meeting's or call's ``thread_id``, a calendar series' UID, else -1).
    participations : pandas.DataFrame
        ``row`` (position in the unsliced ``interactions``), ``account, person, at, kind,
        home, sender, level, function`` (role codes at the time of the interaction, -1
        when no role was held then).
    edges : pandas.DataFrame
        ``row, account, source, target, at, kind, weight, mutual, pair`` (see module
        docstring); ``pair`` indexes the account's undirected person pairs.
    node_account, node_person : numpy.ndarray
        Every (account, person) that ever interacted, sorted; participations carry their
        ``node``. Window metrics count and aggregate over these fixed codes instead of
        sorting afresh in every window.
    pair_node_a, pair_node_b : numpy.ndarray
        The two nodes of each pair (``a`` has the smaller person code).
    level_names, function_names : tuple of str
        Code to level and function name.
    accounts, renewals : pandas.DataFrame
        The account and renewal frames, as given.
    bulk_threshold : int
        The threshold the activity was prepared with.
    coverage : pandas.DataFrame
        The coverage spans, as given (empty when none were imported).
    """

    account_ids: np.ndarray
    person_ids: np.ndarray
    person_home: np.ndarray
    has_home: bool
    interactions: pd.DataFrame
    participations: pd.DataFrame
    edges: pd.DataFrame
    node_account: np.ndarray
    node_person: np.ndarray
    pair_node_a: np.ndarray
    pair_node_b: np.ndarray
    level_names: tuple[str, ...]
    function_names: tuple[str, ...]
    accounts: pd.DataFrame
    renewals: pd.DataFrame
    bulk_threshold: int
    coverage: pd.DataFrame = field(default_factory=empty_coverage)

    def between(self, start: int, end: int) -> Activity:
        """The activity with ``start <= at < end`` (binary search: all frames are sorted)."""
        return replace(
            self,
            interactions=_time_slice(self.interactions, start, end),
            participations=_time_slice(self.participations, start, end),
            edges=_time_slice(self.edges, start, end),
        )

    @property
    def n_accounts(self) -> int:
        return len(self.account_ids)

    @property
    def n_persons(self) -> int:
        return len(self.person_ids)


def is_broadcast(
    people: int, *, flagged: bool = False, bulk_threshold: int = DEFAULT_BULK_THRESHOLD
) -> bool:
    """True for an interaction that is not a conversation: flagged ``bulk`` on import, or
    with more than ``bulk_threshold`` distinct people (sender included).

    The rule :func:`prepare_activity` applies to whole frames, for one interaction (the
    API's stakeholder maps drop these before building an account's network).

    Examples
    --------
    >>> is_broadcast(3), is_broadcast(26), is_broadcast(25), is_broadcast(2, flagged=True)
    (False, True, False, True)
    """
    return flagged or people > bulk_threshold


def as_activity(data: PortfolioFrames | Activity) -> Activity:
    """``data`` itself if already prepared, else :func:`prepare_activity` with defaults."""
    return data if isinstance(data, Activity) else prepare_activity(data)


def prepare_activity(
    frames: PortfolioFrames, *, bulk_threshold: int = DEFAULT_BULK_THRESHOLD
) -> Activity:
    """Clean, integer-code and time-sort the frames once, for many windowed metrics.

    Parameters
    ----------
    frames : PortfolioFrames
        The input tables (see :mod:`stakegraph.analytics.frames`).
    bulk_threshold : int, keyword-only
        Interactions with more distinct people than this (sender included) are bulk and
        dropped (default 25).

    Returns
    -------
    Activity

    Examples
    --------
    >>> from stakegraph.analytics.frames import empty_frames
    >>> prepare_activity(empty_frames()).interactions.shape[0]
    0
    """
    ids = frames.interactions["interaction_id"]
    raw = frames.interactions[~ids.duplicated(keep="first").to_numpy()]
    raw_account = raw["account_id"].fillna("").astype(str)
    account_ids = _sorted_ids(frames.accounts["account_id"], raw_account)
    row, person, is_sender, person_ids, person_home = _participants(frames, raw["interaction_id"])
    n_persons = len(person_ids)

    interactions, new_row = _conversations(
        raw,
        positions_in(raw_account, account_ids),
        row,
        person,
        is_sender,
        person_home,
        bulk_threshold=bulk_threshold,
    )

    in_kept = new_row[row] >= 0
    order = _new_row_order(row[in_kept], new_row, interactions["people"].to_numpy())
    prow = new_row[row[in_kept]][order]
    pperson = person[in_kept][order]
    pat = interactions["at"].to_numpy()[prow]
    level, function, level_names, function_names = _roles_at(frames.roles, person_ids, pperson, pat)
    participations = pd.DataFrame(
        {
            "row": prow,
            "account": interactions["account"].to_numpy()[prow],
            "person": pperson,
            "at": pat,
            "kind": interactions["kind"].to_numpy()[prow],
            "home": person_home[pperson],
            "sender": interactions["sender"].to_numpy()[prow] == pperson,
            "level": level,
            "function": function,
        }
    )
    node_key, node = unique_inverse(
        participations["account"].to_numpy(dtype=np.int64) * n_persons + pperson
    )
    participations["node"] = node
    edges = _edges(interactions, participations)
    pair_node_a, pair_node_b = _pair_nodes(edges, node_key, n_persons)
    return Activity(
        account_ids=account_ids,
        person_ids=person_ids,
        person_home=person_home,
        has_home=bool(person_home.any()),
        interactions=interactions,
        participations=participations,
        edges=edges,
        node_account=node_key // max(n_persons, 1),
        node_person=node_key % max(n_persons, 1),
        pair_node_a=pair_node_a,
        pair_node_b=pair_node_b,
        level_names=level_names,
        function_names=function_names,
        accounts=frames.accounts,
        renewals=frames.renewals,
        bulk_threshold=bulk_threshold,
        coverage=frames.coverage,
    )


def _participants(
    frames: PortfolioFrames, interaction_ids: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct (interaction, person) of the interactions given, sorted by (row in
    ``interaction_ids``, person code), whether it holds a sender role, the sorted person
    ids and which of them are ours.

    A person listed twice keeps the most sender-like role: of the ranks only "is a sender"
    matters downstream, so a pair is a sender when any of its rows is.
    """
    parts = frames.participations[["interaction_id", "person_id", "role"]].dropna(
        subset=["interaction_id", "person_id"]
    )
    # Hashing the ids once and coding the (few thousand) distinct ones is cheaper than
    # looking up every row's id.
    person_of_row, distinct_people = pd.factorize(parts["person_id"].astype(str))
    person_ids = _sorted_ids(frames.people["person_id"], pd.Series(distinct_people))
    person_home = np.zeros(len(person_ids), dtype=bool)
    home_people = frames.people.loc[frames.people["is_home"].fillna(False).astype(bool)]
    home_codes = positions_in(home_people["person_id"].astype(str), person_ids)
    person_home[home_codes[home_codes >= 0]] = True

    row = positions_in(parts["interaction_id"], interaction_ids)
    keep = row >= 0
    person = positions_in(distinct_people, person_ids)[person_of_row[keep]]
    is_sender_role = parts["role"].isin(SENDER_ROLES).to_numpy()[keep]
    span = max(len(person_ids), 1)
    # The lowest bit is 0 for a sender row, so each pair's first row after one sort says
    # whether any of its rows is a sender.
    keyed = np.sort((row[keep] * span + person) * 2 + (~is_sender_role).astype(np.int64))
    pair = keyed >> 1
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    pair = pair[first]
    return pair // span, pair % span, (keyed[first] & 1) == 0, person_ids, person_home


def _new_row_order(row: np.ndarray, new_row: np.ndarray, people: np.ndarray) -> np.ndarray:
    """The permutation that sorts participations given by (raw ``row``, person) by
    (new row, person), ``people`` being each new row's participant count.

    A counting sort: each interaction's participants move as one block to where its new
    row's block starts, in their order. Linear, where a ``lexsort`` of the 1.5M
    participations of a 500-account portfolio sorted them afresh.
    """
    block_start = np.cumsum(people) - people
    run_starts = np.flatnonzero(np.diff(row, prepend=-1))
    run_lengths = np.diff(run_starts, append=len(row))
    within = np.arange(len(row)) - np.repeat(run_starts, run_lengths)
    order = np.empty(len(row), dtype=np.int64)
    order[block_start[new_row[row]] + within] = np.arange(len(row))
    return order


def _conversations(
    raw: pd.DataFrame,
    account_code: np.ndarray,
    row: np.ndarray,
    person: np.ndarray,
    is_sender_role: np.ndarray,
    person_home: np.ndarray,
    *,
    bulk_threshold: int,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The conversational interactions in time order, and each raw row's new number
    (-1 when dropped: one person, only ours, bulk)."""
    home = person_home[person]
    n_raw = len(raw)
    people_n = np.bincount(row, minlength=n_raw)
    home_n = np.bincount(row, weights=home, minlength=n_raw).astype(np.int64)
    conversational = (people_n >= 2) & (people_n <= bulk_threshold) & (people_n - home_n >= 1)
    if "bulk" in raw.columns:  # flagged on import (list mail, no-reply senders): also bulk
        conversational &= ~raw["bulk"].astype("boolean").fillna(False).to_numpy(dtype=bool)

    # One sender per interaction: the smallest person code among from/organizer rows.
    sender = np.full(n_raw, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(sender, row[is_sender_role], person[is_sender_role])
    sender[sender == np.iinfo(np.int64).max] = -1

    kind_code = positions_in(raw["kind"].astype(str), KINDS)
    mutual = raw["kind"].isin(MUTUAL_KINDS).to_numpy(dtype=bool)
    at_raw = raw["at"].to_numpy(dtype=np.int64)

    # Keep conversational interactions only, renumbered in time order.
    keep_rows = np.flatnonzero(conversational)
    keep_rows = keep_rows[np.argsort(at_raw[keep_rows], kind="stable")]
    new_row = np.full(n_raw, -1, dtype=np.int64)
    new_row[keep_rows] = np.arange(len(keep_rows))
    latency = pd.to_numeric(raw["reply_latency_s"], errors="coerce").to_numpy(dtype=float)
    sender_kept = sender[keep_rows]
    interactions = pd.DataFrame(
        {
            "interaction_id": _take_ids(raw["interaction_id"], keep_rows),
            "account": account_code[keep_rows],
            "kind": kind_code[keep_rows],
            "at": at_raw[keep_rows],
            "reply_latency_s": latency[keep_rows],
            "people": people_n[keep_rows],
            "home_people": home_n[keep_rows],
            "sender": sender_kept,
            "sender_home": (sender_kept >= 0) & person_home[np.maximum(sender_kept, 0)],
            "series": text_codes(raw.get("thread_id"), mutual)[keep_rows],
        }
    )
    return interactions, new_row


def _pair_nodes(
    edges: pd.DataFrame, node_key: np.ndarray, n_persons: int
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers each edge's unordered (account, person, person) pair (``edges["pair"]``)
    and returns the two node codes of every pair."""
    e_account = edges["account"].to_numpy(dtype=np.int64)
    lo = np.minimum(edges["source"].to_numpy(), edges["target"].to_numpy())
    hi = np.maximum(edges["source"].to_numpy(), edges["target"].to_numpy())
    pair_key, pair = unique_inverse((e_account * n_persons + lo) * n_persons + hi)
    edges["pair"] = pair
    pair_account = pair_key // max(n_persons * n_persons, 1)
    pair_lo = (pair_key // max(n_persons, 1)) % max(n_persons, 1)
    pair_hi = pair_key % max(n_persons, 1)
    return (
        np.searchsorted(node_key, pair_account * n_persons + pair_lo),
        np.searchsorted(node_key, pair_account * n_persons + pair_hi),
    )


def account_stakeholder_edges(
    data: PortfolioFrames | Activity,
    account_id: str | None = None,
    *,
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
) -> pd.DataFrame:
    """The weighted person-to-person edges of one account's (or every account's) network.

    Parameters
    ----------
    data : PortfolioFrames or Activity
        Input frames; an :class:`Activity` keeps the threshold it was prepared with.
    account_id : str, optional
        Restrict to one account (default: every account).
    bulk_threshold : int, keyword-only
        Interactions with more distinct people are dropped (default 25).

    Returns
    -------
    pandas.DataFrame
        One row per (interaction, source, target): ``account_id, interaction_id, kind, at,
        source, target, weight, mutual``. ``weight = 1 / (people - 1)``; ``mutual`` marks
        meetings, calls and sender-less interactions, which link both ways.

    Examples
    --------
    An email from ``a`` to ``b`` and ``c`` gives two edges of weight 1/2 each; the same
    email to 200 people gives none (bulk).
    """
    activity = (
        data
        if isinstance(data, Activity)
        else prepare_activity(data, bulk_threshold=bulk_threshold)
    )
    edges = activity.edges
    if account_id is not None:
        code = pd.Index(activity.account_ids).get_indexer([account_id])[0]
        edges = edges[edges["account"] == code]
    inter = activity.interactions
    return pd.DataFrame(
        {
            "account_id": activity.account_ids[edges["account"].to_numpy()],
            "interaction_id": inter["interaction_id"].to_numpy()[edges["row"].to_numpy()],
            "kind": np.asarray(KINDS, dtype=object)[edges["kind"].to_numpy()]
            if len(edges)
            else np.array([], dtype=object),
            "at": edges["at"].to_numpy(),
            "source": activity.person_ids[edges["source"].to_numpy()],
            "target": activity.person_ids[edges["target"].to_numpy()],
            "weight": edges["weight"].to_numpy(),
            "mutual": edges["mutual"].to_numpy(),
        }
    )


# --------------------------------------------------------------------------- helpers


def _take_ids(ids: pd.Series, rows: np.ndarray) -> Any:
    """``ids.to_numpy()[rows]`` for a frame column: arrow-backed strings are taken as they
    are (the same column, without a round trip through Python strings)."""
    if ids.dtype == pd.StringDtype(na_value=np.nan):
        return ids.array.take(rows)
    return ids.to_numpy()[rows]


def _time_slice(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    at = frame["at"].to_numpy()
    lo, hi = np.searchsorted(at, [start, end], side="left")
    return frame.iloc[lo:hi]


def _sorted_ids(*columns: pd.Series) -> np.ndarray:
    values = pd.concat([c.dropna().astype(str) for c in columns], ignore_index=True)
    return np.asarray(np.sort(values.unique()), dtype=object)


def _roles_at(
    roles: pd.DataFrame, person_ids: np.ndarray, person: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Level and function codes of the role each (person, at) held: latest start <= at < end."""
    level_names = tuple(LEVELS)
    extra_functions = sorted(set(roles["function"].dropna().astype(str)) - set(FUNCTIONS))
    function_names = tuple(FUNCTIONS) + tuple(extra_functions)
    level = np.full(len(person), -1, dtype=np.int64)
    function = np.full(len(person), -1, dtype=np.int64)
    if len(roles) == 0 or len(person) == 0:
        return level, function, level_names, function_names
    rperson = positions_in(roles["person_id"].astype(str), person_ids)
    ok = rperson >= 0
    if not ok.any():
        return level, function, level_names, function_names
    rperson = rperson[ok]
    rstart = roles["start"].to_numpy(dtype=np.int64)[ok]
    rend = pd.to_numeric(roles["end"], errors="coerce").to_numpy(dtype=float)[ok]
    rlevel = positions_in(roles["level"].astype(str), level_names)[ok]
    rfunction = positions_in(roles["function"].astype(str), function_names)[ok]
    # Combined (person, time) keys make "latest role started by then" one binary search.
    base = min(int(rstart.min()), int(at.min())) - 1
    span = max(int(rstart.max()), int(at.max())) - base + 1
    started = KeyedTimes.of(rperson, rstart, span=span, origin=base)
    order = started.order
    rperson, rend = rperson[order], rend[order]
    rlevel, rfunction = rlevel[order], rfunction[order]
    idx = started.rank(person, at, "right") - 1
    found = idx >= 0
    idx_safe = np.maximum(idx, 0)
    found &= rperson[idx_safe] == person
    found &= np.isnan(rend[idx_safe]) | (at < rend[idx_safe])
    level[found] = rlevel[idx_safe[found]]
    function[found] = rfunction[idx_safe[found]]
    return level, function, level_names, function_names


def _edges(interactions: pd.DataFrame, participations: pd.DataFrame) -> pd.DataFrame:
    prow = participations["row"].to_numpy()
    pperson = participations["person"].to_numpy()
    sender = interactions["sender"].to_numpy()
    people = interactions["people"].to_numpy()
    kind = interactions["kind"].to_numpy()
    mutual_codes = [KINDS.index(k) for k in MUTUAL_KINDS]

    has_sender = sender[prow] >= 0
    star = has_sender & (sender[prow] != pperson)
    src_a = sender[prow[star]]
    dst_a = pperson[star]
    row_a = prow[star]

    # Sender-less interactions: every pair once (rows are sorted by (row, person)).
    loose = np.flatnonzero(~has_sender)
    lrow = prow[loose]
    lperson = pperson[loose]
    ends = np.searchsorted(lrow, lrow, side="right")
    counts = ends - (np.arange(loose.size) + 1)  # later participants of the same interaction
    first = np.repeat(np.arange(loose.size), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    second = first + 1 + offsets
    src_b = lperson[first]
    dst_b = lperson[second]
    row_b = lrow[first]

    row = np.concatenate([row_a, row_b]).astype(np.int64)
    order = np.argsort(row, kind="stable")  # rows are in time order already
    row = row[order]
    source = np.concatenate([src_a, src_b]).astype(np.int64)[order]
    target = np.concatenate([dst_a, dst_b]).astype(np.int64)[order]
    sender_less = np.concatenate([np.zeros(len(row_a), bool), np.ones(len(row_b), bool)])[order]
    return pd.DataFrame(
        {
            "row": row,
            "account": interactions["account"].to_numpy()[row],
            "source": source,
            "target": target,
            "at": interactions["at"].to_numpy()[row],
            "kind": kind[row],
            "weight": 1.0 / (people[row] - 1),
            "mutual": sender_less | np.isin(kind[row], mutual_codes),
        }
    )
