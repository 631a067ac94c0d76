"""The programme as it stands before the term: schools, clusters, officers and deployments."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.cli.workload.calendar import BoroughCalendar, Term, borough_calendar
from services.cli.workload.london import (
    BY_SLUG,
    FIRST_BOROUGHS,
    NAMED_SCHOOLS,
    PLACES,
    SCHOOL_KINDS,
    BoroughFacts,
)

SCHOOLS_PER_BOROUGH = 245 / 32  # the source: 245 schools; the Met polices 32 boroughs
PUPILS = {"secondary": (800, 1150), "academy": (850, 1200), "primary": (180, 520)}
PUPILS["special"] = (60, 180)


@dataclass
class School:
    """A school in the programme."""

    school_id: str
    name: str
    borough: str
    phase: str
    pupil_count: int
    lat: float
    lon: float
    hours: tuple[int, int] = (480, 960)  # protocol hours, minutes after midnight
    primaries: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)

    @property
    def leads_cluster(self) -> bool:
        """A secondary school with primaries around it."""
        return bool(self.primaries)


@dataclass
class Deployment:
    """An officer's share of time at a school or its cluster, with the tenure."""

    school_id: str
    to_cluster: bool
    share_percent: int
    start_date: date
    extend_to: date | None


@dataclass
class Officer:
    """An officer of the programme, known by a pseudonymous id."""

    officer_id: str
    borough: str
    rank: str
    panel: list[str]
    deployments: list[Deployment] = field(default_factory=list)
    ring_fenced_from: date | None = None
    schools: list[str] = field(default_factory=list)


@dataclass
class Borough:
    """A borough taking part: its calendar and its policing character."""

    facts: BoroughFacts
    calendar: BoroughCalendar
    crime_factor: float
    abstraction_factor: float
    ring_fence_share: float
    schools: list[School] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The borough's id in every service."""
        return self.facts.slug


@dataclass
class World:
    """Everything the term is played against."""

    term: Term
    today: date
    boroughs: list[Borough]
    # Schools registered in staffing that get no officer: the comparison group of outcomes.
    comparison: list[School] = field(default_factory=list)

    def side_rng(self, purpose: str) -> random.Random:
        """A generator of its own for ``purpose``, so adding one leaves the others' draws alone."""
        return random.Random(f"{purpose}:{self.term.name}:{len(self.schools)}:{len(self.officers)}")

    @property
    def schools(self) -> list[School]:
        """Every school, borough by borough."""
        return [s for b in self.boroughs for s in b.schools]

    @property
    def officers(self) -> list[Officer]:
        """Every officer, borough by borough."""
        return [o for b in self.boroughs for o in b.officers]

    def constables(self, officer_ids: list[str]) -> list[str]:
        """Those of ``officer_ids`` with police powers (a PCSO neither searches nor arrests)."""
        pcsos = {o.officer_id for o in self.officers if o.rank == "pcso"}
        return [o for o in officer_ids if o not in pcsos]


def build_world(rng: random.Random, schools: int, officers: int, term: Term, today: date) -> World:
    """A seeded London programme of ``schools`` schools and ``officers`` officers."""
    count = max(1, min(32, round(schools / SCHOOLS_PER_BOROUGH), officers, schools))
    rest = sorted(set(BY_SLUG) - set(FIRST_BOROUGHS))
    rng.shuffle(rest)
    chosen = [*FIRST_BOROUGHS, *rest][:count]
    boroughs = [_borough(rng, BY_SLUG[slug], term) for slug in sorted(chosen)]
    for borough, n in zip(boroughs, _split(rng, schools, len(boroughs)), strict=True):
        borough.schools = _schools(rng, borough, n)
    leads = [sum(s.phase != "primary" for s in b.schools) for b in boroughs]
    for borough, n in zip(boroughs, _split(rng, officers, len(boroughs), leads), strict=True):
        borough.officers = _officers(rng, borough, n, term, today)
    world = World(term, today, boroughs)
    side = world.side_rng("comparison")
    for b in boroughs:
        pupils = side.randint(*PUPILS["secondary"])
        lat, lon = b.facts.lat + side.uniform(-0.02, 0.02), b.facts.lon + side.uniform(-0.03, 0.03)
        name = f"{side.choice(PLACES)} Comparison High"
        world.comparison.append(
            School(f"{b.slug}-x01", name, b.slug, "secondary", pupils, lat, lon)
        )
    return world


def _borough(rng: random.Random, facts: BoroughFacts, term: Term) -> Borough:
    # "This amount of commitment differs across boroughs" (Appendix 1, 2): abstraction varies.
    return Borough(
        facts=facts,
        calendar=borough_calendar(rng, facts.slug, term),
        crime_factor=rng.uniform(1.0, 1.5) if facts.inner else rng.uniform(0.6, 1.1),
        abstraction_factor=rng.uniform(0.55, 1.55),
        ring_fence_share=rng.choice((0.25, 0.5, 0.75, 1.0)),
    )


def _split(
    rng: random.Random, total: int, parts: int, weights: list[int] | None = None
) -> list[int]:
    """``total`` shared out over ``parts``, each at least one, roughly by ``weights``."""
    weights_f = [float(w) * rng.uniform(0.8, 1.2) for w in (weights or [1] * parts)]
    counts = [1] * parts
    for _ in range(total - parts):
        need = [w / c for w, c in zip(weights_f, counts, strict=True)]
        counts[need.index(max(need))] += 1
    return counts


def _schools(rng: random.Random, borough: Borough, n: int) -> list[School]:
    named = list(NAMED_SCHOOLS.get(borough.slug, ()))[:n]
    leads = max(1, round(n * 0.55))
    phases = [p for _, p, _ in named]
    while len(phases) < n:
        lead = sum(p in ("secondary", "academy") for p in phases) < leads
        if lead:
            phases.append("academy" if rng.random() < 0.3 else "secondary")
        else:
            phases.append("special" if rng.random() < 0.08 else "primary")
    found: list[School] = []
    names: set[str] = {name for name, _, _ in named}
    for i, phase in enumerate(phases):
        if i < len(named):
            name, _, pupils = named[i]
        else:
            name = _name(rng, phase, names)
            pupils = rng.randint(*PUPILS[phase])
        school_id = f"{borough.slug}-{phase[0]}{i + 1:02d}"
        lat = borough.facts.lat + rng.uniform(-0.02, 0.02)
        lon = borough.facts.lon + rng.uniform(-0.03, 0.03)
        hours = rng.choice(((480, 960),) * 4 + ((510, 990),))
        found.append(School(school_id, name, borough.slug, phase, pupils, lat, lon, hours))
    _cluster(rng, found)
    return found


def _name(rng: random.Random, phase: str, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(PLACES)} {rng.choice(SCHOOL_KINDS[phase])}"
        if name not in taken:
            taken.add(name)
            return name


def _cluster(rng: random.Random, schools: list[School]) -> None:
    """Each primary joins the cluster of a secondary school or academy of its borough."""
    leads = [s for s in schools if s.phase in ("secondary", "academy")]
    for primary in (s for s in schools if s.phase == "primary"):
        rng.choice(leads).primaries.append(primary.school_id)


def _officers(
    rng: random.Random, borough: Borough, n: int, term: Term, today: date
) -> list[Officer]:
    """``n`` officers covering the borough's secondary and special schools (and clusters)."""
    posts = sorted(
        (s for s in borough.schools if s.phase != "primary"), key=lambda s: -s.pupil_count
    )
    found = [_officer(rng, borough, i + 1) for i in range(n)]
    # One officer per secondary with its cluster where there are enough (Appendix 1, 2);
    # otherwise officers "split their time between schools to provide a blanket cover".
    shares: list[list[School]] = [[] for _ in found]
    for i, school in enumerate(posts):
        shares[i % n].append(school)
    for i in range(len(posts), n):
        shares[i].append(posts[i % len(posts)])  # a second officer for the largest schools
    for officer, schools in zip(found, shares, strict=True):
        start = _start_date(rng, term, today)
        for school, share in zip(schools, _percentages(len(schools)), strict=True):
            officer.deployments.append(
                Deployment(school.school_id, school.leads_cluster, share, start, None)
            )
            school.officers.append(officer.officer_id)
            officer.schools += [school.school_id, *school.primaries]
        _tenure(rng, officer, today)
        if rng.random() < borough.ring_fence_share:
            officer.ring_fenced_from = start + timedelta(rng.randint(0, 120))
    for school in borough.schools:
        for primary_id in school.primaries:
            primary = next(s for s in borough.schools if s.school_id == primary_id)
            primary.officers = list(school.officers)
    return found


def _officer(rng: random.Random, borough: Borough, n: int) -> Officer:
    rank = rng.choices(("constable", "pcso", "sergeant"), (88, 9, 3))[0]
    # Appendix 1, 1: a panel of police, local education and the school, where possible.
    panel = rng.choices(
        (["police", "local_education_authority", "school"], ["police", "school"], ["police"]),
        (70, 22, 8),
    )[0]
    return Officer(f"ofc-{borough.slug}-{n:02d}", borough.slug, rank, panel)


def _percentages(n: int) -> list[int]:
    base = 100 // n
    return [base + (1 if i < 100 - base * n else 0) for i in range(n)]


def _start_date(rng: random.Random, term: Term, today: date) -> date:
    """Tenures began up to four and a half years ago, and all before the term."""
    earliest = today - timedelta(days=int(4.5 * 365))
    latest = term.starts_on - timedelta(days=30)
    return earliest + timedelta(rng.randint(0, max(0, (latest - earliest).days)))


def _tenure(rng: random.Random, officer: Officer, today: date) -> None:
    """A tenure of 3 years, extended (to at most 5) when it would already have run out."""
    for d in officer.deployments:
        three = add_years(d.start_date, 3)
        if three < today + timedelta(days=60):
            years = rng.choice((4, 5)) if add_years(three, 1) > today + timedelta(60) else 5
            d.extend_to = add_years(d.start_date, years) - timedelta(1)


def add_years(day: date, years: int) -> date:
    """``day`` moved on by whole years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
