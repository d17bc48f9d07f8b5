"""How ``make test`` shares the tests between its two workers.

``--dist loadscope`` keeps each module on one worker; here every test of one backend is
also one scope, so one worker takes the embedded store's tests and the other Neo4j's, and
each server starts once per run (Neo4j takes ~20 s and 2 GB of heap). Modules that need no
store fill in on whichever worker is free, each on one worker (its module fixtures built
once). xdist's ``loadgroup`` would say this with marks, but on pytest 9 it no longer groups
anything (its group travels in the node id, which pytest 9 no longer lets it change).
"""

from __future__ import annotations

import re

from xdist.scheduler import LoadScopeScheduling

BACKENDS = ("embedded", "neo4j")


def worker_scope(nodeid: str) -> str:
    """A test's backend (the first of its parameters, from the ``backend`` fixture),
    else its module (tests/test_store_scheduling.py)."""
    params = re.search(r"\[([^\[\]]*)\]$", nodeid)
    first = params.group(1).split("-")[0] if params else ""
    return first if first in BACKENDS else nodeid.split("::")[0]


class StoreScheduling(LoadScopeScheduling):
    """``--dist loadscope`` with every test of one backend as one scope."""

    def _split_scope(self, nodeid: str) -> str:
        return worker_scope(nodeid)
