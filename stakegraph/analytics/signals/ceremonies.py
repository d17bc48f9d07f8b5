"""Co-innovation withdrawal and business-review disengagement (engagements.csv).

Both are a run of refusals against the account's own past rate of refusing.

- **Co-innovation**: every decision on an invitation to a beta, pilot, steering
  committee, advisory board or roadmap review (``accepted`` or ``attended`` is a yes;
  ``declined`` or ``no_show`` a refusal; ``invited`` is no decision yet).
- **Business reviews**: every session of a ``qbr``, ``ebr`` or ``check_in`` (the rows of
  one kind and date). A session is a refusal when nobody attended, or, for a QBR or EBR,
  when no executive attended although executives attended most of the account's earlier
  ones (at least half of them, over at least two).

At the ``j``-th decision (session) of the account, with the ``m <= max_recent`` latest
within ``recent_days`` holding ``k`` refusals and the ``n0`` before them ``k0``, it fires when
``k >= min_refusals``, ``n0 >= min_baseline`` and ``P(K >= k | m, (k0 + 1) / (n0 + 2)) <
min(alpha, family_alpha / j)`` (the past rate with a uniform prior). Each decision is a
possible test, so the level falls with the account's history (Bonferroni over its
decisions so far): a healthy account tested at its hundredth check-in has had a hundred
chances to show a run by chance, and the chance that it ever fires stays near
``family_alpha``. The signal is dated the day after that decision.

Business reviews used only the sessions of the latest 45 days: with a check-in every two
weeks that is three or four sessions, so a disengagement that refused two of three
fired only when three refusals fell together, often after the quarter. They are judged
now, as invitations are, on their latest six within 90 days (for a weekly cadence, six
weeks). Once per episode (``cooldown_weeks``); an
episode lasts while the latest hold ``min_refusals`` refusals, and past that until the
next yes.

Co-innovation is a withdrawal after a history of acceptance, judged with its own
settings (``withdrawal_*``): at least ten earlier decisions, three refusals, the level
``min(withdrawal_alpha, family_alpha / j)``, and the beta-binomial predictive tail
(``refusal_runs(..., predictive=True)``): the account's refusal rate is Beta(a + k0,
b + n0 - k0), and the prior (a, b) is fitted over the portfolio
(:func:`portfolio_refusal_prior`; a fixed Beta(2, 8), ten decisions at 0.2, with fewer
than 20 accounts of ten decisions or more). The binomial tail at the point rate
``(k0 + 2) / (n0 + 10)`` took the past rate as known: an account with 14 decisions and
one with 60 at the same rate were equally sure of it, and a short history's four
refusals fired as readily as a long one's. Its recent decisions
start at the turn, the first refusal among them (``from_turn``): invitations are sparse,
and the acceptances of the weeks before a withdrawal diluted its first four refusals
until they fired after the quarter, or never. With the uniform prior an
account that happened to accept its first twenty invitations had a past rate of 1/22,
and three refusals of six (which an account declining one in ten shows now and then)
fired; most false alarms on the development portfolio were these.

The prior is refitted every ``withdrawal_prior_refit_days`` (91) on the portfolio's
decisions before each period starts, and each decision is judged with its period's: a
prior fitted once at ``as_of`` made a signal at ``t`` depend on other accounts'
decisions between ``t`` and ``as_of``, which a backtest reading those signals at ``t``
must not see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from stakegraph.analytics.signals.beyond_tables import BeyondFrames, by_account, runs
from stakegraph.analytics.signals.parameters import CeremonyParameters, SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import (
    BUSINESS_REVIEW_KINDS,
    CO_INNOVATION_KINDS,
    CO_INNOVATION_WITHDRAWAL,
    EXECUTIVE_LEVELS,
    QBR_DISENGAGEMENT,
)

__all__ = [
    "RefusalPrior",
    "co_innovation_withdrawals",
    "mark_executives",
    "portfolio_refusal_prior",
    "qbr_disengagements",
    "refusal_runs",
]

_YES = ("accepted", "attended")
_NO = ("declined", "no_show")


def co_innovation_withdrawals(
    beyond: BeyondFrames, as_of: int, params: SignalParameters
) -> list[Signal]:
    """Every run of declined co-innovation invitations (see the module docstring)."""
    rows = beyond.engagements[
        beyond.engagements["kind"].isin(CO_INNOVATION_KINDS)
        & beyond.engagements["status"].isin(_YES + _NO)
    ]
    rows = rows[pd.to_numeric(rows["at"]) < as_of]
    c = params.ceremony
    priors = _priors_in_force(rows, c)
    refit = c.withdrawal_prior_refit_days * DAY
    signals = []
    for account_id, of_account in by_account(rows):
        at = of_account["at"].to_numpy(np.int64)
        refused = of_account["status"].isin(_NO).to_numpy()
        in_force = [priors[int(t // refit)] for t in at]
        a = np.array([p.refusals for p in in_force])
        b = np.array([p.acceptances for p in in_force])
        for i, evidence in refusal_runs(
            at,
            refused,
            replace(c, alpha=c.withdrawal_alpha),
            c.withdrawal_recent_days,
            min_refusals=c.withdrawal_min_refusals,
            min_baseline=c.withdrawal_min_baseline,
            prior=(a, a + b),
            from_turn=True,
            predictive=True,
        ):
            evidence["prior_refusals"] = float(a[i])
            evidence["prior_acceptances"] = float(b[i])
            signals.append(_signal(CO_INNOVATION_WITHDRAWAL, account_id, at[i], evidence))
    return [s for s in _once_per_episode(signals, params) if s.at <= as_of]


def qbr_disengagements(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every run of skipped business reviews and check-ins (see the module docstring)."""
    rows = beyond.engagements[beyond.engagements["kind"].isin(BUSINESS_REVIEW_KINDS)]
    if "executive" not in rows.columns:
        rows = rows.assign(executive=False)
    signals = []
    # One groupby over the portfolio, split by account with numpy (a groupby per account
    # cost ~15 ms each, most of the detector's time).
    sessions = _sessions(rows)
    accounts = sessions["account_id"].to_numpy()
    every_at = sessions["at"].to_numpy(np.int64)
    every_review = sessions["kind"].isin(("qbr", "ebr")).to_numpy()
    every_exec_seen = sessions["exec_attended"].to_numpy(bool)
    every_attended = sessions["attended"].to_numpy(bool)
    for lo, hi in runs(accounts):
        account_id = str(accounts[lo])
        review = every_review[lo:hi]
        exec_seen = every_exec_seen[lo:hi]
        attended = every_attended[lo:hi]
        # Reviews so far and of them with an executive, before each session.
        reviews_before: np.ndarray = np.cumsum(review) - review
        exec_before = np.cumsum(review & exec_seen) - (review & exec_seen)
        expected_exec = (reviews_before >= 2) & (exec_before * 2 >= reviews_before)
        refused = ~attended | (review & expected_exec & ~exec_seen)
        at = every_at[lo:hi]
        for i, evidence in refusal_runs(at, refused, params.ceremony, params.ceremony.recent_days):
            evidence["reviews_without_executives"] = int(
                np.sum(
                    (review & expected_exec & ~exec_seen & attended)[
                        max(0, i - evidence["recent"] + 1) : i + 1
                    ]
                )
            )
            signals.append(_signal(QBR_DISENGAGEMENT, account_id, at[i], evidence))
    return [s for s in _once_per_episode(signals, params) if s.at <= as_of]


def _priors_in_force(rows: pd.DataFrame, c: CeremonyParameters) -> dict[int, RefusalPrior]:
    """The portfolio prior of each refit period (``withdrawal_prior_refit_days`` long,
    counted from the epoch) holding a decision: fitted on every decision before the
    period starts, so a decision is judged on nothing later than itself."""
    refit = c.withdrawal_prior_refit_days * DAY
    at = pd.to_numeric(rows["at"]).to_numpy(np.int64)
    refused = rows["status"].isin(_NO).to_numpy()
    accounts = rows["account_id"].astype(str).to_numpy()
    fallback = RefusalPrior(
        refusals=c.withdrawal_prior_rate * c.withdrawal_prior_decisions,
        acceptances=(1.0 - c.withdrawal_prior_rate) * c.withdrawal_prior_decisions,
    )
    priors = {}
    for period in np.unique(at // refit):
        before = at < int(period) * refit
        counts = (
            pd.DataFrame({"account_id": accounts[before], "refused": refused[before]})
            .groupby("account_id")["refused"]
            .agg(["sum", "count"])
        )
        priors[int(period)] = portfolio_refusal_prior(
            counts["sum"].to_numpy(np.int64),
            counts["count"].to_numpy(np.int64),
            min_decisions=c.withdrawal_prior_min_decisions,
            min_accounts=c.withdrawal_prior_min_accounts,
            fallback=fallback,
        )
    return priors


def _sessions(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per account, date and kind (sorted so): ``attended`` when anybody attended,
    ``exec_attended`` when an executive did."""
    attended = rows["status"] == "attended"
    return (
        pd.DataFrame(
            {
                "account_id": rows["account_id"].astype(str),
                "at": pd.to_numeric(rows["at"]).astype("int64"),
                "kind": rows["kind"],
                "attended": attended,
                "exec_attended": attended & rows["executive"].astype(bool),
            }
        )
        .groupby(["account_id", "at", "kind"], sort=True)
        .agg(attended=("attended", "any"), exec_attended=("exec_attended", "any"))
        .reset_index()
    )


def refusal_runs(
    at: np.ndarray,
    refused: np.ndarray,
    p: CeremonyParameters,
    recent_days: int,
    *,
    min_refusals: int | None = None,
    min_baseline: int | None = None,
    prior: tuple[float | np.ndarray, float | np.ndarray] = (1.0, 2.0),
    from_turn: bool = False,
    predictive: bool = False,
) -> list[tuple[int, dict[str, float | int]]]:
    """The decisions at which the latest refusals are improbable under the past rate.

    ``prior`` is ``(refusals, decisions)``, pseudo-counts added to the account's own past
    (numbers, or arrays of one per decision: the prior in force at each).
    The tail is binomial at the point rate ``(k0 + refusals) / (n0 + decisions)``; with
    ``predictive`` it is the beta-binomial predictive tail: the account's refusal rate is
    uncertain, Beta(``refusals + k0``, ``decisions - refusals + n0 - k0``) after its past,
    and ``P(K >= k | m)`` is averaged over it (a wider tail than at the point rate, by
    more the shorter the past). With ``from_turn`` the latest decisions start at their
    first refusal; the acceptances before it count in the past rate.

    Examples
    --------
    Nine yeses then three refusals in a row, a week apart: the latest six decisions
    (``max_recent``) hold three refusals; the six before them none, a past rate of
    (0 + 1) / (6 + 2) = 1/8, under which three or more of six has probability 0.0291:

    >>> from stakegraph.analytics.signals.parameters import CeremonyParameters
    >>> at = np.arange(12) * 7 * DAY
    >>> refused = np.array([False] * 9 + [True] * 3)
    >>> loose = CeremonyParameters(alpha=0.05, family_alpha=1.0)
    >>> [(i, e["refusals"], round(e["p_value"], 4)) for i, e in
    ...     refusal_runs(at, refused, loose, 90)]
    [(11, 3, 0.0291)]
    >>> refusal_runs(at, refused, CeremonyParameters(alpha=0.01, family_alpha=1.0), 90)
    []

    At the twelfth decision the account-wise level is ``0.05 / 12 = 0.0042``:

    >>> refusal_runs(at, refused, CeremonyParameters(alpha=0.05, family_alpha=0.05), 90)
    []

    From the turn the latest are the three refusals, the nine before them acceptances:
    ``(1 / 11) ** 3 = 7.5e-4``:

    >>> [(i, e["recent"], round(e["p_value"], 5)) for i, e in
    ...     refusal_runs(at, refused, CeremonyParameters(alpha=0.01), 90, from_turn=True)]
    [(11, 3, 0.00075)]

    The predictive tail of the same run: the rate is Beta(0 + 1, 9 + 1) after nine
    acceptances, and three refusals of three have probability
    ``E[r^3] = (1 x 2 x 3) / (11 x 12 x 13) = 6 / 1716 = 0.0035`` (below 0.01, above 0.002):

    >>> [(i, round(e["p_value"], 5)) for i, e in refusal_runs(at, refused,
    ...     CeremonyParameters(alpha=0.01), 90, from_turn=True, predictive=True)]
    [(11, 0.0035)]
    >>> refusal_runs(at, refused, CeremonyParameters(alpha=0.002), 90, from_turn=True,
    ...     predictive=True)
    []
    """
    out: list[tuple[int, dict[str, float | int]]] = []
    in_episode = False
    needed = p.min_refusals if min_refusals is None else min_refusals
    history = p.min_baseline if min_baseline is None else min_baseline
    prior_refusals = np.broadcast_to(np.asarray(prior[0], dtype=np.float64), len(at))
    prior_decisions = np.broadcast_to(np.asarray(prior[1], dtype=np.float64), len(at))
    for i in range(len(at)):
        first = max(
            int(np.searchsorted(at, at[i] - recent_days * DAY, side="right")), i - p.max_recent + 1
        )
        if from_turn:
            # The recent decisions start at the turn (their first refusal): acceptances
            # before it belong to the past rate, not to the run being tested.
            first += int(np.argmax(refused[first : i + 1]))
        k, m = int(refused[first : i + 1].sum()), i + 1 - first
        k0, n0 = int(refused[:first].sum()), first
        # An episode lasts while the latest still hold min_refusals refusals: a baseline
        # that has taken the refusals in stops finding them improbable, which does not
        # end it. Nor does a refusal: only a yes ends it (a sparse stream of refusals
        # thins out of the window without the account ever accepting again).
        in_episode = in_episode and (k >= needed or bool(refused[i]))
        if in_episode or k < needed or n0 < history or not refused[i]:
            continue
        a, a_plus_b = prior_refusals[i], prior_decisions[i]
        tail = _refusal_tail(k, m, (k0, n0), (a, a_plus_b), predictive=predictive)
        if tail < min(p.alpha, p.family_alpha / (i + 1)):
            in_episode = True
            out.append((i, _run_evidence(k, m, k0, n0, tail)))
    return out


def _run_evidence(k: int, m: int, k0: int, n0: int, tail: float) -> dict[str, float | int]:
    """The evidence of a run of ``k`` refusals in the latest ``m`` decisions after ``k0``
    of ``n0`` before, with its tail probability."""
    return {
        "refusals": k,
        "recent": m,
        "refusals_before": k0,
        "decisions_before": n0,
        "refusal_rate_before": k0 / n0,
        "p_value": tail,
    }


def _refusal_tail(
    k: int, m: int, past: tuple[int, int], prior: tuple[float, float], *, predictive: bool
) -> float:
    """``P(K >= k)`` of ``m`` decisions after ``past`` (refusals, decisions) and the
    ``prior`` pseudo-counts (refusals, decisions): binomial at the point rate, or the
    beta-binomial predictive tail with ``predictive``."""
    (k0, n0), (a, a_plus_b) = past, prior
    if predictive:
        return float(stats.betabinom.sf(k - 1, m, a + k0, a_plus_b - a + n0 - k0))
    return float(stats.binom.sf(k - 1, m, (k0 + a) / (n0 + a_plus_b)))


@dataclass(frozen=True)
class RefusalPrior:
    """A Beta(``refusals``, ``acceptances``) prior of an account's refusal rate, in
    pseudo-decisions; ``accounts`` is how many accounts it was fitted on (0: the fixed
    fallback)."""

    refusals: float
    acceptances: float
    accounts: int = 0

    @property
    def mean(self) -> float:
        """The prior mean refusal rate."""
        return self.refusals / (self.refusals + self.acceptances)


def portfolio_refusal_prior(
    refusals: np.ndarray,
    decisions: np.ndarray,
    *,
    min_decisions: int = 10,
    min_accounts: int = 20,
    fallback: RefusalPrior = RefusalPrior(2.0, 8.0),
) -> RefusalPrior:
    """The Beta prior of the accounts' refusal rates, fitted over the portfolio.

    Each account ``i`` refused ``refusals[i]`` of its ``decisions[i]``; over the accounts
    with at least ``min_decisions`` the maximum-likelihood ``(a, b)`` of the beta-binomial
    (each account its own rate, drawn from Beta(a, b)): the log-likelihood
    ``sum_i ln B(k_i + a, n_i - k_i + b) - ln B(a, b)`` (the binomial coefficients do not
    depend on ``a, b``), maximized over ``ln a, ln b`` within ``[-7, 7]`` (a population
    of identical accounts has no finite ``a + b``; the bound stops it at a prior of some
    two thousand decisions). Fewer than ``min_accounts`` such accounts are too few to
    tell the spread of the rates from chance: ``fallback``.

    Examples
    --------
    Two accounts are too few; the fallback comes back:

    >>> portfolio_refusal_prior(np.array([1, 2]), np.array([10, 12]))
    RefusalPrior(refusals=2.0, acceptances=8.0, accounts=0)

    Thirty accounts of 20 decisions, half refusing 2 and half 18: the likelihood is
    symmetric in ``a, b``, so the fit is ``a = b`` (a mean of 1/2); the rates spread far
    wider than twenty draws at one rate would (2 or 18 of 20 at 1/2 has probability
    1.8e-4), so the prior is weak, under one decision each way:

    >>> fitted = portfolio_refusal_prior(np.array([2, 18] * 15), np.full(30, 20))
    >>> round(fitted.mean, 3), fitted.accounts, round(fitted.refusals, 2)
    (0.5, 30, 0.65)
    """
    refusals = np.asarray(refusals, dtype=np.float64)
    decisions = np.asarray(decisions, dtype=np.float64)
    kept = decisions >= min_decisions
    if int(kept.sum()) < min_accounts:
        return fallback
    k, n = refusals[kept], decisions[kept]

    def negative_log_likelihood(theta: np.ndarray) -> float:
        a, b = np.exp(theta)
        return -float(np.sum(special.betaln(k + a, n - k + b) - special.betaln(a, b)))

    start = np.log([fallback.refusals, fallback.acceptances])
    fit = optimize.minimize(
        negative_log_likelihood, start, method="L-BFGS-B", bounds=[(-7.0, 7.0)] * 2
    )
    a, b = np.exp(fit.x)
    return RefusalPrior(refusals=float(a), acceptances=float(b), accounts=len(k))


def mark_executives(engagements: pd.DataFrame, roles: pd.DataFrame | None) -> pd.DataFrame:
    """Engagements with an ``executive`` column: the person held a VP or C-level role
    (``roles``: ``person_id, level, start, end``) on the engagement's date."""
    out = engagements.copy()
    out["executive"] = False
    if roles is None or roles.empty or out.empty:
        return out
    senior = roles[roles["level"].isin(EXECUTIVE_LEVELS)][["person_id", "start", "end"]]
    merged = out.reset_index().merge(senior, on="person_id", how="inner")
    end = pd.to_numeric(merged["end"], errors="coerce").fillna(np.inf)
    start = pd.to_numeric(merged["start"], errors="coerce")
    at = pd.to_numeric(merged["at"])
    held = merged[(start <= at) & (at < end)]["index"].unique()
    out.loc[held, "executive"] = True
    return out


def _signal(kind: str, account_id: str, at: int, evidence: dict[str, float | int]) -> Signal:
    return Signal(
        kind=kind,
        account_id=account_id,
        at=int(at // DAY * DAY + DAY),
        severity=clip_severity(float(evidence["refusals"]) / float(evidence["recent"])),
        evidence=evidence,
    )


def _once_per_episode(signals: list[Signal], params: SignalParameters) -> list[Signal]:
    kept: list[Signal] = []
    last: dict[str, int] = {}
    for signal in sorted(signals, key=lambda s: (s.account_id, s.at)):
        previous = last.get(signal.account_id)
        last[signal.account_id] = signal.at
        if previous is None or signal.at - previous >= params.windows.cooldown_weeks * WEEK:
            kept.append(signal)
    return kept
