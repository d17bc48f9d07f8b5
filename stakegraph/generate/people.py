"""People and org charts: our own company and each customer account."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from stakegraph.generate import vocab

HOME_ORGANIZATION_ID = "org-0000"
HOME_NAME = "Stakegraph Demo, Inc."
HOME_DOMAIN = "stakegraph-demo.com"
NEWSLETTER_ADDRESS = f"news@{HOME_DOMAIN}"

# Relative propensity to appear in an account's traffic, by level.
_LEVEL_ENGAGEMENT = {"ic": 1.0, "manager": 1.3, "director": 1.4, "vp": 0.75, "c_level": 0.4}


@dataclass
class RoleSpell:
    """One dated role of a person at an organization; days are timeline indices."""

    organization_id: str
    title: str
    level: str
    function: str
    start: int
    end: int | None = None


@dataclass
class Person:
    """A person with a role history and the habits that drive their traffic.

    Attributes
    ----------
    engagement : float
        Relative propensity to take part in an interaction of their account.
    latency_median_hours, latency_sigma : float
        Their own reply rhythm: reply latency is lognormal with this median and log-sd.
    emails : dict
        Address per organization id (a person who changes employer gets a new address).
    """

    id: str
    name: str
    emails: dict[str, str]
    spells: list[RoleSpell]
    engagement: float
    latency_median_hours: float
    latency_sigma: float
    outreach_capacity: int | None = None
    # Excluded from all generated traffic (e.g. a departed champion at a new employer).
    dormant_from: int | None = None

    @property
    def organization_id(self) -> str:
        """Organization of the latest role."""
        return self.spells[-1].organization_id

    def level_at(self, day: int) -> str | None:
        """Level of the role held on ``day``, or ``None``."""
        for spell in self.spells:
            if spell.start <= day and (spell.end is None or day < spell.end):
                return spell.level
        return None


@dataclass
class HomeTeam:
    """Our own company: people grouped by the part they play on accounts."""

    people: list[Person]
    account_managers: list[Person]
    solution_engineers: list[Person]
    support_engineers: list[Person]
    cs_directors: list[Person]
    executives: list[Person]
    newsletter: Person


@dataclass
class CustomerOrg:
    """A customer account's organization and the people we know there at the start."""

    number: int
    id: str
    name: str
    domain: str
    utc_offset_minutes: int
    segment: str
    people: list[Person] = field(default_factory=list)
    champion: Person | None = None
    _used_addresses: set[str] = field(default_factory=set, repr=False)


def title_for(level: str, function: str, rng: np.random.Generator) -> str:
    """A realistic job title for a level and function.

    Examples: ``"VP Engineering"``, ``"IT Director"``, ``"Chief Financial Officer"``.
    """
    area = vocab.FUNCTION_AREAS[function]
    if level == "c_level":
        return vocab.C_LEVEL_TITLES.get(function, f"Chief {area} Officer")
    if level == "vp":
        return f"VP {area}" if rng.random() < 0.7 else f"Vice President, {area}"
    if level == "director":
        return f"{area} Director" if rng.random() < 0.5 else f"Director of {area}"
    if level == "manager":
        return f"{area} Manager" if rng.random() < 0.7 else f"Head of {area} Operations"
    options = vocab.IC_TITLES[function]
    return options[int(rng.integers(len(options)))]


def person_name(rng: np.random.Generator) -> tuple[str, str]:
    """A random (first, last) name."""
    first = vocab.FIRST_NAMES[int(rng.integers(len(vocab.FIRST_NAMES)))]
    last = vocab.LAST_NAMES[int(rng.integers(len(vocab.LAST_NAMES)))]
    return first, last


def address_on(domain: str, first: str, last: str, used: set[str]) -> str:
    """``first.last@domain``, made unique among ``used`` with a number."""
    local = f"{first}.{last}".lower()
    candidate, n = local, 1
    while f"{candidate}@{domain}" in used:
        n += 1
        candidate = f"{local}{n}"
    address = f"{candidate}@{domain}"
    used.add(address)
    return address


def reply_rhythm(
    rng: np.random.Generator, *, median_hours: float, spread: float, sigma: tuple[float, float]
) -> tuple[float, float]:
    """A person's own lognormal reply rhythm: (median hours, log-sd).

    Medians vary between people around ``median_hours`` (log-sd ``spread``); each
    person's log-sd is drawn from the ``sigma`` range.
    """
    median = float(np.clip(math.exp(rng.normal(math.log(median_hours), spread)), 0.3, 48.0))
    return median, float(rng.uniform(*sigma))


def build_home_team(accounts: int, rng: np.random.Generator) -> HomeTeam:
    """Our company's customer-facing people, sized for ``accounts`` accounts.

    Executives get an ``outreach_capacity`` of 3-8; directors 1-2; everyone else 0 or 1.
    """
    n_am = max(3, math.ceil(accounts / 12))
    n_se = max(2, math.ceil(accounts / 20))
    n_support = max(2, math.ceil(accounts / 15))
    n_cs_dir = max(1, math.ceil(n_am / 8))
    executives = (
        ("Chief Executive Officer", "c_level", "executive"),
        ("Chief Revenue Officer", "c_level", "sales"),
        ("Chief Technology Officer", "c_level", "engineering"),
        ("VP Sales", "vp", "sales"),
        ("VP Customer Success", "vp", "support"),
        ("VP Engineering", "vp", "engineering"),
        ("VP Product", "vp", "product"),
    )
    width = max(3, len(str(n_am + n_se + n_support + n_cs_dir + len(executives) + 1)))
    used: set[str] = set()
    people: list[Person] = []

    def hire(title: str, level: str, function: str, capacity: int) -> Person:
        first, last = person_name(rng)
        median, sigma = reply_rhythm(rng, median_hours=2.5, spread=0.5, sigma=(0.6, 1.0))
        person = Person(
            id=f"h-{len(people) + 1:0{width}d}",
            name=f"{first} {last}",
            emails={HOME_ORGANIZATION_ID: address_on(HOME_DOMAIN, first, last, used)},
            spells=[
                RoleSpell(
                    HOME_ORGANIZATION_ID,
                    title,
                    level,
                    function,
                    start=-int(rng.integers(60, 2500)),
                )
            ],
            engagement=1.0,
            latency_median_hours=median,
            latency_sigma=sigma,
            outreach_capacity=capacity,
        )
        people.append(person)
        return person

    execs = [hire(t, lv, fn, int(rng.integers(3, 9))) for t, lv, fn in executives]
    cs_dirs = [
        hire("Director, Customer Success", "director", "support", int(rng.integers(1, 3)))
        for _ in range(n_cs_dir)
    ]
    ams = [
        hire(
            "Senior Account Manager" if rng.random() < 0.4 else "Account Manager",
            "ic",
            "sales",
            int(rng.random() < 0.3),
        )
        for _ in range(n_am)
    ]
    ses = [
        hire("Solutions Engineer", "ic", "engineering", int(rng.random() < 0.15))
        for _ in range(n_se)
    ]
    supports = [hire("Support Engineer", "ic", "support", 0) for _ in range(n_support)]
    newsletter = Person(
        id=f"h-{len(people) + 1:0{width}d}",
        name="Stakegraph Demo Newsletter",
        emails={HOME_ORGANIZATION_ID: NEWSLETTER_ADDRESS},
        spells=[RoleSpell(HOME_ORGANIZATION_ID, "Marketing Automation", "ic", "marketing", -900)],
        engagement=0.0,
        latency_median_hours=1.0,
        latency_sigma=1.0,
        outreach_capacity=0,
    )
    people.append(newsletter)
    return HomeTeam(people, ams, ses, supports, cs_dirs, execs, newsletter)


def company_name(rng: np.random.Generator, taken: set[str]) -> tuple[str, str]:
    """A unique (company name, domain) pair."""
    while True:
        words = [vocab.COMPANY_PREFIXES[int(rng.integers(len(vocab.COMPANY_PREFIXES)))]]
        if rng.random() < 0.4:
            words.append(vocab.COMPANY_PREFIXES[int(rng.integers(len(vocab.COMPANY_PREFIXES)))])
        words.append(vocab.COMPANY_CORES[int(rng.integers(len(vocab.COMPANY_CORES)))])
        slug = "".join(words).lower()
        if len(set(words)) < len(words) or slug in taken:
            continue
        taken.add(slug)
        tld = vocab.TOP_LEVEL_DOMAINS[int(rng.integers(len(vocab.TOP_LEVEL_DOMAINS)))]
        suffix = vocab.COMPANY_SUFFIXES[int(rng.integers(len(vocab.COMPANY_SUFFIXES)))]
        return f"{' '.join(words)} {suffix}", f"{slug}.{tld}"


def new_contact(
    org: CustomerOrg, level: str, function: str, start: int, rng: np.random.Generator
) -> Person:
    """Add a person to a customer org chart (id ``p-<account>-<nnn>``)."""
    first, last = person_name(rng)
    median, sigma = reply_rhythm(rng, median_hours=5.0, spread=0.4, sigma=(0.5, 0.8))
    person = Person(
        id=f"p-{org.id.removeprefix('org-')}-{len(org.people) + 1:03d}",
        name=f"{first} {last}",
        emails={org.id: address_on(org.domain, first, last, org._used_addresses)},
        spells=[RoleSpell(org.id, title_for(level, function, rng), level, function, start)],
        engagement=_LEVEL_ENGAGEMENT[level] * float(rng.lognormal(0.0, 0.7)),
        latency_median_hours=median,
        latency_sigma=sigma,
    )
    org.people.append(person)
    return person


def build_org_chart(org: CustomerOrg, rng: np.random.Generator) -> None:
    """Fill ``org.people`` with the stakeholders we know there, and pick the champion.

    The chart spans all levels; its size grows with the segment. The champion is a
    director or VP and the most engaged contact of the account.
    """
    size = {"enterprise": (22, 40), "mid_market": (12, 22), "smb": (6, 12)}[org.segment]
    n_people = int(rng.integers(*size))
    n_c_level = {"enterprise": 3, "mid_market": 2, "smb": 1}[org.segment]
    n_vp = {
        "enterprise": int(rng.integers(3, 6)),
        "mid_market": int(rng.integers(1, 4)),
        "smb": 1,
    }[org.segment]
    rest = n_people - n_c_level - n_vp
    n_director = max(1, round(rest * 0.22))
    n_manager = max(1, round(rest * 0.3))
    n_ic = max(1, rest - n_director - n_manager)

    c_functions = ("executive", "it", "engineering", "finance", "operations")
    c_probs = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    for function in rng.choice(c_functions, size=n_c_level, replace=False, p=c_probs):
        new_contact(org, "c_level", str(function), -int(rng.integers(200, 4000)), rng)
    functions = tuple(f for f, w in vocab.CUSTOMER_FUNCTION_WEIGHTS.items() if w > 0)
    weights = np.array([vocab.CUSTOMER_FUNCTION_WEIGHTS[f] for f in functions])
    weights /= weights.sum()
    for level, count in (("vp", n_vp), ("director", n_director), ("manager", n_manager)):
        for function in rng.choice(functions, size=count, p=weights):
            new_contact(org, level, str(function), -int(rng.integers(60, 3000)), rng)
    for function in rng.choice(functions, size=n_ic, p=weights):
        new_contact(org, "ic", str(function), -int(rng.integers(30, 2000)), rng)

    seniors = [p for p in org.people if p.spells[0].level in ("director", "vp")]
    champion = seniors[int(rng.integers(len(seniors)))]
    champion.engagement = 3.0 * max(p.engagement for p in org.people)
    org.champion = champion
