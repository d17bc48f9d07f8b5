"""Engagement contraction: fewer conversations, reaching fewer people.

Two tests, combined by Fisher's method (chi-squared with 4 degrees of freedom):

- *volume*: the conversations of the last ``contraction.recent_weeks`` are improbably
  few for the account's baseline rate (conditional binomial test of two Poisson rates,
  Przyborowski & Wilenski 1940, with the portfolio's calendar as exposure);
- *breadth*: given that many recent conversations, improbably few of the baseline's
  people are on them (:func:`.breadth.breadth_test`, a Poisson-binomial lower tail).
  Conditioned on the recent count it is close to independent of the volume test, and it
  is what a small account's contraction shows first: the conversations that still
  happen run through fewer people.

The recent rate must be at most ``contraction.max_volume_ratio`` of the baseline's and
the contacts engaged at most ``contraction.max_contact_ratio`` of the baseline's typical
count over windows of the same length (at least half of them gone; a crisis burst, more
conversations among fewer people, is no contraction), without the traffic having
narrowed onto one person (that is a bottleneck), and with the whole baseline in the data
(``contraction.min_baseline_weeks``: in an account's first half-year its "before" is
often the start of a slide already). Each signal also reports the evidence of a sudden
step over a slow slide (:func:`step_over_trend`) and their side's effective threads
before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stakegraph.analytics.kernels import prefix_sums, window_sums
from stakegraph.analytics.signals.breadth import breadth_test, fisher_combination
from stakegraph.analytics.signals.episodes import first_of_episodes
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.analytics.signals.tables import WeeklyTables, contacts_engaged, their_threads
from stakegraph.vocabulary import ENGAGEMENT_CONTRACTION

__all__ = ["engagement_contractions", "step_over_trend"]

# Newton steps of the log-linear trend fit (converged well before on weekly counts).
TREND_ITERATIONS = 25


@dataclass(frozen=True)
class _Rates:
    """Account x week figures of the recent window against its baseline."""

    recent: np.ndarray
    base: np.ndarray
    base_weeks: np.ndarray
    recent_exposure: np.ndarray
    base_exposure: np.ndarray
    volume_ratio: np.ndarray
    contacts: np.ndarray
    base_contacts: np.ndarray
    contact_ratio: np.ndarray


def _rates(tables: WeeklyTables, params: SignalParameters) -> _Rates:
    grid = tables.grid
    weeks = np.arange(grid.weeks)
    recent_weeks = params.contraction.recent_weeks
    baseline_weeks = params.windows.baseline_weeks
    volume = prefix_sums(tables.volume)
    recent_lo = weeks - recent_weeks + 1
    recent = window_sums(volume, recent_lo, weeks + 1)
    base = window_sums(volume, recent_lo - baseline_weeks, recent_lo)
    base_start = np.maximum(recent_lo - baseline_weeks, tables.first_week[:, None])
    base_weeks = np.clip(recent_lo - base_start, 0, baseline_weeks)
    # Exposure in "typical weeks": the portfolio's calendar, not the account's own.
    season = np.concatenate([[0.0], np.cumsum(tables.season)])
    recent_exposure = (
        season[np.clip(weeks + 1, 0, grid.weeks)] - season[np.clip(recent_lo, 0, grid.weeks)]
    )
    base_exposure = (
        season[np.clip(recent_lo, 0, grid.weeks)][None, :]
        - season[np.clip(base_start, 0, grid.weeks)]
    )
    contacts = contacts_engaged(tables, recent_weeks)
    blocks = [
        contacts[:, np.clip(weeks - block * recent_weeks, 0, grid.weeks - 1)]
        * (weeks - block * recent_weeks >= 0)
        for block in range(1, baseline_weeks // recent_weeks + 1)
    ]
    base_contacts = np.mean(np.stack(blocks), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        volume_ratio = (recent / recent_exposure[None, :]) / (base / base_exposure)
        contact_ratio = contacts / base_contacts
    return _Rates(
        recent,
        base,
        base_weeks,
        recent_exposure,
        base_exposure,
        volume_ratio,
        contacts,
        base_contacts,
        contact_ratio,
    )


def engagement_contractions(tables: WeeklyTables, params: SignalParameters) -> list[Signal]:
    """Volume and the contacts engaged fall together against the account's own history.

    Parameters
    ----------
    tables : WeeklyTables
    params : SignalParameters

    Returns
    -------
    list of Signal
        Signals of kind ``engagement_contraction``.
    """
    limits = params.contraction
    rates = _rates(tables, params)
    # Contraction onto one contact is a single-node bottleneck, told by its own signal:
    # a contraction keeps a breadth of its own (a bottleneck followed by a falling volume
    # was 11 of the 50 false contractions on seed 23, 2026-11-24).
    narrowed = their_threads(tables, limits.recent_weeks) <= params.bottleneck.max_threads
    candidate = (
        (rates.base_weeks >= limits.min_baseline_weeks)
        & ~narrowed
        & (rates.base >= limits.min_baseline)
        & (rates.volume_ratio <= limits.max_volume_ratio)
        & (rates.contact_ratio <= limits.max_contact_ratio)
    )
    account_idx, week_idx = np.nonzero(candidate)
    if account_idx.size == 0:
        return []
    recent = rates.recent[account_idx, week_idx]
    exposure = rates.recent_exposure[week_idx]
    recent_share = exposure / (exposure + rates.base_exposure[account_idx, week_idx])
    pvalue = stats.binom.cdf(recent, recent + rates.base[account_idx, week_idx], recent_share)
    # Reported, not gated on: measured on generated portfolios it does not separate a
    # planted two-week contraction from the pre-churn slide (which is flat, then falls).
    step_evidence = step_over_trend(
        tables.volume,
        tables.season,
        account_idx,
        week_idx,
        limits.recent_weeks + params.windows.baseline_weeks,
        params.windows.recent_weeks,
    )
    breadth = breadth_test(
        tables,
        account_idx,
        week_idx,
        recent_weeks=limits.recent_weeks,
        baseline_weeks=params.windows.baseline_weeks,
    )
    # Fisher's method: conditioned on the recent count, the breadth test is (nearly)
    # independent of the volume test, and a contraction shows in both.
    combined = fisher_combination(pvalue, breadth.p_value)
    fire = combined < limits.alpha
    fired = np.flatnonzero(fire)
    episodes = first_of_episodes(
        account_idx[fired], week_idx[fired], params.windows.cooldown_weeks, fired
    )
    return [
        _contraction(
            tables,
            rates,
            (account, week),
            {
                "p_value": float(combined[position]),
                "p_value_volume": float(pvalue[position]),
                "p_value_breadth": float(breadth.p_value[position]),
                "people_before": int(breadth.people_before[position]),
                "people_returning": int(breadth.returning[position]),
                "people_expected": float(breadth.expected_returning[position]),
                "step_evidence": float(step_evidence[position]),
            },
            params,
        )
        for account, week, position in episodes
    ]


def _contraction(
    tables: WeeklyTables,
    rates: _Rates,
    cell: tuple[int, int],
    tests: dict[str, float | int],
    params: SignalParameters,
) -> Signal:
    account, week = cell
    recent_weeks = params.contraction.recent_weeks
    volume_ratio = float(rates.volume_ratio[account, week])
    contact_ratio = float(rates.contact_ratio[account, week])
    threads = their_threads(tables, recent_weeks)[account]
    return Signal(
        kind=ENGAGEMENT_CONTRACTION,
        account_id=tables.account_id(account),
        at=int(tables.grid.end_of(week)),
        severity=clip_severity(1.0 - (volume_ratio + contact_ratio) / 2.0),
        evidence={
            "interactions_per_week_before": float(
                rates.base[account, week] / rates.base_weeks[account, week]
            ),
            "interactions_per_week_after": float(rates.recent[account, week] / recent_weeks),
            "volume_ratio": volume_ratio,
            "contacts_engaged_before": float(rates.base_contacts[account, week]),
            "contacts_engaged_after": int(rates.contacts[account, week]),
            "contact_ratio": contact_ratio,
            **tests,
            "threads_before": _finite(threads[max(week - recent_weeks, 0)]),
            "threads_after": _finite(threads[week]),
            "test": "Fisher's method over the conditional binomial test of two Poisson "
            "rates and the Poisson-binomial breadth test",
            "recent_weeks": recent_weeks,
            "baseline_weeks": int(rates.base_weeks[account, week]),
        },
    )


def _finite(value: float) -> float:
    return float(value) if np.isfinite(value) else 0.0


def step_over_trend(
    volume: np.ndarray,
    season: np.ndarray,
    accounts: np.ndarray,
    weeks: np.ndarray,
    span: int,
    min_segment: int,
) -> np.ndarray:
    """Log-likelihood ratio of a step over a log-linear trend, per (account, week).

    The weekly counts of the ``span`` weeks ending at ``weeks`` (exposure: the
    portfolio's calendar ``season``) are fitted twice by Poisson maximum likelihood:
    (a) a step, one rate before a change week and another from it on, the change
    anywhere leaving ``min_segment`` weeks on each side (profile likelihood), and
    (b) a log-linear trend ``log rate = a + b * week``. Both have two rate parameters.
    A positive value means the counts look more like a sudden change than a slow slide
    (Hinkley 1970 for the step; a Poisson regression for the trend).
    """
    if len(accounts) == 0:
        return np.zeros(0)
    columns = weeks[:, None] - span + 1 + np.arange(span)[None, :]
    valid = columns >= 0
    clipped = np.clip(columns, 0, volume.shape[1] - 1)
    counts = np.where(valid, volume[accounts[:, None], clipped], 0.0)
    exposure = np.where(valid, season[clipped], 0.0)
    best_step = _best_step_loglik(counts, exposure, valid, min_segment)
    trend = _trend_loglik(counts, exposure)
    # The log(rate * exposure) terms of the step's likelihood, to compare like with like.
    with np.errstate(invalid="ignore", divide="ignore"):
        exposure_term = np.sum(
            np.where(counts > 0, counts * np.log(np.where(exposure > 0, exposure, 1.0)), 0.0),
            axis=1,
        )
    return np.asarray(best_step + exposure_term - trend)


def _poisson_loglik(count: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """``count * log(rate) - count`` at the maximum-likelihood rate ``count / exposure``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(exposure > 0, count / exposure, 0.0)
        return np.where(count > 0, count * np.log(np.where(rate > 0, rate, 1.0)), 0.0) - count


def _best_step_loglik(
    counts: np.ndarray, exposure: np.ndarray, valid: np.ndarray, min_segment: int
) -> np.ndarray:
    """The best two-rate step's log-likelihood; cumulative sums give every split at once."""
    span = counts.shape[1]
    cumulative_counts, cumulative_exposure = np.cumsum(counts, axis=1), np.cumsum(exposure, axis=1)
    total_counts, total_exposure = cumulative_counts[:, -1:], cumulative_exposure[:, -1:]
    split = np.arange(span)[None, :]
    first = np.argmax(valid, axis=1)[:, None]
    allowed = (split - first + 1 >= min_segment) & (split <= span - 1 - min_segment)
    step_loglik = _poisson_loglik(cumulative_counts, cumulative_exposure) + _poisson_loglik(
        total_counts - cumulative_counts, total_exposure - cumulative_exposure
    )
    return np.asarray(np.max(np.where(allowed, step_loglik, -np.inf), axis=1))


def _trend_loglik(counts: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """The log-linear trend's log-likelihood, by Newton's method on (intercept, slope),
    vectorized over the rows."""
    span = counts.shape[1]
    x = (np.arange(span) - (span - 1) / 2.0)[None, :] / span
    # Totals as the step's cumulative sums have them (summed in the same order).
    total_counts = np.cumsum(counts, axis=1)[:, -1]
    total_exposure = np.cumsum(exposure, axis=1)[:, -1]
    intercept = np.log(np.maximum(total_counts, 0.5) / np.maximum(total_exposure, 1e-9))
    slope = np.zeros(len(counts))
    for _ in range(TREND_ITERATIONS):
        mean = exposure * np.exp(np.clip(intercept[:, None] + slope[:, None] * x, -50, 50))
        grad_intercept = (counts - mean).sum(axis=1)
        grad_slope = ((counts - mean) * x).sum(axis=1)
        h_ii, h_is = mean.sum(axis=1), (mean * x).sum(axis=1)
        h_ss = (mean * x * x).sum(axis=1)
        det = np.maximum(h_ii * h_ss - h_is**2, 1e-12)
        intercept = intercept + (h_ss * grad_intercept - h_is * grad_slope) / det
        slope = slope + (h_ii * grad_slope - h_is * grad_intercept) / det
    mean = exposure * np.exp(np.clip(intercept[:, None] + slope[:, None] * x, -50, 50))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(
            np.sum(
                np.where(counts > 0, counts * np.log(np.where(mean > 0, mean, 1.0)), 0.0) - mean,
                axis=1,
            )
        )
