"""The domain's fixed vocabularies, shared by import validation, generator and analytics.

They are part of the import format (docs/import-format.md): extend them compatibly.
The order of each tuple is meaningful (levels run from junior to senior) and the
generator relies on it for determinism.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

INTERACTION_KINDS: Final = ("email", "meeting", "call", "ticket", "note")
LEVELS: Final = ("ic", "manager", "director", "vp", "c_level")
# A level's seniority: its position in LEVELS (ic 0 ... c_level 4).
LEVEL_RANK: Final[Mapping[str, int]] = MappingProxyType(
    {level: rank for rank, level in enumerate(LEVELS)}
)
# Two different groupings, two names (junior first, like LEVELS):
# executives are the people whose withdrawal is a signal and whom leadership reaches;
EXECUTIVE_LEVELS: Final = ("vp", "c_level")
# senior stakeholders are the people a re-mapping makes sure we reach (executives and
# the directors who run the functions that buy).
SENIOR_STAKEHOLDER_LEVELS: Final = ("director", "vp", "c_level")
FUNCTIONS: Final = (
    "executive",
    "engineering",
    "product",
    "it",
    "operations",
    "finance",
    "procurement",
    "legal",
    "sales",
    "marketing",
    "support",
    "hr",
    "other",
)
OUTCOMES: Final = ("renewed", "churned", "downgraded", "expanded")
# An interaction with more distinct people than this (sender included) is a broadcast, not
# a conversation: analytics and stakeholder maps leave it out whether it was flagged ``bulk``
# or not (docs/metrics.md, "Conversational interaction").
BULK_THRESHOLD: Final = 25

# A contact's part in the buying decision, as CRMs record it (e.g. Salesforce
# OpportunityContactRole.Role): roles.csv's optional buying_role.
BUYING_ROLES: Final = (
    "champion",
    "sponsor",
    "economic_buyer",
    "decision_maker",
    "influencer",
    "user",
)
ORGANIZATION_KINDS: Final = ("home", "account")
# engagements.csv: strategic and governance meetings an account is invited to or holds, and
# how each invitation went (docs/import-format.md). Co-innovation first, then governance,
# then the routine touch points.
ENGAGEMENT_KINDS: Final = (
    "beta",
    "pilot",
    "steering_committee",
    "advisory_board",
    "roadmap_review",
    "qbr",
    "ebr",
    "check_in",
    "intro_request",
)
ENGAGEMENT_STATUSES: Final = ("invited", "accepted", "declined", "attended", "no_show")

# Signal kinds, in the order the detectors run and reports list them.
SINGLE_NODE_BOTTLENECK: Final = "single_node_bottleneck"
CHAMPION_DEPARTURE: Final = "champion_departure"
EXECUTIVE_WITHDRAWAL: Final = "executive_withdrawal"
RESPONSE_LATENCY_INFLATION: Final = "response_latency_inflation"
ENGAGEMENT_CONTRACTION: Final = "engagement_contraction"
# Any other key stakeholder's departure (the champion's is champion_departure).
STAKEHOLDER_DEPARTURE: Final = "stakeholder_departure"
# Beyond conversations (docs/metrics.md, "Beyond conversations"): product usage, the
# support-ticket mix, co-innovation and business-review participation.
USAGE_DECLINE: Final = "usage_decline"
FEATURE_DEPTH_REGRESSION: Final = "feature_depth_regression"
TICKET_MIX_SHIFT: Final = "ticket_mix_shift"
SLA_POLICING: Final = "sla_policing"
CO_INNOVATION_WITHDRAWAL: Final = "co_innovation_withdrawal"
QBR_DISENGAGEMENT: Final = "qbr_disengagement"
BEYOND_SIGNAL_KINDS: Final = (
    USAGE_DECLINE,
    FEATURE_DEPTH_REGRESSION,
    TICKET_MIX_SHIFT,
    SLA_POLICING,
    CO_INNOVATION_WITHDRAWAL,
    QBR_DISENGAGEMENT,
)
SIGNAL_KINDS: Final = (
    SINGLE_NODE_BOTTLENECK,
    CHAMPION_DEPARTURE,
    EXECUTIVE_WITHDRAWAL,
    RESPONSE_LATENCY_INFLATION,
    ENGAGEMENT_CONTRACTION,
    STAKEHOLDER_DEPARTURE,
    *BEYOND_SIGNAL_KINDS,
)

# A support ticket's category (interactions.csv ``category``; inferred from the subject
# by the rule table of stakegraph/ingest/ticket_rules.py when empty). The first three are
# a customer building on the product, the next three one preparing to leave it.
TICKET_CATEGORIES: Final = (
    "feature_request",
    "integration",
    "optimization",
    "troubleshooting",
    "data_export",
    "contract",
    "billing",
    "sla",
    "security_review",
    "other",
)
BUILDING_TICKET_CATEGORIES: Final = ("feature_request", "integration", "optimization")
EXIT_TICKET_CATEGORIES: Final = ("data_export", "contract", "billing")
TICKET_SEVERITIES: Final = ("low", "normal", "high", "urgent")
TICKET_STATUSES: Final = ("new", "open", "pending", "on_hold", "solved", "closed")
# A feature's tier on usage.csv.
FEATURE_TIERS: Final = ("basic", "advanced")
# Usage metrics the usage signals read (besides "feature:<name>"), and every metric known
# by name (docs/import-format.md): any other name is kept, but nothing reads it.
USAGE_SIGNAL_METRICS: Final = ("active_users", "api_calls", "seats_used")
USAGE_METRICS: Final = (*USAGE_SIGNAL_METRICS, "seats_purchased")
FEATURE_METRIC_PREFIX: Final = "feature:"
# Co-innovation and business-review engagements (engagements.csv: ENGAGEMENT_KINDS above).
CO_INNOVATION_KINDS: Final = (
    "beta",
    "pilot",
    "steering_committee",
    "advisory_board",
    "roadmap_review",
)
BUSINESS_REVIEW_KINDS: Final = ("qbr", "ebr", "check_in")

# The plays an account team runs when a signal fires (docs/metrics.md, "Plays"): each
# signal kind prescribes one, the digest recommends it and a play opened on an account is
# tracked to its outcome.
TECHNICAL_USAGE_AUDIT: Final = "technical_usage_audit"
VALUE_DELIVERY: Final = "value_delivery"
EXECUTIVE_REMAPPING: Final = "executive_remapping"
CONTRACT_RESTRUCTURING: Final = "contract_restructuring"
MILESTONE_STRESS_TEST: Final = "milestone_stress_test"
PLAYS: Final = (
    TECHNICAL_USAGE_AUDIT,
    VALUE_DELIVERY,
    EXECUTIVE_REMAPPING,
    CONTRACT_RESTRUCTURING,
    MILESTONE_STRESS_TEST,
)
# Why each: a lost or single thread is re-mapped through the suggestions; executives who
# withdraw are won back with delivered value, not another check-in; slowing replies and a
# shrinking relationship are tested with a dated milestone the customer must commit to.
PLAY_FOR_SIGNAL: Final = {
    SINGLE_NODE_BOTTLENECK: EXECUTIVE_REMAPPING,
    CHAMPION_DEPARTURE: EXECUTIVE_REMAPPING,
    STAKEHOLDER_DEPARTURE: EXECUTIVE_REMAPPING,
    EXECUTIVE_WITHDRAWAL: VALUE_DELIVERY,
    RESPONSE_LATENCY_INFLATION: MILESTONE_STRESS_TEST,
    ENGAGEMENT_CONTRACTION: MILESTONE_STRESS_TEST,
    # Falling usage and abandoned advanced features are answered with a usage audit: find
    # what stopped working for them before it reaches the renewal.
    USAGE_DECLINE: TECHNICAL_USAGE_AUDIT,
    FEATURE_DEPTH_REGRESSION: TECHNICAL_USAGE_AUDIT,
    # Tickets about exports, contracts and bills, or about SLA credits, are a customer
    # preparing the exit or the negotiation: restructure the contract before they do.
    TICKET_MIX_SHIFT: CONTRACT_RESTRUCTURING,
    SLA_POLICING: CONTRACT_RESTRUCTURING,
    # Declining the betas and steering committees they used to accept means the product no
    # longer earns their time: deliver value. Skipping the business reviews is tested
    # with a dated milestone their executives must commit to.
    CO_INNOVATION_WITHDRAWAL: VALUE_DELIVERY,
    QBR_DISENGAGEMENT: MILESTONE_STRESS_TEST,
}

# How a play ends (docs/metrics.md, "Plays"). The milestone stress-test asks the customer to
# commit to a dated milestone: they commit (we remediate together) or they evade (we move the
# account to resource protection). The other plays succeed (the signal's cause is addressed),
# have no effect, or are abandoned (overtaken by events: the renewal came, the account left).
PLAY_STATUSES: Final = ("open", "closed")
PLAY_OUTCOMES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        TECHNICAL_USAGE_AUDIT: ("succeeded", "no_effect", "abandoned"),
        VALUE_DELIVERY: ("succeeded", "no_effect", "abandoned"),
        EXECUTIVE_REMAPPING: ("succeeded", "no_effect", "abandoned"),
        CONTRACT_RESTRUCTURING: ("succeeded", "no_effect", "abandoned"),
        MILESTONE_STRESS_TEST: ("committed", "evaded", "abandoned"),
    }
)
# What a stress-test's outcome sends the team to do next.
NEXT_STEP_FOR_OUTCOME: Final[Mapping[str, str]] = MappingProxyType(
    {"committed": "remediate", "evaded": "resource_protection"}
)
