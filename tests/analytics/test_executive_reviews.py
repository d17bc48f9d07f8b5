"""Executives judged on their own rhythm at business reviews (signals/reviews.py) and at
standing meeting series (signals/series.py), and the withdrawal they add to
(signals/executive.py): hand-built reviews, meetings and calls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_signals import DAY, T0, WEEK, Builder, kinds, weekly

from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.analytics.signals.reviews import ReviewAttendance
from stakegraph.analytics.signals.series import ExecutiveRhythms, series_attendance
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.analytics.windows import prepare_activity


def record(held_days: list[int], attended: dict[str, list[int]]) -> ReviewAttendance:
    return ReviewAttendance(
        held={"acme": np.array(held_days, dtype=np.int64) * DAY},
        attended={"acme": {p: np.array(d, dtype=np.int64) * DAY for p, d in attended.items()}},
    )


def test_missing_reviews_after_coming_to_every_one() -> None:
    # Held every 90 days; the VP came to the first four and none since. After the first,
    # they came to 3 of 3: Beta(1.6 + 3, 0.4). One missed: 0.4 / 5 = 0.08; two missed:
    # (0.4 x 1.4) / (5 x 6) = 0.01867.
    reviews = record([0, 90, 180, 270, 360, 450], {"vp": [0, 90, 180, 270]})
    [one] = reviews.absences("acme", 400 * DAY, min_attended=2)
    assert (one.attended, one.held_while_regular, one.missed_since) == (4, 4, 1)
    assert one.p_value == pytest.approx(0.08)
    [two] = reviews.absences("acme", 500 * DAY, min_attended=2)
    assert two.missed_since == 2
    assert two.p_value == pytest.approx(0.4 * 1.4 / 30)


def test_an_irregular_attendee_missing_one_review_is_not_improbable() -> None:
    # Came to 2 of the 4 held after their first: Beta(1.6 + 2, 0.4 + 2); one missed:
    # 2.4 / 6 = 0.4.
    reviews = record([0, 90, 180, 270, 360, 450], {"vp": [0, 180, 360]})
    [absence] = reviews.absences("acme", 500 * DAY, min_attended=2)
    assert (absence.attended, absence.held_while_regular, absence.missed_since) == (3, 5, 1)
    assert absence.p_value == pytest.approx(0.4)


def test_joint_absence_needs_every_regular_executive_gone() -> None:
    held = [0, 90, 180, 270, 360]
    both_gone = record(held, {"vp": [0, 90, 180], "ceo": [0, 90, 180]})
    p, missed = both_gone.joint_p_value("acme", 400 * DAY, min_attended=2)
    # Each came to 2 of 2 after the first: two missed, (0.4 x 1.4) / (4 x 5) = 0.028.
    assert missed == 2
    assert p == pytest.approx(0.028**2)
    # The CEO came to the last review: the executives have not withdrawn.
    one_stays = record(held, {"vp": [0, 90, 180], "ceo": [0, 90, 180, 360]})
    assert one_stays.joint_p_value("acme", 400 * DAY, min_attended=2) == (1.0, 0)
    # Once at a review is no rhythm: a regular is someone who came at least twice.
    once = record(held, {"vp": [0, 90, 180], "ceo": [180]})
    assert once.joint_p_value("acme", 400 * DAY, min_attended=2)[0] == pytest.approx(0.028)
    # An executive whose role ended is no longer expected.
    left = record(held, {"vp": [0, 90, 180], "ceo": [0, 90, 180, 270]})
    assert left.joint_p_value("acme", 400 * DAY, min_attended=2, leaving=["ceo"])[
        0
    ] == pytest.approx(0.028)


def test_nothing_is_known_before_the_reviews_or_without_them() -> None:
    reviews = record([0, 90, 180], {"vp": [0, 90]})
    # Judged before the second review: they came once by then, not a regular yet.
    assert reviews.absences("acme", 60 * DAY, min_attended=2) == []
    assert reviews.joint_p_value("other", 400 * DAY, min_attended=2) == (1.0, 0)
    assert ReviewAttendance.of(None).held == {}


def test_attendance_is_read_from_attended_reviews_of_executives() -> None:
    engagements = pd.DataFrame(
        {
            "account_id": ["acme"] * 5,
            "kind": ["qbr", "qbr", "ebr", "check_in", "qbr"],
            "at": [0, 0, 90 * DAY, 100 * DAY, 180 * DAY],
            "status": ["attended", "attended", "attended", "attended", "declined"],
            "person_id": ["vp", "x", "vp", "x", "vp"],
            "executive": [True, False, True, False, True],
        }
    )
    reviews = ReviewAttendance.of(engagements)
    # Check-ins are the working level's; a declined review was not attended.
    assert reviews.held["acme"].tolist() == [0, 90 * DAY]
    assert reviews.attended["acme"]["vp"].tolist() == [0, 90 * DAY]


# -- the withdrawal -------------------------------------------------------------------


def with_executives(weeks: int) -> Builder:
    """Their VP and CEO (not yet on anything) and a working level of three on four emails
    a week for ``weeks`` weeks."""
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    weekly(b, weeks, ["x", "y", "z", "x"])
    return b


def review_builder(executives_stop: int | None) -> tuple[Builder, BeyondFrames]:
    """A working level on four emails a week; their VP and CEO on a call with ``x`` every
    four weeks (weeks 1, 5, ...) and at the monthly business review (weeks 2, 6, ...,
    with ``x``). From week ``executives_stop`` they come to neither; the reviews go on."""
    b = with_executives(48)
    rows = []
    for w in range(48):
        present = executives_stop is None or w < executives_stop
        if w % 4 == 1 and present:
            b.email(T0 + w * WEEK + 3 * DAY, "h1", "vp1", "ceo", "x", kind="call")
        if w % 4 == 2:
            review = T0 + w * WEEK + 2 * DAY
            for pid in ["vp1", "ceo", "x"] if present else ["x"]:
                rows.append(("acc", "qbr", review, "attended", pid))
    engagements = pd.DataFrame(rows, columns=["account_id", "kind", "at", "status", "person_id"])
    empty = BeyondFrames.empty()
    return b, BeyondFrames(usage=empty.usage, tickets=empty.tickets, engagements=engagements)


def test_executives_who_stop_coming_to_the_reviews_withdraw_at_the_reviews() -> None:
    b, beyond = review_builder(30)
    as_of = T0 + 48 * WEEK
    # Their calls alone: on 1 of 17 conversations every four weeks, 12 weeks of silence
    # is not improbable at 1e-3 (nothing is raised).
    assert kinds(detect_signals(b.frames(), as_of=as_of), "executive_withdrawal") == []
    [withdrawal] = kinds(
        detect_signals(b.frames(), as_of=as_of, beyond=beyond), "executive_withdrawal"
    )
    assert set(withdrawal.person_ids) == {"vp1", "ceo"}
    # Raised after the missed reviews of weeks 30 and 34, and within the 13 weeks after
    # their last call (week 29).
    assert T0 + 34 * WEEK < withdrawal.at <= T0 + 42 * WEEK
    evidence = withdrawal.evidence
    assert evidence["reviews_missed"] >= 2
    assert evidence["p_value_reviews"] < 1e-3
    assert {d["person_id"] for d in evidence["each_executive"]} == {"vp1", "ceo"}
    assert all(d["reviews_missed"] >= 2 for d in evidence["each_executive"])
    missed = evidence["reviews_missed"]
    assert withdrawal.summary.endswith(
        f"They missed the last {missed} sessions of the business reviews and standing"
        " meetings they used to attend."
    )


def test_executives_still_at_the_reviews_raise_nothing() -> None:
    b, beyond = review_builder(None)
    assert detect_signals(b.frames(), as_of=T0 + 48 * WEEK, beyond=beyond) == []


def test_a_silence_found_only_months_later_is_not_raised() -> None:
    """Executives on one email every four weeks of an account's 17, then silent: their
    silence is improbable at 1e-3 only after 13 weeks, past the limit a withdrawal is
    raised within; with the limit lifted it is raised then."""
    b = with_executives(80)
    for w in range(1, 30, 4):
        b.email(T0 + w * WEEK + 3 * DAY, "h1", "vp1", "ceo", "x")
    as_of = T0 + 80 * WEEK
    assert kinds(detect_signals(b.frames(), as_of=as_of), "executive_withdrawal") == []
    late = kinds(
        detect_signals(b.frames(), as_of=as_of, executive_max_silence_weeks=60),
        "executive_withdrawal",
    )
    assert len(late) == 1
    assert late[0].evidence["silent_days"] > 13 * 7


# -- standing meeting series (signals/series.py) ---------------------------------------


def series_builder(executives_stop: int | None, *, series: bool = True) -> Builder:
    """A working level on four emails a week; a steering call every four weeks (weeks 1,
    5, ...) with our ``h1``, their VP, CEO and ``x``, one calendar series (unless
    ``series`` is False: the same calls without a series id). From week
    ``executives_stop`` the call goes on with ``x`` alone."""
    b = with_executives(48)
    for w in range(1, 48, 4):
        present = executives_stop is None or w < executives_stop
        attendees = ["vp1", "ceo", "x"] if present else ["x"]
        thread = "ics:steering-acc" if series else None
        b.email(T0 + w * WEEK + 3 * DAY, "h1", *attendees, kind="call", thread=thread)
    return b


def test_executives_who_stop_coming_to_a_standing_series_withdraw_there() -> None:
    as_of = T0 + 48 * WEEK
    # The same calls as one-off conversations: on 8 of the account's conversations in
    # the half-year, their silence is not improbable at 1e-3 within 13 weeks.
    plain = series_builder(30, series=False)
    assert kinds(detect_signals(plain.frames(), as_of=as_of), "executive_withdrawal") == []
    # As a series: each came to all 8 sessions up to week 29 (7 of 7 after the first:
    # Beta(1.6 + 7, 0.4)); missing the sessions of weeks 33 and 37 has the chance
    # (0.4 x 1.4) / (9 x 10) = 0.00622 each, 3.9e-5 for both, which with the
    # conversations' tail falls below 1e-3.
    b = series_builder(30)
    [withdrawal] = kinds(detect_signals(b.frames(), as_of=as_of), "executive_withdrawal")
    assert set(withdrawal.person_ids) == {"vp1", "ceo"}
    evidence = withdrawal.evidence
    assert evidence["reviews_missed"] == 2
    assert evidence["p_value_reviews"] == pytest.approx((0.4 * 1.4 / 90) ** 2)
    # After the second missed session (week 37), within 13 weeks of their last (week 29).
    assert T0 + 37 * WEEK < withdrawal.at <= T0 + 42 * WEEK
    assert all(d["reviews_missed"] == 2 for d in evidence["each_executive"])


def test_executives_still_at_the_series_raise_nothing() -> None:
    b = series_builder(None)
    assert detect_signals(b.frames(), as_of=T0 + 48 * WEEK) == []


def series_record(held_days: list[int], attended: dict[str, list[int]]) -> ReviewAttendance:
    key = "acme\x1f0"
    return ReviewAttendance(
        held={key: np.array(held_days, dtype=np.int64) * DAY},
        attended={key: {p: np.array(d, dtype=np.int64) * DAY for p, d in attended.items()}},
    )


def test_one_missed_session_of_a_series_says_nothing_yet() -> None:
    # Sessions every 28 days; the VP came to the first five.
    steering = series_record([0, 28, 56, 84, 112, 140, 168], {"vp": [0, 28, 56, 84, 112]})
    rhythms = ExecutiveRhythms.of(None, steering, min_missed=2)
    # One missed (day 140): not yet a broken rhythm, and as a regular who missed nothing
    # counted the VP keeps the joint chance at 1.
    assert rhythms.joint_p_value("acme", 150 * DAY, min_attended=2) == (1.0, 0)
    # Two missed: 4 of 4 after the first, Beta(5.6, 0.4): (0.4 x 1.4) / (6 x 7).
    p, missed = rhythms.joint_p_value("acme", 170 * DAY, min_attended=2)
    assert (p, missed) == (pytest.approx(0.4 * 1.4 / 42), 2)
    assert ExecutiveRhythms.of(None, steering, min_missed=1).joint_p_value(
        "acme", 150 * DAY, min_attended=2
    ) == (pytest.approx(0.4 / 6), 1)


def test_reviews_and_series_are_merged_per_executive() -> None:
    reviews = record([0, 90, 180, 270], {"vp": [0, 90, 180]})
    steering = series_record([0, 28, 56, 84, 112, 140, 168, 196], {"vp": [0, 28, 56, 84, 112]})
    rhythms = ExecutiveRhythms.of(reviews, steering, min_missed=2)
    [vp] = rhythms.absences("acme", 200 * DAY, min_attended=2)
    # One review missed (day 270 is after 200: none yet) and three sessions (140, 168,
    # 196): the review record says nothing (missed 0, chance 1); the series' chance is
    # (0.4 x 1.4 x 2.4) / (6 x 7 x 8).
    assert (vp.attended, vp.missed_since) == (3 + 5, 3)
    assert vp.p_value == pytest.approx(0.4 * 1.4 * 2.4 / 336)
    [later] = rhythms.absences("acme", 300 * DAY, min_attended=2)
    # By day 300 the review of day 270 is missed too (2 of 2 after the first, one missed:
    # 0.4 / 4), the chances multiply and the misses add up.
    assert later.missed_since == 4
    assert later.p_value == pytest.approx(0.1 * 0.4 * 1.4 * 2.4 / 336)


def test_a_series_session_on_a_review_day_is_that_review() -> None:
    b = series_builder(None)
    frames = b.frames()
    as_of = T0 + 48 * WEEK
    tables = WeeklyTables.build(prepare_activity(frames), frames.roles, as_of=as_of)
    assert tables is not None
    plain = series_attendance(tables)
    [key] = plain.held
    assert key.startswith("acc\x1f")
    assert len(plain.held[key]) == 12
    assert set(plain.attended[key]) == {"vp1", "ceo"}
    # A business review recorded on the day of the week-5 session (the day's start).
    review_day = (T0 + 5 * WEEK + 3 * DAY) // DAY * DAY
    reviews = ReviewAttendance(held={"acc": np.array([review_day])}, attended={})
    assert len(series_attendance(tables, reviews).held[key]) == 11
