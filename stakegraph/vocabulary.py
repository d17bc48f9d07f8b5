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
ORGANIZATION_KINDS: Final = ("home", "account")
