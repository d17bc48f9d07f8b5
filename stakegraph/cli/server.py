"""Serving: ``serve`` (the HTTP API and web app) and ``demo`` (every stage, then serve)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.analysis import analyze
from stakegraph.cli.common import console, open_store
from stakegraph.cli.data import generate, ingest_and_report
from stakegraph.cli.query import status
from stakegraph.config import get_settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs; create keys with `stakegraph keys create`)."""
    from stakegraph.api.app import serve_api

    serve_api(host=host, port=port, access_log=access_log)


def demo(
    accounts: Annotated[int, typer.Option(min=1, help="Accounts in the demo portfolio.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed of the demo portfolio.")] = 7,
    workdir: Annotated[
        Path | None,
        typer.Option(help="Where to write the portfolio (default: STAKEGRAPH_HOME/demo)."),
    ] = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API at the end.")
    ] = True,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port to serve on.")] = 8000,
) -> None:
    """Generate a portfolio, load it, run every later stage, then serve the API."""
    target = workdir or get_settings().home / "demo"
    console.rule("1. generate")
    generate(target, accounts=accounts, seed=seed)
    # One lease for the whole demo: every step attaches to the same running store instead
    # of each starting it and letting it stop again.
    with open_store():
        console.rule("2. ingest")
        ingest_and_report(target)
        console.rule("3. analyze")
        analyze()
        console.rule("4. status")
        status()
        if serve_after:
            _serve_demo(port)


def _serve_demo(port: int) -> None:
    """Serve the API with a fresh admin key, printed with the URL to try."""
    from stakegraph.api.app import demo_key, serve_api
    from stakegraph.api.settings import get_api_settings

    console.rule("5. serve")
    key = demo_key(get_api_settings().keys_file)
    url = f"http://127.0.0.1:{port}"
    # soft_wrap: a key or command broken across lines could not be copied.
    console.print(f"API: {url}/docs   web app: {url}/app/   (Ctrl-C stops)", soft_wrap=True)
    console.print(f'admin API key (label "demo"; replaced by the next demo): {key}', soft_wrap=True)
    console.print(
        f'try: curl -s -H "X-API-Key: {key}" "{url}/api/accounts?limit=5"',
        soft_wrap=True,
        highlight=False,
    )
    serve_api(host="127.0.0.1", port=port)
