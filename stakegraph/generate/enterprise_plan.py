"""The ``enterprise`` profile's accounts: org charts of 5 to 300 people, heavy-tailed
activity, buying roles, and what happens to them (key stakeholders' departures, crisis
bursts, data that ends before the portfolio's end).

Pure planning: every draw comes from the account's own random stream; the rows are
written by :mod:`stakegraph.generate.enterprise`. See docs/generator.md, *The enterprise
profile*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from stakegraph.generate import vocab
from stakegraph.generate.people import address_on, company_name, person_name, title_for

SIZE_MIN, SIZE_MAX = 5, 300
SIZE_TAIL = 0.9
"""Pareto index of the stakeholder network's size: P(size >= x) = (5 / x) ** 0.9, cut at
300 (about 7% of the accounts have 100 people or more)."""
ACTIVITY_SIGMA = 1.3
"""Log-sd of the lognormal engagement weights of everyone but the executives: a few
people carry most of the traffic."""
EXECUTIVE_SHARE = (0.01, 0.03)
"""Share of their side's conversations each VP and C-level person takes part in, in an
account of 40 people or more (more in smaller ones: times sqrt(40 / size))."""
CONVERSATIONS_PER_PERSON_MONTH = 4.0
"""Conversation starts a month per person of the stakeholder network (a 156-person
account: about 620 starts, 900 messages with replies, a month)."""
PER_CONVERSATION_CALIBRATION = 2.4
"""Weight-to-share divisor for the executives' weights (see ``_assign_weights``)."""
MIN_DEPARTURE_SHARE = 0.005
"""Departures are planted only on key stakeholders expected on at least 0.5% of the
conversations: below that a person is seen less than once a month even in a 300-person
account, and nothing in the traffic tells their silence from their habit."""
DEPARTURE_ACCOUNT_SHARE = 0.5
"""Share of accounts with planted key-stakeholder departures (the others have none)."""
BURST_ACCOUNT_SHARE = 0.3
"""Share of accounts with a crisis burst (traffic doubled or more for 2-6 weeks)."""
DATA_END_ACCOUNT_SHARE = 0.15
"""Share of accounts whose data ends 30-270 days before the portfolio's end."""
FIRST_DEPARTURE_DAY = 230
"""No departure before this day: the detectors need 28 weeks of history (a 26-week
baseline lagged 8 weeks needs 20 weeks before it)."""
DEPARTURE_MARGIN_DAYS = 100
"""Departures are planted at least this long before the account's data ends."""
KEY_TOP_ENGAGED = 5
SENIORITY_WEIGHT = {"ic": 0.6, "manager": 0.8, "director": 1.0, "vp": 1.0, "c_level": 0.9}
"""The detectors' seniority weights (docs/metrics.md): the truth's key stakeholders are
ranked the way the detector ranks them, on the generator's engagement weights."""
EXECUTIVE_LEVELS = ("vp", "c_level")
_C_LEVEL_FUNCTIONS = ("executive", "finance", "it", "engineering", "operations")
_LEVEL_WEIGHT = {"ic": 1.0, "manager": 1.2, "director": 1.4}


@dataclass
class Contact:
    """One person of an account's side; days are timeline indices."""

    id: str
    name: str
    email: str
    level: str
    function: str
    title: str
    start: int
    weight: float
    reports_to: str = ""
    buying_role: str = ""
    end: int | None = None
    # Out of all traffic from this day (a departure, by role end or silence).
    gone_from: int | None = None
    vacations: list[tuple[int, int]] = field(default_factory=list)

    @property
    def executive(self) -> bool:
        return self.level in EXECUTIVE_LEVELS


@dataclass(frozen=True)
class Departure:
    """A planted departure of a key stakeholder (not the top contact)."""

    person: Contact
    day: int
    mode: str  # role_ended | silent
    rank: int
    reasons: tuple[str, ...]


@dataclass
class EnterpriseAccount:
    """An account of the enterprise profile and everything planned for it."""

    number: int
    id: str
    name: str
    domain: str
    segment: str
    size: int
    people: list[Contact]
    champion: Contact
    monthly_conversations: float
    data_end: int
    bursts: list[tuple[int, int, float]] = field(default_factory=list)
    departures: list[Departure] = field(default_factory=list)
    # Natural departures of people who were key stakeholders (recorded, not planted).
    career_departures: list[Departure] = field(default_factory=list)
    renewal_days: list[int] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    arr: float = 0.0

    @property
    def planted(self) -> bool:
        return bool(self.departures)


def stakeholder_count(rng: np.random.Generator) -> int:
    """A heavy-tailed stakeholder network size between 5 and 300 (Pareto, index 0.9)."""
    u = 1.0 - float(rng.random())
    return int(min(SIZE_MAX, math.floor(SIZE_MIN * u ** (-1.0 / SIZE_TAIL))))


def level_counts(size: int) -> dict[str, int]:
    """How many people of each level an org chart of ``size`` holds: several executives
    in a large one (1-5 C-level, 1-12 VPs), at least one of each level in a small one."""
    c_level = 1 + min(4, size // 50)
    vp = min(12, max(1, round(size / 25)))
    director = max(1, round(size / 10))
    manager = max(1, round(size / 6))
    ic = size - c_level - vp - director - manager
    while ic < 1:
        manager, ic = manager - 1, ic + 1
    return {"c_level": c_level, "vp": vp, "director": director, "manager": manager, "ic": ic}


def plan_enterprise_account(
    number: int, *, id_width: int, days: int, taken: set[str], rng: np.random.Generator
) -> EnterpriseAccount:
    """Plan one account: its org chart, weights, buying roles and events."""
    account_id = f"org-{number:0{id_width}d}"
    name, domain = company_name(rng, taken)
    size = stakeholder_count(rng)
    people = _org_chart(account_id, domain, size, rng)
    champion = _assign_weights(people, rng)
    _assign_buying_roles(people, champion, rng)
    for person in people:
        person.vacations = _vacations(days, rng)
    segment = "enterprise" if size >= 100 else "mid_market" if size >= 30 else "smb"
    data_end = days
    if rng.random() < DATA_END_ACCOUNT_SHARE:
        data_end = days - int(rng.integers(30, 271))
    account = EnterpriseAccount(
        number=number,
        id=account_id,
        name=name,
        domain=domain,
        segment=segment,
        size=size,
        people=people,
        champion=champion,
        monthly_conversations=CONVERSATIONS_PER_PERSON_MONTH * size * float(rng.lognormal(0, 0.2)),
        data_end=data_end,
    )
    if rng.random() < BURST_ACCOUNT_SHARE:
        for _ in range(1 + int(rng.random() < 0.3)):
            first = int(rng.integers(FIRST_DEPARTURE_DAY - 60, max(data_end - 45, 200)))
            account.bursts.append((first, first + 7 * int(rng.integers(2, 7)), rng.uniform(2, 3)))
    if rng.random() < DEPARTURE_ACCOUNT_SHARE:
        _plant_departures(account, rng)
    _plan_careers(account, days, rng)
    _plan_renewals(account, days, rng)
    return account


def key_stakeholders(
    account: EnterpriseAccount, day: int
) -> list[tuple[Contact, int, tuple[str, ...]]]:
    """The account's key stakeholders on ``day``, as the detectors define them but ranked
    on the generator's weights: (person, engagement rank, reasons), the top contact
    included (rank 1)."""
    present = [
        p
        for p in account.people
        if p.start <= day
        and (p.end is None or day < p.end)
        and (p.gone_from is None or day < p.gone_from)
    ]
    ranked = sorted(present, key=lambda p: (-p.weight * SENIORITY_WEIGHT[p.level], p.id))
    out = []
    for rank, person in enumerate(ranked, start=1):
        reasons = tuple(
            reason
            for reason, flag in (
                ("engagement", rank <= KEY_TOP_ENGAGED),
                ("executive", person.executive),
                ("buying_role", bool(person.buying_role)),
            )
            if flag
        )
        if reasons:
            out.append((person, rank, reasons))
    return out


def _org_chart(account_id: str, domain: str, size: int, rng: np.random.Generator) -> list[Contact]:
    functions = [f for f in vocab.CUSTOMER_FUNCTION_WEIGHTS if f != "executive"]
    weights = np.array([vocab.CUSTOMER_FUNCTION_WEIGHTS[f] for f in functions])
    weights = weights / weights.sum()
    used: set[str] = set()
    people: list[Contact] = []
    by_level: dict[str, list[Contact]] = {}
    counts = level_counts(size)
    for level in ("c_level", "vp", "director", "manager", "ic"):
        for i in range(counts[level]):
            if level == "c_level":
                function = _C_LEVEL_FUNCTIONS[i]
            else:
                function = str(functions[int(rng.choice(len(functions), p=weights))])
            first, last = person_name(rng)
            person = Contact(
                id=f"p-{account_id.removeprefix('org-')}-{len(people) + 1:03d}",
                name=f"{first} {last}",
                email=address_on(domain, first, last, used),
                level=level,
                function=function,
                title=title_for(level, function, rng),
                # Most were there before the history starts; some join during it.
                start=-int(rng.integers(30, 2000))
                if rng.random() < 0.9
                else int(rng.integers(0, 500)),
                weight=0.0,
            )
            person.reports_to = _manager_of(person, by_level, rng)
            people.append(person)
            by_level.setdefault(level, []).append(person)
    return people


_ABOVE = {"vp": "c_level", "director": "vp", "manager": "director", "ic": "manager"}


def _manager_of(
    person: Contact, by_level: dict[str, list[Contact]], rng: np.random.Generator
) -> str:
    """Someone a level up, of the same function when there is one; chief officers report to
    the CEO (the first C-level), who reports to nobody."""
    if person.level == "c_level":
        ceo = by_level.get("c_level", [])
        return ceo[0].id if ceo else ""
    above = by_level.get(_ABOVE[person.level], [])
    same = [p for p in above if p.function == person.function]
    pool = same or above
    return pool[int(rng.integers(len(pool)))].id if pool else ""


def _assign_weights(people: list[Contact], rng: np.random.Generator) -> Contact:
    """Heavy-tailed engagement weights; the top contact (the champion, a director or
    manager) far ahead; each executive on 1-3% of the conversations (more in small
    accounts). Returns the champion.

    Weights are participation propensities: with about ``k`` of their people per
    conversation, a person of weight ``w`` out of ``W`` is on about ``k w / W`` of them.
    """
    others = [p for p in people if not p.executive]
    for person in others:
        person.weight = _LEVEL_WEIGHT[person.level] * float(rng.lognormal(0.0, ACTIVITY_SIGMA))
    candidates = [p for p in others if p.level in ("director", "manager")] or others
    champion = candidates[int(rng.integers(len(candidates)))]
    champion.weight = max(p.weight for p in others) * float(rng.uniform(1.5, 3.0))
    executives = [p for p in people if p.executive]
    scale = math.sqrt(max(1.0, 40.0 / len(people)))
    shares = [float(rng.uniform(*EXECUTIVE_SHARE)) * scale for _ in executives]
    # Measured: executives drawn at ``share / 1.74`` (1.74 of their people per
    # conversation) came out at about 1.4 times their share (the heavy hitters cannot be
    # drawn twice, meetings favour executives), so the divisor is larger.
    per_conversation = PER_CONVERSATION_CALIBRATION
    rest = sum(p.weight for p in others)
    total = rest / max(1.0 - sum(shares) / per_conversation, 0.2)
    for person, share in zip(executives, shares, strict=True):
        person.weight = share * total / per_conversation
    return champion


def _assign_buying_roles(
    people: list[Contact], champion: Contact, rng: np.random.Generator
) -> None:
    """CRM contact roles: the champion; the CFO (else the CEO) as economic buyer; a VP as
    sponsor; the CIO or CTO (else a second VP) as decision maker in accounts of 30 or
    more; an influencer or two; a user in accounts of 60 or more."""
    champion.buying_role = "champion"
    chiefs = [p for p in people if p.level == "c_level"]
    buyer = next((p for p in chiefs if p.function == "finance"), chiefs[0])
    buyer.buying_role = "economic_buyer"
    vps = [p for p in people if p.level == "vp"]
    sponsor = vps[int(rng.integers(len(vps)))]
    sponsor.buying_role = "sponsor"
    if len(people) >= 30:
        deciders = [p for p in chiefs if p.function in ("it", "engineering") and not p.buying_role]
        deciders = deciders or [p for p in vps if not p.buying_role]
        if deciders:
            deciders[int(rng.integers(len(deciders)))].buying_role = "decision_maker"
    middle = [p for p in people if p.level in ("director", "manager") and not p.buying_role]
    for _ in range(min(len(middle), 1 + int(len(people) >= 60))):
        pick = middle.pop(int(rng.integers(len(middle))))
        pick.buying_role = "influencer"
    if len(people) >= 60:
        users = [p for p in people if p.level == "ic" and not p.buying_role]
        users[int(rng.integers(len(users)))].buying_role = "user"


def _vacations(days: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """About two breaks a year of 4-14 days (ordinary absences a silence must outlast)."""
    out = []
    for _ in range(int(rng.poisson(days / 365 * 2.0))):
        first = int(rng.integers(0, days))
        out.append((first, first + int(rng.integers(4, 15))))
    return out


def _plant_departures(account: EnterpriseAccount, rng: np.random.Generator) -> None:
    """One key stakeholder leaves (two from 50 people, three from 150), never the top
    contact: in an account of 100 or more, one of them an executive (a 1-3% share)."""
    last = account.data_end - DEPARTURE_MARGIN_DAYS
    if last <= FIRST_DEPARTURE_DAY:
        return
    wanted = 1 + int(account.size >= 50) + int(account.size >= 150)
    taken: set[str] = set()
    executives_left = sum(p.executive for p in account.people) - 1
    for n in range(wanted):
        day = int(rng.integers(FIRST_DEPARTURE_DAY, last))
        present = key_stakeholders(account, day)
        total = sum(
            p.weight
            for p in account.people
            if p.start <= day and (p.gone_from is None or day < p.gone_from)
        )
        key = [
            (p, rank, reasons)
            for p, rank, reasons in present
            if rank > 1
            and p is not account.champion
            and p.id not in taken
            and (not p.executive or executives_left > 0)
            and PER_CONVERSATION_CALIBRATION * p.weight / total >= MIN_DEPARTURE_SHARE
        ]
        if n == 0 and account.size >= 100:
            key = [k for k in key if k[0].executive] or key
        if not key:
            continue
        person, rank, reasons = key[int(rng.integers(len(key)))]
        mode = "role_ended" if rng.random() < 0.5 else "silent"
        taken.add(person.id)
        executives_left -= person.executive
        person.gone_from = day
        if mode == "role_ended":
            person.end = day
            account.people.append(_successor(account, person, day, rng))
        account.departures.append(Departure(person, day, mode, rank, reasons))


def _successor(
    account: EnterpriseAccount, person: Contact, day: int, rng: np.random.Generator
) -> Contact:
    """A new hire in the same role 30-120 days later, ramping up at half the weight."""
    first, last = person_name(rng)
    used = {p.email for p in account.people}
    return Contact(
        id=f"p-{account.id.removeprefix('org-')}-{len(account.people) + 1:03d}",
        name=f"{first} {last}",
        email=address_on(account.domain, first, last, used),
        level=person.level,
        function=person.function,
        title=person.title,
        start=day + int(rng.integers(30, 121)),
        weight=person.weight * 0.5,
        reports_to=person.reports_to,
        vacations=_vacations(account.data_end, rng),
    )


def _plan_careers(account: EnterpriseAccount, days: int, rng: np.random.Generator) -> None:
    """People outside the top ten by weight (no executive, no buying role) leave at 8% a
    year in accounts of 20 or more, most of them replaced. Those who are a key stakeholder
    the day before they leave all the same (others left before them, by the generator's
    ranking) are recorded as departures with cause ``career``."""
    if account.size < 20:
        return
    ranked = sorted(account.people, key=lambda p: -p.weight * SENIORITY_WEIGHT[p.level])
    for person in ranked[10:]:
        if person.executive or person.buying_role or person.gone_from is not None:
            continue
        if person.start >= days:  # hired after the history ends (a replacement)
            continue
        if rng.random() < 0.08 * days / 365:
            day = int(rng.integers(max(person.start, 0) + 60, days + 60))
            if day >= days:
                continue
            key = {p.id: (rank, reasons) for p, rank, reasons in key_stakeholders(account, day - 1)}
            person.end = person.gone_from = day
            if person.id in key:
                rank, reasons = key[person.id]
                account.career_departures.append(
                    Departure(person, day, "role_ended", rank, reasons)
                )
            if rng.random() < 0.8:
                account.people.append(_successor(account, person, day, rng))


def _plan_renewals(account: EnterpriseAccount, days: int, rng: np.random.Generator) -> None:
    """A renewal a year from a day in the first year; renewed, expanded or downgraded
    (this profile models departures, not churn)."""
    low, high = {"enterprise": (250e3, 2e6), "mid_market": (50e3, 250e3), "smb": (8e3, 50e3)}[
        account.segment
    ]
    account.arr = float(rng.uniform(low, high))
    day = int(rng.integers(30, 365))
    while day < min(days, account.data_end):
        account.renewal_days.append(day)
        account.outcomes.append(
            str(rng.choice(["renewed", "expanded", "downgraded"], p=[0.8, 0.15, 0.05]))
        )
        day += 365
