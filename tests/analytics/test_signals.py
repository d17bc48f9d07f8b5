"""Signal detectors on hand-built frames whose answer is known, plus invariants."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.signals import Signal, SignalParameters, detect_signals
from stakegraph.dates import DAY

WEEK = 7 * DAY
T0 = 1_700_006_400  # a Wednesday, 00:00 UTC


class Builder:
    """One account ``acc`` with our ``h1`` and contacts; interactions added by hand."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.parts: list[tuple[str, str, str]] = []
        self.people = {"h1": True, "h2": True}
        self.roles: list[dict[str, object]] = []

    def person(self, pid: str, level: str = "ic", end: int | None = None) -> None:
        self.people[pid] = False
        self.roles.append(
            {
                "person_id": pid,
                "org_id": "acc",
                "title": f"{level} {pid}",
                "level": level,
                "function": "it",
                "start": T0 - 400 * DAY,
                "end": float("nan") if end is None else float(end),
            }
        )

    def email(
        self,
        at: int,
        sender: str,
        *to: str,
        latency: float = float("nan"),
        kind: str = "email",
        thread: str | None = None,
    ) -> None:
        """An email (or, with ``kind``, a meeting or call: organizer and attendees; with
        ``thread``, a session of that calendar series)."""
        iid = f"i{len(self.rows):05d}"
        self.rows.append(
            {
                "interaction_id": iid,
                "account_id": "acc",
                "kind": kind,
                "at": int(at),
                "thread_id": thread,
                "reply_latency_s": latency,
                "participants": 1 + len(set(to) - {sender}),
            }
        )
        spoken = kind in ("meeting", "call")
        self.parts.append((iid, sender, "organizer" if spoken else "from"))
        self.parts += [(iid, p, "attendee" if spoken else "to") for p in to]

    def frames(self) -> PortfolioFrames:
        return PortfolioFrames(
            interactions=pd.DataFrame(self.rows),
            participations=pd.DataFrame(
                self.parts, columns=["interaction_id", "person_id", "role"]
            ),
            people=pd.DataFrame(
                {
                    "person_id": list(self.people),
                    "name": list(self.people),
                    "org_id": ["home" if h else "acc" for h in self.people.values()],
                    "is_home": list(self.people.values()),
                }
            ),
            roles=pd.DataFrame(self.roles),
            accounts=pd.DataFrame(
                {
                    "account_id": ["acc"],
                    "name": ["Acme"],
                    "segment": ["smb"],
                    "arr": [1.0],
                    "renewal_date": [float("nan")],
                    "owner_id": ["h1"],
                }
            ),
            renewals=pd.DataFrame(columns=["account_id", "at", "outcome"]),
        )


def weekly(
    builder: Builder,
    weeks: int,
    per_week: list[str],
    *,
    skip: set[str] | None = None,
    from_week: int = 0,
    kind: str = "email",
) -> None:
    """Each week, one email (or ``kind``) from ``h1`` to each person of ``per_week``
    (spread over days)."""
    for w in range(from_week, weeks):
        for k, pid in enumerate(per_week):
            if skip and pid in skip and w >= weeks - 5:
                continue
            at = T0 + w * WEEK + (k % 5) * DAY + 3600 * (k // 5)
            builder.email(at, "h1", pid, kind=kind)


def kinds(signals: list[Signal], kind: str) -> list[Signal]:
    return [s for s in signals if s.kind == kind]


def test_role_end_of_champion_is_a_departure_dated_at_the_end() -> None:
    b = Builder()
    end = T0 + 30 * WEEK + 2 * DAY
    b.person("champ", "director", end=end)
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, 30, ["champ", "champ", "x", "y", "z"])
    weekly(b, 40, ["x", "y", "z"], from_week=30)
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "champion_departure")
    assert len(signals) == 1
    assert signals[0].at == end
    assert signals[0].person_ids == ("champ",)
    assert signals[0].evidence["mode"] == "role_ended"


def test_role_end_with_a_new_role_at_the_same_account_is_not_a_departure() -> None:
    b = Builder()
    end = T0 + 30 * WEEK
    b.person("champ", "director", end=end)
    b.roles.append({**b.roles[-1], "level": "vp", "start": end, "end": float("nan")})
    for pid in ("x", "y"):
        b.person(pid)
    weekly(b, 40, ["champ", "champ", "x", "y"])
    assert kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "champion_departure") == []


def test_weekly_rhythm_silent_for_five_weeks_is_a_departure() -> None:
    b = Builder()
    b.person("champ", "director")
    for pid in ("x", "y"):
        b.person(pid)
    weekly(b, 40, ["champ", "champ", "x", "y"], skip={"champ"})
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "champion_departure")
    assert [s.person_ids for s in signals] == [("champ",)]
    assert signals[0].evidence["mode"] == "silent"
    assert T0 + 35 * WEEK < signals[0].at <= T0 + 40 * WEEK


def test_monthly_rhythm_silent_for_five_weeks_is_not_a_departure() -> None:
    b = Builder()
    b.person("champ", "director")
    for pid in ("x", "y", "z"):
        b.person(pid)
    # One email a week to someone; the champion's turn comes once every four weeks.
    rota = ["champ", "x", "y", "z"]
    for w in range(35):
        b.email(T0 + w * WEEK + DAY, "h1", rota[w % 4])
    for w in range(35, 40):
        b.email(T0 + w * WEEK + DAY, "h1", rota[1 + w % 3])
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "champion_departure")
    assert signals == []


def bottleneck_builder() -> Builder:
    b = Builder()
    contacts = ["a", "b", "c", "d", "e"]
    for pid in contacts:
        b.person(pid)
    weekly(b, 32, contacts * 2)
    weekly(b, 40, ["a"] * 8 + ["b"], from_week=32)
    return b


def test_contraction_onto_one_contact_is_a_bottleneck() -> None:
    signals = kinds(
        detect_signals(bottleneck_builder().frames(), as_of=T0 + 40 * WEEK),
        "single_node_bottleneck",
    )
    assert len(signals) == 1
    assert signals[0].person_ids == ("a",)
    assert signals[0].evidence["side"] == "their"
    assert signals[0].evidence["effective_threads_after"] < 1.6


def add_bulk(b: Builder, at: int, sender: str) -> None:
    recipients = [f"r{i:03d}" for i in range(200)]
    for pid in recipients:
        b.people.setdefault(pid, False)
    b.email(at, sender, *recipients)


def test_bulk_mail_neither_creates_nor_masks_a_bottleneck() -> None:
    as_of = T0 + 40 * WEEK
    plain = bottleneck_builder()
    with_bulk = bottleneck_builder()
    for w in range(33, 40):
        add_bulk(with_bulk, T0 + w * WEEK + 2 * DAY, "h1")
    assert detect_signals(with_bulk.frames(), as_of=as_of) == detect_signals(
        plain.frames(), as_of=as_of
    )
    spread = Builder()
    for pid in ("a", "b", "c", "d"):
        spread.person(pid)
    weekly(spread, 40, ["a", "b", "c", "d"] * 2)
    for w in range(33, 40):
        add_bulk(spread, T0 + w * WEEK + 3 * DAY, "a")
    assert kinds(detect_signals(spread.frames(), as_of=as_of), "single_node_bottleneck") == []


def test_duplicated_rows_and_mail_to_self_change_nothing() -> None:
    b = bottleneck_builder()
    frames = b.frames()
    before = detect_signals(frames, as_of=T0 + 40 * WEEK)
    for w in range(40):
        b.email(T0 + w * WEEK + 5 * DAY, "h1", "h1")
    noisy = b.frames()
    doubled = replace(
        noisy,
        interactions=pd.concat([noisy.interactions, noisy.interactions], ignore_index=True),
        participations=pd.concat([noisy.participations, noisy.participations], ignore_index=True),
    )
    assert detect_signals(doubled, as_of=T0 + 40 * WEEK) == before


def latency_builder(inflate: float) -> Builder:
    b = Builder()
    for pid in ("a", "b", "c"):
        b.person(pid)
    rng = np.random.default_rng(3)
    for w in range(40):
        for k, pid in enumerate(("a", "b", "c")):
            at = T0 + w * WEEK + k * DAY
            b.email(at, "h1", pid)
            factor = inflate if w >= 32 else 1.0
            latency = float(np.exp(rng.normal(np.log(4 * 3600), 0.5)) * factor)
            b.email(at + latency, pid, "h1", latency=latency)
    return b


def test_slower_replies_are_latency_inflation_and_steady_ones_are_not() -> None:
    as_of = T0 + 40 * WEEK
    slow = kinds(
        detect_signals(latency_builder(5.0).frames(), as_of=as_of), "response_latency_inflation"
    )
    assert len(slow) == 1
    assert T0 + 32 * WEEK < slow[0].at <= as_of
    assert slow[0].evidence["ratio"] > 3
    steady = detect_signals(latency_builder(1.0).frames(), as_of=as_of)
    assert kinds(steady, "response_latency_inflation") == []


def test_executives_going_quiet_is_a_withdrawal() -> None:
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, 30, ["vp1", "ceo", "x", "y", "z", "x"])
    weekly(b, 40, ["x", "y", "z", "x", "y", "z"], from_week=30)
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "executive_withdrawal")
    assert len(signals) == 1
    assert set(signals[0].person_ids) == {"vp1", "ceo"}
    assert signals[0].at > T0 + 30 * WEEK


def narrowing_builder(kept: list[str]) -> Builder:
    """Six contacts, one conversation each a week for 30 weeks; then only ``kept``."""
    b = Builder()
    contacts = ["a", "b", "c", "d", "e", "f"]
    for pid in contacts:
        b.person(pid)
    weekly(b, 30, contacts)
    weekly(b, 40, kept, from_week=30)
    return b


def test_falling_volume_and_breadth_is_a_contraction() -> None:
    b = narrowing_builder(["a", "b"])
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "engagement_contraction")
    assert len(signals) == 1
    # Two conversations a week against six, with two of the six contacts.
    assert signals[0].evidence["volume_ratio"] == pytest.approx(2 / 6, abs=0.02)
    assert signals[0].evidence["contact_ratio"] == pytest.approx(2 / 6, abs=0.02)


def test_contraction_onto_one_contact_is_a_bottleneck_not_a_contraction() -> None:
    signals = detect_signals(narrowing_builder(["a"]).frames(), as_of=T0 + 40 * WEEK)
    assert kinds(signals, "engagement_contraction") == []
    assert [s.person_ids for s in kinds(signals, "single_node_bottleneck")] == [("a",)]


def test_interactions_after_as_of_change_nothing() -> None:
    b = bottleneck_builder()
    as_of = T0 + 36 * WEEK
    before = detect_signals(b.frames(), as_of=as_of)
    weekly(b, 60, ["b", "c", "d", "e"], from_week=36)
    assert detect_signals(b.frames(), as_of=as_of) == before


def test_a_later_run_raises_the_same_earlier_signals() -> None:
    b = bottleneck_builder()
    weekly(b, 50, ["a"] * 8, from_week=40)
    early = detect_signals(b.frames(), as_of=T0 + 40 * WEEK)
    late = detect_signals(b.frames(), as_of=T0 + 50 * WEEK)
    assert early
    assert [s for s in late if s.at <= T0 + 40 * WEEK] == early


def test_signals_are_well_formed_and_fire_once_per_episode() -> None:
    signals = detect_signals(bottleneck_builder().frames(), as_of=T0 + 40 * WEEK)
    for s in signals:
        assert set(s.as_record()) == {
            "id",
            "account_id",
            "kind",
            "at",
            "severity",
            "summary",
            "evidence",
            "person_ids",
        }
        assert 0.0 <= s.severity <= 1.0
        assert isinstance(s.evidence, dict)
        assert s.summary.endswith(".")
        assert s.id.startswith(f"{s.kind}:{s.account_id}:")
    assert len({(s.kind, s.account_id) for s in signals}) == len(signals)


def test_parameters_are_validated_by_name() -> None:
    with pytest.raises(TypeError):
        detect_signals(bottleneck_builder().frames(), as_of=T0, no_such_parameter=1)
    with pytest.raises(TypeError):
        detect_signals(bottleneck_builder().frames(), as_of=T0, alpha=0.01)
    assert SignalParameters().windows.baseline_weeks == 26


def holiday_builder(silent_from: int, weeks: int) -> Builder:
    """Two emails a week with the champion and one each with ``x`` and ``y``; the champion
    is away for eight weeks (12-19, too early to judge) and comes back, then is silent
    from ``silent_from``."""
    b = Builder()
    b.person("champ", "director")
    for pid in ("x", "y"):
        b.person(pid)
    for w in range(weeks):
        away = 12 <= w < 20 or w >= silent_from
        for k, pid in enumerate(["champ", "champ", "x", "y"]):
            if pid == "champ" and away:
                continue
            b.email(T0 + w * WEEK + k * DAY, "h1", pid)
    return b


def test_a_silence_no_longer_than_the_persons_own_holiday_is_not_a_departure() -> None:
    # The holiday missed 2 + 8 x 2 = 18 account conversations; six silent weeks miss 14,
    # which the Poisson tails alone would call a departure (0.5 ** 14 = 6e-5).
    b = holiday_builder(silent_from=52, weeks=58)
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 58 * WEEK), "champion_departure")
    assert signals == []


def test_a_silence_longer_than_any_in_the_past_year_is_a_departure() -> None:
    # Silent from week 52: 2 conversations left in week 51, then 2 a week; 20 > 18 are
    # first missed by the end of week 60.
    b = holiday_builder(silent_from=52, weeks=64)
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 64 * WEEK), "champion_departure")
    assert [s.person_ids for s in signals] == [("champ",)]
    assert signals[0].at == T0 + 61 * WEEK
    assert signals[0].evidence["account_interactions_since"] == 20


def test_a_champion_quiet_while_traffic_runs_through_one_person_is_no_departure() -> None:
    b = Builder()
    b.person("champ", "director")
    for pid in ("a", "b", "c", "d", "e"):
        b.person(pid)
    weekly(b, 32, ["champ", "a", "b", "c", "d", "e"])
    weekly(b, 44, ["a"] * 8 + ["b"], from_week=32)
    signals = detect_signals(b.frames(), as_of=T0 + 44 * WEEK)
    assert kinds(signals, "champion_departure") == []
    assert [s.person_ids for s in kinds(signals, "single_node_bottleneck")] == [("a",)]
    # Without the narrowing (the others keep talking) the same silence is a departure.
    b = Builder()
    b.person("champ", "director")
    for pid in ("a", "b", "c", "d", "e"):
        b.person(pid)
    weekly(b, 32, ["champ", "a", "b", "c", "d", "e"])
    weekly(b, 44, ["a", "b", "c", "d", "e"], from_week=32)
    signals = detect_signals(b.frames(), as_of=T0 + 44 * WEEK)
    assert [s.person_ids for s in kinds(signals, "champion_departure")] == [("champ",)]


def test_nothing_is_raised_after_the_account_churned() -> None:
    b = Builder()
    b.person("champ", "director")
    for pid in ("x", "y"):
        b.person(pid)
    weekly(b, 40, ["champ", "champ", "x", "y"], skip={"champ"})
    frames = b.frames()
    churned = pd.DataFrame({"account_id": ["acc"], "at": [T0 + 35 * WEEK], "outcome": ["churned"]})
    assert kinds(detect_signals(frames, as_of=T0 + 40 * WEEK), "champion_departure")
    assert detect_signals(replace(frames, renewals=churned), as_of=T0 + 40 * WEEK) == []


def test_step_over_trend_prefers_a_step_for_a_step_and_a_trend_for_a_slide() -> None:
    from stakegraph.analytics.signals.contraction import step_over_trend

    weeks = np.arange(34)
    step = np.where(weeks < 24, 20.0, 6.0)
    slide = 20.0 * np.exp(-0.04 * weeks)
    volume = np.stack([step, slide])
    season = np.ones(34)
    evidence = step_over_trend(volume, season, np.array([0, 1]), np.array([33, 33]), 34, 4)
    # The step fits the step exactly (log-likelihood ratio > 0); the slide is a trend.
    assert evidence[0] > 10
    assert evidence[1] < 0


def test_a_champion_quiet_while_the_traffic_narrows_is_no_departure_before_the_bottleneck() -> None:
    # From week 32 their side's weekly traffic is 7 conversations with a and 2 with b
    # (one person of theirs on each, one unit each): shares 7/9 and 2/9, H = 53/81,
    # 1 / H = 1.53 <= 1.6 over the weeks of the champion's silence, and the volume is
    # kept (9 a week against 10: rerouted, not lost, 0.9 > 0.6). The six-week window
    # of the former veto still held a week of ten conversations over nine people when
    # the silence became improbable, and the departure was raised (week 37, measured
    # with the veto on the six-week window only).
    others = ["a", "b", "c", "d", "e", "f", "g", "h"]

    def build(narrow: bool) -> Builder:
        b = Builder()
        b.person("champ", "director")
        for pid in others:
            b.person(pid)
        weekly(b, 32, ["champ", "champ", *others])
        weekly(b, 40, ["a"] * 7 + ["b"] * 2 if narrow else others, from_week=32)
        return b

    as_of = T0 + 40 * WEEK
    assert kinds(detect_signals(build(True).frames(), as_of=as_of), "champion_departure") == []
    # The same silence while the others keep talking is a departure.
    spread = kinds(detect_signals(build(False).frames(), as_of=as_of), "champion_departure")
    assert [s.person_ids for s in spread] == [("champ",)]


def exec_role_end_builder(role_ends: bool, *, ceo: bool = True) -> Builder:
    """vp1 (champion, twice a week) and a ceo seen every eighth week; vp1 leaves at week
    30 (role end, or only silent); the ceo keeps their rhythm (weeks 1, 9, ..., 33)."""
    b = Builder()
    b.person("vp1", "vp", end=T0 + 30 * WEEK + 2 * DAY if role_ends else None)
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, 30, ["vp1", "vp1", "x", "y", "z"])
    weekly(b, 40, ["x", "y", "z", "x", "y"], from_week=30)
    if ceo:
        b.person("ceo", "c_level")
        for w in range(1, 40, 8):
            b.email(T0 + w * WEEK + 4 * DAY, "h1", "ceo")
    return b


def test_executive_silence_that_began_with_a_champions_role_end_is_that_departure() -> None:
    as_of = T0 + 40 * WEEK
    signals = detect_signals(exec_role_end_builder(True).frames(), as_of=as_of)
    modes = [s.evidence["mode"] for s in signals if s.kind == "champion_departure"]
    assert modes == ["role_ended"]
    assert kinds(signals, "executive_withdrawal") == []
    # The same silence without the role end: the executives did go quiet.
    signals = detect_signals(exec_role_end_builder(False).frames(), as_of=as_of)
    withdrawals = [s for s in signals if s.kind == "executive_withdrawal"]
    assert len(withdrawals) == 1
    assert set(withdrawals[0].person_ids) == {"vp1", "ceo"}


def test_an_executive_who_stays_is_judged_on_their_own_appearances() -> None:
    """The ceo (once a week) goes quiet at week 24; vp1 (twice a week) keeps talking
    until their role ends at week 30. The last executive seen is then a leaver, yet the
    ceo, who holds their role, has been silent: from vp1's role end only the ceo's
    appearances count (one in every six conversations before), and missing every one of
    40 conversations has the chance (5/6) ** 40 = 6.8e-4 < 1e-3."""
    b = Builder()
    b.person("vp1", "vp", end=T0 + 30 * WEEK + 2 * DAY)
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, 24, ["ceo", "vp1", "vp1", "x", "y", "z"])
    weekly(b, 30, ["vp1", "vp1", "x", "y", "z"], from_week=24)
    weekly(b, 48, ["x", "y", "z", "x", "y"], from_week=30)
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 48 * WEEK), "executive_withdrawal")
    assert [s.person_ids for s in signals] == [("ceo",)]
    assert signals[0].evidence["executives_left"] == ["vp1"]
    assert signals[0].evidence["last_seen_at"] < T0 + 24 * WEEK
    assert signals[0].at > T0 + 30 * WEEK


def test_the_last_executive_leaving_their_role_is_also_an_executive_withdrawal() -> None:
    """Without the ceo, vp1's role end leaves no executive: both stories hold."""
    signals = detect_signals(exec_role_end_builder(True, ceo=False).frames(), as_of=T0 + 40 * WEEK)
    modes = [s.evidence["mode"] for s in signals if s.kind == "champion_departure"]
    assert modes == ["role_ended"]
    withdrawals = kinds(signals, "executive_withdrawal")
    assert [s.person_ids for s in withdrawals] == [("vp1",)]
    assert withdrawals[0].at > T0 + 30 * WEEK + 2 * DAY


# Meetings and calls: presence is attendance, not only mail (organizer and attendees).


def test_a_champion_who_stops_joining_the_weekly_calls_departs() -> None:
    b = Builder()
    b.person("champ", "director")
    for pid in ("x", "y"):
        b.person(pid)
    weekly(b, 40, ["champ", "champ", "x", "y"], skip={"champ"}, kind="call")
    signals = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "champion_departure")
    assert [s.person_ids for s in signals] == [("champ",)]
    assert signals[0].evidence["mode"] == "silent"
    assert T0 + 35 * WEEK < signals[0].at <= T0 + 40 * WEEK


def steering_builder(executives_stop: int | None) -> Builder:
    """A weekly steering meeting of our ``h1`` with their VP, CEO and ``x``; the
    executives stop coming at week ``executives_stop`` and the meeting goes on."""
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    for w in range(40):
        present = executives_stop is None or w < executives_stop
        attendees = ["vp1", "ceo", "x"] if present else ["x", "y"]
        b.email(T0 + w * WEEK + 2 * DAY, "h1", *attendees, kind="meeting")
    weekly(b, 40, ["x", "y", "z", "x"])
    return b


def test_executives_who_stop_attending_the_steering_meetings_withdraw() -> None:
    signals = detect_signals(steering_builder(30).frames(), as_of=T0 + 40 * WEEK)
    [withdrawal] = kinds(signals, "executive_withdrawal")
    assert set(withdrawal.person_ids) == {"vp1", "ceo"}
    # Seen once a week, their silence is improbable (p < 1e-3, exp(-7)) after 7 weeks.
    assert T0 + 35 * WEEK < withdrawal.at <= T0 + 38 * WEEK
    # The same meetings with the executives still there raise nothing at all.
    assert detect_signals(steering_builder(None).frames(), as_of=T0 + 40 * WEEK) == []


def test_calls_with_fewer_people_less_often_are_a_contraction() -> None:
    b = Builder()
    contacts = ["a", "b", "c", "d", "e", "f"]
    for pid in contacts:
        b.person(pid)
    weekly(b, 30, contacts, kind="call")
    weekly(b, 40, ["a", "b"], from_week=30, kind="call")
    [signal] = kinds(detect_signals(b.frames(), as_of=T0 + 40 * WEEK), "engagement_contraction")
    assert signal.evidence["volume_ratio"] == pytest.approx(2 / 6, abs=0.02)
    assert signal.evidence["contact_ratio"] == pytest.approx(2 / 6, abs=0.02)


def test_meetings_narrowing_onto_one_contact_are_a_bottleneck() -> None:
    b = Builder()
    contacts = ["a", "b", "c", "d", "e", "f"]
    for pid in contacts:
        b.person(pid)
    weekly(b, 30, contacts, kind="meeting")
    weekly(b, 40, ["a"] * 4, from_week=30, kind="meeting")
    signals = detect_signals(b.frames(), as_of=T0 + 40 * WEEK)
    assert [s.person_ids for s in kinds(signals, "single_node_bottleneck")] == [("a",)]
    assert kinds(signals, "engagement_contraction") == []
