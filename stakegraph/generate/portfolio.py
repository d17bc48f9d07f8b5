"""`generate_portfolio`: a synthetic B2B portfolio in the import format, plus its truth."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt

from stakegraph.generate.activity import AccountContext, account_rows
from stakegraph.generate.beyond import BEYOND_CAUSE, BeyondEvent, BeyondPlan, plan_beyond
from stakegraph.generate.bulk import bulk_mail_rows
from stakegraph.generate.engagements import (
    ENGAGEMENT_COLUMNS,
    engagement_rows,
    withdrawal_observability,
)
from stakegraph.generate.enterprise import ENTERPRISE_PROFILE, write_enterprise_portfolio
from stakegraph.generate.key_people import (
    WrittenTraffic,
    departure_observability,
    executive_withdrawal_observability,
    plant_stakeholder_departure,
    stakeholder_departure_events,
)
from stakegraph.generate.knock_on import knock_on_events
from stakegraph.generate.people import HOME_ORGANIZATION_ID, HomeTeam, build_home_team
from stakegraph.generate.plan import (
    EXECUTIVE_WITHDRAWAL,
    AccountPlan,
    PlannedEvent,
    pick_event_accounts,
    pick_segments,
    plan_account,
    plan_career_moves,
)
from stakegraph.generate.slide import slide_events, withdrawals_recorded_once
from stakegraph.generate.steering import plan_steering_committees
from stakegraph.generate.tickets import (
    account_ticket_mix,
    as_filed,
    event_ticket_counts,
    mix_shift_observability,
    sla_observability,
    with_event_tickets,
    with_ticket_fields,
)
from stakegraph.generate.timeline import Timeline
from stakegraph.generate.usage import USAGE_COLUMNS, usage_rows
from stakegraph.generate.volume import daily_multipliers, expected_rows
from stakegraph.generate.writer import (
    GENERATED_INTERACTION_COLUMNS,
    GENERATED_RENEWAL_COLUMNS,
    GENERATED_ROLE_COLUMNS,
    all_people,
    coverage_rows,
    knows_rows,
    organization_rows,
    people_rows,
    renewal_rows,
    role_rows,
    write_csv,
)
from stakegraph.ingest.records import (
    COVERAGE_COLUMNS,
    KNOWS_COLUMNS,
    ORGANIZATION_COLUMNS,
    PEOPLE_COLUMNS,
)
from stakegraph.vocabulary import (
    CHAMPION_DEPARTURE,
    CO_INNOVATION_WITHDRAWAL,
    SLA_POLICING,
    STAKEHOLDER_DEPARTURE,
    TICKET_CATEGORIES,
    TICKET_MIX_SHIFT,
)

DEFAULT_PROFILE = "default"
PROFILES = (DEFAULT_PROFILE, ENTERPRISE_PROFILE)
"""Generator profiles: the default portfolio, and ``enterprise`` (docs/generator.md)."""
DEMO_ACCOUNTS = 200
"""Portfolio size for a demo."""
DEFAULT_INTERACTIONS_PER_ACCOUNT = 1_000
"""Average interactions per account over the 30-month history (about 33 a month; the
segment volume weights make that about 2,100 for an enterprise account and 500 for an
SMB one, see docs/generator.md)."""
EVENT_ACCOUNT_SHARE = 0.4
"""Share of accounts that get one or two planted events."""
TRUTH_FILE = "truth.json"

# Independent random streams, so that one part of the portfolio does not shift another.
_STREAM_HOME, _STREAM_PLAN, _STREAM_ACTIVITY, _STREAM_BULK, _STREAM_KNOWS = range(5)
# Beyond conversations: the plan, usage, ticket fields and engagements (new streams, so
# the conversations of a seed are what they were).
_STREAM_BEYOND, _STREAM_USAGE, _STREAM_TICKETS, _STREAM_ENGAGEMENTS = range(5, 9)
# Its own stream: planting a key stakeholder's departure changes no other draw.
_STREAM_KEY_DEPARTURES = 11
# A person's departure, whichever kind names it (evaluate.SAME_EVENT_KINDS).
_DEPARTURE_KINDS = (CHAMPION_DEPARTURE, STAKEHOLDER_DEPARTURE)

# Its own stream too: the executives' steering committees add rows, shift no other draw.
_STREAM_STEERING = 12
# The tickets a ticket event files (drawn after the rest of the beyond plan).
_STREAM_EVENT_TICKETS = 13


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate_portfolio` wrote: row counts per file and the truth file."""

    out_dir: Path
    organizations: int
    people: int
    roles: int
    interactions: int
    renewals: int
    knows: int
    events: int
    truth_path: Path
    usage: int = 0
    engagements: int = 0
    coverage: int = 0


def generate_portfolio(
    out_dir: Path,
    *,
    accounts: int,
    seed: int,
    start: date = date(2023, 1, 2),
    months: int = 30,
    interactions_per_account: int = DEFAULT_INTERACTIONS_PER_ACCOUNT,
    progress: Callable[[int, int], None] | None = None,
    profile: str = DEFAULT_PROFILE,
) -> GenerationSummary:
    """Generate a realistic B2B portfolio in the import format, and ``truth.json``.

    The same arguments give byte-identical files. See ``docs/generator.md`` for what is
    modelled and for the planted events.

    Parameters
    ----------
    out_dir : Path
        Directory to write into (created if missing); existing files are overwritten.
    accounts : int
        Number of customer accounts (a demo uses ``DEMO_ACCOUNTS`` = 200).
    seed : int
        Seed of every random draw.
    start : date, default 2023-01-02
        First day of the history.
    months : int, default 30
        Length of the history in months.
    interactions_per_account : int, default 1000
        Average number of account interactions over the history (bulk mail excluded).
    progress : callable, optional
        Called as ``progress(done, total)`` after each account's interactions.
    profile : {"default", "enterprise"}, default "default"
        ``"enterprise"``: stakeholder networks of 5 to 300 people with heavy-tailed
        activity, planted key-stakeholder departures, crisis bursts and data that ends
        early (:mod:`stakegraph.generate.enterprise`); its volume follows each account's
        size, so ``interactions_per_account`` must stay at its default.

    Returns
    -------
    GenerationSummary
        Row counts per file and the path of ``truth.json``.

    Examples
    --------
    >>> summary = generate_portfolio(Path("demo"), accounts=20, seed=7)  # doctest: +SKIP
    >>> summary.truth_path.name  # doctest: +SKIP
    'truth.json'
    """
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    if months < 12:
        raise ValueError("months must be at least 12: events need history on both sides")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    timeline = Timeline(start, (_add_months(start, months) - start).days)
    if profile == ENTERPRISE_PROFILE:
        if interactions_per_account != DEFAULT_INTERACTIONS_PER_ACCOUNT:
            raise ValueError("the enterprise profile's volume follows account size")
        written = write_enterprise_portfolio(
            out_dir, accounts=accounts, seed=seed, timeline=timeline, progress=progress
        )
        counts = written["counts"]
        assert isinstance(counts, dict)
        return GenerationSummary(
            out_dir=out_dir,
            events=int(str(written["events"])),
            truth_path=out_dir / TRUTH_FILE,
            **counts,
        )
    id_width = max(4, len(str(accounts)))
    home = build_home_team(accounts, _stream(seed, _STREAM_HOME))
    plans = _plan_portfolio(accounts, seed, timeline, home, id_width)

    beyond = [
        plan_beyond(plan, timeline, _stream(seed, _STREAM_BEYOND, plan.org.number))
        for plan in plans
    ]
    people = list(all_people(home, plans))
    counts = {
        "organizations": write_csv(
            out_dir / "organizations.csv",
            ORGANIZATION_COLUMNS,
            organization_rows(plans, timeline),
        ),
        "people": write_csv(out_dir / "people.csv", PEOPLE_COLUMNS, people_rows(people)),
        "roles": write_csv(
            out_dir / "roles.csv", GENERATED_ROLE_COLUMNS, role_rows(people, timeline)
        ),
        "renewals": write_csv(
            out_dir / "renewals.csv",
            GENERATED_RENEWAL_COLUMNS,
            renewal_rows(plans, timeline, [b.revenue for b in beyond]),
        ),
        "knows": write_csv(
            out_dir / "knows.csv",
            KNOWS_COLUMNS,
            knows_rows(plans, timeline, _stream(seed, _STREAM_KNOWS)),
        ),
        "coverage": write_csv(
            out_dir / "coverage.csv", COVERAGE_COLUMNS, coverage_rows(timeline, {})
        ),
    }
    context = AccountContext(
        timeline=timeline,
        season=timeline.seasonality(),
        rate_scale=0.0,
        home_away=_home_vacations(home, timeline, _stream(seed, _STREAM_HOME, 1)),
        home_index={p.id: i for i, p in enumerate(home.people)},
        id_width=id_width,
    )
    context = _calibrated(context, plans, interactions_per_account)
    beyond = [
        with_event_tickets(
            extra,
            daily_multipliers(plan, timeline, context.season)["ticket"]
            * (context.rate_scale * plan.volume_weight),
            timeline,
            _stream(seed, _STREAM_EVENT_TICKETS, plan.org.number),
        )
        for plan, extra in zip(plans, beyond, strict=True)
    ]
    filed: list[BeyondPlan] = []
    held: list[WrittenTraffic] = []
    counts["interactions"] = write_csv(
        out_dir / "interactions.csv",
        GENERATED_INTERACTION_COLUMNS,
        _interaction_rows(plans, beyond, context, seed, timeline, progress, (filed, held)),
    )
    counts["usage"] = write_csv(
        out_dir / "usage.csv",
        USAGE_COLUMNS,
        (
            row
            for plan, extra in zip(plans, beyond, strict=True)
            for row in usage_rows(
                plan, extra, timeline, _stream(seed, _STREAM_USAGE, plan.org.number)
            )
        ),
    )
    counts["engagements"] = write_csv(
        out_dir / "engagements.csv",
        ENGAGEMENT_COLUMNS,
        (
            row
            for plan, extra in zip(plans, beyond, strict=True)
            for row in engagement_rows(
                plan, extra, timeline, _stream(seed, _STREAM_ENGAGEMENTS, plan.org.number)
            )
        ),
    )
    truth = truth_document(
        plans, seed=seed, timeline=timeline, beyond=filed, context=context, written=held
    )
    events = truth["events"]
    assert isinstance(events, list)
    truth_path = out_dir / TRUTH_FILE
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return GenerationSummary(
        out_dir=out_dir,
        events=len(events),
        truth_path=truth_path,
        **counts,
    )


def truth_document(
    plans: list[AccountPlan],
    *,
    seed: int,
    timeline: Timeline,
    beyond: list[BeyondPlan] | None = None,
    context: AccountContext | None = None,
    written: list[WrittenTraffic] | None = None,
) -> dict[str, object]:
    """The ``truth.json`` document: accounts, events and renewal outcomes.

    Events are the planted ones (``details.cause == "planted"``), those a planted event
    plants in another kind (``"knock_on"``, see `knock_on.knock_on_events`) and those the
    pre-churn slide plants (``"pre_churn_slide"``, see `slide.slide_events`), and the
    beyond-conversation events of ``beyond`` (`beyond.plan_beyond`), per account by date.
    With the activity ``context`` the rows were drawn with, each departure (either kind)
    also records what the data can show of it (`key_people.departure_observability`:
    ``expected_appearances``, ``observable``, and with the accounts' ``written``
    conversations, one per plan, ``share_before``, ``conversations_after``,
    ``evidence_nats``), each ``executive_withdrawal`` the same three of its executives
    as a group, kind by kind, and ``observable``
    (`key_people.executive_withdrawal_observability`), and so does each ``sla_policing`` and
    ``ticket_mix_shift`` event (`tickets.sla_observability`,
    `tickets.mix_shift_observability`: ``expected_evidence``, ``observable`` and the counts
    behind them). With ``beyond``, each ``co_innovation_withdrawal`` records it too
    (`engagements.withdrawal_observability`, from its engagement rows drawn again from a
    generator of their seed).
    """
    events: list[dict[str, object]] = []
    extras = beyond if beyond is not None else [None] * len(plans)
    traffic: list[WrittenTraffic | None] = list(written) if written else [None] * len(plans)
    for plan, extra, conversations in zip(plans, extras, traffic, strict=True):
        planned = withdrawals_recorded_once(
            plan,
            plan.events
            + knock_on_events(plan)
            + slide_events(plan)
            + stakeholder_departure_events(plan, timeline),
        )
        if extra is not None:
            planned += [
                PlannedEvent(kind=e.kind, day=e.day, details=dict(e.details), cause=BEYOND_CAUSE)
                for e in extra.events
            ]
        for event in sorted(planned, key=lambda e: e.day):
            details = {**event.details, "cause": event.cause}
            if context is not None and event.kind in _DEPARTURE_KINDS and event.person is not None:
                details |= departure_observability(plan, context, event, conversations)
            if conversations is not None and event.kind == EXECUTIVE_WITHDRAWAL:
                details |= executive_withdrawal_observability(event, conversations)
            if context is not None and event.kind == SLA_POLICING:
                details |= _sla_observability(plan, context, seed, event)
            if context is not None and event.kind == TICKET_MIX_SHIFT:
                details |= _mix_shift_observability(plan, context, seed, event)
            if extra is not None and event.kind == CO_INNOVATION_WITHDRAWAL:
                rows = engagement_rows(
                    plan, extra, timeline, _stream(seed, _STREAM_ENGAGEMENTS, plan.org.number)
                )
                details |= withdrawal_observability(
                    BeyondEvent(event.kind, event.day),
                    list(rows),
                    extra.invitations_per_month,
                    timeline,
                )
            entry: dict[str, object] = {
                "kind": event.kind,
                "account_id": plan.id,
                "person_id": event.person.id if event.person is not None else None,
                "date": timeline.date_label(event.day),
                "details": details,
            }
            if event.kind == EXECUTIVE_WITHDRAWAL:
                entry["person_ids"] = [p.id for p in event.persons]
            events.append(entry)
    return {
        "seed": seed,
        "generated_at_version": _version(),
        "start": timeline.start.isoformat(),
        "end": timeline.end.isoformat(),
        "home_organization_id": HOME_ORGANIZATION_ID,
        "accounts": [
            {"id": plan.id, "segment": plan.org.segment, "healthy": plan.healthy} for plan in plans
        ],
        "events": events,
        "renewals": [
            {
                "account_id": plan.id,
                "date": timeline.date_label(renewal.day),
                "outcome": renewal.outcome,
                **(
                    {
                        "arr_before": extra.revenue[i].arr_before,
                        "arr_after": extra.revenue[i].arr_after,
                        "reason": extra.revenue[i].reason,
                    }
                    if extra is not None
                    else {}
                ),
            }
            for plan, extra in zip(plans, extras, strict=True)
            for i, renewal in enumerate(plan.renewals)
        ],
    }


def _plan_portfolio(
    accounts: int, seed: int, timeline: Timeline, home: HomeTeam, id_width: int
) -> list[AccountPlan]:
    portfolio_rng = _stream(seed, _STREAM_PLAN)
    segments = pick_segments(accounts, portfolio_rng)
    with_events = pick_event_accounts(accounts, portfolio_rng, EVENT_ACCOUNT_SHARE)
    taken_names: set[str] = set()
    plans = [
        plan_account(
            number,
            id_width=id_width,
            segment=segments[number - 1],
            with_events=number in with_events,
            timeline=timeline,
            home=home,
            taken_names=taken_names,
            rng=_stream(seed, _STREAM_PLAN, number),
        )
        for number in range(1, accounts + 1)
    ]
    for plan in plans:
        plant_stakeholder_departure(
            plan, timeline, _stream(seed, _STREAM_KEY_DEPARTURES, plan.org.number)
        )
    plan_career_moves(plans, portfolio_rng)
    return plans


def _calibrated(
    context: AccountContext, plans: list[AccountPlan], interactions_per_account: int
) -> AccountContext:
    """Scale daily rates so that the portfolio averages the requested interactions.

    Scheduled business reviews count towards the average; rates fill the rest.
    """
    expected = sum(
        plan.volume_weight
        * expected_rows(daily_multipliers(plan, context.timeline, context.season))
        for plan in plans
    )
    scheduled = sum(len(plan.business_reviews) for plan in plans)
    wanted = max(0.0, len(plans) * interactions_per_account - scheduled)
    scale = wanted / expected if expected > 0 else 0.0
    return AccountContext(
        timeline=context.timeline,
        season=context.season,
        rate_scale=scale,
        home_away=context.home_away,
        home_index=context.home_index,
        id_width=context.id_width,
    )


def _interaction_rows(
    plans: list[AccountPlan],
    beyond: list[BeyondPlan],
    context: AccountContext,
    seed: int,
    timeline: Timeline,
    progress: Callable[[int, int], None] | None,
    out: tuple[list[BeyondPlan], list[WrittenTraffic]],
) -> Iterator[list[str]]:
    """Every account's interaction rows, then the bulk mail; appends, for the truth, to
    ``out[0]`` each account's beyond plan as its rows filed its ticket events
    (`tickets.as_filed`), and to ``out[1]`` its conversations as written
    (`key_people.WrittenTraffic`)."""
    filed, written = out
    for done, (plan, extra) in enumerate(zip(plans, beyond, strict=True), start=1):
        steering = plan_steering_committees(
            plan, timeline, _stream(seed, _STREAM_STEERING, plan.org.number)
        )
        rows = account_rows(
            plan,
            context,
            _stream(seed, _STREAM_ACTIVITY, plan.org.number),
            steering,
            event_ticket_counts(extra, timeline.days),
        )
        filed.append(as_filed(extra, rows, timeline))
        written.append(
            WrittenTraffic.of_rows(rows, plan.contacts, plan.id, timeline.start.toordinal())
        )
        for row in with_ticket_fields(
            ([*row, ""] for row in rows),  # not bulk (empty = false)
            plan,
            extra,
            timeline,
            _stream(seed, _STREAM_TICKETS, plan.org.number),
        ):
            yield row
        if progress is not None:
            progress(done, len(plans))
    width = len(GENERATED_INTERACTION_COLUMNS)
    for row in bulk_mail_rows(plans, timeline, _stream(seed, _STREAM_BULK)):
        yield [*row, *[""] * (width - len(row))]


def _sla_observability(
    plan: AccountPlan, context: AccountContext, seed: int, event: PlannedEvent
) -> dict[str, object]:
    """`tickets.sla_observability` of an SLA event: the account's own SLA share is drawn
    again from a generator of its ticket stream's seed (the rows' own stream is not
    touched), its usual tickets a day are the rates `with_event_tickets` was given."""
    mix = account_ticket_mix(_stream(seed, _STREAM_TICKETS, plan.org.number))
    usual = daily_multipliers(plan, context.timeline, context.season)["ticket"] * (
        context.rate_scale * plan.volume_weight
    )
    own_share = float(mix[TICKET_CATEGORIES.index("sla")])
    return sla_observability(
        BeyondEvent(event.kind, event.day, dict(event.details)), own_share, usual
    )


def _mix_shift_observability(
    plan: AccountPlan, context: AccountContext, seed: int, event: PlannedEvent
) -> dict[str, object]:
    """`tickets.mix_shift_observability` of a ticket-mix event, from the account's own mix
    and usual tickets a day drawn again as `_sla_observability` draws them."""
    mix = account_ticket_mix(_stream(seed, _STREAM_TICKETS, plan.org.number))
    usual = daily_multipliers(plan, context.timeline, context.season)["ticket"] * (
        context.rate_scale * plan.volume_weight
    )
    return mix_shift_observability(
        BeyondEvent(event.kind, event.day, dict(event.details)), mix, usual
    )


def _home_vacations(
    home: HomeTeam, timeline: Timeline, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """(our people, days): True while on vacation; two or three breaks a year each."""
    away = np.zeros((len(home.people), timeline.days), dtype=bool)
    for i in range(len(home.people)):
        for _ in range(rng.poisson(timeline.days / 365 * 2.5)):
            first = int(rng.integers(0, timeline.days))
            away[i, first : first + int(rng.integers(4, 15))] = True
    return away


def _stream(seed: int, *path: int) -> np.random.Generator:
    return np.random.default_rng([seed, *path])


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def _version() -> str:
    try:
        return metadata.version("stakegraph")
    except metadata.PackageNotFoundError:
        return "0.0.0"
