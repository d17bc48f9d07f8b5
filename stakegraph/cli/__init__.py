"""The ``stakegraph`` command line: one module per group of commands, registered here.

- :mod:`.data`: ``generate``, ``ingest``, ``forget``
- :mod:`.analysis`: ``analyze``, ``evaluate``, ``kpis``
- :mod:`.digest`: ``digest``
- :mod:`.alerts`: ``alerts send | log``
- :mod:`.query`: ``cypher``, ``status``
- :mod:`.suggestions`: ``suggestions``
- :mod:`.workbench`: ``explore``, ``export``
- :mod:`.server`: ``serve``, ``demo``
- :mod:`.keys`: ``keys create | list | revoke``
- :mod:`.plays`: ``plays list | open | assign | close | kpis``
- :mod:`.report`: ``report monthly | qbr``

:mod:`.common` holds the consoles, store opening and argument parsing; :mod:`.progress`
the one progress display.
"""

from __future__ import annotations

import typer

from stakegraph.cli import (
    alerts,
    analysis,
    data,
    digest,
    keys,
    plays,
    query,
    report,
    server,
    suggestions,
    workbench,
)
from stakegraph.cli.common import configure_logging

__all__ = ["app"]

app = typer.Typer(
    help="stakegraph: relationship intelligence for account teams. "
    "Load people, roles, accounts and interactions into a graph, see churn coming.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.callback()(configure_logging)

# In the order `stakegraph --help` lists them.
app.command()(data.generate)
app.command()(data.ingest)
app.command()(data.forget)
app.command()(analysis.analyze)
app.command()(analysis.evaluate)
app.command()(analysis.kpis)
app.command()(digest.digest)
app.command()(query.cypher)
app.command()(query.status)
app.command()(suggestions.suggestions)
app.command()(workbench.explore)
app.command()(workbench.export)
app.command()(server.demo)
app.command()(server.serve)
app.add_typer(keys.app, name="keys")
app.add_typer(alerts.app, name="alerts")
app.add_typer(plays.app, name="plays")
app.add_typer(report.app, name="report")
