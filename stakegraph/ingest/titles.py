"""A role's level and function from its title, by keyword tables.

The CRM converter gives every contact's title a level and a function this way, and an
import's ``roles.csv`` row with a title and no ``level`` (or no ``function``) gets the one
its title gives (docs/import-format.md). First matching row wins; whole words,
case-insensitive.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["FUNCTION_KEYWORDS", "LEVEL_KEYWORDS", "classify_title"]

#: Title keyword -> level; the first matching row wins (whole words, case-insensitive).
LEVEL_KEYWORDS: Final = (
    (
        (
            "chief executive",
            "ceo",
            "cto",
            "cfo",
            "coo",
            "cio",
            "ciso",
            "cmo",
            "cro",
            "cpo",
            "cxo",
            "president",
            "founder",
            "co-founder",
            "managing director",
        ),
        "c_level",
    ),
    (("vp", "svp", "evp", "avp", "vice president", "head"), "vp"),
    (("director",), "director"),
    (("manager", "lead", "supervisor", "team lead"), "manager"),
)
#: Title keyword -> function; the first matching row wins.
FUNCTION_KEYWORDS: Final = (
    (
        (
            "ceo",
            "coo",
            "president",
            "founder",
            "co-founder",
            "managing director",
            "general manager",
        ),
        "executive",
    ),
    (
        ("it", "cio", "ciso", "information", "infrastructure", "security", "systems", "network"),
        "it",
    ),
    (
        (
            "cto",
            "engineering",
            "engineer",
            "developer",
            "technology",
            "technical",
            "architect",
            "devops",
            "software",
        ),
        "engineering",
    ),
    (("cpo", "product"), "product"),
    (
        ("cfo", "finance", "financial", "accounting", "accountant", "controller", "treasurer"),
        "finance",
    ),
    (("procurement", "purchasing", "buyer", "sourcing", "vendor"), "procurement"),
    (("legal", "counsel", "lawyer", "attorney", "compliance"), "legal"),
    (("cro", "sales", "account executive", "business development", "revenue"), "sales"),
    (("cmo", "marketing", "brand", "communications"), "marketing"),
    (("support", "customer success", "service", "services"), "support"),
    (("hr", "human resources", "people", "talent", "recruiting", "chro"), "hr"),
    (("operations", "ops", "logistics", "supply chain"), "operations"),
)


def classify_title(title: str | None, *, fallback: bool = True) -> tuple[str | None, str | None]:
    """``(level, function)`` from a job title by the keyword tables; a title no keyword
    matches is ``ic`` and ``other``, or None with ``fallback=False`` (nothing said).

    Examples
    --------
    >>> classify_title("VP, IT Operations")
    ('vp', 'it')
    >>> classify_title("Chief Financial Officer")
    ('c_level', 'finance')
    >>> classify_title("Senior Software Engineer")
    ('ic', 'engineering')
    >>> classify_title("Vice President, Finance")
    ('vp', 'finance')
    >>> classify_title("Trader", fallback=False)
    (None, None)
    """
    if not title:
        return None, None
    text = _vice(" " + " ".join(re.sub(r"[^a-z0-9-]+", " ", title.lower()).split()) + " ")
    ranked = _rank(text)
    level = next(
        (lvl for words, lvl in LEVEL_KEYWORDS if any(f" {w} " in ranked for w in words)),
        "ic" if fallback else None,
    )
    function = next(
        (fn for words, fn in FUNCTION_KEYWORDS if any(f" {w} " in text for w in words)),
        "other" if fallback else None,
    )
    if level == "c_level" and function in ("other", None):
        function = "executive"
    return level, function


def _rank(text: str) -> str:
    """The title's words (a vice president already ``vp``) as the level table reads them:
    a chief is c-level as a chief ... officer (a Chief Architect or a Chief of Staff is
    not), and an owner as the title's first word (a Product Owner is not)."""
    text = re.sub(r" chief (?:[a-z-]+ ){0,3}officer ", " cxo ", text)
    return re.sub(r"^ (?:co-)?owner ", " cxo ", text)


def _vice(text: str) -> str:
    """A vice president is not a president: both tables read them as ``vp``."""
    return re.sub(r" vice[ -]president ", " vp ", text)
