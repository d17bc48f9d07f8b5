"""An account's expected activity per day, by activity type: the generator's volume model.

Seasonality x slow drift x volume steps x planted events x pre-churn decline x incident
bursts; :mod:`stakegraph.generate.activity` draws the rows from these rates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from stakegraph.generate.plan import EXECUTIVE_WITHDRAWAL, AccountPlan, churn_decline_ramp_days
from stakegraph.generate.timeline import Timeline

FloatArray = npt.NDArray[np.float64]

# Activities per unit of an account's daily rate, by activity type.
ACTIVITY_SHARES: dict[str, float] = {
    "thread": 0.26,
    "meeting": 0.085,
    "exec_meeting": 0.022,
    "call": 0.08,
    "ticket": 0.11,
    "note": 0.05,
    "customer_internal": 0.018,
    "home_internal": 0.02,
    "self_mail": 0.004,
}
# Rows written per activity (threads and internal emails get replies).
ROWS_PER_ACTIVITY: dict[str, float] = {
    "thread": 2.5,
    "customer_internal": 1.25,
    "home_internal": 1.45,
}
INTERACTION_KIND = {
    "thread": "email",
    "meeting": "meeting",
    "exec_meeting": "meeting",
    "call": "call",
    "ticket": "ticket",
    "note": "note",
    "customer_internal": "email",
    "home_internal": "email",
    "self_mail": "email",
    "business_review": "meeting",
}

# Multipliers of the pre-churn decline (which starts at `AccountPlan.churn_decline_start`),
# reached after 120 days, or halfway to the churn if the slide starts late.
CHURN_DECLINE_FLOOR = {"email": 0.37, "meeting": 0.2, "other": 0.5}
_RENEWAL_MEETING_BOOST = 1.3


def daily_multipliers(
    plan: AccountPlan, timeline: Timeline, season: FloatArray
) -> dict[str, FloatArray]:
    """Unscaled expected activities per day, per activity type, for one account.

    Parameters
    ----------
    plan : AccountPlan
        The account.
    timeline : Timeline
        The history's calendar.
    season : numpy.ndarray
        ``timeline.seasonality()``.

    Returns
    -------
    dict
        Activity type -> array of ``timeline.days`` non-negative floats.
    """
    days = timeline.days
    base = season * plan.wander * volume_steps(plan.volume_steps, days)
    if plan.churn_day is not None:
        base[plan.churn_day :] = 0.0
    rates = {kind: base * share for kind, share in ACTIVITY_SHARES.items()}
    if plan.churn_day is not None:
        start = plan.churn_decline_start
        _apply_churn_decline(rates, plan.churn_day if start is None else start, plan.churn_day)
    for renewal in plan.renewals:
        if renewal.outcome != "churned":
            lo = max(0, renewal.day - 75)
            rates["meeting"][lo : renewal.day] *= _RENEWAL_MEETING_BOOST
            rates["exec_meeting"][lo : renewal.day] *= _RENEWAL_MEETING_BOOST
    for start in plan.incident_days:
        window = slice(start, min(days, start + 5))
        rates["ticket"][window] *= 6.0
        rates["call"][window] *= 3.0
        rates["thread"][window] *= 1.5
    if plan.bottleneck is not None:
        rates["customer_internal"][plan.bottleneck[1] :] = 0.0
    for event in plan.events:
        if event.kind == EXECUTIVE_WITHDRAWAL:
            rates["exec_meeting"][event.day :] *= 0.5
    return rates


def expected_rows(rates: dict[str, FloatArray]) -> float:
    """Expected number of interaction rows for daily rates from `daily_multipliers`."""
    return sum(ROWS_PER_ACTIVITY.get(kind, 1.0) * float(r.sum()) for kind, r in rates.items())


def volume_steps(steps: list[tuple[int, float]], days: int) -> FloatArray:
    factor = np.ones(days)
    ramp_days = 14
    for day, multiplier in steps:
        ramp = np.clip((np.arange(days) - day) / ramp_days, 0.0, 1.0)
        factor *= 1.0 + (multiplier - 1.0) * ramp
    return factor


def _apply_churn_decline(rates: dict[str, FloatArray], start: int, churn_day: int) -> None:
    """Engagement slides from ``start`` to a floor, reached halfway to the churn at most."""
    days = len(rates["thread"])
    ramp = churn_decline_ramp_days(start, churn_day)
    progress = np.clip((np.arange(days) - start) / ramp, 0.0, 1.0)
    for kind, rate in rates.items():
        channel = INTERACTION_KIND[kind]
        floor = CHURN_DECLINE_FLOOR.get(channel, CHURN_DECLINE_FLOOR["other"])
        rate *= 1.0 - (1.0 - floor) * progress
