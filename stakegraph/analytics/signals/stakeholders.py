"""Stakeholder departure: a key stakeholder other than the champion leaves or falls silent.

The key stakeholders of an account at the end of week ``t`` are the their-side people who
are (any of):

- among the ``stakeholder.top_engaged`` highest champion scores (seniority-weighted share
  of their side's traffic, the champion's lagged baseline, :func:`.champion.engagement_scores`);
- a VP or C-level person who has been part of the relationship (on at least
  ``stakeholder.min_appearances`` of the account's conversations before ``t``);
- given a buying role in the import (``roles.csv`` ``buying_role``, role started by ``t``).

No share floor: rank, level and buying role make someone key in a 5-person network and
in a 300-person one alike. The account's champion of the week (top score at or above
``champion.min_share``) is left to :mod:`.champion`.

A key stakeholder departs when their role at the account ends (not a move; dated at the
end), or when their silence is improbable by the silence model of :mod:`.silence`: by
their own rhythm *and* by the account's conversations since they were last seen. The two
tails combine as an intersection-union test (``p = max``), and the error rate over the
many people tested per account and week is controlled with Benjamini-Hochberg at
``stakeholder.alpha`` over the account's key stakeholders of the week (see docs/metrics.md
for why not Holm). A silence inside the account's own change is not one person's
departure: not while their side's traffic narrows onto one person, nor while the
account's volume falls to ``contraction.max_volume_ratio`` of its baseline, nor while
its other people fall away with them or improbably many of them fall silent together
(:func:`_others_fell_away`: the account's contacts narrowing); those are the
bottleneck's and the contraction's signals. Nobody departs while the whole account is
quiet (the end of the data), nor before the account has a baseline's worth of history
(`windows.min_baseline_weeks` after `champion.lag_weeks`): before that, who is among the
top engaged is noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from stakegraph.analytics.kernels import group_sum
from stakegraph.analytics.signals.breadth import breadth_test
from stakegraph.analytics.signals.brokerage import Participations, brokerage, last_sent
from stakegraph.analytics.signals.champion import ROLE_COLUMNS, engagement_scores, is_move
from stakegraph.analytics.signals.episodes import first_of_silences
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.analytics.signals.silence import (
    Appearances,
    SilenceTest,
    contracted_during_silence,
    narrowed_during_silence,
    silence_test,
    silent_weeks,
)
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import EXECUTIVE_LEVELS, STAKEHOLDER_DEPARTURE

__all__ = ["KeyStakeholders", "key_stakeholders", "stakeholder_departures"]

YEAR = 365 * DAY
# Why someone is a key stakeholder, as named in the evidence.
ENGAGED, EXECUTIVE, BUYING_ROLE = "engagement", "executive", "buying_role"


@dataclass(frozen=True)
class KeyStakeholders:
    """Who is a key stakeholder of their account, week by week.

    Attributes
    ----------
    rows : numpy.ndarray
        Their-side pair indices of the tables (one row of each matrix below per pair).
    engaged, executive, buying : numpy.ndarray
        Row x week bools: the three reasons.
    rank : numpy.ndarray
        Row x week: 1-based rank of the champion score on the account (0 without traffic).
    score : numpy.ndarray
        Row x week: the champion score.
    champion : numpy.ndarray
        Row x week bools: the account's champion of the week (left to champion departure).
    buying_role : numpy.ndarray
        Per row: the buying role given in the import ('' when none).
    """

    rows: np.ndarray
    engaged: np.ndarray
    executive: np.ndarray
    buying: np.ndarray
    rank: np.ndarray
    score: np.ndarray
    champion: np.ndarray
    buying_role: np.ndarray

    @property
    def key(self) -> np.ndarray:
        """Row x week bools: a key stakeholder other than the champion."""
        return (self.engaged | self.executive | self.buying) & ~self.champion

    def reasons(self, row: int, week: int) -> list[str]:
        flags = (self.engaged, self.executive, self.buying)
        return [
            name
            for name, flag in zip((ENGAGED, EXECUTIVE, BUYING_ROLE), flags, strict=True)
            if flag[row, week]
        ]


def key_stakeholders(tables: WeeklyTables, params: SignalParameters) -> KeyStakeholders:
    """The key stakeholders of every account, week by week (see the module docstring)."""
    rows, score = engagement_scores(tables, params)
    accounts = tables.pair_account[rows]
    rank = _rank_within(score, accounts)
    traffic = score > 0
    engaged = traffic & (rank <= params.stakeholder.top_engaged)
    champion = (rank == 1) & (score >= params.champion.min_share)
    executive_codes = [
        code for code, name in enumerate(tables.activity.level_names) if name in EXECUTIVE_LEVELS
    ]
    is_executive = np.isin(tables.pair_level[rows], executive_codes)
    appearances = np.cumsum(tables.pair_count[rows], axis=1)
    executive = is_executive[:, None] & (appearances >= params.stakeholder.min_appearances)
    buying, buying_role = _buying_roles(tables, rows)
    return KeyStakeholders(
        rows=rows,
        engaged=engaged,
        executive=executive,
        buying=buying,
        rank=np.where(traffic, rank, 0),
        score=score,
        champion=champion,
        buying_role=buying_role,
    )


def _rank_within(score: np.ndarray, accounts: np.ndarray) -> np.ndarray:
    """1-based rank of each row's score among its account's rows, per week (best first)."""
    # Account-major, best score first within an account: one argsort per column.
    order_key = accounts[:, None].astype(float) * 2.0 - np.clip(score, 0.0, 1.0)
    order = np.argsort(order_key, axis=0, kind="stable")
    sorted_accounts = np.sort(accounts, kind="stable")
    first = np.searchsorted(sorted_accounts, sorted_accounts, side="left")
    position = np.arange(len(accounts)) - first + 1
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(position[:, None], order.shape), axis=0)
    return rank


def _buying_roles(tables: WeeklyTables, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row x week bools (a buying role held from its start) and each row's buying role."""
    weeks = tables.grid.weeks
    buying = np.zeros((len(rows), weeks), dtype=bool)
    names = np.full(len(rows), "", dtype=object)
    roles = tables.roles
    if roles is None or len(roles) == 0 or "buying_role" not in roles.columns:
        return buying, names
    given = roles[roles["buying_role"].fillna("").astype(str) != ""]
    if given.empty:
        return buying, names
    row_of = _row_lookup(tables, rows, given["person_id"], given["org_id"])
    start_week = tables.grid.week_of(pd.to_numeric(given["start"]).to_numpy(dtype=np.int64))
    for row, first, name in zip(row_of, start_week, given["buying_role"].astype(str), strict=True):
        if row >= 0:
            buying[row, max(int(first), 0) :] = True
            names[row] = name
    return buying, names


def _row_lookup(
    tables: WeeklyTables, rows: np.ndarray, person_ids: pd.Series, org_ids: pd.Series
) -> np.ndarray:
    """The row (index into ``rows``) of each (person, organization); -1 when not a pair."""
    activity = tables.activity
    person = pd.Index(activity.person_ids).get_indexer(person_ids.astype(str))
    account = pd.Index(activity.account_ids).get_indexer(org_ids.astype(str))
    pair_key = tables.pair_account[rows].astype(np.int64) * activity.n_persons + tables.pair_person[
        rows
    ].astype(np.int64)
    wanted = account.astype(np.int64) * activity.n_persons + person
    position = np.clip(np.searchsorted(pair_key, wanted), 0, max(len(rows) - 1, 0))
    found = (person >= 0) & (account >= 0) & (len(rows) > 0)
    found &= pair_key[position] == wanted if len(rows) else found
    return np.where(found, position, -1)


def stakeholder_departures(tables: WeeklyTables, params: SignalParameters) -> list[Signal]:
    """Key stakeholders (not the champion) whose role ended, or whose silence is improbable.

    Parameters
    ----------
    tables : WeeklyTables
        Weekly tables of a run (with the role history; ``buying_role`` read when present).
    params : SignalParameters

    Returns
    -------
    list of Signal
        Signals of kind ``stakeholder_departure``; ``evidence["mode"]`` is ``role_ended``
        or ``silent``, ``evidence["reasons"]`` why they were key.
    """
    key = key_stakeholders(tables, params)
    departed: set[tuple[int, int]] = set()
    parts = Participations.of(tables)
    signals = _role_end_departures(tables, key, params, departed, parts)
    return signals + _silent_departures(tables, key, params, departed, parts)


def _silent_departures(
    tables: WeeklyTables,
    key: KeyStakeholders,
    params: SignalParameters,
    departed: set[tuple[int, int]],
    parts: Participations,
) -> list[Signal]:
    is_key = key.key & _with_baseline(tables, key, params)
    # Only people absent for the last two weeks can have an improbable silence; the
    # others' p-values are taken as 1 (they still count in the family of the week).
    count = tables.pair_count[key.rows]
    absent = np.zeros_like(is_key)
    absent[:, 1:] = (count[:, 1:] == 0) & (count[:, :-1] == 0)
    row_idx, week_idx = np.nonzero(is_key & absent)
    pairs = key.rows[row_idx]
    accounts = tables.pair_account[pairs]
    test = silence_test(
        tables,
        Appearances.of_pairs(tables),
        pairs,
        accounts,
        week_idx,
        params=params,
        alpha=params.stakeholder.alpha,
    )
    # Intersection-union: improbable by their rhythm and by the account's volume alike.
    # Each of a person's silences is a fresh chance of an improbable one; scaled by their
    # silences in a year (appearances a year), the p-value is per person-year, the unit
    # a false departure is counted in.
    silences_a_year = np.maximum(test.rate * YEAR, 1.0)
    p_value = np.where(
        test.extraordinary,
        np.minimum(silences_a_year * np.maximum(test.p_account, test.p_time), 1.0),
        1.0,
    )
    # Traffic narrowed onto one person, or the account's own volume fell: everyone's
    # silence then is the bottleneck's or the contraction's story, whatever the volume
    # did (the champion's departure in a slide is still the champion detector's).
    narrowed = narrowed_during_silence(
        tables, accounts, week_idx, test.last_seen, params=params, volume_kept=False
    )
    stale = test.longer_than(params.stakeholder.max_silence_weeks)
    contracted = contracted_during_silence(
        tables,
        accounts,
        week_idx,
        test.last_seen,
        max_weeks=params.stakeholder.max_silence_weeks,
        params=params,
    )
    p_value[narrowed | stale | contracted] = 1.0
    candidates = np.flatnonzero(p_value < params.stakeholder.alpha)
    fell_away = _others_fell_away(tables, test, (pairs, accounts, week_idx), candidates, params)
    p_value[candidates[fell_away]] = 1.0
    family = group_sum(
        is_key.astype(float), tables.pair_account[key.rows], tables.activity.n_accounts
    ).astype(np.int64)
    adjusted = _benjamini_hochberg(
        p_value,
        accounts * tables.grid.weeks + week_idx,
        family[accounts, week_idx],
        params.stakeholder.alpha,
    )
    fire = adjusted < params.stakeholder.alpha
    fired = np.flatnonzero(fire)
    episodes = first_of_silences(
        accounts[fire],
        week_idx[fire],
        pairs[fire],
        params.windows.cooldown_weeks,
        test.last_seen[fire],
    )
    signals = []
    for account, week, _pair, position in episodes:
        candidate = int(fired[position])
        row = int(row_idx[candidate])
        person_code = int(tables.pair_person[key.rows[row]])
        if (account, person_code) in departed:
            continue
        departed.add((account, person_code))
        signals.append(
            _silent_signal(
                tables,
                key,
                test,
                candidate,
                row,
                week,
                (float(adjusted[candidate]), int(family[account, week])),
                parts,
            )
        )
    return signals


def _others_fell_away(
    tables: WeeklyTables,
    test: SilenceTest,
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray],
    chosen: np.ndarray,
    params: SignalParameters,
) -> np.ndarray:
    """Per chosen candidate (``candidates``: pairs, accounts, weeks): the account's other
    people fell silent with them.

    Over the whole weeks of the silence (at least one, at most
    ``stakeholder.max_silence_weeks``) the account's conversations reached its other
    baseline people (the silent person left out, :func:`.breadth.breadth_test`) either
    at most ``stakeholder.max_others_returning`` of what they would have reached at
    their old shares, or improbably few of them: the Poisson-binomial lower tail of the
    others returning below ``stakeholder.others_alpha``. Each other person ``j`` on a
    share ``s_j`` of the baseline's conversations misses all ``m`` since with chance
    ``(1 - s_j) ** m``; when more of them are silent together than such chances allow,
    the account's contacts are narrowing (the contraction's story, told by its own
    signal), and this person's silence is part of it, not one person's departure. One
    person leaving takes one person out of the breadth; the tail weighs each other
    person's own chance of missing the conversations since, whatever the account's size
    (a fixed ratio lets five of a 20-person account's people leave together unnoticed).

    Examples
    --------
    Ten others each on half of the baseline's conversations, 8 conversations since: each
    misses all 8 with chance ``0.5 ** 8 = 0.004``. Two of the ten silent has a tail of
    6.7e-4 (below the default 1e-3: narrowing); one of ten, 0.038 (not).

    >>> from stakegraph.analytics.signals.breadth import poisson_binomial_cdf
    >>> reach = np.full((2, 10), 1 - 0.5**8)  # each one's chance of being back
    >>> poisson_binomial_cdf(reach, np.array([8, 9])).round(4).tolist()  # 8 or 9 back
    [0.0007, 0.0384]
    """
    pairs, accounts, weeks = candidates
    out = np.zeros(len(chosen), dtype=bool)
    weeks_silent = silent_weeks(
        tables, weeks[chosen], test.last_seen[chosen], params.stakeholder.max_silence_weeks
    )
    their = np.flatnonzero(~tables.pair_home)
    for length in np.unique(weeks_silent):
        at = np.flatnonzero(weeks_silent == length)
        picked = chosen[at]
        breadth = breadth_test(
            tables,
            accounts[picked],
            weeks[picked],
            recent_weeks=int(length),
            baseline_weeks=params.windows.baseline_weeks,
            leave_out=np.searchsorted(their, pairs[picked]),
        )
        others_expected = breadth.expected_returning
        few = (others_expected > 0) & (
            breadth.returning <= params.stakeholder.max_others_returning * others_expected
        )
        out[at] = few | (breadth.p_value < params.stakeholder.others_alpha)
    return out


def _with_baseline(
    tables: WeeklyTables, key: KeyStakeholders, params: SignalParameters
) -> np.ndarray:
    """Row x week bools: the account has a baseline's worth of history by then. Who is
    among the top engaged is not known before: on a few weeks of data the ranks are
    noise (seed 11: 3 of 38 false departures were role ends in the first 24 weeks)."""
    weeks = np.arange(tables.grid.weeks)
    return (
        weeks[None, :]
        - params.champion.lag_weeks
        - tables.first_week[tables.pair_account[key.rows]][:, None]
        + 1
        >= params.windows.min_baseline_weeks
    )


def _benjamini_hochberg(
    p_value: np.ndarray, group: np.ndarray, family: np.ndarray, alpha: float
) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values within each group of ``family`` hypotheses,
    of which only those given are below 1 (the rest count as p = 1)."""
    adjusted = np.ones(len(p_value))
    for g in np.unique(group[p_value < alpha]):
        members = np.flatnonzero(group == g)
        size = max(int(family[members[0]]), len(members))
        padded = np.ones(size)
        padded[: len(members)] = p_value[members]
        adjusted[members] = stats.false_discovery_control(padded, method="bh")[: len(members)]
    return adjusted


def _silent_signal(
    tables: WeeklyTables,
    key: KeyStakeholders,
    test: SilenceTest,
    candidate: int,
    row: int,
    week: int,
    tested: tuple[float, int],
    parts: Participations,
) -> Signal:
    pair = int(key.rows[row])
    person = tables.person_id(int(tables.pair_person[pair]))
    account = int(tables.pair_account[pair])
    at = int(tables.grid.end_of(week))
    last_seen = int(test.last_seen[candidate])
    share = float(test.share[candidate])
    p_adjusted, family = tested
    evidence = {
        "mode": "silent",
        **_who(tables, key, row, week, last_seen, parts),
        "participation_rate_before": share,
        "interactions_per_week_before": float(test.rate[candidate]) * WEEK,
        "last_seen_at": last_seen,
        "last_sent_at": last_sent(tables, pair, last_seen),
        "silent_days": (int(test.covered_until[candidate]) - last_seen) / DAY,
        "account_interactions_since": int(test.since[candidate]),
        "p_value_account": float(test.p_account[candidate]),
        "p_value_time": float(test.p_time[candidate]),
        "p_value_person_year": float(test.rate[candidate])
        * YEAR
        * max(float(test.p_account[candidate]), float(test.p_time[candidate])),
        "p_value_adjusted": p_adjusted,
        "key_stakeholders": family,
        "test": (
            "max of (1 - share) ** interactions since and exp(-rate * (gap - allowance)), "
            "times their appearances a year; Benjamini-Hochberg over the account's key "
            "stakeholders of the week"
        ),
        "allowance_days": float(test.allowance_s[candidate]) / DAY,
    }
    return Signal(
        kind=STAKEHOLDER_DEPARTURE,
        account_id=tables.account_id(account),
        at=at,
        severity=_severity(key.reasons(row, week), share),
        evidence=evidence,
        person_ids=(person,),
    )


def _severity(reasons: list[str], share: float) -> float:
    """Executives and buyers matter beyond their traffic; traffic counts up to 10%."""
    return clip_severity(
        0.4
        + 0.2 * (EXECUTIVE in reasons)
        + 0.2 * (BUYING_ROLE in reasons)
        + 0.2 * min(1.0, share / 0.1)
    )


def _who(
    tables: WeeklyTables,
    key: KeyStakeholders,
    row: int,
    week: int,
    until: int,
    parts: Participations,
) -> dict[str, object]:
    """Who they are and why they mattered: level, title, buying role, reasons, engagement
    rank and score, and their brokerage over the baseline before ``until``."""
    pair = int(key.rows[row])
    person = tables.person_id(int(tables.pair_person[pair]))
    title = ""
    roles = tables.roles
    if roles is not None and len(roles) and "title" in roles.columns:
        mine = roles[
            (parts.role_person == person)
            & (parts.role_org == tables.account_id(int(tables.pair_account[pair])))
        ]
        if len(mine):
            title = str(mine.sort_values("start")["title"].iloc[-1] or "")
    contacts, effective_size = brokerage(tables, pair, until, parts)
    return {
        "person_id": person,
        "level": tables.level_name(int(tables.pair_level[pair])),
        "title": title,
        "buying_role": str(key.buying_role[row]) or None,
        "reasons": key.reasons(row, week),
        "engagement_rank": int(key.rank[row, week]),
        "engagement_score": float(key.score[row, week]),
        "contacts": contacts,
        "brokerage": effective_size,
    }


def _role_end_departures(
    tables: WeeklyTables,
    key: KeyStakeholders,
    params: SignalParameters,
    departed: set[tuple[int, int]],
    parts: Participations,
) -> list[Signal]:
    """Role ends of people who were key stakeholders in the week before the end."""
    roles = tables.roles
    if roles is None or len(roles) == 0 or not set(roles.columns) >= ROLE_COLUMNS:
        return []
    activity = tables.activity
    end = pd.to_numeric(roles["end"], errors="coerce").to_numpy(dtype=float)
    start = pd.to_numeric(roles["start"], errors="coerce").to_numpy(dtype=float)
    person = pd.Index(activity.person_ids).get_indexer(roles["person_id"].astype(str))
    account = pd.Index(activity.account_ids).get_indexer(roles["org_id"].astype(str))
    row_of = _row_lookup(tables, key.rows, roles["person_id"], roles["org_id"])
    known = np.isfinite(end) & (end < tables.grid.as_of) & (row_of >= 0)
    is_key = key.key & _with_baseline(tables, key, params)
    signals = []
    for role in np.flatnonzero(known):
        row = int(row_of[role])
        week = int(tables.grid.week_of(np.array([int(end[role])]))[0]) - 1
        if week < 0 or not is_key[row, week] or is_move(person, account, start, end, int(role)):
            continue
        pair = int(key.rows[row])
        departed.add((int(tables.pair_account[pair]), int(tables.pair_person[pair])))
        ended = int(end[role])
        lo, hi = max(week - params.windows.baseline_weeks + 1, 0), week + 1
        volume = tables.volume[int(tables.pair_account[pair]), lo:hi].sum()
        share = float(tables.pair_count[pair, lo:hi].sum() / volume) if volume > 0 else 0.0
        who = _who(tables, key, row, week, ended, parts)
        if "title" in roles.columns and roles["title"].iloc[role]:
            who["title"] = str(roles["title"].iloc[role])
        evidence = {
            "mode": "role_ended",
            **who,
            "role_end": ended,
            "participation_rate_before": share,
            "baseline_weeks": params.windows.baseline_weeks,
        }
        signals.append(
            Signal(
                kind=STAKEHOLDER_DEPARTURE,
                account_id=tables.account_id(int(tables.pair_account[pair])),
                at=ended,
                severity=_severity(key.reasons(row, week), share),
                evidence=evidence,
                person_ids=(str(who["person_id"]),),
            )
        )
    return signals
