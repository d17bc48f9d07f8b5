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
# errors" are an export before they are an error; a failure named by an integration's
# own word ("Integration with Salesforce failing auth") is the integration's, one named
# by a tool or a protocol ("Sync job failed", "API returns 500") is troubleshooting.
# Written for the words helpdesks use, not only the generator's subjects (which map as
# before): on hand-labelled helpdesk subjects it is right on 37 of 58 never tuned on, the
# table before on 28 (tests/ingest/ticket_subjects.tsv, docs/import-format.md).
DEFAULT_TICKET_RULES: tuple[tuple[str, str], ...] = (
    (
        r"\bsla\b|downtime|uptime|outage|service credits?|credit request|response time"
        r"|resolution time|service[- ]level|penalt(?:y|ies)|root cause|\brca\b"
        r"|post[- ]?mortem|incident report|escalat|\bp1\b|priority 1|unanswered"
        r"|no (?:response|reply|answer) from|still waiting|availability (?:below|under|report)"
        r"|99\.\d+ ?%|unavailab|compensat|sev(?:erity)? ?1\b|not acknowledged"
        r"|(?<!data )breach|days? to (?:reply|respond)|slow (?:support|response)",
        "sla",
    ),
    (
        r"export|extract|download all|bulk download|data dump|database dump|bulk data"
        r"|(?:copy|backup) of (?:all )?(?:of )?(?:our|the|my) (?:\w+ )?data|all (?:of )?our data"
        r"|complete backup|full backup|migrat\w* (?:\w+ )*?out\b|offboard|data portability"
        r"|delet\w* (?:all )?(?:of )?our (?:\w+ )?data|retriev\w* all|hand over|legal hold"
        r"|archive of (?:our|the) |(?:our|my) data after|(?:pull|get) (?:every|all)\b",
        "data_export",
    ),
    (
        r"contract|termination|terminate|notice period|non-renewal|agreement|renewal|\bmsa\b"
        r"|redline|opt[- ]?out|end date of|not to renew|amendment|legal review|order form"
        r"|commitment|statement of work|\bsow\b|terms and conditions|term length"
        r"|(?:renewal|subscription|legal) terms?\b"
        r"|cancel\w* (?:of )?(?:our|the|my) (?:subscription|contract|account|plan|service)"
        r"|cancel\w* (?:request|notice)",
        "contract",
    ),
    (
        r"invoice|billing|refund|payment|licen[cs]e|seat count|charged|credit card"
        r"|purchase order|\bpo (?:number|#)|pricing|\bquote\b|\bvat\b|overcharg|receipt"
        r"|downgrade|(?:reduce|fewer|remove) (?:our |the )?(?:seats|licen[cs]es|users)"
        r"|pro-?rat|\bcharges?\b|\bw-?9\b|tax (?:form|exempt|id)|credit note|overbill",
        "billing",
    ),
    (
        r"security|soc ?2|pen ?test|penetration|questionnaire|gdpr|\bdpa\b|vendor risk"
        r"|risk assessment|compliance|audit(?! log|[- ]trail)|iso ?27001|hipaa|encrypt"
        r"|vulnerabilit|\bcve\b|data processing|data residency|sub-?processor|data breach"
        r"|policy documentation|certification|iso \d+ certificate",
        "security_review",
    ),
    (
        r"integration|connector|webhook|connecting|\bsso setup\b|saml|oauth|okta|\bscim\b"
        r"|single sign[- ]on setup|callback url|api key|embed|graphql|endpoint|data share"
        r"|provisioning|snowflake|bigquery|redshift|tableau|power ?bi|\bsftp\b|microsoft teams",
        "integration",
    ),
    (
        r"feature request|^request:|: request:|enhancement|would like|support for"
        r"|add (?:the |an? )?(?:ability|option|support|setting)|please add|can you (?:add|support)"
        r"|allow (?:\w+ )?to\b|\bidea\b|roadmap|need a way|would be (?:great|nice|helpful)"
        r"|suggest|new feature|feature|(?:would|is) it (?:be )?possible|capabilit|looking for an? "
        r"|option to|wish ?list|nice to have",
        "feature_request",
    ),
    (
        r"optimi[sz]e|speed up|performance|best practice|tuning|recommendations? for"
        r"|takes \d+ (?:seconds|minutes)|load(?:ing)? times?|time ?outs?|timing out|latency"
        r"|scal(?:e|ing) to|reduce (?:the |our )?(?:api calls|load|cost)|how should we"
        r"|structur(?:e|ing) our|sluggish|throughput|rate limits?|quota|faster|keep \w+ fast"
        r"|efficien",
        "optimization",
    ),
    (
        r"error|fail|broken|bug|not working|not firing|stale|\b500\b|crash|slow|do not match"
        r"|cannot|can't|can ?not|unable|won't|doesn't|does not|isn't|not (?:sent|sending|loading"
        r"|showing|receiving|syncing|updating|saving)|wrong|incorrect|missing|blank|spam"
        r"|duplicate|stuck|disappeared|stopped|\b40[0-9]\b|\b50[0-9]\b|expired|freez|hangs"
        r"|locked out|no results|garbled|corrupt|timezone|glitch",
        "troubleshooting",
    ),
    (
        r"\bapi\b|\bsync|zapier|salesforce|hubspot|jira|slack|\betl\b|ldap|\bsdk\b|\bconnect\b"
        r"|import(?:ing)? from",
        "integration",
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
