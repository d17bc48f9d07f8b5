"""The domain's fixed vocabularies, shared by import validation, generator and analytics.

They are part of the import format (docs/import-format.md): extend them compatibly.
The order of each tuple is meaningful (levels run from junior to senior) and the
generator relies on it for determinism.
"""

from __future__ import annotations

from typing import Final

INTERACTION_KINDS: Final = ("email", "meeting", "call", "ticket", "note")
LEVELS: Final = ("ic", "manager", "director", "vp", "c_level")
SENIOR_LEVELS: Final = frozenset({"vp", "c_level"})
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
ORGANIZATION_KINDS: Final = ("home", "account")
