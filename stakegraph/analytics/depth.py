"""Relationship depth (0-100): breadth across people, functions and levels, times tie strength.

Per account and window ``[start, end)``, ties are computed from the window's interactions
as of ``end`` (:mod:`stakegraph.analytics.ties`). Each customer-side contact ``p`` gets a
strength ``s_p``: the strongest of their ties to one of our people (with no ``is_home``
person at all, the strongest of all their ties). Each contact carries the functions and
levels of the roles they held at their interactions in the window. Then

- people coverage ``C_P = min(1, sum_p s_p / 6)``: six strong contacts fill it;
- function coverage ``C_F = min(1, sum_f max_{p in f} s_p / 4)``: four functions, each
  held by a strong contact;
- level coverage ``C_L = min(1, sum_l max_{p at l} s_p / 3)``: three levels;
- **depth** ``= 100 * (C_P * C_F * C_L) ** (1/3)``.

The geometric mean needs breadth on every axis: one strong champion scores low however
strong the tie, and so does a crowd reached only by weak, one-way mail. Contacts without
a known role count towards ``C_P`` only.

Worked example: three contacts with strengths 0.8 (finance, vp), 0.6 (finance, manager)
and 0.4 (it, manager). ``C_P = 1.8 / 6 = 0.3``; ``C_F = (0.8 + 0.4) / 4 = 0.3``;
``C_L = (0.8 + 0.6) / 3 = 0.467``; depth ``= 100 * (0.042) ** (1/3) = 34.8``.

References
----------
Granovetter (1973) and Gilbert & Karahalios (2009) for the tie strength; the breadth
axes follow the multi-threading practice of strategic account management.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.ties import (
    DEFAULT_HALF_LIFE,
    DEFAULT_VOLUME_SCALE,
    TieWeights,
    window_ties,
)
from stakegraph.analytics.windows import Activity, as_activity

__all__ = [
    "DEFAULT_DEPTH",
    "DepthParameters",
    "depth_columns",
    "depth_from_contacts",
    "relationship_depth",
]


@dataclass(frozen=True)
class DepthParameters:
    """How depth is scored.

    Attributes
    ----------
    half_life, volume_scale, weights
        Tie strength parameters (see :func:`stakegraph.analytics.ties.tie_strength`).
    contacts_full, functions_full, levels_full : float
        Summed strength that fills each coverage (defaults 6, 4 and 3).
    """

    half_life: int = DEFAULT_HALF_LIFE
    volume_scale: float = DEFAULT_VOLUME_SCALE
    weights: TieWeights = field(default_factory=TieWeights)
    contacts_full: float = 6.0
    functions_full: float = 4.0
    levels_full: float = 3.0


DEFAULT_DEPTH = DepthParameters()


def relationship_depth(
    data: PortfolioFrames | Activity,
    *,
    start: int,
    end: int,
    params: DepthParameters = DEFAULT_DEPTH,
) -> pd.DataFrame:
    """Relationship depth score of every account in ``[start, end)``.

    Parameters
    ----------
    data : PortfolioFrames or Activity
    start, end : int, keyword-only
        The half-open window; ties are evaluated as of ``end``.
    params : DepthParameters, keyword-only
        Tie strength and coverage parameters (default :data:`DEFAULT_DEPTH`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``account_id``: ``depth_score`` (0-100), ``contact_strength_mean``
        (mean ``s_p`` over contacts, 0 when none), ``people_coverage``,
        ``function_coverage``, ``level_coverage``.

    Examples
    --------
    See the module docstring: three contacts of strengths 0.8, 0.6, 0.4 score 34.8.
    """
    activity = as_activity(data).between(start, end)
    scores = depth_columns(activity, end=end, params=params)
    return pd.DataFrame(scores, index=pd.Index(activity.account_ids, name="account_id"))


def depth_columns(
    activity: Activity,
    *,
    end: int,
    params: DepthParameters = DEFAULT_DEPTH,
) -> dict[str, np.ndarray]:
    """:func:`relationship_depth` of an activity already cut to its window (ties as of
    ``end``), as arrays in account code order."""
    pairs, ties = window_ties(
        activity, activity.edges, end, params.half_life, params.volume_scale, params.weights
    )
    a_node = activity.pair_node_a[pairs]
    b_node = activity.pair_node_b[pairs]
    strength = ties["strength"]
    home = activity.person_home
    a_home = home[activity.node_person[a_node]]
    b_home = home[activity.node_person[b_node]]
    if activity.has_home:
        # A contact's strength is what we hold with them: ties across the two sides only.
        a_theirs, b_theirs = ~a_home & b_home, ~b_home & a_home
    else:
        a_theirs = b_theirs = np.ones(len(pairs), dtype=bool)
    n_nodes = len(activity.node_account)
    best = np.zeros(n_nodes)
    np.maximum.at(best, a_node[a_theirs], strength[a_theirs])
    np.maximum.at(best, b_node[b_theirs], strength[b_theirs])
    is_contact = np.zeros(n_nodes, dtype=bool)
    is_contact[a_node[a_theirs]] = True
    is_contact[b_node[b_theirs]] = True
    contact_nodes = np.flatnonzero(is_contact)
    contact_index = np.cumsum(is_contact) - 1

    parts = activity.participations
    node = parts["node"].to_numpy()
    with_role = is_contact[node]
    role_node = node[with_role]
    return depth_from_contacts(
        contact_account=activity.node_account[contact_nodes],
        contact_strength=best[contact_nodes],
        role_account=activity.node_account[role_node],
        role_contact=contact_index[role_node],
        role_function=parts["function"].to_numpy()[with_role],
        role_level=parts["level"].to_numpy()[with_role],
        n_accounts=activity.n_accounts,
        params=params,
    )


def depth_from_contacts(
    *,
    contact_account: np.ndarray,
    contact_strength: np.ndarray,
    role_account: np.ndarray,
    role_contact: np.ndarray,
    role_function: np.ndarray,
    role_level: np.ndarray,
    n_accounts: int,
    params: DepthParameters = DEFAULT_DEPTH,
) -> dict[str, np.ndarray]:
    """The depth formula on contact strengths and their (function, level) roles.

    ``contact_*`` describe one contact per entry (account code, strength ``s_p``);
    ``role_*`` list the roles contacts held (``role_contact`` indexes the contacts; codes
    are -1 when unknown); ``params`` gives the strength that fills each coverage. Returns
    arrays per account code (see :func:`relationship_depth`).

    Examples
    --------
    >>> out = depth_from_contacts(
    ...     contact_account=np.array([0, 0, 0]),
    ...     contact_strength=np.array([0.8, 0.6, 0.4]),
    ...     role_account=np.array([0, 0, 0]),
    ...     role_contact=np.array([0, 1, 2]),
    ...     role_function=np.array([5, 5, 3]),
    ...     role_level=np.array([3, 1, 1]),
    ...     n_accounts=1,
    ... )
    >>> round(float(out["depth_score"][0]), 1)
    34.8
    """
    contact_account = np.asarray(contact_account, dtype=np.int64)
    contact_strength = np.asarray(contact_strength, dtype=float)
    strength_sum = np.bincount(contact_account, weights=contact_strength, minlength=n_accounts)
    contacts = np.bincount(contact_account, minlength=n_accounts)
    role_account = np.asarray(role_account, dtype=np.int64)
    role_strength = contact_strength[np.asarray(role_contact, dtype=np.int64)]
    coverage = {}
    for name, code, full in (
        ("function", np.asarray(role_function, dtype=np.int64), params.functions_full),
        ("level", np.asarray(role_level, dtype=np.int64), params.levels_full),
    ):
        known = code >= 0
        n_codes = int(code.max(initial=0)) + 1
        best = np.zeros(n_accounts * n_codes)
        np.maximum.at(best, role_account[known] * n_codes + code[known], role_strength[known])
        total = best.reshape(n_accounts, n_codes).sum(axis=1)
        coverage[name] = np.minimum(1.0, total / full)
    people = np.minimum(1.0, strength_sum / params.contacts_full)
    depth = 100.0 * np.cbrt(people * coverage["function"] * coverage["level"])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_strength = np.where(contacts > 0, strength_sum / np.maximum(contacts, 1), 0.0)
    return {
        "depth_score": depth,
        "contact_strength_mean": mean_strength,
        "people_coverage": people,
        "function_coverage": coverage["function"],
        "level_coverage": coverage["level"],
    }
