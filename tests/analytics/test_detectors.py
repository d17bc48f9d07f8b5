"""Each detector called directly on the weekly tables of a hand-built account.

The figures are worked out by hand from the builders of test_signals (one email a week
from our ``h1`` to each listed contact; a conversation gives their side one unit).
"""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
from test_signals import (
    DAY,
    T0,
    WEEK,
    Builder,
    bottleneck_builder,
    latency_builder,
    narrowing_builder,
    weekly,
)

from stakegraph.analytics.signals import (
    Signal,
    SignalParameters,
    WeeklyTables,
    champion_departures,
    engagement_contractions,
    executive_withdrawals,
    response_latency_inflations,
    single_node_bottlenecks,
)
from stakegraph.analytics.signals import parameters as parameter_groups
from stakegraph.analytics.windows import prepare_activity

DEFAULTS = SignalParameters()
AS_OF = T0 + 40 * WEEK


def tables_of(builder: Builder, as_of: int = AS_OF) -> WeeklyTables:
    frames = builder.frames()
    tables = WeeklyTables.build(prepare_activity(frames), frames.roles, as_of=as_of)
    assert tables is not None
    return tables


def test_bottleneck_from_five_even_threads_to_eight_ninths_on_one() -> None:
    # Weeks 0-31: two emails a week to each of a..e (5 even threads); from week 32, eight
    # to a and one to b: H = (64 + 1) / 81, 1 / H = 81 / 65. Week 37 (ending at T0 + 38
    # weeks) is the first whose six-week window is all narrowed.
    [signal] = single_node_bottlenecks(tables_of(bottleneck_builder()), DEFAULTS)
    assert (signal.kind, signal.person_ids, signal.at) == (
        "single_node_bottleneck",
        ("a",),
        T0 + 38 * WEEK,
    )
    evidence = signal.evidence
    assert evidence["side"] == "their"
    assert evidence["effective_threads_before"] == pytest.approx(5.0)
    assert evidence["effective_threads_after"] == pytest.approx(81 / 65)
    assert evidence["top_share_after"] == pytest.approx(8 / 9)
    assert evidence["interactions_recent"] == 6 * 9
    assert evidence["participation_rate_after"] == pytest.approx(48 / 54)
    # Baseline weeks 6-30: 2 of 10, week 31 too: (52 + 0.5) / (260 + 1), smoothed.
    assert evidence["participation_rate_before"] == pytest.approx(52.5 / 261)


def test_champion_role_end_with_its_score_rank_and_runner_up() -> None:
    # The director is on 2 of 5 conversations a week (weight 1.0): score 0.4; each other
    # contact is on 1 of 5 as an individual contributor (weight 0.6): 0.12.
    b = Builder()
    end = T0 + 30 * WEEK + 2 * DAY
    b.person("champ", "director", end=end)
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, 30, ["champ", "champ", "x", "y", "z"])
    weekly(b, 40, ["x", "y", "z"], from_week=30)
    [signal] = champion_departures(tables_of(b), DEFAULTS)
    assert (signal.at, signal.person_ids) == (end, ("champ",))
    assert signal.evidence["mode"] == "role_ended"
    assert signal.evidence["champion_rank"] == 1
    assert signal.evidence["champion_score"] == pytest.approx(0.4)
    assert signal.evidence["other_score"] == pytest.approx(0.12)
    assert signal.severity == 1.0  # 0.6 + 0.4 * min(1, 0.4 / 0.3)


def test_executive_withdrawal_with_the_executives_prior_share() -> None:
    # Executives are on 2 of 6 conversations a week for 30 weeks, then on none.
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, 30, ["vp1", "ceo", "x", "y", "z", "x"])
    weekly(b, 40, ["x", "y", "z", "x", "y", "z"], from_week=30)
    [signal] = executive_withdrawals(tables_of(b), DEFAULTS)
    evidence = signal.evidence
    assert set(signal.person_ids) == {"vp1", "ceo"}
    assert evidence["executive_share_before"] == pytest.approx(1 / 3)
    assert evidence["executive_interactions_before"] == 26 * 2  # the 26-week baseline
    assert evidence["silent_days"] == (signal.at - evidence["last_seen_at"]) / DAY
    assert T0 + 30 * WEEK < signal.at <= AS_OF


def test_latency_inflation_counts_the_replies_of_both_windows() -> None:
    # Three replies a week, five times slower from week 32.
    [signal] = response_latency_inflations(tables_of(latency_builder(5.0)), DEFAULTS)
    assert signal.person_ids == ()
    assert signal.evidence["replies_after"] == 8 * 3  # latency.recent_weeks
    assert signal.evidence["replies_before"] == 26 * 3
    assert 3.0 < signal.evidence["ratio"] < 7.0
    assert signal.evidence["ratio"] == pytest.approx(
        signal.evidence["median_latency_after_s"] / signal.evidence["median_latency_before_s"]
    )
    assert response_latency_inflations(tables_of(latency_builder(1.0)), DEFAULTS) == []


def test_contraction_from_six_contacts_to_two() -> None:
    # Six conversations a week with six contacts, then two with two from week 30; the
    # first week whose eight-week window is all contracted is week 37.
    [signal] = engagement_contractions(tables_of(narrowing_builder(["a", "b"])), DEFAULTS)
    evidence = signal.evidence
    assert signal.at == T0 + 38 * WEEK
    assert evidence["interactions_per_week_before"] == pytest.approx(6.0)
    assert evidence["interactions_per_week_after"] == pytest.approx(2.0)
    assert evidence["volume_ratio"] == pytest.approx(1 / 3)
    assert (evidence["contacts_engaged_before"], evidence["contacts_engaged_after"]) == (6.0, 2)
    assert evidence["contact_ratio"] == pytest.approx(1 / 3)
    assert signal.severity == pytest.approx(2 / 3, abs=1e-4)


def _ten_contacts_then(kept: int, *, history_weeks: int = 30) -> Builder:
    """Ten contacts, one conversation each a week for ``history_weeks``, then only the
    first ``kept`` of them (volume and contacts fall together) until week 40."""
    b = Builder()
    contacts = [f"p{i}" for i in range(10)]
    for pid in contacts:
        b.person(pid)
    weekly(b, history_weeks, contacts)
    weekly(b, 40, contacts[:kept], from_week=history_weeks)
    return b


@pytest.mark.parametrize(
    ("kept", "raised_at_week"),
    [
        # Half of the contacts gone (ratio 0.5), as in the weakest planted contraction.
        (5, 38),
        # Six of ten kept (ratio 0.6): volume and breadth both fell, and both tests
        # reject, but fewer than half of the people have gone: no contraction.
        (6, None),
    ],
)
def test_a_contraction_takes_at_least_half_of_the_contacts(
    kept: int, raised_at_week: int | None
) -> None:
    signals = engagement_contractions(tables_of(_ten_contacts_then(kept)), DEFAULTS)
    assert [s.at for s in signals] == (
        [] if raised_at_week is None else [T0 + raised_at_week * WEEK]
    )
    if signals:
        assert signals[0].evidence["contact_ratio"] == pytest.approx(0.5)
        assert signals[0].evidence["p_value"] < DEFAULTS.contraction.alpha


def test_a_contraction_is_judged_against_a_whole_half_year() -> None:
    # 22 weeks of ten contacts, then five: the eight-week window is all contracted in
    # week 29, but with 22 weeks before it; the first week with the whole 26 is week 33
    # (whose baseline holds four contracted weeks, still a contraction).
    b = _ten_contacts_then(5, history_weeks=22)
    [signal] = engagement_contractions(tables_of(b), DEFAULTS)
    assert signal.at == T0 + 34 * WEEK
    assert signal.evidence["baseline_weeks"] == 26
    shared_history = SignalParameters.from_keywords(contraction_min_baseline_weeks=20)
    [early] = engagement_contractions(tables_of(b), shared_history)
    assert early.at == T0 + 30 * WEEK


def test_the_summary_is_written_from_the_evidence_at_full_precision() -> None:
    signal = Signal(
        kind="single_node_bottleneck",
        account_id="acme",
        at=0,
        severity=0.5,
        evidence={
            "side": "our",
            "person_id": "h1",
            "effective_threads_before": 4.0,
            "effective_threads_after": 1.2504,
            "top_share_after": 0.8,
        },
        person_ids=("h1",),
    )
    assert signal.summary == (
        "Our side's traffic has narrowed onto h1: 1.3 effective threads, down from 4.0, "
        "with 80% of it through them."
    )
    record = signal.as_record()
    assert record["evidence"]["effective_threads_after"] == 1.25  # stored to 3 places
    assert record["summary"] == signal.summary
    assert record["id"] == signal.id == Signal(**{**signal.__dict__, "severity": 0.9}).id


def test_parameters_out_of_range_name_the_group_and_field() -> None:
    with pytest.raises(ValueError, match=r"ChampionParameters\.alpha = 0 is outside \(0"):
        SignalParameters.from_keywords(champion_alpha=0)
    with pytest.raises(ValueError, match=r"WindowParameters\.recent_weeks = 0"):
        SignalParameters.from_keywords(recent_weeks=0)
    with pytest.raises(TypeError, match="whole number"):
        SignalParameters.from_keywords(latency_min_replies=2.5)
    # Each in range, but no holiday could be both: np.clip would take the longest.
    with pytest.raises(ValueError, match=r"min_holiday_days = 50.0 is longer than max"):
        SignalParameters.from_keywords(silence_min_holiday_days=50.0)
    grouped = SignalParameters.from_keywords(contraction_recent_weeks=4, recent_weeks=5)
    assert (grouped.contraction.recent_weeks, grouped.windows.recent_weeks) == (4, 5)


GROUPS = [
    parameter_groups.WindowParameters,
    parameter_groups.BottleneckParameters,
    parameter_groups.ChampionParameters,
    parameter_groups.SilenceParameters,
    parameter_groups.ExecutiveParameters,
    parameter_groups.LatencyParameters,
    parameter_groups.ContractionParameters,
    parameter_groups.TicketParameters,
]


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.__name__)
def test_every_parameter_is_documented_with_its_real_default(group: type) -> None:
    doc = group.__doc__ or ""
    for spec in fields(group):
        entry = re.search(rf"^    {spec.name} : \w+\n(.*?)(?=^    \w+ : |\Z)", doc, re.M | re.S)
        assert entry, f"{group.__name__}.{spec.name} is not documented"
        default = re.search(r"\(default ([0-9.e-]+)", entry.group(1))
        assert default, f"{group.__name__}.{spec.name}: no '(default ...)' in its entry"
        assert float(default.group(1)) == pytest.approx(spec.default, rel=0, abs=0), spec.name


def _executives_then(
    after: list[str], *, before_last: list[str] | None = None, later: list[str] | None = None
) -> Builder:
    """vp1 and a ceo on 2 of 6 conversations a week for 30 weeks (from week 24 on
    ``before_last`` instead, when given), then on none: ``after`` each week to week 40
    (from week 32 on ``later``, when given)."""
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    if before_last is None:
        weekly(b, 30, ["vp1", "ceo", "x", "y", "z", "x"])
    else:
        weekly(b, 24, ["vp1", "ceo", "x", "y", "z", "x"])
        weekly(b, 30, before_last, from_week=24)
    if later is None:
        weekly(b, 40, after, from_week=30)
    else:
        weekly(b, 32, after, from_week=30)
        weekly(b, 40, later, from_week=32)
    return b


def test_executives_gone_as_the_working_level_narrows_onto_one_contact_are_not_withdrawn() -> None:
    # From week 30 the working level goes on without the executives (x, y, z, x a week),
    # from week 32 only x, twice a week. At their 1/3 share the executives' silence passes
    # 1e-3 with the 19th conversation missed, (2/3) ** 19 = 4.5e-4, in week 35: the
    # silence's whole weeks (30-35) still hold several threads, and the volume over them
    # is half its rate (the narrowing over the whole silence, which asks for the volume
    # kept, does not veto), but its last three (33-35) run through x alone (1 / H = 1 <=
    # 1.6): the bottleneck's or the slide's story, not a withdrawal.
    narrowed = _executives_then(["x", "y", "z", "x"], later=["x", "x"])
    assert executive_withdrawals(tables_of(narrowed), DEFAULTS) == []
    # The same volume from week 32 on x and y (two threads): the working level goes on,
    # and the executives' silence is a withdrawal, whatever the volume did after it.
    going_on = _executives_then(["x", "y", "z", "x"], later=["x", "y"])
    [signal] = executive_withdrawals(tables_of(going_on), DEFAULTS)
    assert set(signal.person_ids) == {"vp1", "ceo"}
    assert signal.evidence["last_seen_at"] < T0 + 30 * WEEK


def _vp_then_ceo(vp_until: int) -> Builder:
    """vp1 on 2 of 6 conversations a week up to week ``vp_until`` (the working level on
    the other 4, then on all 6), a ceo on one email of their own every 4 weeks up to week
    28; nothing of either after."""
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, vp_until, ["vp1", "x", "y", "vp1", "z", "x"])
    weekly(b, 40, ["x", "y", "z", "x", "y", "z"], from_week=vp_until)
    for week in range(0, 29, 4):
        b.email(T0 + week * WEEK + 5 * DAY, "h1", "ceo")
    return b


def test_an_executive_gone_before_the_rest_were_last_seen_is_not_a_withdrawal() -> None:
    # vp1 goes silent after week 19 (a champion's departure); the ceo keeps their habit
    # to week 28. By the end of week 28, vp1 has missed the 9 weeks' 54 conversations at
    # a share of 1/3: their own silence has fired ((2/3) ** 54 = 3e-10, both tails). The
    # executives' joint share before week 28 counts vp1's weeks, so their silence after
    # week 28 would fire on the ceo's usual few emails: vp1's departure, not a withdrawal.
    assert executive_withdrawals(tables_of(_vp_then_ceo(20)), DEFAULTS) == []
    # vp1 and the ceo both gone after week 28: a withdrawal.
    [signal] = executive_withdrawals(tables_of(_vp_then_ceo(29)), DEFAULTS)
    assert set(signal.person_ids) == {"vp1", "ceo"}
    assert signal.evidence["last_seen_at"] == T0 + 28 * WEEK + 5 * DAY


def test_executives_fading_with_an_account_already_contracting_are_not_a_withdrawal() -> None:
    # Weeks 24-29, up to the executives' last appearance: two conversations a week (vp1
    # and x) where the 26 weeks before held six: 12 against 36 expected, Poisson lower
    # tail 3.4e-6 < 1e-3. The account was contracting when they went: its story.
    fading = _executives_then(["x", "y"], before_last=["vp1", "x"])
    assert executive_withdrawals(tables_of(fading), DEFAULTS) == []
    # Volume kept up to their last appearance (two of six a week throughout, the same two
    # a week after): a withdrawal.
    [signal] = executive_withdrawals(tables_of(_executives_then(["x", "y"])), DEFAULTS)
    assert set(signal.person_ids) == {"vp1", "ceo"}
