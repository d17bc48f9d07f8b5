"""The beyond detectors, the beyond risk features and the group sums work over the whole
portfolio at once (one groupby, split by account with numpy); these tests pin them
against the straightforward path they replaced: a pandas groupby or pivot table per
account, ``np.add.at``, each detector run on one account's rows at a time, a full
:func:`engagement` call for the two counts the risk features' year-long baseline reads),
and distinct hit weeks counted window by window.

The random portfolio has float values (not whole numbers), duplicated rows, accounts
missing metrics, an account with a single advanced feature, rows in random order, and
planted declines and skipped reviews so that every compared detector raises signals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic_portfolio import random_portfolio as synthetic_portfolio

from stakegraph.analytics import beyond_features as bf
from stakegraph.analytics.engagement import engagement, engagement_windows, interaction_volume
from stakegraph.analytics.kernels import distinct_in_windows, group_sum
from stakegraph.analytics.risk_features import ENGAGEMENT_FEATURES, risk_features
from stakegraph.analytics.signals.beyond_tables import BeyondFrames, by_account, day_ends, runs
from stakegraph.analytics.signals.ceremonies import (
    _sessions,
    co_innovation_withdrawals,
    qbr_disengagements,
)
from stakegraph.analytics.signals.parameters import SignalParameters, TicketParameters
from stakegraph.analytics.signals.tickets import (
    TicketMix,
    _hit_weeks,
    mix_cusum,
    sla_policings,
    ticket_mix_shifts,
    window_cusums,
)
from stakegraph.analytics.signals.usage import (
    CORE_METRICS,
    _feature_tables,
    _row_totals,
    _usage_series,
    feature_depth_regressions,
    usage_declines,
)
from stakegraph.analytics.windows import prepare_activity
from stakegraph.dates import DAY, WEEK

START = 1_704_067_200  # 2024-01-01
WEEKS = 110
AS_OF = START + WEEKS * WEEK
PARAMS = SignalParameters()
BASIC = ("feature:dashboards", "feature:reports", "feature:search")
ADVANCED = ("feature:api_integrations", "feature:custom_models", "feature:workflows")


def random_portfolio(seed: int, accounts: int = 8) -> BeyondFrames:
    rng = np.random.default_rng(seed)
    usage: list[tuple[str, int, str, float, str | None]] = []
    engagements: list[tuple[str, str, int, str, str | None, bool]] = []
    for a in range(accounts):
        account = f"acct-{a:02d}"
        declines = a % 2 == 0
        core = CORE_METRICS if a != 1 else ("active_users",)  # one core metric only
        advanced = ADVANCED if a != 3 else ADVANCED[:1]  # a single advanced feature
        level = {m: rng.uniform(50, 5000) for m in (*core, *BASIC, *advanced)}
        for week in range(WEEKS):
            at = START + week * WEEK + int(rng.integers(0, 3)) * DAY
            drop = 0.3 if declines and week >= 90 else 1.0
            for metric, base in level.items():
                tier = "basic" if metric in BASIC else "advanced" if metric in advanced else None
                fall = 1.0 if metric in BASIC else drop
                value = base * fall * rng.lognormal(0.0, 0.05)
                usage.append((account, at, metric, value, tier))
                if a == 2 and week % 5 == 0:  # a second reading on the same date
                    usage.append((account, at, metric, value * 0.1, tier))
            usage.append((account, at, "seats_purchased", 120.0, None))
            # Reviews and check-ins: skipped from week 95 on by the declining accounts.
            skipped = declines and week >= 95
            if week % 2 == 0:
                status = "no_show" if skipped else str(rng.choice(["attended"] * 9 + ["no_show"]))
                engagements.append((account, "check_in", at, status, f"p-{a}-1", False))
            if week % 13 == 0:
                for person, executive in ((f"p-{a}-1", False), (f"p-{a}-9", True)):
                    status = "no_show" if skipped else "attended"
                    engagements.append((account, "qbr", at, status, person, executive))
            if week % 3 == 0:  # co-innovation invitations, refused from week 80 when declining
                refused = declines and week >= 80
                status = "declined" if refused else str(rng.choice(["accepted"] * 8 + ["declined"]))
                engagements.append((account, "beta", at, status, f"p-{a}-1", False))
    tickets = [
        (
            f"acct-{a:02d}",
            START + int(day) * DAY,
            str(rng.choice(["bug", "how_to", "sla", "data_export", "feature_request"])),
        )
        for a in range(accounts)
        for day in np.sort(rng.integers(0, WEEKS * 7, 120))
    ]
    usage_frame = pd.DataFrame(usage, columns=["account_id", "at", "metric", "value", "tier"])
    engagement_frame = pd.DataFrame(
        engagements, columns=["account_id", "kind", "at", "status", "person_id", "executive"]
    )
    ticket_frame = pd.DataFrame(tickets, columns=["account_id", "at", "category"])
    shuffle = np.random.default_rng(seed + 1).permutation
    return BeyondFrames(
        usage=usage_frame.iloc[shuffle(len(usage_frame))].reset_index(drop=True),
        tickets=ticket_frame,
        engagements=engagement_frame.iloc[shuffle(len(engagement_frame))].reset_index(drop=True),
    )


def one_account(frames: BeyondFrames, account: str) -> BeyondFrames:
    return BeyondFrames(
        usage=frames.usage[frames.usage["account_id"] == account],
        tickets=frames.tickets[frames.tickets["account_id"] == account],
        engagements=frames.engagements[frames.engagements["account_id"] == account],
    )


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize(
    "detector",
    [
        usage_declines,
        feature_depth_regressions,
        qbr_disengagements,
        co_innovation_withdrawals,
        ticket_mix_shifts,
        sla_policings,
    ],
)
def test_the_portfolio_at_once_raises_what_each_account_alone_raises(seed, detector) -> None:
    frames = random_portfolio(seed)
    together = detector(frames, AS_OF, PARAMS)
    alone = [
        signal
        for account in sorted(frames.usage["account_id"].unique())
        for signal in detector(one_account(frames, account), AS_OF, PARAMS)
    ]
    key = lambda s: (s.account_id, s.at)  # noqa: E731
    assert sorted(together, key=key) == sorted(alone, key=key)


@pytest.mark.parametrize(
    "detector", [usage_declines, feature_depth_regressions, qbr_disengagements]
)
def test_the_planted_changes_are_raised_so_the_comparison_above_compares_something(
    detector,
) -> None:
    raised = {s.account_id for s in detector(random_portfolio(1), AS_OF, PARAMS)}
    assert len(raised & {"acct-00", "acct-02", "acct-04", "acct-06"}) >= 2  # they decline


def test_usage_series_equal_a_groupby_per_account() -> None:
    frames = random_portfolio(3)
    series = {account: (first, of) for account, first, of in _usage_series(frames.usage)}
    for account, rows in by_account(frames.usage):
        metric = rows["metric"].astype(str)
        expected = {
            name: rows[metric == name].groupby("at")["value"].sum() for name in CORE_METRICS
        }
        expected["feature_total"] = (
            rows[metric.str.startswith("feature:")].groupby("at")["value"].sum()
        )
        first, got = series[account]
        assert first == rows["at"].min()
        assert list(got) == [name for name, of in expected.items() if len(of)]
        for name, (at, values) in got.items():
            np.testing.assert_array_equal(at, expected[name].index.to_numpy())
            np.testing.assert_array_equal(values, expected[name].to_numpy())  # to the last bit


def test_feature_tables_equal_a_pivot_table_per_account() -> None:
    frames = random_portfolio(4)
    tiered = frames.usage[frames.usage["tier"].isin(["basic", "advanced"])]
    tables = {row[0]: row[1:] for row in _feature_tables(frames.usage)}
    assert set(tables) == set(tiered["account_id"])
    for account, rows in by_account(tiered):
        pivot = rows.pivot_table(index="at", columns="metric", values="value", aggfunc="sum")
        tiers = rows.groupby("metric")["tier"].first()
        advanced = [m for m in pivot.columns if tiers[m] == "advanced"]
        basic = [m for m in pivot.columns if tiers[m] == "basic"]
        pivot = pivot.fillna(0.0)
        at, table, got_advanced, got_basic = tables[account]
        assert (got_advanced, got_basic) == (advanced, basic)
        np.testing.assert_array_equal(at, pivot.index.to_numpy())
        np.testing.assert_array_equal(table, pivot[advanced + basic].to_numpy())
        np.testing.assert_array_equal(
            _row_totals(table), pivot[advanced + basic].sum(axis=1).to_numpy()
        )


def test_row_totals_add_left_to_right() -> None:
    # 1e16 + 1 + 1 is 1e16 added one at a time (each 1 is lost); pairing the ones first
    # would give 1e16 + 2.
    table = np.array([[1e16, 1.0, 1.0]])
    assert _row_totals(table)[0] == 1e16
    assert _row_totals(np.zeros((0, 3))).shape == (0,)


def test_review_sessions_equal_a_groupby_per_account() -> None:
    engagements = random_portfolio(5).engagements
    sessions = _sessions(engagements)
    for account, rows in by_account(engagements):
        expected = (
            rows.assign(attended=rows["status"] == "attended")
            .assign(exec_attended=lambda f: f["attended"] & f["executive"])
            .groupby(["at", "kind"], sort=True)
            .agg(attended=("attended", "any"), exec_attended=("exec_attended", "any"))
            .reset_index()
        )
        got = sessions[sessions["account_id"] == account].drop(columns="account_id")
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
        )


def test_beyond_risk_features_equal_a_groupby_per_account() -> None:
    usage = random_portfolio(6).usage
    levels = bf._usage_levels(usage)
    shares = bf._advanced_share(usage)
    for account, rows in by_account(usage):
        users = rows[rows["metric"] == "active_users"].groupby("at")["value"].sum()
        np.testing.assert_array_equal(levels[account][0], users.index.to_numpy())
        np.testing.assert_array_equal(levels[account][1], np.log1p(users.to_numpy()))
        tiered = rows[rows["tier"].isin(["basic", "advanced"])]
        total = tiered.groupby("at")["value"].sum()
        advanced = tiered[tiered["tier"] == "advanced"].groupby("at")["value"].sum()
        share = (advanced.reindex(total.index).fillna(0.0) + 1.0) / (total + 1.0)
        np.testing.assert_array_equal(shares[account][1], np.log(share.to_numpy()))


def test_beyond_risk_features_of_the_portfolio_equal_each_account_alone() -> None:
    frames = random_portfolio(7)
    accounts = sorted(frames.usage["account_id"].unique())
    dates = [START + 60 * WEEK, AS_OF]
    pairs = [(a, d) for a in accounts for d in dates]
    together = bf.beyond_features(frames, [a for a, _ in pairs], [d for _, d in pairs])
    for i, (account, day) in enumerate(pairs):
        alone = bf.beyond_features(one_account(frames, account), [account], [day])
        pd.testing.assert_series_equal(
            together.iloc[i], alone.iloc[0], check_names=False, check_exact=True
        )
    assert (together["usage_trend"] < -0.5).sum() >= 4  # the planted declines show


@pytest.mark.parametrize("rows, columns, groups", [(500, 40, 7), (3, 2, 5), (0, 3, 2)])
def test_group_sum_equals_add_at_to_the_last_bit(rows: int, columns: int, groups: int) -> None:
    rng = np.random.default_rng(rows)
    matrix = rng.random((rows, columns)) * np.exp(rng.normal(0.0, 6.0, (rows, columns)))
    labels = rng.integers(0, groups, rows)
    expected = np.zeros((groups, columns))
    np.add.at(expected, labels, matrix)
    np.testing.assert_array_equal(group_sum(matrix, labels, groups), expected)


def test_runs_split_sorted_keys() -> None:
    assert runs(np.array([], dtype=object)) == []
    assert runs(np.array(["a", "b", "b"], dtype=object), np.array([1, 1, 2])) == [
        (0, 1),
        (1, 2),
        (2, 3),
    ]


@pytest.mark.parametrize("start_day, end_day", [(0, 730), (100, 375), (400, 401), (500, 500)])
def test_interaction_volume_is_engagements_two_counts(start_day: int, end_day: int) -> None:
    activity = prepare_activity(synthetic_portfolio(n_accounts=30, n_interactions=6_000, seed=3))
    origin = int(activity.interactions["at"].min())
    window = {"start": origin + start_day * DAY, "end": origin + end_day * DAY}
    full = engagement(activity, **window)
    volume = interaction_volume(activity, **window)
    pd.testing.assert_frame_equal(volume, full[["interactions", "meetings"]], check_dtype=False)
    if end_day - start_day > 100:
        assert volume["meetings"].sum() > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hit_weeks_equal_distinct_calendar_weeks_counted_window_by_window(seed: int) -> None:
    rng = np.random.default_rng(seed)
    at = np.sort(rng.integers(0, 300, 80) * DAY + rng.integers(0, DAY, 80))
    hit = rng.random(80) < 0.4
    ends = day_ends(int(at[0]), int(at[-1]) + 3 * DAY)
    p = TicketParameters(recent_weeks=int(rng.integers(1, 9)))
    hits = at[hit]
    monday = 4 * DAY  # 1970-01-05: calendar weeks run Monday to Sunday
    expected = [
        len(
            np.unique((hits[(hits >= end - p.recent_weeks * WEEK) & (hits < end)] - monday) // WEEK)
        )
        for end in ends
    ]
    assert _hit_weeks(at, hit, ends, p).tolist() == expected
    assert max(expected) >= 2


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_distinct_in_windows_equals_counting_each_window(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    at = np.sort(rng.integers(0, 200, n))
    key = rng.integers(0, 30, n)
    group = key % 4  # each key belongs to one group
    ends = np.unique(rng.integers(-20, 260, 25))
    length = int(rng.integers(1, 80))
    got = distinct_in_windows(at, key, group, 4, ends, length)
    events = distinct_in_windows(at, None, group, 4, ends, length)
    for w, end in enumerate(ends):
        inside = (at >= end - length) & (at < end)
        for g in range(4):
            mine = inside & (group == g)
            assert got[w, g] == len(np.unique(key[mine]))
            assert events[w, g] == mine.sum()
    assert got.max() >= 3 and (got == 0).any()


@pytest.mark.parametrize("window_days", [90, 30])
def test_engagement_windows_equal_one_engagement_call_per_window(window_days: int) -> None:
    activity = prepare_activity(synthetic_portfolio(n_accounts=25, n_interactions=5_000, seed=4))
    origin = int(activity.interactions["at"].min())
    rng = np.random.default_rng(window_days)
    # Ends before, inside and after the activity, at midnight and in the middle of a day.
    ends = np.unique(origin + rng.integers(-100, 850, 12) * DAY + rng.integers(0, 2, 12) * 3_600)
    window = window_days * DAY
    counts = engagement_windows(activity, ends, window=window)
    volume = engagement_windows(activity, ends, window=window, volume_only=True)
    for w, end in enumerate(ends):
        expected = engagement(activity, start=int(end - window), end=int(end))
        got = pd.DataFrame({c: v[w] for c, v in counts.items()}, index=expected.index)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
        assert set(volume) == {"interactions", "meetings"}
        assert (volume["meetings"][w] == expected["meetings"].to_numpy()).all()
    assert counts["multi_role"].any() and counts["senior_contacts_engaged"].sum() > 0


def test_risk_engagement_features_equal_engagement_per_date_to_the_last_bit() -> None:
    """The risk features' engagement family against the per-date computation they had:
    two :func:`engagement` calls and one :func:`interaction_volume` per distinct date."""
    activity = prepare_activity(synthetic_portfolio(n_accounts=20, n_interactions=6_000, seed=5))
    origin = int(activity.interactions["at"].min())
    rng = np.random.default_rng(5)
    accounts = [*rng.choice(activity.account_ids, 40).tolist(), "not-an-account"]
    dates = (origin + rng.integers(0, 800, len(accounts)) * DAY).tolist()
    got = risk_features(activity, [], accounts, dates)
    window, long_window = 90 * DAY, 365 * DAY
    for i, (account, date) in enumerate(zip(accounts, dates, strict=True)):
        day = date // WEEK * WEEK
        if account not in set(activity.account_ids):
            assert (got.loc[i, list(ENGAGEMENT_FEATURES)] == 0).all()
            continue
        now = engagement(activity, start=day - window, end=day).loc[account]
        before = engagement(activity, start=day - 2 * window, end=day - window).loc[account]
        year = interaction_volume(activity, start=day - long_window, end=day - window).loc[account]
        scale = window / (long_window - window)

        def ratio(a: float, b: float, by: float = 1.0) -> float:
            return float(np.log((float(a) + 1) / (float(b) * by + 1)))

        expected = {
            "contacts_trend": ratio(now["contacts_engaged"], before["contacts_engaged"]),
            "interactions_trend": ratio(now["interactions"], before["interactions"]),
            "meetings_trend": ratio(now["meetings"], before["meetings"]),
            "interactions_vs_year": ratio(now["interactions"], year["interactions"], scale),
            "meetings_vs_year": ratio(now["meetings"], year["meetings"], scale),
            "contacts_level": float(np.log1p(float(now["contacts_engaged"]))),
            "senior_contacts": float(now["senior_contacts_engaged"]),
            "multi_role": float(now["multi_role"]),
        }
        assert {f: float(got.loc[i, f]) for f in ENGAGEMENT_FEATURES} == expected
    assert got["multi_role"].sum() > 0 and (got["contacts_trend"] != 0).any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_window_cusums_equal_mix_cusum_window_by_window_to_the_last_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tickets = 300
    hit = rng.random(tickets) < 0.3
    building = (rng.random(tickets) < 0.4) & ~hit
    lo = rng.integers(0, tickets, 200)
    hi = np.minimum(lo + rng.integers(0, 40, 200), tickets)
    share = rng.uniform(0.02, 0.3, 200)
    building_share = rng.uniform(0.0, 0.5, 200)
    value, start = window_cusums(hit, building, lo, hi, share, building_share, turned=0.45, cut=0.2)
    expected = [
        mix_cusum(hit[a:b], building[a:b], TicketMix(float(s), float(bs), 0.45, 0.2))
        for a, b, s, bs in zip(lo, hi, share, building_share, strict=True)
    ]
    assert list(zip(value.tolist(), start.tolist(), strict=True)) == expected
    assert (value > 0).sum() >= 20 and ((start > 0) & (start < hi - lo)).any()
