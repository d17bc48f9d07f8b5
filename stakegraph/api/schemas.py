"""What the API accepts and returns: one schema family per resource.

Request bodies forbid unknown fields (a typo is a 422, not a silently ignored option).
Times go out as ISO 8601 (UTC) and dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Introductions one executive can take on in a cycle; also bounds the assignment's size.
MAX_CAPACITY = 100
Level = Literal["ic", "manager", "director", "vp", "c_level"]
Flag = Literal["champion", "bottleneck", "articulation_point", "departed", "silent_executive"]


class Request(BaseModel):
    """Base of request bodies: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


# --- health ----------------------------------------------------------------------------------


class HealthPublic(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyPublic(BaseModel):
    status: Literal["ready"] = "ready"
    backend: str
    read_model: Literal["ready", "warming", "off"] = Field(
        default="off",
        description="'warming' until the in-memory read model is first built "
        "(reads are answered per request meanwhile)",
    )


# --- people ----------------------------------------------------------------------------------


class PersonRef(BaseModel):
    """A person, briefly."""

    id: str
    name: str | None = None


class PersonBrief(PersonRef):
    """A person with the role they held at the date in question."""

    title: str | None = None
    level: str | None = None
    function: str | None = None
    is_ours: bool = False


# --- accounts --------------------------------------------------------------------------------


class TrendPublic(BaseModel):
    """How the account moved over its last (up to) four snapshots, oldest first."""

    metric: Literal["risk_score", "depth_score"]
    values: list[float]
    change: float | None = Field(description="newest minus oldest; null with < 2 values")
    direction: Literal["improving", "worsening", "flat", "unknown"]


class AccountPublic(BaseModel):
    id: str
    name: str | None
    segment: str | None
    arr: float | None
    renewal_date: date | None
    owner_id: str | None
    risk_score: float | None = Field(description="0-1, higher = more likely to churn")
    risk_tier: int | None = Field(description="1 likely to renew ... 5 churn risk")
    risk_tier_label: str | None
    analyzed_at: date | None
    trend: TrendPublic
    open_signals: int
    open_signals_by_kind: dict[str, int]


class AccountsPublic(BaseModel):
    data: list[AccountPublic]
    count: int = Field(description="accounts matching the filters (all pages)")
    limit: int
    offset: int


class RiskFactorPublic(BaseModel):
    factor: str
    value: float | None = None
    contribution: float | None = None


class SignalPublic(BaseModel):
    id: str
    kind: str
    at: datetime
    severity: float | None
    summary: str | None
    evidence: Any = Field(description="the signal's evidence: numbers and names (JSON)")
    people: list[PersonRef]


class SignalMarkerPublic(BaseModel):
    """A signal as a point on the account's timeline (open or not; no evidence)."""

    id: str
    kind: str
    at: datetime
    severity: float | None
    summary: str | None


class TimelinePublic(BaseModel):
    """Every snapshot metric across windows, column-wise (oldest window first)."""

    window_start: list[datetime]
    window_end: list[datetime]
    metrics: dict[str, list[float | None]]


class AccountDetailPublic(AccountPublic):
    risk_factors: list[RiskFactorPublic]
    signals: list[SignalPublic] = Field(description="open signals, newest first")
    timeline: TimelinePublic
    signal_history: list[SignalMarkerPublic] = Field(
        default_factory=list,
        description="every signal raised up to the analysis date, oldest first",
    )


# --- stakeholder map -------------------------------------------------------------------------


class MapNodePublic(PersonBrief):
    organization_id: str | None = None
    flags: list[Flag]


class EvidencePublic(BaseModel):
    """One interaction between two people: when and how."""

    interaction_id: str
    kind: str
    at: datetime
    subject: str | None = None


class MapEdgePublic(BaseModel):
    source: str
    target: str
    strength: float
    interactions: int
    last_at: datetime
    days_since_last: int
    evidence: list[EvidencePublic]


class StakeholderMapPublic(BaseModel):
    account_id: str
    as_of: date
    window_start: date
    window_end: date = Field(description="exclusive: the day after as_of")
    nodes: list[MapNodePublic]
    edges: list[MapEdgePublic]


# --- suggestions -----------------------------------------------------------------------------


class ScorePartsPublic(BaseModel):
    total: float
    level_parity: float
    function_affinity: float
    tie: float
    capacity: float


class HopPublic(BaseModel):
    """One introduction: ``source`` knows ``target``, as the evidence shows."""

    source: PersonRef
    target: PersonRef
    strength: float
    kind: Literal["interaction", "declared"] = Field(
        description="interaction: they interacted in the window (evidence lists when and how); "
        "declared: a known acquaintance from knows.csv, no interaction evidence"
    )
    evidence: list[EvidencePublic]


class SuggestionPublic(BaseModel):
    stakeholder: PersonBrief
    reach: Literal["unreached", "single_threaded"]
    reached_through: list[PersonRef]
    suggested: PersonBrief | None
    score: ScorePartsPublic | None
    path: list[HopPublic] | None = Field(description="warm introduction; null = cold")
    path_strength: float
    reason: str


class SuggestionsPublic(BaseModel):
    account_id: str
    as_of: date
    data: list[SuggestionPublic]
    count: int


# --- outreach plan ---------------------------------------------------------------------------


class OutreachPlanRequest(Request):
    min_tier: int = Field(default=4, ge=1, le=5, description="accounts at this tier or worse")
    capacities: dict[str, Annotated[int, Field(ge=0, le=MAX_CAPACITY)]] = Field(
        default_factory=dict,
        description="person id -> introductions this cycle, overriding outreach_capacity",
    )
    executive_levels: list[Level] = Field(default=["vp", "c_level"], min_length=1)
    stakeholder_levels: list[Level] = Field(default=["director", "vp", "c_level"], min_length=1)
    min_score: float = Field(default=0.3, ge=0.0, le=1.0)
    as_of: date | None = None


class OutreachExecutivePublic(PersonBrief):
    capacity: int
    assigned: int


class OutreachAssignmentPublic(BaseModel):
    executive: PersonBrief
    account_id: str
    account_name: str | None
    stakeholder: PersonBrief
    utility: float
    score: ScorePartsPublic
    reason: str


class OutreachUncoveredPublic(BaseModel):
    account_id: str
    account_name: str | None
    stakeholder: PersonBrief
    reason: str


class OutreachPlanPublic(BaseModel):
    as_of: date
    total_utility: float
    assignments: list[OutreachAssignmentPublic]
    uncovered: list[OutreachUncoveredPublic]
    executives: list[OutreachExecutivePublic]


# --- departure impact ------------------------------------------------------------------------


class BrokenTiePublic(BaseModel):
    person: PersonBrief
    strength: float


class SingleThreadedPublic(BaseModel):
    stakeholder: PersonBrief
    remaining_contact: PersonBrief


class BridgePublic(BaseModel):
    stakeholder: PersonRef
    via: PersonBrief
    path: list[PersonRef]
    strength: float
    handover: bool = Field(description="the path runs through the leaver: introduce before")


class AccountImpactPublic(BaseModel):
    account_id: str
    as_of: date
    broken_ties: list[BrokenTiePublic]
    unreachable: list[PersonBrief]
    lost_direct_contact: list[PersonBrief]
    single_threaded: list[SingleThreadedPublic]
    bridges: list[BridgePublic]


class DepartureImpactPublic(BaseModel):
    person: PersonRef
    accounts: list[AccountImpactPublic]


# --- cypher ----------------------------------------------------------------------------------


class CypherRequest(Request):
    query: str = Field(min_length=1, max_length=20_000, description="one read-only statement")
    parameters: dict[str, Any] = Field(default_factory=dict)
    limit: int = Field(default=100, ge=1, description="at most this many rows (server cap)")


class CypherResultPublic(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    count: int
    truncated: bool


# --- plays -----------------------------------------------------------------------------------

PlayKind = Literal[
    "technical_usage_audit",
    "value_delivery",
    "executive_remapping",
    "contract_restructuring",
    "milestone_stress_test",
]
PlayOutcome = Literal["succeeded", "no_effect", "abandoned", "committed", "evaded"]
IdText = Annotated[str, Field(min_length=1, max_length=200)]
NoteText = Annotated[str, Field(max_length=2000)]


class PlayOpenRequest(Request):
    kind: PlayKind | None = Field(
        default=None, description="default: the play the signal prescribes"
    )
    signal_id: IdText | None = Field(default=None, description="a signal of this account")
    assignee_id: IdText | None = Field(default=None, description="a person of our side")
    note: NoteText | None = None
    request_id: IdText | None = Field(
        default=None,
        description="repeating a request id returns the play it opened (default: one per "
        "kind, signal and day)",
    )
    opened_on: date | None = Field(
        default=None, description="YYYY-MM-DD, to record a play run earlier (default: now)"
    )


class PlayAssignRequest(Request):
    assignee_id: IdText = Field(description="a person of our side")


class PlayCloseRequest(Request):
    outcome: PlayOutcome = Field(
        description="milestone_stress_test: committed | evaded | abandoned; "
        "every other play: succeeded | no_effect | abandoned"
    )
    note: NoteText | None = None
    closed_on: date | None = Field(default=None, description="YYYY-MM-DD (default: now)")


class PlayEventPublic(BaseModel):
    status: Literal["open", "assigned", "closed"]
    at: datetime
    by: str | None = None
    assignee_id: str | None = None
    outcome: str | None = None
    note: str | None = None


class FollowupPublic(BaseModel):
    windows: int = Field(description="windows (weeks) after the baseline window")
    risk_window_end: date | None
    risk_score: float | None
    risk_change: float | None = Field(description="later minus baseline; negative = safer")
    risk_tier: int | None
    tier_change: int | None = Field(description="later minus baseline; negative = safer")
    depth_window_end: date | None
    depth_score: float | None
    depth_change: float | None = Field(description="later minus baseline; positive = deeper")


class PlayEffectPublic(BaseModel):
    baseline_window_end: date | None
    risk_score: float | None
    risk_tier: int | None
    depth_score: float | None
    after: list[FollowupPublic]


class PlayPublic(BaseModel):
    id: str
    account_id: str
    account_name: str | None
    kind: str
    status: Literal["open", "closed"]
    opened_at: datetime
    opened_by: str | None
    request_id: str | None
    signal_id: str | None
    signal_kind: str | None
    assignee_id: str | None
    assignee_name: str | None
    outcome: str | None
    next_step: str | None = Field(description="stress-test: remediate or resource_protection")
    closed_at: datetime | None
    note: str | None
    close_note: str | None
    outcome_choices: list[str]
    history: list[PlayEventPublic]
    effect: PlayEffectPublic


class PlaysPublic(BaseModel):
    data: list[PlayPublic]
    count: int


class HorizonPublic(BaseModel):
    windows: int
    measured: int
    mean_risk_change: float | None
    risk_fell_share: float | None
    tier_improved_share: float | None
    tier_worsened_share: float | None
    mean_depth_change: float | None


class PlayKpisPublic(BaseModel):
    opened: int
    open: int
    closed: int
    opened_by_kind: dict[str, int]
    outcomes: dict[str, dict[str, int]]
    effect: list[HorizonPublic]
    effect_by_kind: dict[str, list[HorizonPublic]]
