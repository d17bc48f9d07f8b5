"""Every false alarm and miss of the beyond-conversation kinds on a generated portfolio,
with their evidence: what docs/evaluation-log.md (2026-12-06) lists.

    .venv/bin/python bench/beyond_errors.py DIR [KIND ...]  # DIR from generate_portfolio

Per kind: precision / recall and the false alarms and misses counted by cause
(:func:`stakegraph.analytics.evaluate.error_causes`: a false alarm is a real event found
late, found early, beside an event of another kind, in a slide to a churn or downgrade,
or noise; a miss is found late, not observable by the truth's rule, or observable),
then each false alarm (cause, account, date, the planted events of the kind in that
account, the signal's evidence) and each miss (cause, account, planted date, the
account's signals of the kind; for the ticket kinds, how many tickets of the kind, and
in all, the 90 days after the event hold, counted once per category and day). Default
kinds: the two ticket kinds, co-innovation and business reviews.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analytics"))

from portfolio_frames import load_beyond_frames, load_portfolio_frames, load_truth

from stakegraph.analytics.evaluate import DEFAULT_AFTER_DAYS, error_causes, evaluate
from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.windows import prepare_activity
from stakegraph.dates import DAY, parse_instant
from stakegraph.vocabulary import (
    CO_INNOVATION_WITHDRAWAL,
    EXIT_TICKET_CATEGORIES,
    QBR_DISENGAGEMENT,
    SLA_POLICING,
    TICKET_MIX_SHIFT,
)

TICKET_KINDS = {TICKET_MIX_SHIFT: EXIT_TICKET_CATEGORIES, SLA_POLICING: ("sla",)}
DEFAULT_KINDS = (TICKET_MIX_SHIFT, SLA_POLICING, CO_INNOVATION_WITHDRAWAL, QBR_DISENGAGEMENT)


def day(at: int) -> str:
    return str(pd.Timestamp(at, unit="s").date())


def main(directory: Path, kinds: tuple[str, ...]) -> None:
    frames = load_portfolio_frames(directory)
    beyond = load_beyond_frames(directory)
    truth = load_truth(directory)
    as_of = int(frames.interactions["at"].max()) + 1
    signals = [
        s.as_record()
        for s in detect_signals(
            prepare_activity(frames), as_of=as_of, roles=frames.roles, beyond=beyond, kinds=kinds
        )
    ]
    scores = evaluate(signals, [], truth)
    tickets = beyond.tickets.assign(day=pd.to_numeric(beyond.tickets["at"]) // DAY)
    tickets = tickets.drop_duplicates(["account_id", "day", "category"])
    for kind in kinds:
        row = scores[kind]
        of_kind = [s for s in signals if s["kind"] == kind]
        events = [e for e in truth["events"] if e["kind"] == kind]
        alarms, misses = error_causes(of_kind, truth, kind)
        print(f"{kind}: P {row['precision']:.2f} R {row['recall']:.2f} events {row['planted']}")
        print(f"  false alarms {_counts(alarms)}; misses {_counts(misses)}")
        for signal, cause in zip(of_kind, alarms, strict=True):
            if cause is not None:
                planted = [
                    e["date"][:10] for e in events if e["account_id"] == signal["account_id"]
                ]
                print(
                    f"  false alarm ({cause}) {signal['account_id']} {day(signal['at'])} "
                    f"planted {planted}"
                )
                print(f"    {_evidence(signal['evidence'])}")
        for event, cause in zip(events, misses, strict=True):
            if cause is not None:
                raised = [day(s["at"]) for s in of_kind if s["account_id"] == event["account_id"]]
                where = f"{event['account_id']} {event['date'][:10]}"
                print(f"  miss ({cause}) {where} signals {raised}")
                if kind in TICKET_KINDS:
                    print(f"    {_tickets_after(tickets, event, TICKET_KINDS[kind])}")


def _counts(causes: list[str | None]) -> str:
    counted = Counter(c for c in causes if c is not None)
    return ", ".join(f"{c} {n}" for c, n in counted.most_common()) or "none"


def _evidence(evidence: dict[str, Any]) -> str:
    shown = {k: f"{v:.3g}" if isinstance(v, float) else v for k, v in evidence.items()}
    return ", ".join(f"{k} {v}" for k, v in shown.items() if k != "categories")


def _tickets_after(
    tickets: pd.DataFrame, event: dict[str, Any], categories: tuple[str, ...]
) -> str:
    start = parse_instant(event["date"]) // DAY
    rows = tickets[
        (tickets["account_id"] == event["account_id"])
        & (tickets["day"] >= start)
        & (tickets["day"] < start + DEFAULT_AFTER_DAYS)
    ]
    return f"{int(rows['category'].isin(categories).sum())} of {len(rows)} tickets in 90 days"


if __name__ == "__main__":
    main(Path(sys.argv[1]), tuple(sys.argv[2:]) or DEFAULT_KINDS)
