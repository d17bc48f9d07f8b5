"""The ``enterprise`` generator profile: accounts that look like real enterprise mail.

``generate_portfolio(..., profile="enterprise")`` (``stakegraph generate --profile
enterprise``) writes the import format and ``truth.json`` from the plans of
:mod:`stakegraph.generate.enterprise_plan`: stakeholder networks of 5 to 300 people with
heavy-tailed activity, several executives on 1-3% of the traffic each, buying roles,
planted departures of key stakeholders who are not the top contact, crisis bursts and
data that ends before the portfolio's end. See docs/generator.md, *The enterprise
profile*. The default profile is unchanged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from stakegraph.dates import DAY
from stakegraph.generate import vocab
from stakegraph.generate.enterprise_plan import (
    Departure,
    EnterpriseAccount,
    plan_enterprise_account,
)
from stakegraph.generate.key_people import MIN_OBSERVABLE_APPEARANCES, OBSERVATION_DAYS
from stakegraph.generate.people import (
    HOME_DOMAIN,
    HOME_NAME,
    HOME_ORGANIZATION_ID,
    HomeTeam,
    Person,
    build_home_team,
)
from stakegraph.generate.timeline import Timeline
from stakegraph.generate.writer import coverage_rows, people_rows, role_rows, write_csv
from stakegraph.ingest.records import (
    COVERAGE_COLUMNS,
    INTERACTION_COLUMNS,
    KNOWS_COLUMNS,
    ORGANIZATION_COLUMNS,
    PEOPLE_COLUMNS,
    RENEWAL_COLUMNS,
    ROLE_COLUMNS,
)

ENTERPRISE_PROFILE = "enterprise"
# Random streams of this profile (apart from the default profile's).
_STREAM_HOME, _STREAM_ACCOUNT, _STREAM_ACTIVITY = 101, 102, 103
_KINDS = ("email", "meeting", "call", "ticket", "note")
_KIND_SHARE = np.array([0.62, 0.18, 0.10, 0.06, 0.04])
# How much more (or less) each level takes part in each kind than in the average one.
_KIND_LEVEL_FACTOR = {
    "meeting": {"vp": 2.5, "c_level": 2.5},
    "ticket": {"vp": 0.05, "c_level": 0.02, "director": 0.3, "ic": 2.0},
}
_WORKING_SECONDS = (8 * 3600, 18 * 3600)


@dataclass(frozen=True)
class _Team:
    owner: Person
    engineer: Person
    support: Person
    director: Person
    sponsor: Person | None


def write_enterprise_portfolio(
    out_dir: object,
    *,
    accounts: int,
    seed: int,
    timeline: Timeline,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, object]:
    """Write the enterprise profile's files into ``out_dir``; return the row counts and
    the truth document (the caller writes ``truth.json`` and the summary)."""
    from pathlib import Path

    out = Path(str(out_dir))
    id_width = max(4, len(str(accounts)))
    home = build_home_team(accounts, np.random.default_rng([seed, _STREAM_HOME]))
    taken: set[str] = set()
    plans = [
        plan_enterprise_account(
            number,
            id_width=id_width,
            days=timeline.days,
            taken=taken,
            rng=np.random.default_rng([seed, _STREAM_ACCOUNT, number]),
        )
        for number in range(1, accounts + 1)
    ]
    teams = [_team(home, plan) for plan in plans]
    counts: dict[str, int] = {
        "organizations": write_csv(
            out / "organizations.csv",
            ORGANIZATION_COLUMNS,
            _organization_rows(plans, teams, timeline),
        ),
        "people": write_csv(
            out / "people.csv", PEOPLE_COLUMNS, [*people_rows(home.people), *_people_rows(plans)]
        ),
        "roles": write_csv(
            out / "roles.csv",
            ROLE_COLUMNS,
            [
                *([*row[:7], "", row[7]] for row in role_rows(home.people, timeline)),
                *_role_rows(plans, timeline),
            ],
        ),
        "renewals": write_csv(
            out / "renewals.csv", RENEWAL_COLUMNS, _renewal_rows(plans, timeline)
        ),
        "knows": write_csv(
            out / "knows.csv",
            KNOWS_COLUMNS,
            (
                [t.owner.id, p.champion.id, timeline.date_label(-200), "crm"]
                for p, t in zip(plans, teams, strict=True)
            ),
        ),
        "coverage": write_csv(
            out / "coverage.csv",
            COVERAGE_COLUMNS,
            coverage_rows(
                timeline, {p.id: p.data_end for p in plans if p.data_end < timeline.days}
            ),
        ),
    }
    season = timeline.seasonality()
    shares: dict[tuple[str, str], float] = {}
    volumes: dict[str, np.ndarray] = {}

    def interaction_rows() -> Iterator[list[str]]:
        for done, (plan, team) in enumerate(zip(plans, teams, strict=True), start=1):
            rng = np.random.default_rng([seed, _STREAM_ACTIVITY, plan.number])
            yield from _account_rows(plan, team, timeline, season, rng, shares, volumes)
            if progress is not None:
                progress(done, len(plans))

    counts["interactions"] = write_csv(
        out / "interactions.csv", INTERACTION_COLUMNS, interaction_rows()
    )
    truth = enterprise_truth(plans, seed=seed, timeline=timeline, shares=shares, volumes=volumes)
    (out / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return {"counts": counts, "events": len(truth["events"])}  # type: ignore[arg-type]


def enterprise_truth(
    plans: list[EnterpriseAccount],
    *,
    seed: int,
    timeline: Timeline,
    shares: dict[tuple[str, str], float],
    volumes: dict[str, np.ndarray] | None = None,
) -> dict[str, object]:
    """``truth.json`` of the profile: the planted departures (``events``, kind
    ``stakeholder_departure``, with who, when, how and why they were key), the crisis
    ``bursts``, the ``data_ends`` and the renewals.

    With the accounts' daily conversation rates (``volumes``), each departure also records
    its ``expected_appearances`` (the person's share before x the account's expected
    conversations in the 90 days after, cut at the data's end) and ``observable`` (a role
    that ends, or 5 or more), as the default profile does (`key_people`)."""
    from stakegraph.generate.portfolio import _version

    events = []
    for plan in plans:
        recorded = [(d, "planted") for d in plan.departures]
        recorded += [(d, "career") for d in plan.career_departures]
        for dep, cause in sorted(recorded, key=lambda r: (r[0].day, r[0].person.id)):
            person = dep.person
            events.append(
                {
                    "kind": "stakeholder_departure",
                    "account_id": plan.id,
                    "person_id": person.id,
                    "date": timeline.date_label(dep.day),
                    "details": {
                        "mode": dep.mode,
                        "title": person.title,
                        "level": person.level,
                        "buying_role": person.buying_role or None,
                        "rank": dep.rank,
                        "reasons": list(dep.reasons),
                        "share": round(shares.get((plan.id, person.id), 0.0), 5),
                        "account_size": plan.size,
                        "cause": cause,
                        **(
                            _observability(plan, dep, shares, volumes[plan.id])
                            if volumes is not None and plan.id in volumes
                            else {}
                        ),
                    },
                }
            )
    return {
        "seed": seed,
        "profile": ENTERPRISE_PROFILE,
        "generated_at_version": _version(),
        "start": timeline.start.isoformat(),
        "end": timeline.end.isoformat(),
        "home_organization_id": HOME_ORGANIZATION_ID,
        "accounts": [
            {
                "id": p.id,
                "segment": p.segment,
                "healthy": not p.planted,
                "size": p.size,
                "champion_id": p.champion.id,
                "data_end": timeline.date_label(p.data_end) if p.data_end < timeline.days else None,
            }
            for p in plans
        ],
        "events": events,
        "bursts": [
            {
                "account_id": p.id,
                "start": timeline.date_label(first),
                "end": timeline.date_label(last),
                "factor": round(factor, 3),
            }
            for p in plans
            for first, last, factor in p.bursts
        ],
        "data_ends": [
            {"account_id": p.id, "date": timeline.date_label(p.data_end)}
            for p in plans
            if p.data_end < timeline.days
        ],
        "renewals": [
            {"account_id": p.id, "date": timeline.date_label(day), "outcome": outcome}
            for p in plans
            for day, outcome in zip(p.renewal_days, p.outcomes, strict=True)
        ],
    }


def _observability(
    plan: EnterpriseAccount,
    dep: Departure,
    shares: dict[tuple[str, str], float],
    rates: np.ndarray,
) -> dict[str, object]:
    """What the data can show of a departure: the person's share of the conversations
    in the 26 weeks before (as written) times the account's expected conversations over
    the :data:`~key_people.OBSERVATION_DAYS` after, and whether it is observable."""
    end = min(dep.day + OBSERVATION_DAYS, plan.data_end, len(rates))
    expected = shares.get((plan.id, dep.person.id), 0.0) * float(rates[dep.day : end].sum())
    return {
        "expected_appearances": round(expected, 1),
        "observable": dep.mode == "role_ended" or expected >= MIN_OBSERVABLE_APPEARANCES,
    }


def _team(home: HomeTeam, plan: EnterpriseAccount) -> _Team:
    i = plan.number - 1
    sponsor = home.executives[i % len(home.executives)] if plan.size >= 100 else None
    return _Team(
        owner=home.account_managers[i % len(home.account_managers)],
        engineer=home.solution_engineers[i % len(home.solution_engineers)],
        support=home.support_engineers[i % len(home.support_engineers)],
        director=home.cs_directors[i % len(home.cs_directors)],
        sponsor=sponsor,
    )


def _organization_rows(
    plans: list[EnterpriseAccount], teams: list[_Team], timeline: Timeline
) -> Iterator[list[str]]:
    yield [HOME_ORGANIZATION_ID, HOME_NAME, HOME_DOMAIN, "home", "", "", "", ""]
    for plan, team in zip(plans, teams, strict=True):
        last = plan.renewal_days[-1] if plan.renewal_days else 0
        yield [
            plan.id,
            plan.name,
            plan.domain,
            "account",
            plan.segment,
            str(int(round(plan.arr, -2))),
            timeline.date_label(last + 365),
            team.owner.id,
        ]


def _people_rows(plans: list[EnterpriseAccount]) -> Iterator[list[str]]:
    for plan in plans:
        for person in plan.people:
            yield [person.id, person.name, person.email, plan.id, ""]


def _role_rows(plans: list[EnterpriseAccount], timeline: Timeline) -> Iterator[list[str]]:
    for plan in plans:
        for p in plan.people:
            end = "" if p.end is None else timeline.date_label(p.end)
            yield [
                p.id,
                plan.id,
                p.title,
                p.level,
                p.function,
                timeline.date_label(p.start),
                end,
                p.buying_role,
                p.reports_to,
            ]


def _renewal_rows(plans: list[EnterpriseAccount], timeline: Timeline) -> Iterator[list[str]]:
    for plan in plans:
        for day, outcome in zip(plan.renewal_days, plan.outcomes, strict=True):
            yield [plan.id, timeline.date_label(day), outcome, "", "", ""]


def daily_rates(
    plan: EnterpriseAccount, season: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Expected conversation starts per day: the account's volume (conversations a month
    over about 21.7 working days) x seasonality x a slow drift (weekly AR(1) on the log,
    sd about 0.1) x its crisis bursts; nothing from the day its data ends."""
    days = len(season)
    weeks = days // 7 + 1
    drift = np.empty(weeks)
    level = 0.0
    for w in range(weeks):
        level = 0.8 * level + float(rng.normal(0.0, 0.06))
        drift[w] = level
    rate = plan.monthly_conversations / 21.7 * season * np.exp(drift[np.arange(days) // 7])
    for first, last, factor in plan.bursts:
        rate[first:last] *= factor
    rate[plan.data_end :] = 0.0
    return rate


def _availability(plan: EnterpriseAccount, days: int) -> np.ndarray:
    """(days, people) bools: in their role, not gone, not on vacation."""
    avail = np.zeros((days, len(plan.people)), dtype=bool)
    for j, p in enumerate(plan.people):
        last = min(x for x in (p.end, p.gone_from, days) if x is not None)
        avail[max(p.start, 0) : max(last, 0), j] = True
        for first, end in p.vacations:
            avail[first:end, j] = False
    return avail


def _their_counts(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """How many of their people take part in each conversation, by kind."""
    n = len(kind)
    count = np.ones(n, dtype=np.int64)
    email, meeting, call = kind == "email", kind == "meeting", kind == "call"
    count[email] += rng.poisson(0.5, int(email.sum()))
    count[meeting] += 1 + rng.poisson(1.2, int(meeting.sum()))
    count[call] += rng.binomial(1, 0.3, int(call.sum()))
    return count


def _pick_people(
    plan: EnterpriseAccount,
    kind: np.ndarray,
    day: np.ndarray,
    avail: np.ndarray,
    rng: np.random.Generator,
) -> list[list[int]]:
    """Their participants of each conversation: weighted draws without replacement
    (Gumbel-top-k) among the people available that day, by weight x kind-level factor."""
    weights = np.array([p.weight for p in plan.people])
    levels = [p.level for p in plan.people]
    count = _their_counts(kind, rng)
    picks: list[list[int]] = [[] for _ in range(len(kind))]
    for name in _KINDS:
        rows = np.flatnonzero(kind == name)
        if rows.size == 0:
            continue
        factor = np.array([_KIND_LEVEL_FACTOR.get(name, {}).get(lv, 1.0) for lv in levels])
        log_w = np.log(np.maximum(weights * factor, 1e-12))
        for chunk in np.array_split(rows, max(1, rows.size * len(weights) // 2_000_000 + 1)):
            score = log_w[None, :] + rng.gumbel(size=(chunk.size, len(weights)))
            score[~avail[day[chunk]]] = -np.inf
            k_max = int(count[chunk].max())
            top = np.argsort(-score, axis=1)[:, :k_max]
            top_score = np.take_along_axis(score, top, axis=1)
            for r, row in enumerate(chunk):
                k = int(count[row])
                picks[row] = [
                    int(j) for j, s in zip(top[r, :k], top_score[r, :k], strict=True) if s > -np.inf
                ]
    return picks


def _account_rows(
    plan: EnterpriseAccount,
    team: _Team,
    timeline: Timeline,
    season: np.ndarray,
    rng: np.random.Generator,
    shares: dict[tuple[str, str], float],
    volumes: dict[str, np.ndarray],
) -> Iterator[list[str]]:
    days = timeline.days
    volumes[plan.id] = daily_rates(plan, season, rng)
    counts = rng.poisson(volumes[plan.id])
    day = np.repeat(np.arange(days), counts)
    n = len(day)
    kind = np.array(_KINDS)[rng.choice(len(_KINDS), size=n, p=_KIND_SHARE)]
    at = day * DAY + rng.integers(*_WORKING_SECONDS, size=n)
    order = np.argsort(at, kind="stable")
    day, kind, at = day[order], kind[order], at[order]
    avail = _availability(plan, days)
    picks = _pick_people(plan, kind, day, avail, rng)
    _record_shares(plan, day, picks, shares)
    ids = [p.id for p in plan.people]
    number = plan.id.removeprefix("org-")
    rows: list[tuple[int, list[str]]] = []
    for i in range(n):
        theirs = [ids[j] for j in picks[i]]
        if not theirs:
            continue
        rows.extend(
            _conversation(plan, team, str(kind[i]), int(at[i]), theirs, f"{number}-{i:06d}", rng)
        )
    rows.sort(key=lambda r: r[0])
    end = min(plan.data_end, days) * DAY
    final: dict[str, str] = {}
    gone = {p.id: p.gone_from * DAY for p in plan.people if p.gone_from is not None}
    for seconds, (key, kind_name, *fields, reply_to) in rows:
        if seconds >= end or (reply_to and reply_to not in final):
            continue
        # A reply that would come after its writer (or reader) left is never written.
        if reply_to and any(seconds >= gone.get(p, seconds + 1) for p in fields[:2]):
            continue
        final[key] = f"i-{number}-{len(final) + 1:06d}"
        yield [
            final[key],
            kind_name,
            timeline.timestamp(seconds),
            *fields,
            final.get(reply_to, ""),
            plan.id,
            "",
            "",
            "",
            "",
        ]


def _conversation(
    plan: EnterpriseAccount,
    team: _Team,
    kind: str,
    at: int,
    theirs: list[str],
    key: str,
    rng: np.random.Generator,
) -> list[tuple[int, list[str]]]:
    """One conversation's rows: (seconds, [key, kind, from, to, cc, subject, thread,
    key replied to]),
    the start and, for an email, its replies (45% get one, a fifth of those a second)."""
    ours = _our_people(team, kind, rng)
    if kind == "email":
        subject = vocab.EMAIL_SUBJECTS[int(rng.integers(len(vocab.EMAIL_SUBJECTS)))]
        inbound = rng.random() < 0.45
        sender, to = (theirs[0], theirs[1:] + ours) if inbound else (ours[0], theirs + ours[1:])
        thread = f"t-{key}"
        out = [(at, [f"{key}-0", kind, sender, ";".join(to), "", subject, thread, ""])]
        if rng.random() < 0.45:
            replier = ours[0] if inbound else theirs[0]
            at += int(math.exp(rng.normal(math.log(5 * 3600), 0.7)))
            out.append(
                (at, [f"{key}-1", kind, replier, sender, "", f"Re: {subject}", thread, f"{key}-0"])
            )
            if rng.random() < 0.2:
                at += int(math.exp(rng.normal(math.log(4 * 3600), 0.7)))
                out.append(
                    (
                        at,
                        [
                            f"{key}-2",
                            kind,
                            sender,
                            replier,
                            "",
                            f"Re: {subject}",
                            thread,
                            f"{key}-1",
                        ],
                    )
                )
        return out
    if kind == "meeting":
        subject = vocab.MEETING_SUBJECTS[int(rng.integers(len(vocab.MEETING_SUBJECTS)))]
        organiser = ours[0] if rng.random() < 0.7 else theirs[0]
        attendees = [p for p in theirs + ours if p != organiser]
        return [(at, [f"{key}-0", kind, organiser, ";".join(attendees), "", subject, "", ""])]
    if kind == "call":
        subject = vocab.CALL_SUBJECTS[int(rng.integers(len(vocab.CALL_SUBJECTS)))]
        if rng.random() < 0.6:
            return [(at, [f"{key}-0", kind, ours[0], ";".join(theirs), "", subject, "", ""])]
        return [
            (at, [f"{key}-0", kind, theirs[0], ";".join(theirs[1:] + ours), "", subject, "", ""])
        ]
    if kind == "ticket":
        subject = vocab.TICKET_SUBJECTS[int(rng.integers(len(vocab.TICKET_SUBJECTS)))]
        return [(at, [f"{key}-0", kind, theirs[0], team.support.id, "", subject, "", ""])]
    subject = vocab.NOTE_SUBJECTS[int(rng.integers(len(vocab.NOTE_SUBJECTS)))]
    return [(at, [f"{key}-0", kind, team.owner.id, theirs[0], "", subject, "", ""])]


def _our_people(team: _Team, kind: str, rng: np.random.Generator) -> list[str]:
    if kind == "meeting":
        ours = [team.owner.id]
        if rng.random() < 0.5:
            ours.append(team.engineer.id)
        if team.sponsor is not None and rng.random() < 0.3:
            ours.append(team.sponsor.id)
        return ours
    if kind == "email":
        u = rng.random()
        first = team.owner if u < 0.6 else team.engineer if u < 0.85 else team.director
        ours = [first.id]
        if rng.random() < 0.2:
            ours.append(team.director.id if first is not team.director else team.owner.id)
        return ours
    if kind == "call":
        return [team.owner.id if rng.random() < 0.7 else team.engineer.id]
    return [team.owner.id]


def _record_shares(
    plan: EnterpriseAccount,
    day: np.ndarray,
    picks: list[list[int]],
    shares: dict[tuple[str, str], float],
) -> None:
    """Each departed person's share of the account's conversations over the 26 weeks
    before their departure (as generated: the truth's ``share``)."""
    for dep in [*plan.departures, *plan.career_departures]:
        j = plan.people.index(dep.person)
        window = np.flatnonzero((day >= dep.day - 182) & (day < dep.day))
        if window.size:
            hits = sum(1 for i in window if j in picks[i])
            shares[(plan.id, dep.person.id)] = hits / window.size
