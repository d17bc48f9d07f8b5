"""Breadth of a relationship and executives judged one by one: hand-worked cases with
meetings and calls (builders of test_signals: our ``h1`` meets or calls the listed
contacts; each interaction is one conversation)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from test_detectors import DEFAULTS, tables_of
from test_signals import T0, WEEK, Builder, weekly

from stakegraph.analytics.signals import (
    engagement_contractions,
    executive_withdrawals,
    single_node_bottlenecks,
)
from stakegraph.analytics.signals.breadth import poisson_binomial_cdf
from stakegraph.analytics.signals.executive import holm_adjusted


def test_poisson_binomial_cdf_agrees_with_enumeration() -> None:
    p = np.array([0.9, 0.2, 0.5, 0.7])
    for observed in range(5):
        exact = sum(
            math.prod(pi if hit else 1 - pi for pi, hit in zip(p, hits, strict=True))
            for hits in itertools.product([0, 1], repeat=4)
            if sum(hits) <= observed
        )
        assert poisson_binomial_cdf(p[None, :], np.array([observed]))[0] == pytest.approx(exact)


def test_holm_adjusts_step_down_in_the_input_order() -> None:
    # Sorted 0.01, 0.03, 0.04: 3 x 0.01, 2 x 0.03, max(0.06, 1 x 0.04).
    assert holm_adjusted(np.array([0.04, 0.01, 0.03])) == pytest.approx([0.06, 0.03, 0.06])


def together(
    builder: Builder, weeks: range, people: list[str], kind: str, per_week: int = 1
) -> None:
    """``per_week`` conversations of ``kind`` a week from our ``h1`` with all of ``people``."""
    for week in weeks:
        for k in range(per_week):
            builder.email(T0 + week * WEEK + k * 86_400 + 3_600, "h1", *people, kind=kind)


def meetings_and_calls_builder() -> Builder:
    """Weeks 0-29: one meeting a week with a, b, c and one call with d, e, f; from week
    30, one meeting a week with a and b only."""
    b = Builder()
    for pid in "abcdef":
        b.person(pid)
    together(b, range(30), ["a", "b", "c"], "meeting")
    together(b, range(30), ["d", "e", "f"], "call")
    together(b, range(30, 40), ["a", "b"], "meeting")
    return b


def test_contraction_on_people_reached_with_meetings_and_calls() -> None:
    # Week 37 (ending T0 + 38 weeks) is the first whose 8-week window (weeks 30-37) holds
    # no call: 8 meetings against 52 conversations in weeks 4-29 (rate ratio 1/2), 2 of
    # the 6 contacts (the baseline's 8-week blocks held all 6).
    [signal] = engagement_contractions(tables_of(meetings_and_calls_builder()), DEFAULTS)
    evidence = signal.evidence
    assert signal.at == T0 + 38 * WEEK
    assert evidence["volume_ratio"] == pytest.approx(0.5)
    assert evidence["contact_ratio"] == pytest.approx(1 / 3)
    # Breadth: each of the six was on 26 of the 52 baseline conversations (share 1/2);
    # 8 conversations reach each with probability 1 - 2**-8; two came back.
    reach = 1 - 2.0**-8
    assert (evidence["people_before"], evidence["people_returning"]) == (6, 2)
    assert evidence["people_expected"] == pytest.approx(6 * reach)
    breadth = sum(math.comb(6, k) * reach**k * (1 - reach) ** (6 - k) for k in range(3))
    assert evidence["p_value_breadth"] == pytest.approx(breadth, rel=1e-9)
    # Volume: 8 of the 60 conversations fall in the recent 8 of 34 weeks (flat calendar).
    volume = stats.binom.cdf(8, 60, 8 / 34)
    assert evidence["p_value_volume"] == pytest.approx(volume)
    fisher = stats.chi2.sf(-2 * (math.log(volume) + math.log(breadth)), 4)
    assert evidence["p_value"] == pytest.approx(fisher)
    # Their side's traffic (a meeting with a and b splits its unit): 2 threads after.
    assert evidence["threads_after"] == pytest.approx(2.0)


def test_a_crisis_burst_among_fewer_people_is_no_contraction() -> None:
    # From week 30, six meetings a week with a and b: fewer people, more conversations.
    b = Builder()
    for pid in "abcdef":
        b.person(pid)
    together(b, range(30), ["a", "b", "c"], "meeting")
    together(b, range(30), ["d", "e", "f"], "call")
    together(b, range(30, 40), ["a", "b"], "meeting", per_week=6)
    assert engagement_contractions(tables_of(b), DEFAULTS) == []


def test_each_executive_named_with_what_they_used_to_do() -> None:
    # A weekly meeting with the VP and x, a weekly call with the CEO and y, and emails to
    # z; from week 30 the meeting and the call go on without the executives.
    b = Builder()
    b.person("vp1", "vp")
    b.person("ceo", "c_level")
    for pid in ("x", "y", "z"):
        b.person(pid)
    together(b, range(30), ["vp1", "x"], "meeting")
    together(b, range(30), ["ceo", "y"], "call")
    together(b, range(30, 40), ["x"], "meeting")
    together(b, range(30, 40), ["y"], "call")
    weekly(b, 40, ["z"])
    [signal] = executive_withdrawals(tables_of(b), DEFAULTS)
    details = {d["person_id"]: d for d in signal.evidence["each_executive"]}
    assert set(details) == {"vp1", "ceo"}
    # Their 26 weeks up to their last appearance (weeks 4-29).
    assert details["vp1"]["used_to"] == {"meeting": 26}
    assert details["ceo"]["used_to"] == {"call": 26}
    assert details["vp1"]["level"] == "vp"
    p = [details["vp1"]["p_value"], details["ceo"]["p_value"]]
    holm = holm_adjusted(np.array(p))
    assert [details["vp1"]["p_value_holm"], details["ceo"]["p_value_holm"]] == pytest.approx(holm)
    withdrawn = [pid for pid in ("vp1", "ceo") if details[pid]["p_value_holm"] < 1e-3]
    assert sorted(signal.evidence["withdrawn_executives"]) == sorted(withdrawn)
    for detail in details.values():
        assert detail["silent_days"] * 86_400 == pytest.approx(
            min(signal.at, T0 + 40 * WEEK) - detail["last_seen_at"], abs=7 * 86_400
        )


def one_contact_left_builder() -> Builder:
    """Weeks 0-29: a call a week with a and a meeting a week with b, c, d and e; from
    week 30, the call with a only."""
    b = Builder()
    for pid in "abcde":
        b.person(pid)
    together(b, range(30), ["a"], "call")
    together(b, range(30), ["b", "c", "d", "e"], "meeting")
    together(b, range(30, 40), ["a"], "call")
    return b


def test_bottleneck_when_everyone_else_is_gone_from_meetings_and_calls() -> None:
    # Week 35 (ending T0 + 36 weeks) is the first whose 6-week window (weeks 30-35) holds
    # only the calls with a: 6 of 6 conversations, against (26 + 0.5) / (52 + 1) = 1/2 in
    # weeks 4-29. Alone that is 2**-6, far from 1e-4, and never closer later.
    b = one_contact_left_builder()
    [signal] = single_node_bottlenecks(tables_of(b), DEFAULTS)
    evidence = signal.evidence
    assert (signal.at, signal.person_ids) == (T0 + 36 * WEEK, ("a",))
    share = 0.5**6
    assert evidence["participation_rate_before"] == pytest.approx(0.5)
    assert evidence["p_value_share"] == pytest.approx(share)
    # Everyone else: b..e were each on 26 of the 52 baseline conversations; 6
    # conversations would reach each with probability 1 - 2**-6; none came back.
    reach = 1 - 2.0**-6
    assert (evidence["others_before"], evidence["others_returning"]) == (4, 0)
    assert evidence["others_expected"] == pytest.approx(4 * reach)
    others = (1 - reach) ** 4
    assert evidence["p_value_others"] == pytest.approx(others)
    fisher = stats.chi2.sf(-2 * (math.log(share) + math.log(others)), 4)
    assert evidence["p_value"] == pytest.approx(fisher)
    # Their side decides on the combination (1e-5); the share test alone would not fire.
    assert fisher < DEFAULTS.bottleneck.their_alpha < DEFAULTS.bottleneck.alpha < share
    # Onto one contact: no engagement contraction (that is the bottleneck's story).
    assert engagement_contractions(tables_of(b), DEFAULTS) == []


def test_bottleneck_needs_the_others_to_be_gone() -> None:
    # The same calls with a, but b..e stay on a meeting every other week. Any 6-week
    # window from week 30 holds 6 calls (a: 6 units) and 3 meetings (b..e: 3/4 each):
    # a's share is 6/9, but 1/H = 81 / (36 + 4 * 9/16) = 2.12 threads, above 1.6. The
    # traffic has not narrowed onto one contact: nothing is raised.
    b = Builder()
    for pid in "abcde":
        b.person(pid)
    together(b, range(30), ["a"], "call")
    together(b, range(30), ["b", "c", "d", "e"], "meeting")
    together(b, range(30, 40), ["a"], "call")
    together(b, range(30, 40, 2), ["b", "c", "d", "e"], "meeting")
    assert single_node_bottlenecks(tables_of(b), DEFAULTS) == []
