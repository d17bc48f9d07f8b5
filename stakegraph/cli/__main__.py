"""``python -m stakegraph.cli``: the same as the ``stakegraph`` console script."""

from stakegraph.cli import app

app()
