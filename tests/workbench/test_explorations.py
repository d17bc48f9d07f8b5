"""Every curated exploration on the hand-built portfolio (workbench_portfolio.py): answers
worked out by hand, with their defaults and with each parameter that changes them."""

from __future__ import annotations

from typing import Any

import pytest
from workbench_portfolio import ANALYZED_AT, DAY, build_portfolio, epoch

from stakegraph.graph.queries import NamedQuery, parse_query
from stakegraph.graph.store import GraphStore
from stakegraph.workbench.explorations import (
    ExplorationNotFoundError,
    ExplorationParameterError,
    explorations,
    get_exploration,
    parse_exploration,
    run_exploration,
)

TEN = 10 * 3600  # every interaction is at 10:00 UTC

# name, parameters, the columns compared, the expected rows (in the exploration's order)
CASES: list[tuple[str, dict[str, Any], tuple[str, ...], list[tuple[Any, ...]]]] = [
    (
        "silent_key_stakeholders",
        {},
        ("account_id", "renewal_at", "person_id", "title", "last_seen_at", "days_silent"),
        [
            ("acc-c", epoch("2024-08-01"), "c-cfo", "CFO", None, None),  # never seen
            ("acc-c", epoch("2024-08-01"), "c-ceo", "CEO", epoch("2024-03-01") + TEN, 121),
            ("acc-a", epoch("2024-09-15"), "a-cfo", "CFO", epoch("2024-01-15") + TEN, 167),
            ("acc-a", epoch("2024-09-15"), "a-vp", "VP Operations", epoch("2024-05-20") + TEN, 41),
        ],  # a-cto was in a meeting 11 days before; Gil's VP role at Acme ended
    ),
    (
        "silent_key_stakeholders",
        {"silent_days": 60, "levels": "c_level"},
        ("person_id", "days_silent"),
        [("c-cfo", None), ("c-ceo", 121), ("a-cfo", 167)],
    ),
    (
        "silent_key_stakeholders",
        {"renewal_days": "60"},  # Acme renews in 76 days
        ("person_id",),
        [("c-cfo",), ("c-ceo",)],
    ),
    (
        "silent_key_stakeholders",
        {"as_of": "2024-06-01"},  # Acme renews in 106 days from there
        ("person_id", "days_silent"),
        [("c-cfo", None), ("c-ceo", 91)],
    ),
    (
        "bridge_people",
        {},
        ("person_id", "organization", "accounts", "account_names", "interactions"),
        [
            ("x-cons", None, 3, ["Acme", "Cyan", "Delta"], 3),
            ("a-champ", "Acme", 2, ["Acme", "Beta"], 5),
            ("a-gone", "Cyan", 2, ["Acme", "Cyan"], 2),
        ],
    ),
    ("bridge_people", {"as_of": "2024-06-08"}, ("person_id", "accounts"), [("x-cons", 3)]),
    ("bridge_people", {"days": 45}, ("person_id",), [("x-cons",), ("a-champ",)]),
    ("bridge_people", {"min_accounts": 3}, ("person_id",), [("x-cons",)]),
    (
        "single_points_of_contact",
        {},
        ("person_id", "accounts", "arr", "account_names", "interactions"),
        [("u-am2", 2, 350_000.0, ["Cyan", "Delta"], 5)],  # Acme has three of ours
    ),
    (
        "single_points_of_contact",
        {"min_accounts": 1},
        ("person_id", "accounts", "account_names"),
        [("u-am2", 2, ["Cyan", "Delta"]), ("u-am1", 1, ["Beta"])],
    ),
    (
        "single_points_of_contact",
        {"as_of": "2024-06-08", "min_accounts": 1},
        ("person_id", "account_names", "interactions"),
        [("u-am2", ["Cyan", "Delta"], 2), ("u-am1", ["Acme"], 3)],
    ),
    (
        "single_points_of_contact",
        {"days": 20, "min_accounts": 1},  # from 2024-06-11: Beth at Cyan and Delta, Alan at Beta
        ("person_id", "account_names", "interactions"),
        [("u-am2", ["Cyan", "Delta"], 2), ("u-am1", ["Beta"], 1)],
    ),
    (
        "warm_path",
        {"from_person": "u-cto", "to_person": "a-cto"},
        ("person_ids", "hops", "strength"),
        [
            (["u-cto", "u-am1", "a-champ", "a-cto"], 3, pytest.approx(0.9 * 0.6 * 0.5)),
            (["u-cto", "u-ceo", "a-cto"], 2, pytest.approx(0.8 * 0.3)),  # Tom knows Uma
        ],
    ),
    (
        "warm_path",
        {"from_person": "u-cto", "to_person": "a-cto", "knows_strength": 0.5, "paths": 1},
        ("person_ids", "strength"),
        [(["u-cto", "u-ceo", "a-cto"], pytest.approx(0.4))],
    ),
    ("warm_path", {"from_person": "u-cto", "to_person": "nobody"}, ("hops",), []),
    (
        "depth_fell_high_arr",
        {},
        ("account_id", "then_at", "depth_then", "latest_at", "depth_latest", "fall"),
        [("acc-a", ANALYZED_AT - 28 * DAY, 60.0, ANALYZED_AT, 40.0, 20.0)],
    ),
    (
        "depth_fell_high_arr",
        {"weeks": 1, "min_fall": 5},
        ("account_id", "fall"),
        [("acc-b", 6.0), ("acc-a", 5.0)],
    ),
    (
        "depth_fell_high_arr",
        {"weeks": 1, "min_fall": 5, "min_arr": 200_000},
        ("account_id",),
        [("acc-a",)],
    ),
    (
        "engagement_by_segment",
        {},
        (
            "segment",
            "accounts",
            "arr",
            "contacts_engaged_ratio",
            "meetings_ratio",
            "inbound_emails_ratio",
            "outbound_emails_ratio",
        ),
        [  # Delta has no snapshot; Cyan's email ratios are missing (not finite)
            (
                "enterprise",
                2,
                800_000.0,
                pytest.approx(0.7),
                pytest.approx(0.6),
                pytest.approx(0.3),
                pytest.approx(0.6),
            ),
            ("mid_market", 1, 100_000.0, 1.2, 1.0, 1.1, 0.9),
        ],
    ),
    (
        "engagement_by_segment",
        {"tier": 4},
        ("segment", "accounts", "contacts_engaged_ratio", "inbound_emails_ratio"),
        [("enterprise", 1, pytest.approx(0.9), None)],
    ),
    (
        "signals_by_month",
        {},
        ("month", "kind", "signals", "accounts", "mean_severity"),
        [
            ("2023-12-01", "response_latency_inflation", 1, 1, pytest.approx(0.4)),
            ("2024-05-01", "champion_departure", 1, 1, pytest.approx(0.9)),
            ("2024-06-01", "engagement_contraction", 1, 1, pytest.approx(0.6)),
            ("2024-06-01", "executive_withdrawal", 2, 2, pytest.approx(0.4)),
            ("2024-06-01", "single_node_bottleneck", 1, 1, pytest.approx(0.7)),
        ],
    ),
    (
        "signals_by_month",
        {"since": "2024-05-15", "until": "2024-06-15"},  # since inclusive, until exclusive
        ("month", "kind"),
        [("2024-05-01", "champion_departure"), ("2024-06-01", "executive_withdrawal")],
    ),
    (
        "unmet_senior_stakeholders",
        {},
        ("account_id", "person_id", "interactions", "last_seen_at"),
        [  # Tom met us on 2024-06-15; Bo on 2024-06-10; Delta has no senior people
            ("acc-a", "a-cfo", 1, epoch("2024-01-15") + TEN),
            ("acc-a", "a-vp", 1, epoch("2024-05-20") + TEN),
            ("acc-c", "c-ceo", 1, epoch("2024-03-01") + TEN),
            ("acc-c", "c-cfo", 0, None),
        ],
    ),
    (
        "unmet_senior_stakeholders",
        {"levels": "director", "kinds": "call"},  # Gil was on a call with Alan (at Acme)
        ("account_id", "person_id"),
        [("acc-a", "a-champ"), ("acc-d", "d-dir")],
    ),
    ("unmet_senior_stakeholders", {"top": 1}, ("person_id",), [("a-cfo",), ("a-vp",)]),
    (
        "unmet_senior_stakeholders",
        {"kinds": ["meeting", "call", "email"]},
        ("person_id",),
        [("c-cfo",)],
    ),
    (
        "former_contacts_elsewhere",
        {},
        (
            "person_id",
            "former_account_id",
            "left_at",
            "account_id",
            "title",
            "former_champion",
            "interactions",
        ),
        [  # Bo's ended role is at the account he still works for: not a move
            ("a-gone", "acc-a", epoch("2024-05-15"), "acc-c", "Head of Product", True, 1),
            ("b-old", "acc-b", epoch("2023-12-31"), "acc-d", "Buyer", False, 0),
        ],
    ),
    ("former_contacts_elsewhere", {"min_interactions": 1}, ("person_id",), [("a-gone",)]),
    (
        "tier_overview",
        {},
        ("segment", "risk_tier", "risk_tier_label", "accounts", "arr", "mean_risk_score"),
        [
            ("enterprise", 4, "below average", 1, 300_000.0, pytest.approx(0.6)),
            ("enterprise", 5, "churn risk", 1, 500_000.0, pytest.approx(0.8)),
            ("mid_market", 2, "above average", 1, 100_000.0, pytest.approx(0.3)),
            ("smb", 1, "likely to renew", 1, 50_000.0, pytest.approx(0.1)),
        ],
    ),
    ("tier_overview", {"segment": "enterprise"}, ("risk_tier",), [(4,), (5,)]),
    (
        "at_risk_renewals",
        {},
        ("account_id", "risk_tier", "renewal_at", "days_to_renewal", "open_signals"),
        [
            (
                "acc-c",
                4,
                epoch("2024-08-01"),
                31,
                ["engagement_contraction", "executive_withdrawal"],
            ),
            (
                "acc-a",
                5,
                epoch("2024-09-15"),
                76,
                ["champion_departure", "executive_withdrawal", "single_node_bottleneck"],
            ),  # the latency signal of December is no longer open
        ],
    ),
    (
        "at_risk_renewals",
        {"min_tier": 5, "open_days": 30},  # from 2024-06-01, inclusive
        ("account_id", "open_signals"),
        [("acc-a", ["executive_withdrawal", "single_node_bottleneck"])],
    ),
    (
        "at_risk_renewals",
        {"as_of": "2024-06-01", "renewal_days": 120},
        ("account_id", "days_to_renewal", "open_signals"),
        [("acc-c", 61, []), ("acc-a", 106, ["champion_departure", "executive_withdrawal"])],
    ),
    (
        "account_ties",
        {"account_id": "acc-a"},
        ("person_a", "person_b", "strength", "interactions", "last_at"),
        [
            ("u-am1", "u-cto", 0.9, 1, epoch("2024-06-15") + TEN),
            ("u-ceo", "u-cto", 0.8, 1, epoch("2024-06-15") + TEN),
            ("a-champ", "u-am1", 0.6, 2, epoch("2024-06-25") + TEN),
            ("a-champ", "a-cto", 0.5, 2, epoch("2024-06-20") + TEN),
        ],
    ),
    (
        "account_ties",
        {"account_id": "acc-b", "min_strength": 0.5},
        ("person_a", "person_b"),
        [("b-vp", "u-am1")],
    ),
    ("account_ties", {"account_id": "no-such-account"}, ("person_a",), []),
    (
        "owner_books",
        {},
        ("owner_id", "owner", "accounts", "arr", "accounts_at_risk", "arr_at_risk"),
        [
            ("u-am1", "Alan Moss", 2, 600_000.0, 1, 500_000.0),
            ("u-am2", "Beth Kim", 2, 350_000.0, 1, 300_000.0),
        ],
    ),
    (
        "owner_books",
        {"min_tier": 2},
        ("owner_id", "accounts_at_risk", "arr_at_risk", "mean_depth_score"),
        [("u-am1", 2, 600_000.0, 42.0), ("u-am2", 1, 300_000.0, 31.0)],  # Delta: no snapshot
    ),
]


@pytest.fixture(scope="module")
def portfolio(store: GraphStore) -> GraphStore:
    build_portfolio(store)
    return store


def test_there_are_at_least_twelve_documented_explorations() -> None:
    found = explorations()
    assert len(found) >= 12
    for exploration in found.values():
        assert exploration.title and exploration.question and exploration.example
        assert all(p.description for p in exploration.parameters)


def test_every_exploration_has_a_worked_case() -> None:
    assert {name for name, *_ in CASES} == set(explorations())


def test_every_parameter_is_exercised_by_a_case() -> None:
    given = {(name, parameter) for name, params, *_ in CASES for parameter in params}
    declared = {(e.name, p.name) for e in explorations().values() for p in e.parameters}
    assert declared <= given


@pytest.mark.store
@pytest.mark.parametrize(
    ("name", "params", "columns", "expected"),
    CASES,
    ids=[f"{name}-{'-'.join(params) or 'defaults'}" for name, params, *_ in CASES],
)
def test_exploration_answers(
    portfolio: GraphStore,
    name: str,
    params: dict[str, Any],
    columns: tuple[str, ...],
    expected: list[tuple[Any, ...]],
) -> None:
    result = run_exploration(portfolio, name, params)
    assert result.columns == get_exploration(name).columns  # as the header's example says
    assert set(columns) <= set(result.columns)
    assert [tuple(row[c] for c in columns) for row in result.rows] == expected
    assert not result.truncated


@pytest.mark.store
def test_an_exploration_can_be_cut_by_the_limit(portfolio: GraphStore) -> None:
    result = run_exploration(portfolio, "silent_key_stakeholders", limit=2)
    assert len(result.rows) == 2 and result.truncated


def test_parameters_are_converted_from_text_and_json() -> None:
    silent = get_exploration("silent_key_stakeholders")
    bound = silent.bind({"as_of": "2024-06-01", "silent_days": "45", "levels": "vp, c_level"})
    assert bound == {
        "as_of": epoch("2024-06-01"),
        "renewal_days": 90,
        "silent_days": 45,
        "levels": ["vp", "c_level"],
    }
    assert silent.bind({"as_of": None, "levels": ["ic"]})["levels"] == ["ic"]
    assert silent.bind({"as_of": "null"})["as_of"] is None


@pytest.mark.parametrize(
    ("name", "params", "parameter", "reason"),
    [
        ("silent_key_stakeholders", {"silent_days": "soon"}, "silent_days", "not a whole number"),
        ("silent_key_stakeholders", {"silent_days": 1.5}, "silent_days", "not a whole number"),
        ("silent_key_stakeholders", {"silent_days": True}, "silent_days", "not a whole number"),
        ("silent_key_stakeholders", {"silent_days": None}, "silent_days", "may not be null"),
        ("silent_key_stakeholders", {"as_of": "30/06/2024"}, "as_of", "not a date"),
        ("silent_key_stakeholders", {"as_of": "9999-01-01"}, "as_of", "out of range"),
        ("silent_key_stakeholders", {"levels": [1, 2]}, "levels", "not a list of text"),
        ("silent_key_stakeholders", {"silent": 3}, "silent", "not a parameter"),
        ("warm_path", {"to_person": "a-cto"}, "from_person", "required"),
        ("depth_fell_high_arr", {"min_fall": "nan"}, "min_fall", "not a finite number"),
        ("tier_overview", {"segment": 3}, "segment", "not text"),
        ("depth_fell_high_arr", {"min_arr": "lots"}, "min_arr", "not a number"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(
    name: str, params: dict[str, Any], parameter: str, reason: str
) -> None:
    with pytest.raises(ExplorationParameterError, match=reason) as info:
        get_exploration(name).bind(params)
    assert info.value.parameter == parameter and info.value.exploration == name


def test_an_unknown_exploration_is_named() -> None:
    with pytest.raises(ExplorationNotFoundError, match="no exploration 'nope'"):
        get_exploration("nope")


def _query(text: str) -> NamedQuery:
    return parse_query("explore/t", text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("// params: none\nRETURN 1", "no question"),
        ("// T\n// question: Q?\n// params: $a\n// example:\n// x\nRETURN $a", "describe"),
        (
            "// T\n// question: Q?\n// params: $a\n// param a: number = 1 -- x\n// example:\n// x\n"
            "RETURN $a",
            "parameter type 'number'",
        ),
        ("// T\n// question: Q?\n// params: $a\n// param a: int -- x\nRETURN $a", "is not 'param"),
        ("// T\n// question: Q?\n// params: none\nRETURN 1", "no example"),
    ],
)
def test_incomplete_headers_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_exploration(_query(text), text)
