"""Executive withdrawal: the account keeps talking, but its VP and C-level people stop appearing.

The silence test of :mod:`.silence` with "any executive of theirs" as the participant,
relative to the executives' own prior share of the account's conversations, taken per
kind of interaction (executives are on most meetings and few tickets). When executives
leave their roles, the ones who stay are judged from then on (presence eras, see
:class:`ExecutivePresence`). Not raised while the working level narrows onto one
person, nor when the whole account was already contracting as the executives went.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.signals.episodes import first_of_silences
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.analytics.signals.reviews import ReviewAttendance
from stakegraph.analytics.signals.series import ExecutiveRhythms, series_attendance
from stakegraph.analytics.signals.silence import (
    Appearances,
    SilenceTest,
    contracting_before,
    fired_before,
    narrowed_during_silence,
    silence_test,
)
from stakegraph.analytics.signals.tables import WeeklyTables, their_threads
from stakegraph.analytics.windows import KINDS
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import EXECUTIVE_LEVELS, EXECUTIVE_WITHDRAWAL

__all__ = [
    "ExecutivePresence",
    "executive_presence",
    "executive_withdrawals",
    "holm_adjusted",
    "last_role_ends",
]


def executive_withdrawals(
    tables: WeeklyTables, params: SignalParameters, reviews: ReviewAttendance | None = None
) -> list[Signal]:
    """VP and C-level people of theirs stop appearing, relative to their prior share.

    The executives' silence in the conversations fires alone when both of its tails are
    below ``executive.alpha``. With business reviews (``reviews``), their absence from
    the reviews held since they last came (each against their own attendance rate, see
    :mod:`.reviews`) multiplies the tail ``max(P_account, P_time)``: both are the chance
    of an absence, and under independence their product is the chance of being absent
    from both. That fires below the same level: a VP seen on a few emails a month who
    came to every review and misses the next ones is found then, not months later. The
    review evidence only adds to the conversations' (it counts when every regular review
    executive missed the reviews since; the silence must still be longer than an
    ordinary one). The account's standing meeting series (calendar series in the
    conversations: a steering committee, an executive sponsor call) count as reviews do,
    each executive against their own attendance there once they missed
    ``executive.series_min_missed`` sessions in a row (:mod:`.series`). Nothing is
    raised more than ``executive.max_silence_weeks`` after the executives' last
    appearance.

    A withdrawal is the executives going while the working level goes on. Nothing is
    raised while their side's traffic runs through one person over the silence's last
    ``executive.narrowed_weeks`` weeks, whatever the volume did (the bottleneck's or the
    slide's story: the narrowing often begins after the executives' last appearance), nor
    when the account was already contracting when they were last seen
    (:func:`.silence.contracting_before` over ``windows.recent_weeks``): executives
    fading with an account that is going quiet go with it. What the account does after
    their last appearance is not read: a withdrawal may start a slide.

    Parameters
    ----------
    tables : WeeklyTables
        Weekly tables of a run. With a role history, after executives leave their roles
        the executives who stay are judged on their own appearances; when none stays,
        every executive's silence stands.
    params : SignalParameters
    reviews : ReviewAttendance, optional
        The executives' attendance of the account's business reviews (default none).

    Returns
    -------
    list of Signal
        Signals of kind ``executive_withdrawal`` naming the executives who went quiet.
    """
    grid = tables.grid
    presence = executive_presence(tables)
    if presence is None:
        return []
    rhythms = ExecutiveRhythms.of(
        reviews, series_attendance(tables, reviews), min_missed=params.executive.series_min_missed
    )
    weeks = np.arange(grid.weeks)
    windows = params.windows
    narrowed = their_threads(tables, windows.recent_weeks) <= params.bottleneck.max_threads
    history = (
        weeks[None, :] - tables.first_week[:, None] + 1
        >= windows.min_baseline_weeks + windows.recent_weeks
    )
    account_idx, week_idx = np.nonzero(history & ~narrowed)
    keys = presence.key_at(account_idx, grid.end_of(week_idx))
    test = silence_test(
        tables,
        presence.appearances,
        keys,
        account_idx,
        week_idx,
        params=params,
        alpha=params.executive.alpha,
        holidays=Appearances.of_pairs(tables),
    )
    p_reviews, missed = _review_p_values(tables, rhythms, test, account_idx, week_idx, params)
    combined = np.maximum(test.p_account, test.p_time) * p_reviews
    # The stakeholder rule: a silence improbable only months later is old news.
    stale = test.longer_than(params.executive.max_silence_weeks)
    fire = (
        (test.fire | (test.extraordinary & (combined < params.executive.alpha)))
        & ~stale
        & (test.own_count >= params.executive.min_interactions)
        & _working_level_goes_on(tables, account_idx, week_idx, test.last_seen, params)
    )
    fired = np.flatnonzero(fire)
    episodes = first_of_silences(
        account_idx[fired],
        week_idx[fired],
        account_idx[fired],
        windows.cooldown_weeks,
        test.last_seen[fired],
    )
    signals = []
    for account, week, _account, position in episodes:
        candidate = int(fired[position])
        key = int(keys[candidate])
        signal = _withdrawal(tables, presence, test, candidate, key, account, week, params)
        if missed[candidate] > 0:
            signal = _with_reviews(signal, float(p_reviews[candidate]), int(missed[candidate]))
        signals.append(signal)
    return _with_each_executive(tables, signals, params, rhythms)


def _working_level_goes_on(
    tables: WeeklyTables,
    account_idx: np.ndarray,
    week_idx: np.ndarray,
    last_seen: np.ndarray,
    params: SignalParameters,
) -> np.ndarray:
    """Per candidate: their side's traffic was not narrowed onto one person (over the
    silence with the volume kept, or over its last ``executive.narrowed_weeks`` whatever
    the volume), and the account was not already contracting when the executives were last
    seen (:func:`.silence.contracting_before` over ``windows.recent_weeks``)."""
    narrowed = narrowed_during_silence(tables, account_idx, week_idx, last_seen, params=params)
    narrowed |= narrowed_during_silence(
        tables,
        account_idx,
        week_idx,
        last_seen,
        params=params,
        volume_kept=False,
        max_weeks=params.executive.narrowed_weeks,
    )
    contracting = contracting_before(
        tables,
        account_idx,
        last_seen,
        weeks=params.windows.recent_weeks,
        alpha=params.executive.alpha,
        params=params,
    )
    return np.asarray(~narrowed & ~contracting)


def _review_p_values(
    tables: WeeklyTables,
    reviews: ExecutiveRhythms | None,
    test: SilenceTest,
    account_idx: np.ndarray,
    week_idx: np.ndarray,
    params: SignalParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate: the joint p of the regular review executives' absences and the
    fewest reviews they missed (1 and 0 where the review evidence says nothing)."""
    p_reviews = np.ones(len(account_idx))
    missed = np.zeros(len(account_idx), dtype=np.int64)
    if reviews is None or not reviews.held:
        return p_reviews, missed
    # Only where the conversations' silence could still fire: the rest cannot change.
    open_ = test.extraordinary & ~test.fire & (test.own_count >= params.executive.min_interactions)
    ends: dict[str, list[tuple[str, int]]] = {}
    for (org, person), end in last_role_ends(tables.roles).items():
        ends.setdefault(org, []).append((person, end))
    for candidate in np.flatnonzero(open_):
        account_id = tables.account_id(int(account_idx[candidate]))
        if account_id not in reviews.held:
            continue
        at = int(tables.grid.end_of(int(week_idx[candidate])))
        leaving = [person for person, end in ends.get(account_id, []) if end <= at]
        p_reviews[candidate], missed[candidate] = reviews.joint_p_value(
            account_id,
            at,
            min_attended=params.executive.min_reviews,
            prior=(params.executive.review_prior_attendance, params.executive.review_prior_weight),
            leaving=leaving,
        )
    return p_reviews, missed


def _with_reviews(signal: Signal, p_value: float, missed: int) -> Signal:
    return replace(
        signal,
        evidence={**signal.evidence, "reviews_missed": missed, "p_value_reviews": p_value},
    )


def _with_each_executive(
    tables: WeeklyTables,
    signals: list[Signal],
    params: SignalParameters,
    reviews: ExecutiveRhythms | None = None,
) -> list[Signal]:
    """Each signal's executives judged one by one against their own rhythm.

    Every executive named is tested with the silence test of :mod:`.silence` on their own
    appearances, per kind of interaction (their share of the account's meetings, calls
    and emails), ``p = max(P_account, P_time)``, times the chance of their absence from the
    business reviews held since they last came when they were a regular there
    (:mod:`.reviews`); Holm's step-down over the signal's executives controls the
    family-wise error: ``withdrawn`` are those whose adjusted p is below
    ``executive.alpha``. The evidence keeps, per executive, what they used to do (their
    meetings, calls and emails in the baseline before their last appearance). Dropped: a
    signal with someone whose own silence fired by the week all were last seen (they went
    first, and the joint share, counting them, measures their departure as much).
    """
    if not signals:
        return signals
    appearances = _executive_pair_appearances(tables)
    n_persons = tables.activity.n_persons
    pair_code = tables.pair_account.astype(np.int64) * n_persons + tables.pair_person
    account_of = {str(a): i for i, a in enumerate(tables.activity.account_ids)}
    person_of = {str(p): i for i, p in enumerate(tables.activity.person_ids)}
    rows = [
        (
            index,
            account_of[s.account_id],
            person_of[person],
            int(tables.grid.week_of(np.array([s.at - 1]))[0]),
        )
        for index, s in enumerate(signals)
        for person in s.person_ids
    ]
    signal_index = np.array([r[0] for r in rows])
    accounts = np.array([r[1] for r in rows], dtype=np.int64)
    keys = np.searchsorted(pair_code, accounts * n_persons + np.array([r[2] for r in rows]))
    weeks = np.array([r[3] for r in rows], dtype=np.int64)
    test = silence_test(
        tables, appearances, keys, accounts, weeks, params=params, alpha=params.executive.alpha
    )
    p_value = np.maximum(test.p_account, test.p_time)
    last_seen = np.array([int(signals[i].evidence["last_seen_at"]) for i in signal_index])
    gone = fired_before(
        tables, appearances, keys, accounts, last_seen, params=params, alpha=params.executive.alpha
    )
    out = []
    review_record = reviews if reviews is not None else ExecutiveRhythms()
    for index, signal in enumerate(signals):
        mine = np.flatnonzero(signal_index == index)
        if gone[mine].any():
            continue
        absent = {
            a.person_id: a
            for a in review_record.absences(
                signal.account_id,
                signal.at,
                min_attended=params.executive.min_reviews,
                prior=(
                    params.executive.review_prior_attendance,
                    params.executive.review_prior_weight,
                ),
            )
            if a.missed_since > 0
        }
        for row in mine:
            absence = absent.get(tables.person_id(int(tables.pair_person[keys[row]])))
            if absence is not None:
                p_value[row] *= absence.p_value
        adjusted = holm_adjusted(p_value[mine])
        details = [
            _executive_detail(
                tables,
                appearances,
                test,
                int(row),
                int(keys[row]),
                (float(p_value[row]), float(adj)),
                params,
            )
            for row, adj in zip(mine, adjusted, strict=True)
        ]
        for detail in details:
            detail["withdrawn"] = detail["p_value_holm"] < params.executive.alpha
            absence = absent.get(detail["person_id"])
            if absence is not None:
                detail["reviews_attended"] = absence.attended
                detail["reviews_missed"] = absence.missed_since
        evidence = {
            **signal.evidence,
            "each_executive": details,
            "withdrawn_executives": [d["person_id"] for d in details if d["withdrawn"]],
            "error_control": "Holm over the signal's executives",
        }
        out.append(replace(signal, evidence=evidence))
    return out


def _executive_pair_appearances(tables: WeeklyTables) -> Appearances:
    """Every (account, person) pair's appearances at conversation starts, with the kind."""
    kinds = tables.activity.interactions["kind"].to_numpy()[tables.part_row].astype(np.int64)
    # The pairs' own appearances (the same keys and times), so that the silence model's
    # parts built for the departures are read again, not rebuilt.
    return replace(Appearances.of_pairs(tables), kind=kinds[Appearances.pair_order(tables)])


def _executive_detail(
    tables: WeeklyTables,
    appearances: Appearances,
    test: SilenceTest,
    row: int,
    pair: int,
    p_values: tuple[float, float],
    params: SignalParameters,
) -> dict[str, Any]:
    """One executive's evidence: who, since when, what they used to do (their meetings,
    calls and emails in the baseline before their last appearance), their tests."""
    last_seen = int(test.last_seen[row])
    lo = np.searchsorted(appearances.key, pair, "left")
    hi = np.searchsorted(appearances.key, pair, "right")
    at = appearances.at[lo:hi]
    kinds = appearances.kind[lo:hi] if appearances.kind is not None else np.zeros(0)
    start = last_seen - params.windows.baseline_weeks * WEEK
    before = kinds[(at > start) & (at <= last_seen)]
    level = tables.level_name(int(tables.pair_level[pair]))
    return {
        "person_id": tables.person_id(int(tables.pair_person[pair])),
        "level": level,
        "last_seen_at": last_seen,
        "silent_days": float((test.covered_until[row] - last_seen) / DAY)
        if last_seen >= 0
        else 0.0,
        "used_to": {
            name: int(np.sum(before == code))
            for code, name in enumerate(KINDS)
            if np.any(before == code)
        },
        "share_before": float(test.share[row]),
        "p_value": p_values[0],
        "p_value_holm": p_values[1],
    }


def holm_adjusted(p_values: np.ndarray) -> np.ndarray:
    """Holm's (1979) step-down adjusted p-values: ``max_{j <= i} min(1, (m - j + 1) p_(j))``
    in ascending order of the p-values, returned in the input's order.

    Examples
    --------
    >>> import numpy as np
    >>> holm_adjusted(np.array([0.01, 0.04, 0.03])).round(2)
    array([0.03, 0.06, 0.06])
    """
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * np.asarray(p_values, dtype=float)[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def _withdrawal(
    tables: WeeklyTables,
    presence: ExecutivePresence,
    test: SilenceTest,
    candidate: int,
    key: int,
    account: int,
    week: int,
    params: SignalParameters,
) -> Signal:
    last_seen = int(test.last_seen[candidate])
    baseline_start = last_seen - params.windows.baseline_weeks * WEEK
    on_record = (
        (presence.attendee_key == key)
        & (presence.attendee_at >= baseline_start)
        & (presence.attendee_at <= last_seen)
    )
    people, counts = np.unique(presence.attendee[on_record], return_counts=True)
    # Most present first.
    person_ids = [tables.person_id(int(p)) for p in people[np.argsort(-counts, kind="stable")]]
    at = int(tables.grid.end_of(week))
    share = float(test.share[candidate])
    return Signal(
        kind=EXECUTIVE_WITHDRAWAL,
        account_id=tables.account_id(account),
        at=at,
        severity=clip_severity(0.4 + 0.6 * min(1.0, share / 0.3)),
        evidence={
            "executives": person_ids,
            "executives_left": [
                tables.person_id(int(p)) for p in presence.left_before(account, at)
            ],
            "executive_interactions_before": int(test.own_count[candidate]),
            "executive_share_before": share,
            "last_seen_at": last_seen,
            "silent_days": (at - last_seen) / DAY,
            "account_interactions_since": int(test.since[candidate]),
            "p_value_account": float(test.p_account[candidate]),
            "p_value_time": float(test.p_time[candidate]),
            "baseline_weeks": params.windows.baseline_weeks,
        },
        person_ids=tuple(person_ids),
    )


@dataclass(frozen=True)
class ExecutivePresence:
    """The appearances of "any executive of theirs", per account and presence era.

    Each key is one account's executives over an era: era 0 holds every executive's
    appearances; era ``e > 0`` begins at the account's ``e``-th distinct executive role
    end and holds only the appearances of executives who had not left by then.

    Attributes
    ----------
    appearances : Appearances
        One per conversation start and key (however many executives were on it), with
        the interaction kind; sorted by key, then time.
    attendee_key, attendee_at, attendee : numpy.ndarray
        Every executive on each appearance, by key (a conversation may have several).
    leave_at, leave_person : list of numpy.ndarray
        Per account: its executives' role ends and who left.
    era_start : list of numpy.ndarray
        Per account: the eras' start times (distinct role ends, sorted).
    era0 : numpy.ndarray
        Per account: the key of its era 0 (era ``e`` is ``era0 + e``).
    """

    appearances: Appearances
    attendee_key: np.ndarray
    attendee_at: np.ndarray
    attendee: np.ndarray
    leave_at: list[np.ndarray]
    leave_person: list[np.ndarray]
    era_start: list[np.ndarray]
    era0: np.ndarray

    def key_at(self, accounts: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The key to judge at ``at``: the era's stayers when one of them has appeared
        before ``at``, else every executive (nobody stays: the silence of the executives
        as a whole stands)."""
        keys = self.era0[accounts].copy()
        key_of = self.appearances.key
        for candidate in np.flatnonzero([len(self.era_start[a]) > 0 for a in accounts]):
            account = int(accounts[candidate])
            era = int(np.searchsorted(self.era_start[account], at[candidate], "right"))
            if era == 0:
                continue
            key = self.era0[account] + era
            lo = np.searchsorted(key_of, key, "left")
            hi = np.searchsorted(key_of, key, "right")
            if hi > lo and self.appearances.at[lo] < at[candidate]:
                keys[candidate] = key
        return keys

    def left_before(self, account: int, at: int) -> np.ndarray:
        """Executives of the account whose role ended by ``at``."""
        return np.unique(self.leave_person[account][self.leave_at[account] <= at])


def executive_presence(tables: WeeklyTables) -> ExecutivePresence | None:
    """Their executives' appearances at conversation starts, split into role-end eras;
    None when no executive of theirs ever appears."""
    activity = tables.activity
    levels = activity.level_names
    executive_codes = [levels.index(name) for name in EXECUTIVE_LEVELS if name in levels]
    is_executive = ~tables.pair_home[tables.part_pair] & np.isin(tables.part_level, executive_codes)
    if not is_executive.any():
        return None
    account = tables.pair_account[tables.part_pair[is_executive]].astype(np.int64)
    person = tables.pair_person[tables.part_pair[is_executive]].astype(np.int64)
    row = tables.part_row[is_executive]
    at = tables.part_at[is_executive].astype(np.int64)
    leave = _leave_times(tables, account, person)
    n_accounts = activity.n_accounts
    leave_at: list[np.ndarray] = [np.zeros(0)] * n_accounts
    leave_person: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * n_accounts
    for leaving in np.unique(account[np.isfinite(leave)]):
        mine = (account == leaving) & np.isfinite(leave)
        ends = np.unique(np.stack([leave[mine], person[mine]]), axis=1)
        leave_at[leaving], leave_person[leaving] = ends[0], ends[1].astype(np.int64)
    era_start = [np.unique(ends) for ends in leave_at]
    era0 = np.zeros(n_accounts, dtype=np.int64)
    era0[1:] = np.cumsum([len(starts) + 1 for starts in era_start])[:-1]
    n_keys = int(era0[-1]) + len(era_start[-1]) + 1
    # Era e of an account: the appearances of people who had not left at its e-th start.
    parts_key, parts_index = [era0[account]], [np.arange(len(account))]
    for with_eras in np.flatnonzero([len(starts) > 0 for starts in era_start]):
        mine = np.flatnonzero(account == with_eras)
        for era, start in enumerate(era_start[with_eras], start=1):
            stay = mine[leave[mine] > start]
            parts_key.append(np.full(len(stay), era0[with_eras] + era))
            parts_index.append(stay)
    attendee_key = np.concatenate(parts_key)
    attendee_index = np.concatenate(parts_index)
    # One appearance per conversation and key, however many executives were on it.
    repeated = pd.DataFrame({"key": attendee_key, "row": row[attendee_index]}).duplicated()
    key = attendee_key[~repeated.to_numpy()]
    index = attendee_index[~repeated.to_numpy()]
    order = np.lexsort((at[index], key))
    key, index = key[order], index[order]
    kinds = activity.interactions["kind"].to_numpy()
    return ExecutivePresence(
        appearances=Appearances(
            key=key,
            at=at[index],
            key_account=np.repeat(np.arange(n_accounts), np.diff(np.append(era0, n_keys))),
            kind=kinds[row[index]].astype(np.int64),
        ),
        attendee_key=attendee_key,
        attendee_at=at[attendee_index],
        attendee=person[attendee_index],
        leave_at=leave_at,
        leave_person=leave_person,
        era_start=era_start,
        era0=era0,
    )


def _leave_times(tables: WeeklyTables, account: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Per appearance, its executive's role end at the account (inf while they hold one)."""
    n_persons = tables.activity.n_persons
    pair = account * n_persons + person
    unique_pairs, pair_index = np.unique(pair, return_inverse=True)
    role_end = last_role_ends(tables.roles)
    pair_leave = np.array(
        [
            role_end.get(
                (
                    tables.account_id(int(code // n_persons)),
                    tables.person_id(int(code % n_persons)),
                ),
                math.inf,
            )
            for code in unique_pairs
        ],
        dtype=float,
    )
    return np.asarray(pair_leave[pair_index])


def last_role_ends(roles: pd.DataFrame | None) -> dict[tuple[str, str], int]:
    """Each (organization, person)'s last role end, for people whose every role there
    has ended (a move to another role at the same organization is no leaving).

    Examples
    --------
    >>> import pandas as pd
    >>> roles = pd.DataFrame({"org_id": ["acme", "acme", "acme"], "person_id": ["a", "a", "b"],
    ...     "start": [0, 50, 0], "end": [50.0, 90.0, float("nan")]})
    >>> last_role_ends(roles)
    {('acme', 'a'): 90}
    """
    needed = {"person_id", "org_id", "start", "end"}
    if roles is None or len(roles) == 0 or not needed <= set(roles.columns):
        return {}
    frame = pd.DataFrame(
        {
            "org": roles["org_id"].astype(str),
            "person": roles["person_id"].astype(str),
            "end": pd.to_numeric(roles["end"], errors="coerce"),
        }
    )
    spells = frame.groupby(["org", "person"])["end"]
    last = spells.max()[spells.count() == spells.size()].reset_index()
    return {
        (org, person): int(end)
        for org, person, end in zip(last["org"], last["person"], last["end"], strict=True)
    }
