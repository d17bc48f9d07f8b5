"""The silence model: how improbable is it that someone has not appeared since they last did?

Shared by champion departure (one person) and executive withdrawal (a pseudo-participant,
"any executive of theirs"). When the account has had ``m`` conversations since the
participant's last one and the participant used to be on a share ``s`` of them, the
chance of missing all of them is ``(1 - s) ** m`` (a thinned Poisson process: the test
adapts to the account's own volume); the time tail ``exp(-rate * (gap - A))`` of the
participant's own rhythm counts only the silence beyond an ordinary absence ``A``. Both
must fall below ``alpha``, and the silence must be longer than the participant's own in
the year before and than the holidays of the portfolio's regular contacts.

The end of the data is not a departure. A silence is measured only up to a week after the
account's last conversation (after it there is nothing to be absent from: an export that
ends, a mailbox no longer connected), and nobody's silence fires while the whole account is
improbably quiet (:func:`account_quiet`: a holiday, or data that stops).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stakegraph.analytics.kernels import KeyedTimes, prefix_sums
from stakegraph.analytics.signals.ordinary_silence import OwnLongestSilences, ordinary_silences
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.tables import WeeklyTables, their_threads
from stakegraph.dates import WEEK

__all__ = [
    "Appearances",
    "SilenceTest",
    "account_dark",
    "account_quiet",
    "contracted_during_silence",
    "contracting_before",
    "fired_before",
    "narrowed_during_silence",
    "silence_test",
    "silent_weeks",
]

# Weight, in conversations, of a participant's overall share in their share of one kind
# of interaction: a kind seen twice in the baseline says little on its own.
STRATUM_PRIOR = 5.0


@dataclass(frozen=True)
class Appearances:
    """When each participant (a key) was on a conversation start, sorted by key then time.

    Attributes
    ----------
    key, at : numpy.ndarray
        One entry per appearance.
    key_account : numpy.ndarray
        Per key: its account.
    kind : numpy.ndarray or None
        Per appearance, the interaction kind code: the chance of missing the
        conversations since is then taken per kind (executives are on most meetings and
        few tickets). None: one share for every kind.
    weekly_count : numpy.ndarray or None
        Key x week counts when the keys are the tables' pairs (else counted from ``at``).
    """

    key: np.ndarray
    at: np.ndarray
    key_account: np.ndarray
    kind: np.ndarray | None = None
    weekly_count: np.ndarray | None = None

    @classmethod
    def of_pairs(cls, tables: WeeklyTables) -> Appearances:
        """Every (account, person) pair's own appearances (built once per tables: the
        champion's and the stakeholders' departures both read them)."""
        found = tables.memo.get("pair_appearances")
        if found is None:
            order = cls.pair_order(tables)
            found = cls(
                key=tables.part_pair.astype(np.int64)[order],
                at=tables.part_at.astype(np.int64)[order],
                key_account=tables.pair_account,
                weekly_count=tables.pair_count,
            )
            tables.memo["pair_appearances"] = found
        return found

    @staticmethod
    def pair_order(tables: WeeklyTables) -> np.ndarray:
        """The order of the tables' participations by (pair, time): that of
        :meth:`of_pairs`, for reading other columns of the participations alongside
        (sorted once per tables)."""
        found = tables.memo.get("pair_order")
        if found is None:
            at = tables.part_at.astype(np.int64)
            found = np.lexsort((at, tables.part_pair.astype(np.int64)))
            tables.memo["pair_order"] = found
        return np.asarray(found)


@dataclass(frozen=True)
class SilenceTest:
    """The silence test of each candidate (one entry per candidate).

    Attributes
    ----------
    fire : numpy.ndarray
        Bool: the silence is improbable on both tails, longer than an ordinary one, and
        the account is not quiet.
    seen : numpy.ndarray
        Bool: the participant appeared before the week's end at all.
    last_seen : numpy.ndarray
        Epoch seconds of the last appearance (-1 when never seen).
    since : numpy.ndarray
        Account conversations since then.
    share : numpy.ndarray
        Their share of the account's conversations over the baseline ending at
        ``last_seen``.
    rate : numpy.ndarray
        Their appearances per second over that baseline.
    own_count : numpy.ndarray
        Their appearances in that baseline.
    p_account, p_time : numpy.ndarray
        The two tails.
    longest_past_silence : numpy.ndarray
        Most conversations they missed in a row in the year before.
    longest_away_s, allowance_s : numpy.ndarray
        The portfolio's holiday length and ordinary absence at the week (seconds).
    covered_until : numpy.ndarray
        Epoch seconds up to which the silence is measured: the week's end, or a week
        after the account's last conversation before it when that is earlier.
    quiet : numpy.ndarray
        Bool: the whole account was improbably quiet in the weeks up to the week's end.
    extraordinary : numpy.ndarray
        Bool: every condition of ``fire`` but the two tails (seen often enough, longer
        than their own and the portfolio's ordinary silences, the account not quiet).
    """

    fire: np.ndarray
    seen: np.ndarray
    last_seen: np.ndarray
    since: np.ndarray
    share: np.ndarray
    rate: np.ndarray
    own_count: np.ndarray
    p_account: np.ndarray
    p_time: np.ndarray
    longest_past_silence: np.ndarray
    longest_away_s: np.ndarray
    allowance_s: np.ndarray
    covered_until: np.ndarray
    quiet: np.ndarray
    extraordinary: np.ndarray

    def longer_than(self, weeks: int) -> np.ndarray:
        """Bool: the silence measured (up to ``covered_until``) is longer than ``weeks``.

        A silence that becomes improbable only after that (someone seen a few times a
        year) is old news by then, not a departure or withdrawal to act on.
        """
        return np.asarray(self.covered_until - self.last_seen > weeks * WEEK)


def fired_before(
    tables: WeeklyTables,
    appearances: Appearances,
    keys: np.ndarray,
    accounts: np.ndarray,
    at: np.ndarray,
    *,
    params: SignalParameters,
    alpha: float,
) -> np.ndarray:
    """Per candidate: participant ``keys`` was last seen before ``at`` (epoch seconds) and
    their silence had fired (:func:`silence_test` at ``alpha``) by the end of its week."""
    weeks = tables.grid.week_of(at).astype(np.int64)
    test = silence_test(tables, appearances, keys, accounts, weeks, params=params, alpha=alpha)
    return np.asarray(test.fire & (test.last_seen < at))


def silence_test(
    tables: WeeklyTables,
    appearances: Appearances,
    keys: np.ndarray,
    accounts: np.ndarray,
    weeks: np.ndarray,
    *,
    params: SignalParameters,
    alpha: float,
    holidays: Appearances | None = None,
) -> SilenceTest:
    """How improbable is the silence of participant ``keys`` at the end of ``weeks``?

    ``keys``, ``accounts`` and ``weeks`` are parallel: one candidate each. The portfolio's
    holiday is learnt from the silences of ``holidays`` (default: the participants' own):
    a participant that is a group of people (an account's executives) is away when its
    people are, and a group's long silence that ended is no holiday.
    """
    grid = tables.grid
    end = grid.end_of(weeks)
    appeared, conversations, own_longest, pooled = _silence_history(tables, appearances, params)
    if holidays is not None:
        pooled = _silence_history(tables, holidays, params)[3]
    # The last appearance before the week's end.
    before = appeared.rank(keys, end) - 1
    safe = np.maximum(before, 0)
    seen = (before >= 0) & (appearances.key[safe] == keys)
    last_seen = np.where(seen, appearances.at[safe], -1)
    since = np.where(
        seen,
        conversations.rank(accounts, end) - conversations.rank(accounts, last_seen, "right"),
        0,
    )
    # Their share of the account's conversations over the baseline ending where they were
    # last seen, and their rate per second.
    last_week = grid.week_of(np.maximum(last_seen, grid.origin))
    base_lo = np.clip(last_week - params.windows.baseline_weeks + 1, 0, grid.weeks)
    base_hi = np.clip(last_week + 1, 0, grid.weeks)
    base_start, base_end = grid.origin + base_lo * WEEK, grid.origin + base_hi * WEEK
    volume = prefix_sums(tables.volume)
    account_count = volume[accounts, base_hi] - volume[accounts, base_lo]
    if appearances.weekly_count is not None:
        counts = prefix_sums(appearances.weekly_count)
        own_count = counts[keys, base_hi] - counts[keys, base_lo]
    else:
        own_count = appeared.count_between(keys, base_start, base_end).astype(float)
    first_t = np.maximum(base_start, grid.origin + tables.first_week[accounts] * WEEK)
    exposure = np.maximum(base_end - first_t, WEEK).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(own_count / np.maximum(account_count, 1.0), 0.0, 1.0)
        rate = own_count / exposure
    # Nothing long after the account's last conversation is data to be absent from: the
    # silence is measured up to a week past it (a quiet few days of a small account are
    # still data; an export that ended weeks ago is not).
    account_last = _last_before(conversations, accounts, end)
    covered_until = np.where(account_last >= 0, np.minimum(end, account_last + WEEK), end)
    gap = np.maximum(covered_until - last_seen, 0).astype(float)
    if appearances.kind is None:
        # (1 - s)^m: the chance of missing every one of m conversations at the old share.
        log_miss = since * np.log1p(-np.minimum(share, 1 - 1e-9))
    else:
        log_miss = _stratified_log_miss(
            tables, appearances, keys, accounts, (last_seen, end), (base_start, base_end), share
        )
    p_account = np.where(seen, np.exp(log_miss), 1.0)
    # People take holidays, which the Poisson tails do not know. The time tail counts only
    # the silence beyond an ordinary absence; the silence must outlast the person's own
    # longest of the year before (in conversations missed) and a holiday (of bounded length).
    past = own_longest.at(keys, np.clip(last_week, 0, grid.weeks - 1))
    pooled_at = pooled[np.clip(weeks, 0, grid.weeks - 1)]
    away = np.clip(pooled_at[:, 0], *params.silence.holiday_bounds_s())
    allowance = pooled_at[:, 1]
    p_time = np.where(seen, np.exp(-rate * np.maximum(gap - allowance, 0.0)), 1.0)
    quiet = account_quiet(tables, accounts, weeks, params=params)
    extraordinary = seen & (own_count >= 3) & (since > past) & (gap > away) & ~quiet
    fire = extraordinary & (p_account < alpha) & (p_time < alpha)
    return SilenceTest(
        fire=fire,
        seen=seen,
        last_seen=last_seen,
        since=since,
        share=share,
        rate=rate,
        own_count=own_count,
        p_account=p_account,
        p_time=p_time,
        longest_past_silence=past,
        longest_away_s=away,
        allowance_s=allowance,
        covered_until=covered_until,
        quiet=quiet,
        extraordinary=extraordinary,
    )


def _silence_history(
    tables: WeeklyTables, appearances: Appearances, params: SignalParameters
) -> tuple[KeyedTimes, KeyedTimes, OwnLongestSilences, np.ndarray]:
    """The appearances and the account's conversations on their keyed time axes, and the
    ordinary silences (:func:`.ordinary_silence.ordinary_silences`): what the silence test
    reads besides its candidates. Built once per tables and appearances (the champion's,
    the stakeholders' and each executive's tests read the same pairs' appearances, the
    last with their interaction kinds, which these parts do not read)."""
    span = int(np.int64(tables.grid.weeks + 2) * WEEK)
    conversations = tables.memo.get("conversations")
    if conversations is None:
        conversations = KeyedTimes.of(
            tables.start_account, tables.start_at, span=span, origin=tables.grid.origin
        )
        tables.memo["conversations"] = conversations
    setting = (params.silence, params.windows.baseline_weeks)
    histories = tables.memo.setdefault("silence_histories", [])
    for (key, at, key_account, built_with), parts in histories:
        if (
            built_with == setting
            and _same(key, appearances.key)
            and _same(at, appearances.at)
            and _same(key_account, appearances.key_account)
        ):
            return parts
    appeared = KeyedTimes.of(appearances.key, appearances.at, span=span, origin=tables.grid.origin)
    own_longest, pooled = ordinary_silences(tables, appearances, conversations, params=params)
    parts = (appeared, conversations, own_longest, pooled)
    histories.append(((appearances.key, appearances.at, appearances.key_account, setting), parts))
    return parts


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or (a.shape == b.shape and bool(np.array_equal(a, b)))


def _last_before(conversations: KeyedTimes, accounts: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Epoch seconds of each account's last conversation before ``end`` (-1 when none)."""
    before = conversations.rank(accounts, end) - 1
    safe = np.maximum(before, 0)
    encoded = conversations.encoded[safe] if len(conversations.encoded) else np.zeros_like(safe)
    key = (encoded // conversations.span).astype(np.int64)
    at = encoded - key * conversations.span + conversations.origin
    return np.where((before >= 0) & (key == accounts), at, -1)


def account_quiet(
    tables: WeeklyTables, accounts: np.ndarray, weeks: np.ndarray, *, params: SignalParameters
) -> np.ndarray:
    """Whether the whole account was improbably quiet in the ``silence.quiet_weeks`` up to
    each week's end: the Poisson lower tail of its conversations there, at its rate over
    the ``baseline_weeks`` before, below ``silence.quiet_alpha``.

    An export that ends, a mailbox disconnected or a holiday silences everyone at once;
    nobody's silence is then a departure. A small account's empty fortnight is not
    improbable, and its silences are measured only up to a week past its last conversation.
    """
    if len(accounts) == 0:
        return np.zeros(0, dtype=bool)
    tail, _ = _volume_lower_tail(
        tables, accounts, weeks, span=params.silence.quiet_weeks, calendar=False, params=params
    )
    return np.asarray(tail < params.silence.quiet_alpha)


def contracting_before(
    tables: WeeklyTables,
    accounts: np.ndarray,
    last_seen: np.ndarray,
    *,
    weeks: int,
    alpha: float,
    params: SignalParameters,
) -> np.ndarray:
    """Whether each account's own traffic was already falling when a participant was last
    seen: the Poisson lower tail of its conversations over the ``weeks`` whole weeks up to
    and including the week of ``last_seen``, at its rate over the ``baseline_weeks``
    before them in proportion to the portfolio's calendar (``tables.season``), below
    ``alpha``.

    Someone who falls silent while the whole account is contracting goes with the
    account (the contraction's story), not away from a relationship that goes on; what
    the account does after they were last seen cannot tell the two apart (a withdrawal
    may start a slide), what it did before can. ``last_seen`` of -1 (never seen): False.

    Examples
    --------
    Ten conversations a week for 26 weeks, then 4 a week for 6 weeks up to the last
    appearance: 24 seen where 60 were expected, a lower tail of about 1e-7 (a flat
    calendar).

    >>> from types import SimpleNamespace
    >>> from stakegraph.analytics.signals.parameters import SignalParameters
    >>> from stakegraph.dates import WEEK
    >>> volume = np.array([[10] * 26 + [4] * 6 + [10] * 4])
    >>> tables = SimpleNamespace(volume=volume, season=np.ones(36), grid=SimpleNamespace(
    ...     origin=0, week_of=lambda t: np.asarray(t) // WEEK))
    >>> contracting_before(tables, np.array([0, 0]), np.array([31 * WEEK + 5, 25 * WEEK]),
    ...                    weeks=6, alpha=1e-3, params=SignalParameters()).tolist()
    [True, False]
    """
    if len(accounts) == 0:
        return np.zeros(0, dtype=bool)
    week = tables.grid.week_of(np.maximum(last_seen, tables.grid.origin))
    # Exposure in "typical weeks" of the portfolio's calendar (as the contraction's): a
    # summer or a holiday season quietens every account at once.
    tail, with_baseline = _volume_lower_tail(
        tables, accounts, week, span=weeks, calendar=True, params=params
    )
    return np.asarray((tail < alpha) & (last_seen >= 0) & with_baseline)


def _volume_lower_tail(
    tables: WeeklyTables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    *,
    span: int,
    calendar: bool,
    params: SignalParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """The Poisson lower tail of each account's conversations over the ``span`` whole weeks
    up to and including ``weeks``, at its rate over the ``baseline_weeks`` before them (in
    proportion to the portfolio's calendar when ``calendar``), and whether there were any
    baseline weeks. Shared by :func:`account_quiet` and :func:`contracting_before`."""
    volume = prefix_sums(tables.volume)
    columns = volume.shape[1] - 1
    hi = np.clip(weeks + 1, 0, columns)
    lo = np.clip(hi - span, 0, columns)
    base_lo = np.clip(lo - params.windows.baseline_weeks, 0, columns)
    recent = volume[accounts, hi] - volume[accounts, lo]
    base = volume[accounts, lo] - volume[accounts, base_lo]
    if calendar:
        season = prefix_sums(tables.season[None, :])[0]
        recent_exposure = season[hi] - season[lo]
        base_exposure = season[lo] - season[base_lo]
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = np.where(base_exposure > 0, base * recent_exposure / base_exposure, 0.0)
    else:
        expected = base / np.maximum(lo - base_lo, 1) * (hi - lo)
    return stats.poisson.cdf(recent, expected), lo > base_lo


def account_dark(
    start_account: np.ndarray,
    start_at: np.ndarray,
    accounts: np.ndarray,
    at: np.ndarray,
    *,
    params: SignalParameters,
) -> np.ndarray:
    """Whether each account's data had ended by ``at``: its last conversation before
    ``at`` is more than a week earlier, and no conversation at all since then is
    improbable at the account's recent rate, over the ``silence.quiet_weeks`` up to that
    conversation (Poisson zero count ``exp(-rate x gap) < silence.quiet_alpha``).

    ``start_account`` and ``start_at`` are every conversation start (account code, epoch
    seconds); ``accounts`` and ``at`` are parallel queries (an account code of -1, or an
    account with no conversation before ``at``, is not dark: there is no data to end).
    A small account's quiet week is not improbable; a busy account's export cut is,
    within days.

    Examples
    --------
    An account with a conversation every day, then nothing: its rate over the 2 weeks up
    to its last one is 14 / 14 days = 1 a day, so it is dark a week and a day after its
    last one (``exp(-8) = 3.4e-4``), not after six days (within a week: still data).

    >>> from stakegraph.analytics.signals.parameters import SignalParameters
    >>> day = 86_400
    >>> starts = np.arange(182) * day
    >>> ask = np.array([181 * day + 6 * day, 181 * day + 8 * day])
    >>> account_dark(np.zeros(182, int), starts, np.zeros(2, int), ask,
    ...              params=SignalParameters()).tolist()
    [False, True]
    """
    out = np.zeros(len(accounts), dtype=bool)
    if len(accounts) == 0 or len(start_at) == 0:
        return out
    order = np.lexsort((start_at, start_account))
    key_account, key_at = start_account[order], start_at[order]
    for i, (account, when) in enumerate(zip(accounts, at, strict=True)):
        lo = np.searchsorted(key_account, account, side="left")
        hi = np.searchsorted(key_account, account, side="right")
        times = key_at[lo:hi]
        before = int(np.searchsorted(times, when, side="left"))
        if account < 0 or before == 0:
            continue
        last = int(times[before - 1])
        gap = int(when) - last
        if gap <= WEEK:
            continue
        # The recent rate, not the half-year's: an account whose volume has contracted
        # (a signal of its own) is not dark because its last quiet week would have been
        # improbable before the contraction.
        window = params.silence.quiet_weeks * WEEK
        first = int(np.searchsorted(times, last - window, side="right"))
        exposure = min(window, max(last - int(times[0]), WEEK))
        rate = (before - first) / exposure
        out[i] = np.exp(-rate * gap) < params.silence.quiet_alpha
    return out


def _stratified_log_miss(
    tables: WeeklyTables,
    appearances: Appearances,
    keys: np.ndarray,
    accounts: np.ndarray,
    silence: tuple[np.ndarray, np.ndarray],
    baseline: tuple[np.ndarray, np.ndarray],
    share: np.ndarray,
) -> np.ndarray:
    """``sum_k m_k * log(1 - s_k)`` over interaction kinds ``k``: ``m_k`` conversations of
    kind ``k`` since the last appearance, ``s_k`` the participant's share of the
    baseline's conversations of that kind, shrunk towards their overall share ``share``
    with the weight of `STRATUM_PRIOR` conversations (a kind seen twice says little)."""
    assert appearances.kind is not None
    last_seen, end = silence
    base_start, base_end = baseline
    # Epoch seconds stay below 2**40: (key, time) fits one int64.
    span = 2**40
    total = np.zeros(len(keys))
    for kind in np.unique(tables.start_kind):
        of_kind = tables.start_kind == kind
        conversations = KeyedTimes.of(
            tables.start_account[of_kind], tables.start_at[of_kind], span=span
        )
        since = conversations.rank(accounts, end) - conversations.rank(accounts, last_seen, "right")
        kind_count = conversations.count_between(accounts, base_start, base_end)
        mine = appearances.kind == kind
        own = KeyedTimes.of(appearances.key[mine], appearances.at[mine], span=span)
        own_count = own.count_between(keys, base_start, base_end)
        kind_share = (own_count + STRATUM_PRIOR * share) / (kind_count + STRATUM_PRIOR)
        total += np.maximum(since, 0) * np.log1p(-np.minimum(kind_share, 1 - 1e-9))
    return total


def narrowed_during_silence(
    tables: WeeklyTables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    last_seen: np.ndarray,
    *,
    params: SignalParameters,
    volume_kept: bool = True,
    max_weeks: int | None = None,
) -> np.ndarray:
    """Whether their side's traffic ran through one person during a silence.

    Per candidate: effective threads ``1 / H`` of their side over the whole weeks between
    the last appearance and the end of ``weeks`` (at least one, at most ``max_weeks``,
    default ``recent_weeks``: the silence's last weeks when it is longer) at or below
    ``bottleneck.max_threads``, with the account's volume kept (unless ``volume_kept`` is
    False: then whatever the volume did). While traffic narrows onto one contact everyone
    else falls silent; that is the bottleneck's story (told by its own signal, which needs
    a six-week window and so comes a week or two later), not a departure.
    """
    if len(accounts) == 0:
        return np.zeros(0, dtype=bool)
    longest = params.windows.recent_weeks if max_weeks is None else max_weeks
    weeks_silent = silent_weeks(tables, weeks, last_seen, longest)
    narrowed = np.zeros(len(accounts), dtype=bool)
    for length in np.unique(weeks_silent):
        chosen = weeks_silent == length
        threads = their_threads(tables, int(length))[accounts[chosen], weeks[chosen]]
        narrowed[chosen] = threads <= params.bottleneck.max_threads
    if not volume_kept:
        return narrowed
    # Rerouted, not lost: a bottleneck keeps the account's volume; a slide loses it.
    recent_rate, base_rate = _volume_rates(tables, accounts, weeks, weeks_silent, params=params)
    return narrowed & (recent_rate > params.contraction.max_volume_ratio * base_rate)


def contracted_during_silence(
    tables: WeeklyTables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    last_seen: np.ndarray,
    *,
    max_weeks: int,
    params: SignalParameters,
) -> np.ndarray:
    """Whether the account's own volume fell during a silence.

    Per candidate: the account's conversations a week over the whole weeks between the
    last appearance and the end of ``weeks`` (at least one, at most ``max_weeks``) at or
    below ``contraction.max_volume_ratio`` of its rate over the ``baseline_weeks`` before.
    When the account slides, people fall out of its traffic together; one of them going
    quiet then cannot be told from the account's decline (the contraction's story, told
    by its own signal), and is not raised as that person's departure.
    """
    if len(accounts) == 0:
        return np.zeros(0, dtype=bool)
    weeks_silent = silent_weeks(tables, weeks, last_seen, max_weeks)
    recent_rate, base_rate = _volume_rates(tables, accounts, weeks, weeks_silent, params=params)
    return (base_rate > 0) & (recent_rate <= params.contraction.max_volume_ratio * base_rate)


def silent_weeks(
    tables: WeeklyTables, weeks: np.ndarray, last_seen: np.ndarray, max_weeks: int
) -> np.ndarray:
    """Whole weeks from each last appearance to the end of its week, within [1, max_weeks]."""
    end = tables.grid.end_of(weeks)
    return np.clip((end - last_seen) // WEEK, 1, max_weeks).astype(np.int64)


def _volume_rates(
    tables: WeeklyTables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    silent_weeks: np.ndarray,
    *,
    params: SignalParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """The account's conversations a week over the ``silent_weeks`` up to each week's end,
    and over the ``baseline_weeks`` before them."""
    volume = prefix_sums(tables.volume)
    columns = volume.shape[1] - 1
    hi = np.clip(weeks + 1, 0, columns)
    lo = np.clip(weeks + 1 - silent_weeks, 0, columns)
    base_lo = np.clip(lo - params.windows.baseline_weeks, 0, columns)
    recent_rate = (volume[accounts, hi] - volume[accounts, lo]) / np.maximum(hi - lo, 1)
    base_rate = (volume[accounts, lo] - volume[accounts, base_lo]) / np.maximum(lo - base_lo, 1)
    return recent_rate, base_rate
