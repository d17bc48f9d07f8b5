"""How well one of our people fits one of theirs: level parity, function affinity, the
warm-path strength between them and the capacity they have left.

Pure functions, no I/O; shared by re-mapping suggestions (:mod:`.suggest`) and the
portfolio outreach plan (:mod:`.outreach`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Re-exported: suggestions read the level rank from here.
from stakegraph.vocabulary import LEVEL_RANK

# Functions that talk the same language; an executive can open any door a little.
FUNCTION_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"engineering", "product", "it"}),
    frozenset({"finance", "procurement", "legal"}),
    frozenset({"sales", "marketing"}),
    frozenset({"operations", "support", "hr"}),
)
DEFAULT_CAPACITY = 3


@dataclass(frozen=True)
class Person:
    """A person as matching sees them: their role at the date, and (ours) their capacity."""

    person_id: str
    name: str | None = None
    title: str | None = None
    level: str | None = None
    function: str | None = None
    capacity: int = DEFAULT_CAPACITY

    @property
    def label(self) -> str:
        """``Name (Title)`` for sentences."""
        name = self.name or self.person_id
        role = self.title or " ".join(p for p in (self.level, self.function) if p)
        return f"{name} ({role})" if role else name


@dataclass(frozen=True)
class MatchWeights:
    """Weights of the four parts of a match score; they sum to 1 so scores stay in [0, 1]."""

    level_parity: float = 0.35
    function_affinity: float = 0.25
    tie: float = 0.25
    capacity: float = 0.15

    def __post_init__(self) -> None:
        parts = (self.level_parity, self.function_affinity, self.tie, self.capacity)
        if min(parts) < 0 or abs(sum(parts) - 1.0) > 1e-9:
            raise ValueError("match weights must be non-negative and sum to 1")


DEFAULT_WEIGHTS = MatchWeights()


@dataclass(frozen=True)
class MatchScore:
    """A pairing's score and the parts it is made of (each in [0, 1])."""

    total: float
    level_parity: float
    function_affinity: float
    tie: float
    capacity: float


def level_parity(ours: str | None, theirs: str | None) -> float:
    """1 for the same level, minus a quarter per level apart; 0 when either is unknown.

    >>> level_parity("vp", "c_level")
    0.75
    """
    a, b = LEVEL_RANK.get(ours or ""), LEVEL_RANK.get(theirs or "")
    if a is None or b is None:
        return 0.0
    return 1.0 - abs(a - b) / 4.0


def function_affinity(ours: str | None, theirs: str | None) -> float:
    """1 same function, 0.7 when either is an executive, 0.6 same family, else 0.2.

    >>> function_affinity("it", "engineering"), function_affinity("sales", "legal")
    (0.6, 0.2)
    """
    if ours is None or theirs is None:
        return 0.2
    if ours == theirs:
        return 1.0
    if "executive" in (ours, theirs):
        return 0.7
    if any(ours in family and theirs in family for family in FUNCTION_FAMILIES):
        return 0.6
    return 0.2


def match_score(
    colleague: Person,
    stakeholder: Person,
    *,
    tie: float,
    remaining: int,
    weights: MatchWeights = DEFAULT_WEIGHTS,
) -> MatchScore:
    """Score ``colleague`` (ours) for reaching ``stakeholder`` (theirs).

    ``tie`` is the warm-path strength in [0, 1]; ``remaining`` the colleague's outreach
    capacity still free (its share of their full capacity is the capacity part).

    >>> s = match_score(Person("c", level="c_level", function="executive", capacity=2),
    ...                 Person("t", level="c_level", function="engineering"),
    ...                 tie=0.36, remaining=2)
    >>> round(s.total, 3)
    0.765
    """
    level = level_parity(colleague.level, stakeholder.level)
    function = function_affinity(colleague.function, stakeholder.function)
    capacity = min(1.0, remaining / colleague.capacity) if colleague.capacity > 0 else 0.0
    capacity = max(0.0, capacity)
    total = (
        weights.level_parity * level
        + weights.function_affinity * function
        + weights.tie * tie
        + weights.capacity * capacity
    )
    return MatchScore(total, level, function, tie, capacity)
