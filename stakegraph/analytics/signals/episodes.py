"""Episodes: a condition usually holds for several weeks in a row, and fires once.

Weeks that fire less than ``cooldown`` weeks after the previous firing week belong to the
same episode; the signal carries the episode's first week.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["first_of_episodes", "first_of_silences"]


def first_of_episodes(
    accounts: np.ndarray, weeks: np.ndarray, cooldown: int, *extra: np.ndarray
) -> list[tuple[Any, ...]]:
    """The first firing week of each episode per account, with ``extra`` values there.

    Examples
    --------
    >>> import numpy as np
    >>> first_of_episodes(np.array([0, 0, 0, 1]), np.array([3, 4, 20, 4]), 13)
    [(0, 3), (0, 20), (1, 4)]
    """
    if len(accounts) == 0:
        return []
    order = np.lexsort((weeks, accounts))
    sorted_accounts, sorted_weeks = accounts[order], weeks[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (sorted_accounts[1:] != sorted_accounts[:-1]) | (
        sorted_weeks[1:] - sorted_weeks[:-1] >= cooldown
    )
    return [(int(accounts[i]), int(weeks[i]), *(e[i] for e in extra)) for i in order[new]]


def first_of_silences(
    accounts: np.ndarray, weeks: np.ndarray, keys: np.ndarray, cooldown: int, last_seen: np.ndarray
) -> list[tuple[int, int, int, int]]:
    """Episodes of a silence: per (account, key), a new episode when the silence is a new
    one (a different last-seen time) and ``cooldown`` weeks have passed.

    Returns ``(account, week, key, position)`` of each episode's first week, the
    position indexing the input arrays.
    """
    if len(accounts) == 0:
        return []
    order = np.lexsort((weeks, keys, accounts))
    account, key = accounts[order], keys[order]
    week, seen = weeks[order], last_seen[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (
        (account[1:] != account[:-1])
        | (key[1:] != key[:-1])
        | ((week[1:] - week[:-1] >= cooldown) & (seen[1:] != seen[:-1]))
    )
    return [(int(accounts[i]), int(weeks[i]), int(keys[i]), int(i)) for i in order[new]]
