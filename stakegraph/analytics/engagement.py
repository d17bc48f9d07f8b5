"""Engagement: how much of the customer we reach, how often, and in which direction.

Per account and window ``[start, end)``, over conversational interactions (see
:mod:`stakegraph.analytics.windows`: 2..``bulk_threshold`` people, at least one on the
customer side):

- ``contacts_engaged``: distinct customer-side people (not ``is_home``) on at least one.
- ``our_people_engaged``: distinct people of ours on at least one.
- ``meetings``: meetings.
- ``inbound_emails``: emails sent by a customer-side person with at least one of ours
  among the recipients; ``outbound_emails``: emails sent by one of ours to at least one
  customer-side person. Both are 0 for one organization's internal communication (no
  ``is_home`` person: there is no "our side" to write to or from).
- Multi-role engagement: ``functions_engaged`` and ``levels_engaged`` count the distinct
  functions and levels of the roles customer-side people held *at the time of each
  interaction*; ``senior_contacts_engaged`` counts people at VP or C-level;
  ``multi_role`` is True when at least 3 functions and 2 levels are engaged and one
  person engaged is director or above.

Renewed baseline (DESIGN: renewing accounts show about 2x contacts, 2x email and 3x
meetings in the 180 days before renewal): for each renewal with outcome ``renewed`` or
``expanded``, the four engagement counts over ``[renewal - 180 days, renewal)``; the
baseline of a segment is the median over its renewals. The ratio of a window's metric to
its baseline rescales the additive counts (meetings, emails) to the window length
(``window / lookback``, so 1.0 means "engaged at the pace of an account that renewed");
contacts engaged is a set size, not a rate, and is compared unscaled.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.kernels import (
    KeyedTimes,
    concatenated_ranges,
    distinct_codes,
    distinct_in_windows,
)
from stakegraph.analytics.windows import (
    DEFAULT_WINDOW,
    KINDS,
    Activity,
    as_activity,
)
from stakegraph.dates import DAY
from stakegraph.vocabulary import EXECUTIVE_LEVELS, SENIOR_STAKEHOLDER_LEVELS

__all__ = [
    "BASELINE_METRICS",
    "DEFAULT_LOOKBACK",
    "engagement",
    "engagement_columns",
    "engagement_ratio_columns",
    "engagement_ratios",
    "engagement_windows",
    "interaction_volume",
    "multi_role_share",
    "renewal_engagement",
    "renewed_baseline",
]

DEFAULT_LOOKBACK = 180 * DAY
BASELINE_METRICS = ("contacts_engaged", "meetings", "inbound_emails", "outbound_emails")
RENEWED_OUTCOMES = ("renewed", "expanded")
PORTFOLIO = "*"
_EMAIL = KINDS.index("email")
_MEETING = KINDS.index("meeting")


def engagement(
    data: PortfolioFrames | Activity,
    *,
    start: int,
    end: int,
    min_functions: int = 3,
    min_levels: int = 2,
) -> pd.DataFrame:
    """Engagement counts and multi-role engagement of every account in ``[start, end)``.

    Parameters
    ----------
    data : PortfolioFrames or Activity
    start, end : int, keyword-only
        The half-open window, epoch seconds.
    min_functions, min_levels : int, keyword-only
        Thresholds of ``multi_role`` (defaults 3 functions and 2 levels; a director or
        above among the people engaged is always required).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``account_id`` (every account, zeros when silent): ``interactions,
        contacts_engaged, our_people_engaged, meetings, inbound_emails, outbound_emails,
        functions_engaged, levels_engaged, senior_contacts_engaged, multi_role``.

    Examples
    --------
    Our ``o`` emails their ``a`` and ``b``; ``a`` replies; ``o`` meets ``a``: 2 contacts
    engaged, 1 meeting, 1 inbound and 1 outbound email.
    """
    activity = as_activity(data).between(start, end)
    counts = engagement_columns(activity, min_functions=min_functions, min_levels=min_levels)
    return pd.DataFrame(counts, index=pd.Index(activity.account_ids, name="account_id"))


def engagement_columns(
    window: Activity, *, min_functions: int = 3, min_levels: int = 2
) -> dict[str, np.ndarray]:
    """:func:`engagement` of an activity already cut to its window, as arrays in account
    code order (the columns a snapshot assembles without a frame per metric)."""
    return _engagement_counts(
        window,
        window.interactions,
        window.participations,
        window.interactions["account"].to_numpy(),
        window.participations["account"].to_numpy(),
        window.n_accounts,
        min_functions=min_functions,
        min_levels=min_levels,
        by_account=True,
    )


def engagement_windows(
    data: PortfolioFrames | Activity,
    ends: np.ndarray,
    *,
    window: int,
    min_functions: int = 3,
    min_levels: int = 2,
    volume_only: bool = False,
) -> dict[str, np.ndarray]:
    """:func:`engagement` of every account in every window ``[end - window, end)``, at once.

    The risk features read two windows per training week; one pass over the activity
    (:func:`~stakegraph.analytics.kernels.distinct_in_windows`) replaces a full
    :func:`engagement` call per window and gives the same counts.

    Parameters
    ----------
    ends : numpy.ndarray
        Window ends, epoch seconds, sorted ascending and distinct.
    volume_only : bool, keyword-only
        Only ``interactions`` and ``meetings`` (:func:`interaction_volume`'s columns).

    Returns
    -------
    dict of str to numpy.ndarray
        The columns of :func:`engagement`, each ``(len(ends), accounts)``, accounts in
        ``Activity.account_ids`` order.
    """
    activity = as_activity(data)
    ends = np.asarray(ends, dtype=np.int64)
    if len(ends):
        # Nothing outside the windows counts (see distinct_in_windows): cut it once here.
        activity = activity.between(int(ends[0]) - window, int(ends[-1]))
    n_accounts = activity.n_accounts
    inter = activity.interactions
    i_at = inter["at"].to_numpy(dtype=np.int64)
    i_account = inter["account"].to_numpy(dtype=np.int64)
    kind = inter["kind"].to_numpy()
    home_n = inter["home_people"].to_numpy()
    customer_n = inter["people"].to_numpy() - home_n
    sender_home = inter["sender_home"].to_numpy()
    email = kind == _EMAIL
    meeting = kind == _MEETING
    inbound = email & (inter["sender"].to_numpy() >= 0) & ~sender_home & (home_n >= 1)
    outbound = email & sender_home & (customer_n >= 1)

    def events(mask: np.ndarray) -> np.ndarray:
        return distinct_in_windows(i_at[mask], None, i_account[mask], n_accounts, ends, window)

    volume = {"interactions": events(np.ones(len(i_at), dtype=bool)), "meetings": events(meeting)}
    if volume_only:
        return volume

    parts = activity.participations
    p_at = parts["at"].to_numpy(dtype=np.int64)
    p_account = parts["account"].to_numpy(dtype=np.int64)
    node = parts["node"].to_numpy(dtype=np.int64)
    level = parts["level"].to_numpy()
    function = parts["function"].to_numpy()
    theirs = ~parts["home"].to_numpy()
    n_levels = len(activity.level_names)
    level_index = {name: i for i, name in enumerate(activity.level_names)}
    director_codes = [level_index[n] for n in SENIOR_STAKEHOLDER_LEVELS if n in level_index]
    senior_codes = [level_index[n] for n in EXECUTIVE_LEVELS if n in level_index]

    def distinct(mask: np.ndarray, key: np.ndarray) -> np.ndarray:
        return distinct_in_windows(p_at[mask], key[mask], p_account[mask], n_accounts, ends, window)

    with_function = theirs & (function >= 0)
    with_level = theirs & (level >= 0)
    # An (account, function) or (account, level) pair is one key: a key is in one account.
    functions = distinct(with_function, p_account * max(len(activity.function_names), 1) + function)
    levels = distinct(with_level, p_account * max(n_levels, 1) + level)
    director = theirs & _among(level, director_codes, n_levels)
    return {
        "interactions": volume["interactions"],
        "contacts_engaged": distinct(theirs, node),
        "our_people_engaged": distinct(~theirs, node),
        "meetings": volume["meetings"],
        "inbound_emails": events(inbound),
        "outbound_emails": events(outbound),
        "functions_engaged": functions,
        "levels_engaged": levels,
        "senior_contacts_engaged": distinct(theirs & _among(level, senior_codes, n_levels), node),
        "multi_role": (functions >= min_functions)
        & (levels >= min_levels)
        & (distinct(director, p_account) > 0),
    }


def interaction_volume(data: PortfolioFrames | Activity, *, start: int, end: int) -> pd.DataFrame:
    """The ``interactions`` and ``meetings`` columns of :func:`engagement` over
    ``[start, end)``, alone.

    They need no distinct people, roles or senders, which make up most of an
    :func:`engagement` call: the risk features' year-long baseline reads only these two,
    at every training date.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``account_id`` (every account, zeros when silent).
    """
    activity = as_activity(data)
    interactions = activity.interactions
    lo, hi = np.searchsorted(interactions["at"].to_numpy(), [start, end], side="left")
    account = interactions["account"].to_numpy()[lo:hi]
    meeting = interactions["kind"].to_numpy()[lo:hi] == _MEETING
    return pd.DataFrame(
        {
            "interactions": np.bincount(account, minlength=activity.n_accounts),
            "meetings": np.bincount(account[meeting], minlength=activity.n_accounts),
        },
        index=pd.Index(activity.account_ids, name="account_id"),
    )


def renewal_engagement(
    data: PortfolioFrames | Activity,
    *,
    lookback: int = DEFAULT_LOOKBACK,
    outcomes: Iterable[str] = RENEWED_OUTCOMES,
) -> pd.DataFrame:
    """The engagement counts of each renewal's account over ``[at - lookback, at)``.

    It is :func:`engagement` evaluated on one window per renewal (the windows differ by
    account, so they are cut per renewal rather than by :meth:`Activity.between`).

    Returns
    -------
    pandas.DataFrame
        One row per renewal with one of ``outcomes``: ``account_id, segment, at`` and the
        :data:`BASELINE_METRICS`.
    """
    activity = as_activity(data)
    outcome_set = set(outcomes)
    renewals = activity.renewals
    renewals = renewals[renewals["outcome"].isin(outcome_set)]
    account = pd.Index(activity.account_ids).get_indexer(renewals["account_id"].astype(str))
    renewals = renewals[account >= 0]
    account = account[account >= 0]
    at = renewals["at"].to_numpy(dtype=np.int64)

    inter = activity.interactions
    i_account = inter["account"].to_numpy(dtype=np.int64)
    i_at = inter["at"].to_numpy(dtype=np.int64)
    # (account, time) folded into one sortable key so each renewal's window is a range.
    shift = min(int(i_at.min(initial=0)), int(at.min(initial=0)) - lookback)
    span = max(int(i_at.max(initial=0)), int(at.max(initial=0))) - shift + 1
    keyed = KeyedTimes.of(i_account, i_at, span=span, origin=shift)
    lo = keyed.rank(account, at - lookback)
    counts = keyed.rank(account, at) - lo
    rows = keyed.order[concatenated_ranges(lo, counts)]
    group_i = np.repeat(np.arange(len(renewals)), counts)

    parts = activity.participations
    # Participations are sorted by row: each row's run starts where the counts before it
    # end. A table of those starts, read at ``rows``, where a binary search per row into
    # millions of participations (in random order) was most of this function at full size.
    run_start = np.zeros(len(inter) + 1, dtype=np.int64)
    np.cumsum(np.bincount(parts["row"].to_numpy(), minlength=len(inter)), out=run_start[1:])
    p_lo, p_hi = run_start[rows], run_start[rows + 1]
    p_index = concatenated_ranges(p_lo, p_hi - p_lo)
    group_p = np.repeat(group_i, p_hi - p_lo)

    result = _engagement_counts(
        activity,
        inter.iloc[rows],
        parts.iloc[p_index],
        group_i,
        group_p,
        len(renewals),
        min_functions=3,
        min_levels=2,
        by_account=False,
    )
    segment = account_segments(activity).reindex(renewals["account_id"].astype(str)).to_numpy()
    out = pd.DataFrame(
        {
            "account_id": renewals["account_id"].astype(str).to_numpy(),
            "segment": segment,
            "at": at,
        }
    )
    for metric in BASELINE_METRICS:
        out[metric] = result[metric]
    return out


def renewed_baseline(
    data: PortfolioFrames | Activity | pd.DataFrame,
    *,
    as_of: int | None = None,
    lookback: int = DEFAULT_LOOKBACK,
    outcomes: Iterable[str] = RENEWED_OUTCOMES,
) -> pd.DataFrame:
    """Median engagement of renewing accounts in the ``lookback`` before renewal, per segment.

    Parameters
    ----------
    data : PortfolioFrames, Activity, or the frame of :func:`renewal_engagement`
    as_of : int, optional, keyword-only
        Only renewals strictly before ``as_of`` count (no look-ahead in a backtest).
    lookback : int, keyword-only
        Seconds before each renewal (default 180 days).
    outcomes : iterable of str, keyword-only
        Outcomes that count as renewing (default renewed and expanded).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment``, plus a row ``"*"`` over every segment (the fallback for a
        segment without renewals): the :data:`BASELINE_METRICS` medians and ``renewals``.

    Examples
    --------
    Two enterprise renewals with 10 and 20 contacts engaged give an enterprise baseline
    of 15 contacts.
    """
    per_renewal = (
        data
        if isinstance(data, pd.DataFrame)
        else renewal_engagement(data, lookback=lookback, outcomes=outcomes)
    )
    values = per_renewal[list(BASELINE_METRICS)].to_numpy(dtype=float)
    segment = per_renewal["segment"].to_numpy()
    if as_of is not None:
        before = per_renewal["at"].to_numpy() < as_of
        values, segment = values[before], segment[before]
    # Grouped by hand: a pandas groupby median per window was a tenth of a snapshot series.
    # np.median takes the mean of the two middle values, as the groupby median does.
    codes, segments = pd.factorize(segment, sort=True)
    rows = [_column_medians(values[codes == code]) for code in range(len(segments))]
    rows.append(_column_medians(values))
    renewals = [*np.bincount(codes[codes >= 0], minlength=len(segments)).tolist(), len(values)]
    table = np.column_stack([np.array(rows).reshape(len(rows), -1), renewals]).astype(float)
    index = pd.Index([*segments.tolist(), PORTFOLIO], name="segment")
    return pd.DataFrame(table, index=index, columns=[*BASELINE_METRICS, "renewals"])


def engagement_ratios(
    engaged: pd.DataFrame,
    baseline: pd.DataFrame,
    segments: pd.Series,
    *,
    window: int = DEFAULT_WINDOW,
    lookback: int = DEFAULT_LOOKBACK,
) -> pd.DataFrame:
    """Each account's engagement over its segment's renewed baseline.

    Counts of meetings and emails are compared with the baseline scaled to the window
    (``baseline * window / lookback``); contacts engaged is compared unscaled. A segment
    without renewals uses the portfolio row ``"*"``; a zero or missing baseline gives NaN.

    Parameters
    ----------
    engaged : pandas.DataFrame
        Output of :func:`engagement` (indexed by ``account_id``).
    baseline : pandas.DataFrame
        Output of :func:`renewed_baseline`.
    segments : pandas.Series
        Segment per ``account_id``.

    Returns
    -------
    pandas.DataFrame
        ``<metric>_ratio`` for each of :data:`BASELINE_METRICS`, indexed like ``engaged``.

    Examples
    --------
    With a 90-day window and a baseline of 12 meetings in 180 days, 6 meetings in the
    window is a ratio of 1.0.
    """
    ratios = engagement_ratio_columns(
        {metric: engaged[metric].to_numpy() for metric in BASELINE_METRICS},
        baseline,
        segments.reindex(engaged.index).to_numpy(),
        window=window,
        lookback=lookback,
    )
    return pd.DataFrame(ratios, index=engaged.index)


def engagement_ratio_columns(
    engaged: dict[str, np.ndarray],
    baseline: pd.DataFrame,
    segment: np.ndarray,
    *,
    window: int = DEFAULT_WINDOW,
    lookback: int = DEFAULT_LOOKBACK,
) -> dict[str, np.ndarray]:
    """:func:`engagement_ratios` on arrays: ``engaged`` holds the
    :data:`BASELINE_METRICS` and ``segment`` each entry's segment (NaN when unknown)."""
    # -1: a segment without renewals, or NaN. An object index: no string array built.
    row = baseline.index.get_indexer(pd.Index(segment, dtype=object))
    # A baseline without the portfolio row falls back to NaN (one row past the end).
    fallback = baseline.index.get_indexer(pd.Index([PORTFOLIO], dtype=object))[0]
    fallback = fallback if fallback >= 0 else len(baseline)
    renewals = (
        baseline["renewals"].to_numpy(dtype=float)
        if "renewals" in baseline
        else np.ones(len(baseline))
    )
    own = (row >= 0) & (row != fallback)
    own[own] = renewals[row[own]] > 0
    chosen = np.where(own, row, fallback)
    out = {}
    for metric in BASELINE_METRICS:
        scale = 1.0 if metric == "contacts_engaged" else window / lookback
        reference = np.append(baseline[metric].to_numpy(dtype=float), np.nan)[chosen] * scale
        value = engaged[metric].astype(float)
        out[f"{metric}_ratio"] = np.divide(
            value, reference, out=np.full(len(value), np.nan), where=reference > 0
        )
    return out


def multi_role_share(snapshots: pd.DataFrame) -> pd.Series:
    """The portfolio KPI: percent of accounts with multi-role engagement, per window.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Rows with ``window_end`` and boolean ``multi_role`` (e.g. a snapshot series); every
        account should have a row in every window (silent accounts count as not engaged).

    Returns
    -------
    pandas.Series
        Percent (0-100) indexed by ``window_end``.

    Examples
    --------
    >>> frame = pd.DataFrame({"window_end": [7, 7, 7, 7], "multi_role": [1, 0, 0, 1]})
    >>> multi_role_share(frame).tolist()
    [50.0]
    """
    share = snapshots.groupby("window_end")["multi_role"].mean() * 100.0
    return share.rename("multi_role_percent").astype(float)


# --------------------------------------------------------------------------- helpers


def account_segments(activity: Activity) -> pd.Series:
    accounts = activity.accounts
    return (
        pd.Series(
            accounts["segment"].to_numpy(), index=accounts["account_id"].astype(str).to_numpy()
        )
        .groupby(level=0)
        .first()
    )


def _engagement_counts(
    activity: Activity,
    inter: pd.DataFrame,
    parts: pd.DataFrame,
    group_i: np.ndarray,
    group_p: np.ndarray,
    n_groups: int,
    *,
    min_functions: int,
    min_levels: int,
    by_account: bool,
) -> dict[str, np.ndarray]:
    """The engagement metrics of interactions and participations labelled by group.

    With ``by_account`` the groups are the account codes, and distinct people are counted
    on the activity's fixed (account, person) nodes instead of by sorting.
    """
    n_persons = activity.n_persons
    kind = inter["kind"].to_numpy()
    sender_home = inter["sender_home"].to_numpy()
    has_sender = inter["sender"].to_numpy() >= 0
    home_n = inter["home_people"].to_numpy()
    customer_n = inter["people"].to_numpy() - home_n
    email = kind == _EMAIL
    inbound = email & has_sender & ~sender_home & (home_n >= 1)
    outbound = email & sender_home & (customer_n >= 1)

    home = parts["home"].to_numpy()
    person = parts["person"].to_numpy(dtype=np.int64)
    level = parts["level"].to_numpy()
    function = parts["function"].to_numpy()
    theirs = ~home
    level_index = {name: i for i, name in enumerate(activity.level_names)}
    director_codes = [level_index[n] for n in SENIOR_STAKEHOLDER_LEVELS if n in level_index]
    senior_codes = [level_index[n] for n in EXECUTIVE_LEVELS if n in level_index]

    node = parts["node"].to_numpy()

    def people(mask: np.ndarray) -> np.ndarray:
        if by_account:
            present = distinct_codes(node[mask], len(activity.node_account))
            return np.bincount(activity.node_account[present], minlength=n_groups)
        return _distinct(group_p[mask], person[mask], n_persons, n_groups)

    contacts = people(theirs)
    ours = people(home)
    with_function = theirs & (function >= 0)
    functions = _distinct(
        group_p[with_function], function[with_function], len(activity.function_names), n_groups
    )
    with_level = theirs & (level >= 0)
    levels = _distinct(group_p[with_level], level[with_level], len(activity.level_names), n_groups)
    n_levels = len(activity.level_names)
    senior_contacts = people(theirs & _among(level, senior_codes, n_levels))
    director = theirs & _among(level, director_codes, n_levels)
    has_director = np.bincount(group_p[director], minlength=n_groups) > 0

    return {
        "interactions": np.bincount(group_i, minlength=n_groups),
        "contacts_engaged": contacts,
        "our_people_engaged": ours,
        "meetings": np.bincount(group_i[kind == _MEETING], minlength=n_groups),
        "inbound_emails": np.bincount(group_i[inbound], minlength=n_groups),
        "outbound_emails": np.bincount(group_i[outbound], minlength=n_groups),
        "functions_engaged": functions,
        "levels_engaged": levels,
        "senior_contacts_engaged": senior_contacts,
        "multi_role": (functions >= min_functions) & (levels >= min_levels) & has_director,
    }


def _column_medians(values: np.ndarray) -> np.ndarray:
    """Median of each column of ``values`` (NaN for no rows, without a warning)."""
    if len(values) == 0:
        return np.full(values.shape[1], np.nan)
    return np.asarray(np.median(values, axis=0))


def _among(codes: np.ndarray, chosen: list[int], n_codes: int) -> np.ndarray:
    """Which ``codes`` (each in ``-1 .. n_codes - 1``, -1 for none) are ``chosen``, by a
    lookup table: ``np.isin`` took a fifth of the risk features' engagement calls.

    Examples
    --------
    >>> _among(np.array([2, -1, 0, 1]), [0, 2], 3).tolist()
    [True, False, True, False]
    """
    table = np.zeros(n_codes + 1, dtype=bool)  # the last entry stands for -1
    table[chosen] = True
    return table[codes]


def _distinct(group: np.ndarray, value: np.ndarray, n_values: int, n_groups: int) -> np.ndarray:
    """Number of distinct values per group (marking when the key space is small)."""
    if len(group) == 0:
        return np.zeros(n_groups, dtype=np.int64)
    width = max(n_values, 1)
    key = group.astype(np.int64) * width + value
    if n_groups * width <= 1 << 24:
        present = distinct_codes(key, n_groups * width)
    else:
        present = np.unique(key)
    return np.bincount(present // width, minlength=n_groups)
