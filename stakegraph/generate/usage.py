"""Product usage rows (usage.csv): seats, active users, API calls and feature use.

Weekly rows (the Monday of each week) for ``active_users``, ``api_calls`` and each
feature, monthly rows (the first Monday of the month) for ``seats_purchased`` and
``seats_used``: an export mixes cadences. What shapes the series besides the planted
events, so that a detector has something to be wrong about:

- seasonality: August at 80%, the last ten days of December at 55%;
- a slow drift (weekly AR(1) on the log, sd 0.04) and a yearly trend of -5% to +25%;
- seat true-ups at renewals: an expansion buys 15-50% more seats, which fill over eight
  weeks; a downgrade gives 15-40% back (seats used follow, active users do not);
- advanced features adopted during the history (a ramp over eight weeks);
- a tracking outage in 30% of the accounts: one metric reads 3% of its level for one to
  four weeks, then recovers; and in 15% one advanced feature is given up for good.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import numpy.typing as npt

from stakegraph.generate.beyond import BeyondPlan
from stakegraph.generate.plan import AccountPlan
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import FEATURE_DEPTH_REGRESSION, USAGE_DECLINE

USAGE_COLUMNS = ("account_id", "date", "metric", "value", "person_id", "tier")
# Feature, tier, uses per active user per week.
FEATURES = (
    ("dashboards", "basic", 5.0),
    ("reports", "basic", 2.0),
    ("search", "basic", 8.0),
    ("workflow_automation", "advanced", 1.5),
    ("api_integrations", "advanced", 1.0),
    ("custom_models", "advanced", 0.5),
)
_SEATS = {"enterprise": (300, 2000), "mid_market": (60, 300), "smb": (8, 60)}
FloatArray = npt.NDArray[np.float64]


def usage_rows(
    plan: AccountPlan, beyond: BeyondPlan, timeline: Timeline, rng: np.random.Generator
) -> Iterator[list[str]]:
    """The account's usage rows in the column order of :data:`USAGE_COLUMNS`, by date."""
    first_monday = (7 - timeline.start.weekday()) % 7
    stop = timeline.days if plan.churn_day is None else plan.churn_day
    days = np.arange(first_monday, stop, 7)
    if len(days) == 0:
        return
    weeks = len(days)
    season = np.asarray([_season(timeline, int(d)) for d in days])
    drift = _ar1(weeks, rng) + rng.uniform(-0.05, 0.25) * days / 365
    seats = _seat_series(plan, days, rng)
    utilisation = rng.uniform(0.6, 0.9)
    decline = _ramp(days, beyond.day_of(USAGE_DECLINE), beyond, USAGE_DECLINE, "usage_factor")
    depth = _ramp(
        days,
        beyond.day_of(FEATURE_DEPTH_REGRESSION),
        beyond,
        FEATURE_DEPTH_REGRESSION,
        "advanced_factor",
    )
    # Users follow seats bought (after a fill), not seats given back: a downgrade returns
    # seats nobody used, and never goes below the users in use.
    base_users = _filled(np.maximum.accumulate(seats), days) * utilisation * np.exp(drift)
    seats = np.maximum(seats, np.ceil(base_users * 1.05))
    users = base_users * season * decline * np.exp(rng.normal(0, 0.04, weeks))
    seats_used = np.minimum(seats, base_users * (0.5 + 0.5 * decline) * 1.05)
    per_user_calls = rng.lognormal(np.log(300), 0.5)
    series: dict[tuple[str, str], FloatArray] = {
        ("active_users", ""): users,
        ("api_calls", ""): users * per_user_calls * np.exp(rng.normal(0, 0.12, weeks)),
    }
    for name, tier, rate in FEATURES:
        value = users * rate * np.exp(rng.normal(0, 0.15, weeks))
        if tier == "advanced":
            value = value * _adoption(days, plan, rng) * depth
        series[(f"feature:{name}", tier)] = value
    _plant_noise(series, days, rng)
    monthly = np.asarray([(timeline.start + timedelta(days=int(d))).day <= 7 for d in days])
    for w, day in enumerate(days):
        label = timeline.date_label(int(day))
        if monthly[w]:
            yield [plan.id, label, "seats_purchased", str(round(float(seats[w]))), "", ""]
            yield [plan.id, label, "seats_used", str(round(float(seats_used[w]))), "", ""]
        for (metric, tier), values in series.items():
            yield [plan.id, label, metric, str(round(float(values[w]))), "", tier]


def _season(timeline: Timeline, day: int) -> float:
    when = timeline.start + timedelta(days=day)
    if when.month == 12 and when.day >= 21:
        return 0.55
    return 0.8 if when.month == 8 else 1.0


def _ar1(weeks: int, rng: np.random.Generator, phi: float = 0.9, sd: float = 0.04) -> FloatArray:
    out = np.zeros(weeks)
    shocks = rng.normal(0, sd, weeks)
    for w in range(1, weeks):
        out[w] = phi * out[w - 1] + shocks[w]
    return out


def _seat_series(
    plan: AccountPlan, days: npt.NDArray[np.int64], rng: np.random.Generator
) -> FloatArray:
    low, high = _SEATS[plan.org.segment]
    seats = np.full(len(days), float(rng.integers(low, high + 1)))
    for renewal in plan.renewals:
        after = days >= renewal.day
        if renewal.outcome == "expanded":
            seats[after] *= rng.uniform(1.15, 1.5)
        elif renewal.outcome == "downgraded":
            seats[after] *= rng.uniform(0.6, 0.85)
    return np.round(seats)


def _filled(seats: FloatArray, days: npt.NDArray[np.int64]) -> FloatArray:
    """Seats in use: a seat true-up upwards fills over eight weeks, downwards at once."""
    out = seats.copy()
    for w in range(1, len(seats)):
        if seats[w] > out[w - 1]:
            out[w] = out[w - 1] + (seats[w] - out[w - 1]) / 8
    return out


def _ramp(
    days: npt.NDArray[np.int64], day: int | None, beyond: BeyondPlan, kind: str, key: str
) -> FloatArray:
    """1 before the event, then linearly down to the event's factor over its ramp."""
    out = np.ones(len(days))
    if day is None:
        return out
    event = next(e for e in beyond.events if e.kind == kind)
    factor = float(event.details[key])  # type: ignore[arg-type]
    ramp = float(event.details["ramp_days"])  # type: ignore[arg-type]
    progress = np.clip((days - day) / ramp, 0.0, 1.0)
    return np.asarray(1.0 - (1.0 - factor) * progress)


def _adoption(
    days: npt.NDArray[np.int64], plan: AccountPlan, rng: np.random.Generator
) -> FloatArray:
    """An advanced feature in use from before the history (60%), adopted during it (25%,
    over eight weeks) or never (15%; more often in small accounts)."""
    u = rng.random()
    never = 0.3 if plan.org.segment == "smb" else 0.1
    if u < never:
        return np.full(len(days), 0.02)
    if u < never + 0.25:
        start = int(rng.integers(0, max(1, int(days[-1]))))
        return np.asarray(np.clip((days - start) / 56, 0.02, 1.0))
    return np.ones(len(days))


def _plant_noise(
    series: dict[tuple[str, str], FloatArray], days: npt.NDArray[np.int64], rng: np.random.Generator
) -> None:
    keys = sorted(series)
    if rng.random() < 0.3:
        metric = keys[int(rng.integers(len(keys)))]
        first = int(rng.integers(len(days)))
        series[metric][first : first + int(rng.integers(1, 5))] *= 0.03
    advanced = [k for k in keys if k[1] == "advanced"]
    if rng.random() < 0.15 and advanced:
        metric = advanced[int(rng.integers(len(advanced)))]
        series[metric][int(rng.integers(len(days))) :] *= 0.05
