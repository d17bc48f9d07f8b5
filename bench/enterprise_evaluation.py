"""Departures on the enterprise generator profile, against issue 14's targets; read from
the files (the tests' dev loader), not through a store.

    .venv/bin/stakegraph generate DIR --accounts 200 --seed 21 --profile enterprise
    .venv/bin/python bench/enterprise_evaluation.py DIR [--json OUT]

Prints, for key-stakeholder departures (`stakeholder_departure` and `champion_departure`
signals together, matched to the truth's planted departures by `evaluate`'s rule):
precision, recall and median lag; recall on accounts of 100 people or more by the
departed person's share of the conversations; false departures per 100
key-stakeholder-years on the accounts with nothing planted (signals matching no
departure of the truth, a career role end included); departures raised on those
accounts in the last 8 weeks before their data ends (an export cut, or the portfolio's
end);
signals of any kind raised during a crisis burst, and within 13 weeks after it, that
match nothing in the truth; and every other kind's signal count (nothing else is planted).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analytics"))

from portfolio_frames import load_portfolio_frames

from stakegraph.analytics.evaluate import evaluate, match_signals
from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.windows import prepare_activity
from stakegraph.dates import DAY, parse_instant
from stakegraph.generate.enterprise_plan import key_stakeholders, plan_enterprise_account
from stakegraph.vocabulary import CHAMPION_DEPARTURE, STAKEHOLDER_DEPARTURE

DEPARTURE_KINDS = (STAKEHOLDER_DEPARTURE, CHAMPION_DEPARTURE)
END_WEEKS = 8
BURST_AFTER_DAYS = 91
LARGE = 100


def key_stakeholder_years(truth: dict[str, Any], healthy: set[str]) -> float:
    """Key stakeholders (champion included) of the accounts with nothing planted, every
    28 days from day 196 to the account's data end, from the generator's own plans."""
    start = date.fromisoformat(truth["start"])
    days = (date.fromisoformat(truth["end"]) - start).days
    accounts = len(truth["accounts"])
    width = max(4, len(str(accounts)))
    taken: set[str] = set()
    total = 0
    for number in range(1, accounts + 1):
        plan = plan_enterprise_account(
            number,
            id_width=width,
            days=days,
            taken=taken,
            rng=np.random.default_rng([truth["seed"], 102, number]),
        )
        if plan.id not in healthy:
            continue
        total += sum(len(key_stakeholders(plan, d)) for d in range(196, plan.data_end, 28))
    return total * 28 / 365


def _found_of(events: list[dict[str, Any]], lags: list[float | None], mode: str) -> str:
    """``found/events`` of one departure mode."""
    of_mode = [lag for e, lag in zip(events, lags, strict=True) if e["details"]["mode"] == mode]
    return f"{sum(lag is not None for lag in of_mode)}/{len(of_mode)}"


def main(directory: Path, out: Path | None = None) -> dict[str, Any]:
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    frames = load_portfolio_frames(directory)
    as_of = parse_instant(truth["end"])
    signals = [
        s.as_record()
        for s in detect_signals(prepare_activity(frames), as_of=as_of, roles=frames.roles)
    ]
    figures: dict[str, Any] = {"accounts": len(truth["accounts"]), "signals": len(signals)}
    scores = evaluate(signals, [], truth)
    row = scores[STAKEHOLDER_DEPARTURE]
    figures["stakeholder_departure"] = {
        k: row[k] for k in ("precision", "recall", "median_lag_days", "signals", "planted")
    }
    departures = [s for s in signals if s["kind"] in DEPARTURE_KINDS]
    events = [e for e in truth["events"] if e["kind"] == STAKEHOLDER_DEPARTURE]
    matched, lags = match_signals(departures, events)
    found = [lag for lag in lags if lag is not None]
    planted = [
        lag for e, lag in zip(events, lags, strict=True) if e["details"]["cause"] == "planted"
    ]
    figures["departures"] = {
        "recall_planted": sum(lag is not None for lag in planted) / len(planted)
        if planted
        else float("nan"),
        "precision": sum(matched) / len(departures) if departures else float("nan"),
        "recall": len(found) / len(events) if events else float("nan"),
        "median_lag_days": float(np.median(found)) if found else float("nan"),
        "signals": len(departures),
        "events": len(events),
        "by_mode": {mode: _found_of(events, lags, mode) for mode in ("role_ended", "silent")},
        "silent_median_lag_days": float(
            np.median(
                [
                    lag
                    for e, lag in zip(events, lags, strict=True)
                    if lag is not None and e["details"]["mode"] == "silent"
                ]
                or [float("nan")]
            )
        ),
    }
    observable = [
        lag for e, lag in zip(events, lags, strict=True) if e["details"].get("observable")
    ]
    if any("observable" in e["details"] for e in events):
        # Every event still counts above; these are the ones the data can show.
        figures["departures"]["observable"] = (
            f"{sum(lag is not None for lag in observable)}/{len(observable)}"
        )
    size = {a["id"]: a["size"] for a in truth["accounts"]}
    bands = {"share < 1%": (0, 0.01), "1-3%": (0.01, 0.03), ">= 3%": (0.03, 2.0)}
    large: dict[str, str] = {}
    for name, (lo, hi) in bands.items():
        hits = [
            lag is not None
            for e, lag in zip(events, lags, strict=True)
            if size[e["account_id"]] >= LARGE and lo <= e["details"]["share"] < hi
        ]
        large[name] = f"{sum(hits)}/{len(hits)}"
    hits = [
        lag is not None
        for e, lag in zip(events, lags, strict=True)
        if size[e["account_id"]] >= LARGE and e["details"]["share"] >= 0.01
    ]
    large["recall share >= 1%"] = f"{sum(hits) / len(hits):.2f}" if hits else "n/a"
    figures["large_accounts"] = large

    healthy = {a["id"] for a in truth["accounts"] if a["healthy"]}
    years = key_stakeholder_years(truth, healthy)
    false_healthy = [
        s
        for s, ok in zip(departures, matched, strict=True)
        if s["account_id"] in healthy and not ok
    ]
    figures["healthy"] = {
        "accounts": len(healthy),
        "key_stakeholder_years": round(years, 1),
        "false_departures": len(false_healthy),
        "per_100_key_stakeholder_years": 100 * len(false_healthy) / years if years else None,
        "by_mode": dict(Counter(s["evidence"].get("mode") for s in false_healthy)),
        "career_departures_found": _found_of(
            [e for e in events if e["details"]["cause"] == "career"],
            [lag for e, lag in zip(events, lags, strict=True) if e["details"]["cause"] == "career"],
            "role_ended",
        ),
    }
    data_end = {a["id"]: as_of for a in truth["accounts"]}
    for cut in truth["data_ends"]:
        data_end[cut["account_id"]] = parse_instant(cut["date"])
    late = [
        s
        for s in departures
        if s["account_id"] in healthy
        and int(s["at"]) >= data_end[s["account_id"]] - END_WEEKS * 7 * DAY
    ]
    figures["end_of_data"] = {
        "healthy_departures_in_last_8_weeks": len(late),
        "of_them_silent": sum(1 for s in late if s["evidence"].get("mode") == "silent"),
        "of_them_matching_a_career_role_end": sum(
            1 for s in late if any(s is d and ok for d, ok in zip(departures, matched, strict=True))
        ),
        "cut_accounts": len(truth["data_ends"]),
        "any_signal_after_cut": sum(
            1 for s in signals if int(s["at"]) > data_end[s["account_id"]] + 7 * DAY
        ),
    }
    # Departure signals of either kind match the truth's departures; other kinds their own.
    matched_all = {id(s) for s, ok in zip(departures, matched, strict=True) if ok}
    for kind in {str(s["kind"]) for s in signals} - set(DEPARTURE_KINDS):
        kind_signals = [s for s in signals if s["kind"] == kind]
        ok, _ = match_signals(kind_signals, [e for e in truth["events"] if e["kind"] == kind])
        matched_all |= {id(s) for s, m in zip(kind_signals, ok, strict=True) if m}
    during: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for burst in truth["bursts"]:
        lo, end = parse_instant(burst["start"]), parse_instant(burst["end"])
        for s in signals:
            if s["account_id"] != burst["account_id"] or id(s) in matched_all:
                continue
            if lo <= int(s["at"]) < end:
                during[str(s["kind"])] += 1
            elif end <= int(s["at"]) < end + BURST_AFTER_DAYS * DAY:
                after[str(s["kind"])] += 1
    figures["bursts"] = {
        "bursts": len(truth["bursts"]),
        "unmatched_during": dict(during),
        "unmatched_in_13_weeks_after": dict(after),
    }
    figures["by_kind"] = dict(Counter(str(s["kind"]) for s in signals))
    print(json.dumps(figures, indent=2, default=str))
    if out is not None:
        out.write_text(json.dumps({"figures": figures, "signals": signals}, default=str))
    return figures


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
