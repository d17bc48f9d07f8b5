"""Signals: dated, evidenced structural shifts that precede churn.

Every detector runs on a weekly grid of analysis dates ending at ``as_of`` and, at each
date ``t``, looks only at interactions before ``t`` (causal: the date a signal carries is
the date it would have been raised). Change is judged against the account's or the
person's own history with a test from :mod:`scipy.stats`, never against a fixed number
of days. The input is the conversational activity of :mod:`stakegraph.analytics.windows`
(duplicates, mail to self, bulk mail and internal-only chatter already removed), so one
message to 200 people is not 200 relationships.

Modules
-------
:mod:`.detect`
    :func:`detect_signals`: builds the :mod:`.tables` once and runs every detector.
:mod:`.bottleneck`, :mod:`.champion`, :mod:`.executive`, :mod:`.latency`, :mod:`.contraction`,
:mod:`.stakeholders`
    One detector each (the definitions are in their module docstrings and in
    docs/metrics.md): public, ``detector(tables, params) -> list[Signal]``.
:mod:`.stakeholders`
    Stakeholder departure: every key stakeholder other than the champion, tested with
    an error rate controlled over the account's key stakeholders.
:mod:`.silence`
    The silence model shared by the departures and executive withdrawal (and when the
    whole account is quiet, so that the end of the data is not a departure).
:mod:`.episodes`
    Each kind fires once per episode: weeks firing less than ``cooldown_weeks`` after
    the previous firing week belong to the same one, and the signal carries its first.
:mod:`.record`, :mod:`.summaries`
    The :class:`Signal` record, its id and stored form, and its English sentence.
:mod:`.parameters`
    The tuning parameters, grouped per detector and range-checked.

References
----------
Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from
Poisson series. *Biometrika* 31, 313-323.
Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. *Biometrika* 34, 28-35.
Mann, H. B. & Whitney, D. R. (1947). On a test of whether one of two random variables is
stochastically larger than the other. *Annals of Mathematical Statistics* 18, 50-60.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
powerful approach to multiple testing. *JRSS B* 57, 289-300.
Burt, R. S. (1992). *Structural Holes*. Harvard University Press.
Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54, 761.
"""

from __future__ import annotations

from stakegraph.analytics.signals.bottleneck import single_node_bottlenecks
from stakegraph.analytics.signals.champion import champion_departures
from stakegraph.analytics.signals.contraction import engagement_contractions
from stakegraph.analytics.signals.detect import DETECTORS, detect_signals
from stakegraph.analytics.signals.executive import executive_withdrawals
from stakegraph.analytics.signals.latency import response_latency_inflations
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal
from stakegraph.analytics.signals.stakeholders import stakeholder_departures
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.vocabulary import SIGNAL_KINDS

__all__ = [
    "DETECTORS",
    "SIGNAL_KINDS",
    "Signal",
    "SignalParameters",
    "WeeklyTables",
    "champion_departures",
    "detect_signals",
    "engagement_contractions",
    "executive_withdrawals",
    "response_latency_inflations",
    "single_node_bottlenecks",
    "stakeholder_departures",
]
