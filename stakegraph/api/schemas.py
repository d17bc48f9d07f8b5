"""What the API accepts and returns: one schema family per resource.

Request bodies forbid unknown fields (a typo is a 422, not a silently ignored option).
Times go out as ISO 8601 (UTC) and dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from stakegraph.display import CONTROL
from stakegraph.playbook import MAX_REQUEST_ID_LENGTH

# Introductions one executive can take on in a cycle; also bounds the assignment's size.
MAX_CAPACITY = 100
Level = Literal["ic", "manager", "director", "vp", "c_level"]
Flag = Literal["champion", "bottleneck", "articulation_point", "departed", "silent_executive"]


def _iso_day(value: Any) -> Any:
    # Pydantic alone also reads 1735689600 and "2025-01-01T00:00:00" as days.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


#: A day the caller sends: YYYY-MM-DD only.
Day = Annotated[date, BeforeValidator(_iso_day)]


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


class CoverageSpanPublic(BaseModel):
    """When one source's data on the account is complete (coverage.csv)."""

    source: str
    kinds: list[str] = Field(description="the interaction kinds it supplies; empty: every kind")
    start: date
    end: date | None = Field(description="the last day covered; null while connected")
    account_only: bool = Field(
        description="the account's own span, in place of the source's span for every account"
    )


class AccountDetailPublic(AccountPublic):
    risk_factors: list[RiskFactorPublic]
    signals: list[SignalPublic] = Field(description="open signals, newest first")
    timeline: TimelinePublic
    signal_history: list[SignalMarkerPublic] = Field(
        default_factory=list,
        description="every signal raised up to the analysis date, oldest first",
    )
    data_coverage: list[CoverageSpanPublic] = Field(
        default_factory=list,
        description="when each source's data on the account is complete, by source; empty "
        "when none was declared (the end of its data is then judged by its traffic)",
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


class ReportingLinePublic(BaseModel):
    report: str = Field(description="person id of the report")
    manager: str = Field(description="person id of their manager")
    since: date
    until: date | None = Field(description="exclusive end; null while current")


class StakeholderMapPublic(BaseModel):
    account_id: str
    as_of: date
    window_start: date
    window_end: date = Field(description="exclusive: the day after as_of")
    nodes: list[MapNodePublic]
    edges: list[MapEdgePublic]
    reporting_lines: list[ReportingLinePublic] = Field(
        default_factory=list,
        description="the org chart among the map's people: who reports to whom on as_of "
        "(roles.csv reports_to, CRM ReportsToId)",
    )


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
        "declared: any other link (a reporting line, a shared meeting, a known acquaintance, "
        "a former colleague), no interaction evidence here: see `hops`"
    )
    evidence: list[EvidencePublic]


WarmHopKind = Literal["reports_to", "tie", "co_attended", "knows", "former_colleague"]


class WarmHopPublic(BaseModel):
    """One introduction of a warm path, with the evidence behind it (docs/metrics.md,
    "Warm paths")."""

    model_config = ConfigDict(populate_by_name=True)

    from_: PersonRef = Field(alias="from", description="who introduces")
    to: PersonRef = Field(description="whom they introduce us to")
    kind: WarmHopKind = Field(
        description="reports_to: a reporting line held at the date; tie: interactions in the "
        "window; co_attended: meetings or calls both attended; knows: a declared "
        "acquaintance (knows.csv); former_colleague: overlapping roles at a past employer"
    )
    strength: float = Field(description="the link's strength in (0, 1]")
    evidence: dict[str, str | int | float | None] = Field(
        description="the dates and counts behind the link: reports_to {report, manager, "
        "since, until}; tie {interactions, last}; co_attended {meetings, first, last}; knows "
        "{source, since}; former_colleague {organization_id, organization, from, until, days}"
    )


class SuggestionPublic(BaseModel):
    stakeholder: PersonBrief
    reach: Literal["unreached", "single_threaded"]
    reached_through: list[PersonRef]
    suggested: PersonBrief | None
    score: ScorePartsPublic | None
    path: list[HopPublic] | None = Field(
        description="warm introduction; null = cold. Kept for compatibility: `hops` says "
        "the same with every kind of link"
    )
    path_strength: float
    hops: list[WarmHopPublic] = Field(
        default_factory=list,
        description="the warm path's introductions, in order (empty = cold introduction)",
    )
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
    as_of: Day | None = None


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
    warm: bool = Field(description="a warm path leads from the executive to the stakeholder")
    reason: str


class OutreachUncoveredPublic(BaseModel):
    account_id: str
    account_name: str | None
    stakeholder: PersonBrief
    reason: str


class OutreachPlanPublic(BaseModel):
    as_of: date
    total_utility: float
    warm_introductions: int = Field(description="assignments that are warm introductions")
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


# --- KPIs ------------------------------------------------------------------------------------


class RatePublic(BaseModel):
    value: float | None = Field(description="null when there was nothing to measure")
    numerator: float
    denominator: float
    reason: str | None = Field(default=None, description="why value is null")


class CheckInImpactPublic(BaseModel):
    value: float | None = Field(
        description="retention with an attended check-in before the renewal minus without"
    )
    low: float | None
    high: float | None
    confidence: float
    accounts: int = Field(description="accounts behind the figure (one renewal each)")
    accounts_with: int
    retained_with: int
    accounts_without: int
    retained_without: int
    reason: str | None = None


class KpiSheetPublic(BaseModel):
    start: date | None = Field(description="first day of the period; null: all history")
    end: date | None = Field(description="first day after the period; null: open")
    accounts: int
    renewals: int = Field(description="renewals due in the period")
    customer_retention_rate: RatePublic
    gross_revenue_retention: RatePublic
    net_revenue_retention: RatePublic
    downgrade_rate: RatePublic
    downgrade_to_churn_rate: RatePublic
    exit_reasons: dict[str, int]
    qbr_engagement_rate: RatePublic
    post_renewal_engagement_rate: RatePublic
    multi_role_share: RatePublic
    check_in_impact: CheckInImpactPublic
    warm_intro_offer_rate: RatePublic
    mean_depth_score: RatePublic
    mean_churn_risk: RatePublic


class KpiGroupPublic(BaseModel):
    key: str | None = Field(description="the segment, owner id or account id; null: none")
    sheet: KpiSheetPublic


class KpisPublic(BaseModel):
    as_of: datetime
    by: Literal["segment", "owner", "account"] | None
    portfolio: KpiSheetPublic
    groups: list[KpiGroupPublic]
    series: list[KpiSheetPublic] = Field(description="the portfolio month by month")


# --- the weekly stand-up -----------------------------------------------------------------------

ChangeKind = Literal[
    "tier_worsened",
    "signal_raised",
    "stakeholder_quiet",
    "renewal_window",
    "tier_improved",
    "signal_cleared",
]


class DigestItemPublic(BaseModel):
    """One change of one account since the baseline, with the play it calls for."""

    account_id: str
    account_name: str
    owner_id: str | None
    owner_name: str | None
    arr: float | None
    risk_score: float | None
    risk_tier: int | None
    arr_at_risk: float = Field(description="arr x risk_score (0 when either is missing)")
    change: ChangeKind
    title: str
    play: str | None = Field(description="the recommended play; null for a cleared signal")
    at: date | None = Field(description="the signal's date, a quiet person's last day seen, ...")
    severity: float | None
    signal_id: str | None
    signal_kind: str | None
    people: list[str]
    tier_from: int | None
    tier_to: int | None
    renewal_date: date | None


class DigestBaselinePublic(BaseModel):
    kind: Literal["run", "date", "none"] = Field(
        description="the last recorded run of the scope, a date's reconstructed state, or none"
    )
    at: date | None = Field(description="the run's analysis day, or the date")
    run_id: str | None
    ran_at: datetime | None
    tiers_known: bool


class DigestPublic(BaseModel):
    scope: str
    owner_id: str | None
    analyzed_at: date | None = Field(description="the last day the analysis covered")
    baseline: DigestBaselinePublic
    accounts: int = Field(description="accounts reviewed")
    items: list[DigestItemPublic]
    count: int


# --- plays -----------------------------------------------------------------------------------

PlayKind = Literal[
    "technical_usage_audit",
    "value_delivery",
    "executive_remapping",
    "contract_restructuring",
    "milestone_stress_test",
]
PlayOutcome = Literal["succeeded", "no_effect", "abandoned", "committed", "evaded"]


def _visible(text: str) -> str:
    # Control characters (C0 and C1, but tab, line feed and carriage return) and the
    # bidirectional overrides and isolates (display.CONTROL): in a stored note they hide or
    # reorder what a reader sees (a right-to-left override shows text reversed) and reach
    # terminals as escapes.
    hidden = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(text)})
    if hidden:
        raise ValueError(
            f"control or bidirectional characters are not allowed: {', '.join(hidden)}"
        )
    return text


def _named(text: str) -> str:
    # Blank is nothing visible: spaces, and format characters like a zero-width space.
    if not any(c.isprintable() and not c.isspace() for c in text):
        raise ValueError("must not be blank")
    return _visible(text)


IdText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_named)]
NoteText = Annotated[str, Field(max_length=2000), AfterValidator(_visible)]
RequestIdText = Annotated[
    str, Field(min_length=1, max_length=MAX_REQUEST_ID_LENGTH), AfterValidator(_named)
]


class PlayOpenRequest(Request):
    kind: PlayKind | None = Field(
        default=None, description="default: the play the signal prescribes"
    )
    signal_id: IdText | None = Field(default=None, description="a signal of this account")
    assignee_id: IdText | None = Field(default=None, description="a person of our side")
    note: NoteText | None = None
    request_id: RequestIdText | None = Field(
        default=None,
        description="repeating a request id returns the play it opened (default: one per "
        f"kind, signal and day); at most {MAX_REQUEST_ID_LENGTH} characters",
    )
    opened_on: Day | None = Field(
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
    count: int = Field(description="plays matching (all pages)")
    limit: int
    offset: int


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
