"""The departures' and usage detectors' arrays over the whole portfolio at once, pinned
against the straightforward paths they replaced: ``np.median`` window by window, a
networkx graph per departing person, a key x week matrix of past silences with its
running maximum, the silence model's parts rebuilt by every detector, and a groupby
iterated group by group for the executives' review attendance.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import ndimage
from synthetic_portfolio import random_portfolio

from stakegraph.analytics.signals import usage
from stakegraph.analytics.signals.brokerage import effective_size
from stakegraph.analytics.signals.executive import _executive_pair_appearances
from stakegraph.analytics.signals.ordinary_silence import OwnLongestSilences
from stakegraph.analytics.signals.parameters import SignalParameters, UsageParameters
from stakegraph.analytics.signals.reviews import EXECUTIVE_REVIEW_KINDS, ReviewAttendance
from stakegraph.analytics.signals.silence import Appearances, silence_test
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.analytics.windows import prepare_activity
from stakegraph.dates import DAY, WEEK

P = UsageParameters(recent_weeks=3, baseline_weeks=8, min_baseline=3)


def medians_window_by_window(
    at: np.ndarray, logs: np.ndarray, ends: np.ndarray, p: UsageParameters
) -> tuple[np.ndarray, np.ndarray]:
    """The recent window's median minus the baseline's, and 1.4826 x the baseline's MAD,
    one ``np.median`` per window."""
    r, sd = np.full(len(ends), np.nan), np.full(len(ends), np.nan)
    for i, end in enumerate(ends):
        mid = end - p.recent_weeks * WEEK
        base = logs[(at >= mid - p.baseline_weeks * WEEK) & (at < mid)]
        recent = logs[(at >= mid) & (at < end)]
        if len(base) >= p.min_baseline and len(recent):
            centre = np.median(base)
            r[i] = np.median(recent) - centre
            sd[i] = 1.4826 * np.median(np.abs(base - centre))
    return r, sd


def test_a_halving_with_a_thin_baseline_worked_by_hand() -> None:
    # Weekly readings 8, 8, 8, 8, then 4, 4, 4: at week 7 the recent three weeks' median
    # is 4 and the baseline's (weeks 0-3) 8, a ratio of 1/2 with no spread; at week 5 the
    # baseline holds two readings, under min_baseline = 3.
    at = np.arange(7) * WEEK
    logs = np.log([8.0, 8, 8, 8, 4, 4, 4])
    (r, sd), (r_late, _) = usage.window_log_ratios(
        [(at, logs, np.array([7 * WEEK])), (at, logs, np.array([5 * WEEK]))], P
    )
    assert float(np.exp(r[0])) == pytest.approx(0.5)
    assert sd[0] == 0.0
    assert np.isnan(r_late[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_series_at_once_equals_np_median_window_by_window(monkeypatch, seed: int) -> None:
    # Small chunks: windows of different series and lengths share a call of the kernels.
    monkeypatch.setattr(usage, "_CHUNK_WINDOWS", 7)
    rng = np.random.default_rng(seed)
    series = []
    for _ in range(6):
        count = int(rng.integers(1, 60))
        at = np.sort(rng.integers(0, 40 * 7, count)) * DAY
        logs = rng.normal(3.0, 1.0, (count, int(rng.integers(1, 4))))
        ends = np.arange(int(rng.integers(0, 10)), 42) * WEEK
        series.append((at, logs, ends))
    found = usage.window_log_ratios(series, P)
    for (at, logs, ends), (r, sd) in zip(series, found, strict=True):
        for column in range(logs.shape[1]):
            expected_r, expected_sd = medians_window_by_window(at, logs[:, column], ends, P)
            np.testing.assert_array_equal(r[:, column], expected_r)  # to the last bit
            np.testing.assert_array_equal(sd[:, column], expected_sd)
    assert sum(np.isfinite(r).sum() for r, _ in found) >= 50


def effective_size_by_networkx(
    conversation: np.ndarray, person: np.ndarray, me: int
) -> tuple[int, float]:
    graph: nx.Graph = nx.Graph()
    graph.add_node(me)
    for row in np.unique(conversation):
        people = list(np.unique(person[conversation == row]))
        graph.add_edges_from((a, b) for i, a in enumerate(people) for b in people[i + 1 :])
    degree = int(graph.degree(me))
    if degree == 0:
        return 0, 0.0
    return degree, float(nx.effective_size(graph, nodes=[me])[me])


def test_effective_size_of_a_star_and_of_a_clique() -> None:
    # 0 met 1, 2 and 3 one at a time: three contacts, no ties among them.
    star = effective_size(np.array([1, 1, 2, 2, 3, 3]), np.array([0, 1, 0, 2, 0, 3]), 0)
    # 0 met 1, 2 and 3 together: each contact tied to the other two, 3 - 2 x 3 / 3 = 1.
    clique = effective_size(np.array([1, 1, 1, 1]), np.array([0, 1, 2, 3]), 0)
    alone = effective_size(np.array([1, 1, 2]), np.array([0, 0, 5]), 0)
    assert (star, clique, alone) == ((3, 3.0), (3, 1.0), (0, 0.0))


@pytest.mark.parametrize("seed", range(6))
def test_effective_size_equals_networkx_on_its_graph(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 120))
    conversation = rng.integers(0, max(rows // 3, 1), rows)
    person = rng.integers(0, 15, rows)  # repeated people on a conversation too
    for me in range(15):
        assert effective_size(conversation, person, me) == effective_size_by_networkx(
            conversation, person, me
        )


def longest_by_matrix(
    own: OwnLongestSilences, keys: int, key: np.ndarray, week: np.ndarray
) -> np.ndarray:
    """The replaced path: a key x week matrix of silences by the week they ended, and its
    running maximum over the history."""
    matrix = np.zeros((keys, own.weeks))
    np.maximum.at(matrix, (key, week), own.missed)
    size = own.history
    return np.asarray(
        ndimage.maximum_filter1d(matrix, size=size, axis=1, origin=(size - 1) // 2, mode="constant")
    )


@pytest.mark.parametrize("seed, history", [(0, 1), (1, 4), (2, 52), (3, 7)])
def test_longest_past_silence_equals_the_running_maximum_of_the_matrix(
    seed: int, history: int
) -> None:
    rng = np.random.default_rng(seed)
    keys, weeks = 9, 30
    key = np.sort(rng.integers(0, keys - 1, 200))  # the last key never appears
    week = np.concatenate([np.sort(rng.integers(0, weeks, (key == k).sum())) for k in range(keys)])
    missed = np.where(rng.random(200) < 0.2, 0.0, rng.integers(0, 40, 200).astype(float))
    own = OwnLongestSilences(key * (weeks + 1) + week, missed, weeks, history)
    expected = longest_by_matrix(own, keys, key, week)
    ask_key, ask_week = np.meshgrid(np.arange(keys), np.arange(weeks), indexing="ij")
    got = own.at(ask_key.ravel(), ask_week.ravel()).reshape(keys, weeks)
    np.testing.assert_array_equal(got, expected)
    assert expected.max() > 0


@pytest.fixture(scope="module")
def frames():
    return random_portfolio(n_accounts=12, n_interactions=6_000, seed=5)


def fresh_tables(frames) -> WeeklyTables:
    as_of = int(frames.interactions["at"].max()) + 1
    tables = WeeklyTables.build(prepare_activity(frames), frames.roles, as_of=as_of)
    assert tables is not None
    return tables


def test_a_silence_setting_is_built_apart_from_another(frames) -> None:
    params = SignalParameters()
    tables = fresh_tables(frames)
    pairs = Appearances.of_pairs(tables)
    keys = np.arange(len(tables.pair_account))
    weeks = np.full(len(keys), tables.grid.weeks - 1)
    accounts = tables.pair_account
    first = silence_test(tables, pairs, keys, accounts, weeks, params=params, alpha=1e-3)
    # A different silence setting is built apart, and the first is not read for it.
    longer = SignalParameters.from_keywords(silence_history_weeks=4)
    other = silence_test(tables, pairs, keys, accounts, weeks, params=longer, alpha=1e-3)
    alone_other = silence_test(
        fresh_tables(frames), pairs, keys, accounts, weeks, params=longer, alpha=1e-3
    )
    assert len(tables.memo["silence_histories"]) == 2
    np.testing.assert_array_equal(other.longest_past_silence, alone_other.longest_past_silence)
    assert (first.longest_past_silence != other.longest_past_silence).any()


def test_the_executives_appearances_are_the_pairs_with_their_kinds(frames) -> None:
    tables = fresh_tables(frames)
    pairs = Appearances.of_pairs(tables)
    with_kinds = _executive_pair_appearances(tables)
    assert with_kinds.key is pairs.key and with_kinds.at is pairs.at
    kinds = tables.activity.interactions["kind"].to_numpy()[tables.part_row]
    order = np.lexsort((tables.part_at, tables.part_pair))
    np.testing.assert_array_equal(with_kinds.kind, kinds[order])


@pytest.mark.parametrize("seed", [0, 1])
def test_review_attendance_equals_a_groupby_per_account_and_person(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = 300
    engagements = pd.DataFrame(
        {
            "account_id": rng.choice(["acct-b", "acct-a", "acct-c"], rows),
            "kind": rng.choice(["qbr", "ebr", "check_in"], rows),
            "at": rng.integers(0, 40, rows) * WEEK,  # the same review on several rows
            "status": rng.choice(["attended", "attended", "no_show"], rows),
            "person_id": rng.choice(["p1", "p2", "p3", None], rows),
            "executive": rng.random(rows) < 0.6,
        }
    )
    got = ReviewAttendance.of(engagements)
    seen = engagements[
        engagements["kind"].isin(EXECUTIVE_REVIEW_KINDS) & (engagements["status"] == "attended")
    ]
    held = {str(a): np.unique(g["at"].to_numpy(np.int64)) for a, g in seen.groupby("account_id")}
    executives = seen[seen["executive"] & seen["person_id"].notna()]
    attended: dict[str, dict[str, np.ndarray]] = {}
    for (account, person), g in executives.groupby(["account_id", "person_id"]):
        attended.setdefault(str(account), {})[str(person)] = np.unique(g["at"].to_numpy(np.int64))
    assert list(got.held) == list(held) and list(got.attended) == list(attended)
    for account, times in held.items():
        np.testing.assert_array_equal(got.held[account], times)
        assert list(got.attended.get(account, {})) == list(attended.get(account, {}))
        for person, times_ in attended.get(account, {}).items():
            np.testing.assert_array_equal(got.attended[account][person], times_)
    assert sum(len(of) for of in attended.values()) >= 6
