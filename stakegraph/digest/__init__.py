"""The weekly stand-up: read every account's digest state, compare it, record the run.

``build_digest`` reads the accounts of a scope, their open signals, their key stakeholders'
recent activity and their renewals (named queries under ``cypher/digest/``), turns them
into :class:`~stakegraph.analytics.digest.AccountState` with the pure functions of
:mod:`stakegraph.analytics.digest`, and compares them with a baseline:

- by default, the state recorded by the **last digest run of the same scope** (``all`` for
  leadership, ``owner:<person id>`` for an account manager), so that a second run with
  nothing changed lists nothing; before any run, the state reconstructed as of a week
  before the analysis date;
- with ``since``, the state reconstructed as of that date: signals open then, key
  stakeholders quiet then, renewals due then, and the risk tiers of the latest recorded
  run of an analysis dated on or before it (none: no tier moves).

A run is recorded (``(:DigestRun)``, the states as JSON) when asked: the CLI does, the API
only reads. :mod:`stakegraph.digest.render` writes a digest as Markdown, HTML or JSON.
"""

from __future__ import annotations

from stakegraph.digest.build import (
    Baseline,
    Digest,
    DigestOptions,
    build_digest,
    current_states,
    record_digest,
    scope_key,
    states_as_of,
)

__all__ = [
    "Baseline",
    "Digest",
    "DigestOptions",
    "build_digest",
    "current_states",
    "record_digest",
    "scope_key",
    "states_as_of",
]
