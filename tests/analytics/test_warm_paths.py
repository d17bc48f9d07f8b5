"""Warm paths: each kind of link on a hand-built case, with its strength worked by hand."""

from __future__ import annotations

import math

import pytest

from stakegraph.analytics.matching import Person
from stakegraph.analytics.suggest import suggest_remapping
from stakegraph.analytics.tie_graph import path_strength, reach, warm_path
from stakegraph.analytics.warm_paths import (
    Link,
    ReportingLine,
    co_attendance_links,
    former_colleague_links,
    hops_of,
    knows_links,
    reporting_links,
    tie_links,
    warm_graph,
)

DAY = 86_400
YEAR = 365 * DAY
T0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def test_reporting_lines_held_at_the_date_only() -> None:
    lines = [
        ReportingLine("dee", "tom", start=T0 - 100 * DAY),  # current
        ReportingLine("old", "tom", start=T0 - 400 * DAY, end=T0 - 10 * DAY),  # ended
        ReportingLine("new", "tom", start=T0 + DAY),  # not started yet
        ReportingLine("tom", "tom", start=T0 - DAY),  # nonsense: nobody reports to themselves
    ]
    (link,) = reporting_links(lines, at=T0)
    assert (link.a, link.b, link.kind, link.strength) == ("dee", "tom", "reports_to", 0.6)
    assert link.evidence == {
        "report": "dee",
        "manager": "tom",
        "since": "2023-08-06",
        "until": None,
    }
    # The end is exclusive: a line ending at the date no longer holds.
    assert reporting_links([ReportingLine("a", "b", 0, T0)], at=T0) == []


def test_co_attendance_counts_meetings_and_decays_with_the_last() -> None:
    meetings = [
        (T0 - 200 * DAY, ["ann", "dee", "tom"]),
        (T0 - 20 * DAY, ["dee", "tom"]),
        (T0 - 20 * DAY, ["dee", "tom", "dee"]),  # a person listed twice counts once
        (T0 + DAY, ["ann", "tom"]),  # after the date: not seen yet
    ]
    links = {(link.a, link.b): link for link in co_attendance_links(meetings, as_of=T0)}
    assert set(links) == {("ann", "dee"), ("ann", "tom"), ("dee", "tom")}
    # dee & tom: 3 meetings, the last 20 days ago:
    # 0.5 * (1 - exp(-3/3)) * 2 ** (-20/180) = 0.5 * 0.63212 * 0.92587 = 0.29263
    assert links[("dee", "tom")].strength == pytest.approx(0.29263, abs=1e-5)
    assert links[("dee", "tom")].evidence == {
        "meetings": 3,
        "first": "2023-04-28",
        "last": "2023-10-25",
    }
    # ann & dee: 1 meeting 200 days ago: 0.5 * (1 - exp(-1/3)) * 2 ** (-200/180)
    # = 0.5 * 0.28347 * 0.46294 = 0.06561
    assert links[("ann", "dee")].strength == pytest.approx(0.06561, abs=1e-5)


def test_former_colleagues_overlapped_at_an_employer_one_has_left() -> None:
    roles = {
        # Ann worked at Initech for two years, then joined us.
        "ann": [
            {"org_id": "initech", "start": T0 - 4 * YEAR, "end": T0 - 2 * YEAR},
            {"org_id": "home", "start": T0 - 2 * YEAR, "end": None},
        ],
        # Tom has been at Initech for three years: they overlapped one year.
        "tom": [{"org_id": "initech", "start": T0 - 3 * YEAR, "end": None}],
        # Bo overlapped Ann by 20 days only: under the 30-day floor.
        "bo": [{"org_id": "initech", "start": T0 - 2 * YEAR - 20 * DAY, "end": T0 - YEAR}],
        # Cy and Dee are both still at home: colleagues now, not former colleagues.
        "cy": [{"org_id": "home", "start": T0 - YEAR, "end": None}],
    }
    links = former_colleague_links(roles, at=T0, names={"initech": "Initech"})
    by_pair = {(link.a, link.b): link for link in links}
    # Ann & Tom: 365 days -> 0.3 * min(1, 365/365) = 0.3.
    assert by_pair[("ann", "tom")].strength == pytest.approx(0.3)
    assert by_pair[("ann", "tom")].evidence == {
        "organization_id": "initech",
        "organization": "Initech",
        "from": "2020-11-14",  # T0 - 3 years, when Tom joined
        "until": "2021-11-14",  # T0 - 2 years, when Ann left
        "days": 365,
    }
    # Bo & Tom: Bo's 2 years minus 20 days at Initech, all within Tom's: 0.3 * min(1, 1.05).
    assert by_pair[("bo", "tom")].strength == pytest.approx(0.3)
    assert ("ann", "bo") not in by_pair  # 20 days
    assert ("ann", "cy") not in by_pair and ("cy", "tom") not in by_pair
    # Half a year of overlap is half the strength: 0.3 * 182/365.
    half = former_colleague_links(
        {
            "a": [{"org_id": "o", "start": 0, "end": 182 * DAY}],
            "b": [{"org_id": "o", "start": 0, "end": None}],
        },
        at=YEAR,
    )
    assert half[0].strength == pytest.approx(0.3 * 182 / 365)


def test_knows_and_ties_carry_their_evidence() -> None:
    (known,) = knows_links([("vera", "ed", "conference", T0), ("ed", "vera", None, None)])
    assert (known.a, known.b, known.kind, known.strength) == ("ed", "vera", "knows", 0.1)
    assert known.evidence == {"source": "conference", "since": "2023-11-14"}
    (tie,) = tie_links([("m", "d", 0.8, 12, T0)])
    assert (tie.a, tie.b, tie.kind, tie.strength) == ("d", "m", "tie", 0.8)
    assert tie.evidence == {"interactions": 12, "last": "2023-11-14"}


def test_the_strongest_link_of_a_pair_carries_the_path_and_ties_alone_are_reach() -> None:
    graph = warm_graph(
        [
            Link("d", "m", "tie", 0.2, {"interactions": 1}),
            Link("d", "m", "co_attended", 0.4, {"meetings": 4}),
            Link("d", "t", "reports_to", 0.6, {"report": "d", "manager": "t"}),
            Link("t", "x", "knows", 0.0),  # no strength: dropped
        ]
    )
    assert graph["d"]["m"]["kind"] == "co_attended" and graph["d"]["m"]["engaged"]
    assert graph["d"]["m"]["tie_strength"] == 0.2
    assert "x" not in graph
    # m reaches d (an interaction tie), not t (a reporting line is no interaction of ours).
    assert reach(graph, ["d", "t"], ["m"]) == {"d": ("m",), "t": ()}
    path = warm_path(graph, "m", "t")
    assert path == ("m", "d", "t")
    assert path_strength(graph, path) == pytest.approx(0.4 * 0.6)
    hops = hops_of(graph, path)
    assert [(h.source, h.target, h.kind, h.strength) for h in hops] == [
        ("m", "d", "co_attended", 0.4),
        ("d", "t", "reports_to", 0.6),
    ]
    assert hops[1].evidence == {"report": "d", "manager": "t"}


def test_the_manager_is_the_natural_introducer() -> None:
    """Their CTO is reached by nobody. Our account manager talks to their director (0.8),
    who reports to the CTO (0.6); our CTO knows our account manager... only as a colleague
    who attended 2 meetings with him 30 days ago. The suggestion for their CTO is ours,
    through our account manager and their director, every hop explained."""
    co = co_attendance_links([(T0 - 30 * DAY, ["our-cto", "am"])] * 2, as_of=T0)
    graph = warm_graph(
        [
            *tie_links([("am", "dir", 0.8, 9, T0 - DAY)]),
            *reporting_links([ReportingLine("dir", "cto", T0 - YEAR)], at=T0),
            *co,
        ]
    )
    theirs = [
        Person("cto", "Tom", "CTO", "c_level", "engineering"),
        Person("dir", "Dee", "Engineering Director", "director", "engineering"),
    ]
    ours = [
        Person("our-cto", "Omar", "CTO", "c_level", "engineering", capacity=2),
        Person("am", "Alan", "Account Manager", "ic", "sales", capacity=1),
    ]
    suggestions = suggest_remapping(graph, theirs, ours)
    cto = next(s for s in suggestions if s.stakeholder.person_id == "cto")
    assert cto.colleague is not None and cto.colleague.person_id == "our-cto"
    assert cto.path == ("our-cto", "am", "dir", "cto")
    # 0.5 * (1 - exp(-2/3)) * 2 ** (-30/180) = 0.21672; * 0.8 * 0.6
    co_strength = 0.5 * (1 - math.exp(-2 / 3)) * 2 ** (-30 / 180)
    assert cto.path_strength == pytest.approx(co_strength * 0.8 * 0.6)
    assert [h.kind for h in cto.hops] == ["co_attended", "tie", "reports_to"]
    assert all(h.evidence for h in cto.hops)
    assert "Dee reports to Tom (since 2022-11-14)" in cto.reason
    assert "Alan and Dee interacted 9 times" in cto.reason
    assert "Omar and Alan attended 2 meetings together" in cto.reason
