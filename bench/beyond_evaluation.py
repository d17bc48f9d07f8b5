"""Signals and risk of a generated portfolio, with the beyond-conversation kinds, and an
ablation of the risk model's feature families; read from the files (the tests' dev
loader), not through a store.

    .venv/bin/python bench/beyond_evaluation.py DIR [RUN ...]  # DIR from generate_portfolio

Prints precision / recall / median lag per kind, then the backtest AUC and bottom-two
tiers with every feature and with each family held at zero (only the runs named, if
any: ``all``, ``beyond-signals``, ``conversation-signals``, ``engagement``). Bottom-2
accounts are of the accounts the scoring weeks' reviews tiered, scored accounts of the
backtested rows (evaluate's docstring). The continuous beyond features are not model
features (docs/evaluation-log.md, 2026-12-05).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analytics"))

from portfolio_frames import load_beyond_frames, load_portfolio_frames

from stakegraph.analytics.backtest import backtest_risk
from stakegraph.analytics.evaluate import evaluate
from stakegraph.analytics.risk_features import ENGAGEMENT_FEATURES
from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.windows import prepare_activity
from stakegraph.vocabulary import BEYOND_SIGNAL_KINDS, SIGNAL_KINDS

ENGAGEMENT = ENGAGEMENT_FEATURES


def main(directory: Path, only: list[str]) -> None:
    frames = load_portfolio_frames(directory)
    beyond = load_beyond_frames(directory)
    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    as_of = int(frames.interactions["at"].max()) + 1
    activity = prepare_activity(frames)
    signals = [
        s.as_record()
        for s in detect_signals(activity, as_of=as_of, roles=frames.roles, beyond=beyond)
    ]
    scores = evaluate(signals, [], truth)
    for kind in SIGNAL_KINDS:
        row = scores[kind]
        print(
            f"{kind:28s} P {row['precision']:.2f} R {row['recall']:.2f} "
            f"lag {row['median_lag_days']:.0f} signals {row['signals']} events {row['planted']}"
            + (
                f" | observable {row['observable']}: R {row['recall_observable']:.2f} "
                f"lag {row['median_lag_days_observable']:.0f}"
                if row["observable"] is not None
                else ""
            )
        )
    conversation_signals = tuple(
        f"signal_{k}" for k in SIGNAL_KINDS if k not in BEYOND_SIGNAL_KINDS
    )
    beyond_signals = tuple(f"signal_{k}" for k in BEYOND_SIGNAL_KINDS)
    runs = {
        "all": ("all features", ()),
        "beyond-signals": ("without beyond signals (conversations only)", beyond_signals),
        "conversation-signals": ("without conversation signals", conversation_signals),
        "engagement": ("without conversation engagement", ENGAGEMENT),
    }
    for key, (name, without) in runs.items():
        if only and key not in only:
            continue
        risk = evaluate(
            signals, backtest_risk(activity, signals, beyond=beyond, without=without), truth
        )["risk"]
        print(
            f"{name:34s} AUC {risk['auc']:.3f} bottom-2 accounts "
            f"{risk['bottom_two_tiers_account_share']:.3f} churns "
            f"{risk['bottom_two_tiers_churn_share']:.3f} (scored accounts "
            f"{risk['bottom_two_tiers_scored_share']:.3f})",
            flush=True,
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
