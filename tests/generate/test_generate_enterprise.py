"""The enterprise profile's shape: sizes, heavy tail, senior share, buying roles, truth."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stakegraph.generate import generate_portfolio
from stakegraph.generate.enterprise_plan import (
    SIZE_MAX,
    SIZE_MIN,
    level_counts,
    stakeholder_count,
)

ACCOUNTS = 20
SEED = 21


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def enterprise(generate_into: Callable[..., Path]) -> dict[str, Any]:
    out = generate_into("enterprise", accounts=ACCOUNTS, seed=SEED, profile="enterprise")
    return {
        "dir": out,
        "truth": json.loads((out / "truth.json").read_text(encoding="utf-8")),
        "roles": _rows(out / "roles.csv"),
        "interactions": _rows(out / "interactions.csv"),
    }


def test_sizes_are_heavy_tailed_between_5_and_300() -> None:
    rng = np.random.default_rng(0)
    sizes = np.array([stakeholder_count(rng) for _ in range(4000)])
    assert sizes.min() == SIZE_MIN and sizes.max() == SIZE_MAX
    # P(size >= x) = (5 / x) ** 0.9: half under 11 people, about 7% of 100 or more.
    assert 9 <= np.median(sizes) <= 12
    assert 0.05 <= (sizes >= 100).mean() <= 0.09


@pytest.mark.parametrize("size", [5, 6, 12, 49, 50, 156, 300])
def test_level_counts_fill_the_org_chart(size: int) -> None:
    counts = level_counts(size)
    assert sum(counts.values()) == size
    assert all(n >= 1 for n in counts.values())
    if size >= 150:
        assert counts["c_level"] >= 4 and counts["vp"] >= 6


def test_accounts_span_sizes_and_roles_carry_buying_roles(enterprise: dict[str, Any]) -> None:
    truth, roles = enterprise["truth"], enterprise["roles"]
    sizes = [a["size"] for a in truth["accounts"]]
    assert len(sizes) == ACCOUNTS and min(sizes) >= SIZE_MIN and max(sizes) <= SIZE_MAX
    assert max(sizes) >= 100 > min(sizes)
    by_account: dict[str, Counter[str]] = {}
    for role in roles:
        if role["organization_id"] != "org-0000" and role["buying_role"]:
            by_account.setdefault(role["organization_id"], Counter())[role["buying_role"]] += 1
    for account in truth["accounts"]:
        given = by_account[account["id"]]
        assert given["champion"] == 1 and given["economic_buyer"] == 1 and given["sponsor"] == 1


def _shares(interactions: list[dict[str, str]], account: str) -> Counter[str]:
    """Each of their people's share of the account's conversation starts."""
    starts = [r for r in interactions if r["account_id"] == account and not r["in_reply_to"]]
    seen: Counter[str] = Counter()
    for row in starts:
        for person in {*row["from"].split(";"), *row["to"].split(";"), *row["cc"].split(";")}:
            if person.startswith("p-"):
                seen[person] += 1
    return Counter({p: n / len(starts) for p, n in seen.items()})


def test_activity_is_heavy_tailed_and_executives_are_a_small_share(
    enterprise: dict[str, Any],
) -> None:
    truth, roles = enterprise["truth"], enterprise["roles"]
    level = {r["person_id"]: r["level"] for r in roles}
    large = [a for a in truth["accounts"] if a["size"] >= 40]
    assert large
    for account in large:
        shares = _shares(enterprise["interactions"], account["id"])
        ordered = sorted(shares.values(), reverse=True)
        # A few people carry most of the traffic: the top fifth is on most of it.
        top = ordered[: max(1, len(ordered) // 5)]
        assert sum(top) >= 0.6 * sum(ordered)
        executive = [s for p, s in shares.items() if level[p] in ("vp", "c_level")]
        assert len(executive) >= 3
        assert 0.008 <= float(np.median(executive)) <= 0.035


def test_truth_records_departures_bursts_and_data_ends(enterprise: dict[str, Any]) -> None:
    truth, roles = enterprise["truth"], enterprise["roles"]
    assert truth["profile"] == "enterprise"
    accounts = {a["id"]: a for a in truth["accounts"]}
    departures = truth["events"]
    assert departures and all(e["kind"] == "stakeholder_departure" for e in departures)
    ended = {(r["person_id"], r["end"]) for r in roles if r["end"]}
    interactions = enterprise["interactions"]
    for event in departures:
        details = event["details"]
        account = accounts[event["account_id"]]
        assert details["cause"] in ("planted", "career")
        if details["cause"] == "planted":
            assert not account["healthy"]
        else:
            assert details["mode"] == "role_ended"
        assert event["person_id"] != account["champion_id"] and details["rank"] > 1
        assert details["reasons"]
        if details["mode"] == "role_ended":
            assert (event["person_id"], event["date"]) in ended
        # Gone from the traffic from the date on.
        after = [
            r
            for r in interactions
            if r["at"][:10] >= event["date"]
            and event["person_id"] in {r["from"], *r["to"].split(";"), *r["cc"].split(";")}
        ]
        assert after == []
        # What the data can show: the share before x the expected conversations after.
        assert details["expected_appearances"] >= 0
        assert details["observable"] == (
            details["mode"] == "role_ended" or details["expected_appearances"] >= 5
        )
        if details["share"] == 0:
            assert details["expected_appearances"] == 0
    assert truth["bursts"] and all(b["factor"] >= 2 for b in truth["bursts"])
    # Nothing after an account's data ends.
    for cut in truth["data_ends"]:
        assert accounts[cut["account_id"]]["data_end"] == cut["date"]
        assert not [
            r
            for r in interactions
            if r["account_id"] == cut["account_id"] and r["at"][:10] >= cut["date"]
        ]


def test_same_seed_same_files(
    generate_into: Callable[..., Path], enterprise: dict[str, Any]
) -> None:
    again = generate_into("enterprise-again", accounts=ACCOUNTS, seed=SEED, profile="enterprise")
    for name in ("interactions.csv", "roles.csv", "truth.json"):
        assert (again / name).read_bytes() == (enterprise["dir"] / name).read_bytes()


def test_unknown_profile_and_volume_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="profile"):
        generate_portfolio(tmp_path, accounts=2, seed=1, profile="huge")
    with pytest.raises(ValueError, match="size"):
        generate_portfolio(
            tmp_path, accounts=2, seed=1, profile="enterprise", interactions_per_account=10
        )


def test_the_cli_writes_the_enterprise_profile_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from stakegraph.cli import app

    runner = CliRunner()
    out = tmp_path / "cli"
    done = runner.invoke(
        app, ["generate", str(out), "--accounts", "3", "--seed", "4", "--profile", "enterprise"]
    )
    assert done.exit_code == 0, done.output
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["profile"] == "enterprise" and len(truth["accounts"]) == 3
    refused = runner.invoke(app, ["generate", str(tmp_path / "x"), "--profile", "huge"])
    assert refused.exit_code != 0
    assert "--profile" in refused.output
    assert not (tmp_path / "x").exists()
