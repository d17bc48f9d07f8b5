"""The category of a ticket with none given: a rule table over its subject.

Rules are tried in order; the first whose pattern (a case-insensitive regular
expression) is found in the subject gives the category; ``other`` when none matches.
The default table is :data:`DEFAULT_TICKET_RULES` (docs/import-format.md lists it). An
import directory may hold its own ``ticket_rules.csv`` (columns ``pattern``,
``category``), which replaces the default table for that import.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stakegraph.errors import StakegraphError
from stakegraph.vocabulary import TICKET_CATEGORIES

__all__ = [
    "DEFAULT_TICKET_RULES",
    "TICKET_RULES_FILE",
    "TicketRule",
    "TicketRulesError",
    "categorize_subject",
    "compile_rules",
    "read_ticket_rules",
]

TICKET_RULES_FILE = "ticket_rules.csv"

# Order matters: an SLA credit request is about SLA before it is a request; "export
# errors" are an export before they are an error.
DEFAULT_TICKET_RULES: tuple[tuple[str, str], ...] = (
    (
        r"\bsla\b|downtime|uptime|outage|service credits?|credit request|response time"
        r"|resolution time|service[- ]level|penalt(?:y|ies)|root cause analysis|\brca\b",
        "sla",
    ),
    (r"export|extract|download all|data dump|bulk data", "data_export"),
    (r"contract|termination|terminate|notice period|non-renewal|agreement|cancel", "contract"),
    (r"invoice|billing|refund|payment|licen[cs]e|seat count", "billing"),
    (r"security|soc ?2|pen ?test|questionnaire|gdpr|\bdpa\b", "security_review"),
    (r"integration|connector|webhook|connecting|\bsso setup\b", "integration"),
    (r"feature request|^request:|: request:|enhancement|would like|support for", "feature_request"),
    (r"optimi[sz]e|speed up|performance|best practice|tuning", "optimization"),
    (
        r"error|fail|broken|bug|not working|not firing|stale|\b500\b|crash|slow|do not match",
        "troubleshooting",
    ),
)


class TicketRulesError(StakegraphError):
    """A ticket rule table that cannot be used (file, line and why)."""


@dataclass(frozen=True)
class TicketRule:
    pattern: re.Pattern[str]
    category: str


def compile_rules(
    rules: Iterable[tuple[str, str]], *, source: str = "rules"
) -> tuple[TicketRule, ...]:
    """Compiled rules; a bad pattern or category raises naming the rule's line."""
    compiled = []
    for line, (pattern, category) in enumerate(rules, start=2):
        if category not in TICKET_CATEGORIES:
            raise TicketRulesError(
                f"{source}, line {line}, column category: {category!r} is not a ticket "
                f"category; expected one of {', '.join(TICKET_CATEGORIES)}"
            )
        try:
            compiled.append(TicketRule(re.compile(pattern, re.IGNORECASE), category))
        except re.error as exc:
            raise TicketRulesError(
                f"{source}, line {line}, column pattern: {pattern!r} is not a regular "
                f"expression ({exc})"
            ) from None
    return tuple(compiled)


DEFAULT_RULES = compile_rules(DEFAULT_TICKET_RULES, source="default ticket rules")


def categorize_subject(subject: str | None, rules: Sequence[TicketRule] = DEFAULT_RULES) -> str:
    """The category of the first rule found in ``subject``; ``other`` if none.

    Examples
    --------
    >>> categorize_subject("Downtime on Tuesday: SLA credit request")
    'sla'
    >>> categorize_subject("Export errors on large dataset")
    'data_export'
    >>> categorize_subject("Where is the coffee machine?")
    'other'
    """
    text = subject or ""
    for rule in rules:
        if rule.pattern.search(text):
            return rule.category
    return "other"


def read_ticket_rules(directory: Path) -> tuple[TicketRule, ...]:
    """The import directory's ``ticket_rules.csv`` if there is one, else the default."""
    path = Path(directory) / TICKET_RULES_FILE
    if not path.exists():
        return DEFAULT_RULES
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"pattern", "category"} - set(reader.fieldnames or ())
        if missing:
            raise TicketRulesError(
                f"{TICKET_RULES_FILE}, line 1: missing column(s) {', '.join(sorted(missing))}"
            )
        rows = [(row["pattern"] or "", (row["category"] or "").strip().lower()) for row in reader]
    return compile_rules(rows, source=TICKET_RULES_FILE)
