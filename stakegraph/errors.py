"""One exception hierarchy: errors carry attributes, not only text."""

from __future__ import annotations


class StakegraphError(Exception):
    """Base of every error stakegraph raises on purpose."""


class StoreError(StakegraphError):
    """The graph store could not be started, reached or used."""


class StoreStartError(StoreError):
    """The embedded store did not come up; ``log_tail`` holds its last log lines."""

    def __init__(self, message: str, *, log_tail: str = "") -> None:
        super().__init__(
            message + (f"\n--- store log (last lines) ---\n{log_tail}" if log_tail else "")
        )
        self.log_tail = log_tail


class QueryNotFoundError(StoreError):
    """No named query has that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no named query {name!r}")
        self.name = name


class QueryParameterError(StoreError):
    """A named query was called with parameters it does not declare, or without some it needs."""

    def __init__(self, name: str, *, missing: set[str], unexpected: set[str]) -> None:
        parts = []
        if missing:
            parts.append(f"missing {sorted(missing)}")
        if unexpected:
            parts.append(f"unexpected {sorted(unexpected)}")
        super().__init__(f"query {name!r}: " + ", ".join(parts))
        self.name = name
        self.missing = missing
        self.unexpected = unexpected


class ReadOnlyViolation(StoreError):
    """A read-only query tried to write."""


class UnknownIdError(StakegraphError):
    """An id names nothing the caller may address (``kind`` says what was looked for)."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class PlayRequestError(StakegraphError):
    """A play request that cannot be carried out as asked (bad kind, outcome, signal, person)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class PlayLimitError(StakegraphError):
    """A new play on an account that already holds as many as it may (playbook.py)."""


class PlayStateError(StakegraphError):
    """A play request that conflicts with the play's state (e.g. closing it twice differently)."""

    def __init__(self, message: str, *, play_id: str) -> None:
        super().__init__(message)
        self.play_id = play_id
