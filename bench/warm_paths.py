"""Share of re-mapping suggestions that carry a warm path, on a generated portfolio.

    .venv/bin/python bench/warm_paths.py --accounts 200 --seed 7 [--home DIR] [--reuse]

Generates the portfolio (``stakegraph generate``), imports and analyses it on the embedded
store under ``--home``, then computes every account's suggestions as the API's read model
does (as of each account's analysis date) and prints how many carry a warm path, by the
kind of their hops.
"""

from __future__ import annotations

import argparse
import collections
import tempfile
import time
from pathlib import Path

from stakegraph.analytics.run import analyze
from stakegraph.api.read_model import build_read_model
from stakegraph.api.schemas import SuggestionsPublic
from stakegraph.api.settings import ApiSettings
from stakegraph.config import Settings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="store already loaded and analysed")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="warm-paths-"))
    settings = Settings(STAKEGRAPH_HOME=home, NEO4J_URI="")
    with GraphStore.open(settings) as store:
        if not args.reuse:
            started = time.perf_counter()
            files = home / "portfolio"
            generate_portfolio(files, accounts=args.accounts, seed=args.seed)
            store.ensure_schema()
            import_directory(store, files, rejects_dir=home)
            analyze(store)
            print(f"generated, imported and analysed in {time.perf_counter() - started:.0f}s")
        model = build_read_model(store, ApiSettings())
    total = warm = 0
    kinds: collections.Counter[str] = collections.Counter()
    unexplained = 0
    for entry in model.accounts.values():
        suggestions = SuggestionsPublic.model_validate_json(entry.suggestions)
        for suggestion in suggestions.data:
            total += 1
            if suggestion.hops:
                warm += 1
                kinds.update(h.kind for h in suggestion.hops)
                unexplained += sum(1 for h in suggestion.hops if not h.evidence)
    share = warm / total if total else 0.0
    print(
        f"seed {args.seed}, {args.accounts} accounts: {warm}/{total} suggestions carry a warm path"
    )
    print(f"  share {share:.1%}; hops without evidence: {unexplained}")
    print(f"  hops by kind: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
