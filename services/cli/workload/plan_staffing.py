"""Staffing before and during the term: schools, officers, deployments, rosters, abstractions."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from services.cli.workload.steps import Chain, Phase, Step, Who, head, supervisor
from services.cli.workload.world import Officer, School, World, add_years
from services.runtime.clock import LONDON

SHIFT_HOURS = 8.0  # "The SSPO will be on duty for 8 hours a day" (Appendix 2)
# "Some officers identify that they are often abstracted for AID" (Appendix 1, 2).
CATEGORIES = {
    "aid_local": 34,
    "aid_central": 14,
    "control_room": 10,
    "court": 16,
    "mandatory_training": 16,
    "other": 10,
}
ABSTRACTION_CHANCE = 0.22  # of a shift, before the borough's factor and any ring-fence
LEAVE_CHANCE = 0.05  # of an officer taking a few days of annual leave in a given week


def at(day: date, hour: int, minute: int = 0) -> str:
    """A London local time on ``day``, with its offset."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).isoformat()


def _post(path: str, body: dict[str, Any], who: Who, **kw: Any) -> Step:
    return Step("staffing", "POST", path, who, body, **kw)


def setup_phases(world: World, rng: random.Random) -> list[Phase]:
    """The programme as it stood before the term, in the order the rules need."""
    starts = {o.officer_id: min(d.start_date for d in o.deployments) for o in world.officers}
    schools = Phase("schools and protocols")
    census = world.side_rng("census")
    for school in world.schools:
        first = min((starts[o] for o in school.officers), default=world.term.starts_on)
        last = max((starts[o] for o in school.officers), default=world.term.starts_on)
        chain = _school_chain(rng, school, first, last, world)
        schools.chains.append(chain.add(_census(census, school, world)))
    for school in world.comparison:
        chain = Chain(
            "school", [_post("/schools", _school_body(school), supervisor(school.borough))]
        )
        schools.chains.append(chain.add(_census(census, school, world)))
    officers = Phase("officers, training, ring-fences, clusters")
    for school in world.schools:
        if school.primaries:
            body: dict[str, Any] = {"primary_school_ids": school.primaries}
            step = Step(
                "staffing",
                "PUT",
                f"/schools/{school.school_id}/cluster",
                supervisor(school.borough),
                body,
            )
            officers.chains.append(Chain("cluster", [step]))
    officers.chains += [_officer_chain(rng, o, world) for o in world.officers]
    deployments = Phase("deployments and term calendars")
    deployments.chains += [_deployment_chain(o) for o in world.officers]
    for borough in world.boroughs:
        body = {
            "starts_on": str(world.term.starts_on),
            "ends_on": str(world.term.ends_on),
            "holidays": [h.body() for h in borough.calendar.holidays],
        }
        path = f"/calendars/{borough.slug}/{world.term.name}"
        step = Step("staffing", "PUT", path, supervisor(borough.slug), body)
        deployments.chains.append(Chain("calendar", [step]))
    rosters = Phase("rosters for the term")
    for o in world.officers:
        start = "07:30:00" if rng.random() < 0.25 else "08:00:00"  # breakfast clubs
        body = {"term": world.term.name, "start": start, "hours": SHIFT_HOURS}
        rosters.chains.append(
            Chain(
                "roster", [_post(f"/officers/{o.officer_id}/rosters", body, supervisor(o.borough))]
            )
        )
    return [schools, officers, deployments, rosters]


def _school_body(school: School) -> dict[str, Any]:
    return {
        "school_id": school.school_id,
        "name": school.name,
        "borough": school.borough,
        "phase": school.phase,
        "pupil_count": school.pupil_count,
        "programme": "safer_schools_partnership",
    }


# A London-like mix of pupils by broad ethnic group, varied school by school.
ETHNIC_MIX = {"White": 0.43, "Black": 0.2, "Asian": 0.2, "Mixed": 0.1, "Other": 0.07}


def _census(rng: random.Random, school: School, world: World) -> Step:
    """The school's October census: pupils on roll by broad ethnic group."""
    weights = {g: share * rng.uniform(0.5, 1.5) for g, share in ETHNIC_MIX.items()}
    total = sum(weights.values())
    counts = {g: round(school.pupil_count * w / total) for g, w in weights.items()}
    october = date(world.term.starts_on.year - (world.term.starts_on.month < 10), 10, 1)
    body = {"census_date": str(october), "pupils_by_ethnicity": counts}
    return Step(
        "staffing", "PUT", f"/schools/{school.school_id}/census", supervisor(school.borough), body
    )


def _school_chain(
    rng: random.Random, school: School, first: date, last: date, world: World
) -> Chain:
    sup = supervisor(school.borough)
    chain = Chain("school", [_post("/schools", _school_body(school), sup)])
    if not school.officers and rng.random() < 0.5:  # no officer: no protocol needed yet
        return chain
    # "Agreeing policies and protocols ... prior to the deployment of officers is essential."
    signed = first - timedelta(rng.randint(10, 200))
    body = {
        "signed_on": str(signed),
        "head_teacher": f"Head teacher of {school.name}",
        "borough_commander": f"Borough commander, {school.borough}",
    }
    chain.add(_post(f"/schools/{school.school_id}/protocol", body, sup))
    reviews, year = [], 1
    while (
        held := add_years(signed, year) + timedelta(rng.randint(-20, 25))
    ) < world.term.starts_on:
        reviews.append(held)
        year += 1
    # The review at the end of the year was missed: it is overdue (only where no deployment
    # starts after it fell due, which the protocol rule would refuse).
    if len(reviews) > 1 and rng.random() < 0.1 and last <= add_years(reviews[-2], 1):
        reviews.pop()
    elif last > add_years(reviews[-1] if reviews else signed, 1):
        reviews.append(last - timedelta(1))  # held late, before the latest officer started
    for held in reviews[-2:]:
        minutes = {
            "held_on": str(held),
            "minutes": "Annual review of the partnership with the head teacher and the SSPO",
            "actions": ["Review search records termly", "Refresh the assembly programme"],
        }
        chain.add(_post(f"/schools/{school.school_id}/reviews", minutes, sup))
    return chain


def _officer_chain(rng: random.Random, o: Officer, world: World) -> Chain:
    sup = supervisor(o.borough)
    body = {
        "officer_id": o.officer_id,
        "rank": o.rank,
        "borough": o.borough,
        "selection_panel": o.panel,
    }
    chain = Chain("officer", [_post("/officers", body, sup)])
    start = min(d.start_date for d in o.deployments)
    years = (world.term.starts_on - start).days / 365
    modules = sorted(rng.sample(range(1, 23), min(22, 2 + int(years * 3))))
    span = max(1, (world.term.starts_on - start).days)
    for module in modules:
        done = start + timedelta(rng.randint(0, span - 1))
        chain.add(
            _post(
                f"/officers/{o.officer_id}/training",
                {"module": module, "completed_on": str(done)},
                sup,
            )
        )
    if o.ring_fenced_from is not None:
        body = {"ring_fenced_from": str(o.ring_fenced_from), "authorised_by": sup.sub}
        chain.add(_post(f"/officers/{o.officer_id}/ring-fence", body, sup))
    return chain


def _deployment_chain(o: Officer) -> Chain:
    sup, chain = supervisor(o.borough), Chain("deployment")
    for i, d in enumerate(o.deployments):
        body = {
            "officer_id": o.officer_id,
            "school_id": d.school_id,
            "to_cluster": d.to_cluster,
            "share_percent": d.share_percent,
            "start_date": str(d.start_date),
        }
        chain.add(_post("/deployments", body, sup, save={f"deployment{i}": "id"}))
        if d.extend_to is not None:  # "3-year tenures, which are extendable to 5 years"
            path = f"/deployments/{{deployment{i}}}/extension"
            chain.add(_post(path, {"tenure_end": str(d.extend_to)}, sup))
    return chain


def protocol_hours_phase(world: World) -> Phase:
    """Head teachers set their protocol hours, closed on the borough's holidays."""
    phase = Phase("protocol hours")
    for borough in world.boroughs:
        closed = sorted(
            str(h.starts_on + timedelta(n))
            for h in borough.calendar.holidays
            for n in range((h.ends_on - h.starts_on).days + 1)
        )
        for school in borough.schools:
            starts, ends = (f"{m // 60:02d}:{m % 60:02d}" for m in school.hours)
            body = {
                "starts": starts,
                "ends": ends,
                "school_days": [1, 2, 3, 4, 5],
                "closed_dates": closed,
            }
            step = Step(
                "incidents",
                "PUT",
                f"/schools/{school.school_id}/protocol-hours",
                head(school.school_id),
                body,
            )
            phase.chains.append(Chain("protocol hours", [step]))
    return phase


class Abstractions:
    """Officers taken off school duty, week by week, with what reporting should then show."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.leave_rng = world.side_rng("leave")
        self.expected: Counter[str] = Counter()
        self.by_borough: dict[str, Counter[str]] = {b.slug: Counter() for b in world.boroughs}
        self.lifts: dict[str, date] = {}
        days = world.boroughs[0].calendar.school_days()
        for o in world.officers:
            if o.ring_fenced_from and len(days) > 10 and rng.random() < 0.06:
                # A ring-fence may begin mid-term: staffing lifts only one that has begun.
                later = [d for d in days[5:] if d > o.ring_fenced_from]
                if later:
                    self.lifts[o.officer_id] = rng.choice(later)
        for b in world.boroughs:
            hours = int(len(b.calendar.school_days()) * SHIFT_HOURS * len(b.officers))
            self.expected["rostered_hours"] += hours
            self.by_borough[b.slug]["rostered_hours"] += hours

    def ring_fenced_on(self, o: Officer, day: date) -> bool:
        """Whether the ring-fence held on ``day`` (lifted_on is the first day without it)."""
        lifted = self.lifts.get(o.officer_id)
        return (
            o.ring_fenced_from is not None
            and o.ring_fenced_from <= day
            and (lifted is None or day < lifted)
        )

    def week(self, monday: date) -> list[Chain]:
        """One chain per officer with their abstractions (one roster: one at a time)."""
        chains = []
        for b in self.world.boroughs:
            for o in b.officers:
                chain = Chain("abstraction")
                days = [d for d in b.calendar.school_days() if monday <= d < monday + timedelta(7)]
                lifted = self.lifts.get(o.officer_id)
                if lifted is not None and monday <= lifted < monday + timedelta(7):
                    body = {
                        "lifted_on": str(lifted),
                        "reason": self.rng.choice(("operational_need", "review")),
                    }
                    chain.add(
                        _post(f"/officers/{o.officer_id}/ring-fence/lift", body, supervisor(b.slug))
                    )
                taken = []
                for day in days:
                    fenced = self.ring_fenced_on(o, day)
                    chance = ABSTRACTION_CHANCE * b.abstraction_factor * (0.4 if fenced else 1.0)
                    if self.rng.random() < chance:
                        chain.add(self._abstraction(o, day, fenced))
                        taken.append(day)
                leave = self._leave(o, [d for d in days if d not in taken])
                if leave is not None:
                    chain.add(leave)
                if chain.steps:
                    chains.append(chain)
        return chains

    def _leave(self, o: Officer, free: list[date]) -> Step | None:
        """Now and then a few days of annual leave (on days with no abstraction), told to the
        schools a fortnight ahead; drawn from a generator of its own."""
        if not free or self.leave_rng.random() >= LEAVE_CHANCE:
            return None
        first = self.leave_rng.randrange(len(free))
        taken = [free[first]]
        for day in free[first + 1 : first + self.leave_rng.randint(1, 3)]:
            if day - taken[-1] != timedelta(1):
                break
            taken.append(day)
        body = {
            "kind": "annual_leave",
            "starts_on": str(taken[0]),
            "ends_on": str(taken[-1]),
            "notified_at": at(taken[0] - timedelta(14), 10, 0),
        }
        for c in (self.expected, self.by_borough[o.borough]):
            c["leave_hours"] += int(len(taken) * SHIFT_HOURS)
        return _post(f"/officers/{o.officer_id}/absences", body, supervisor(o.borough))

    def _abstraction(self, o: Officer, day: date, fenced: bool) -> Step:
        rng = self.rng
        category = rng.choices(list(CATEGORIES), list(CATEGORIES.values()))[0]
        exceptional = rng.random() < (0.5 if fenced else 0.15)
        hours = None if rng.random() < 0.45 else float(rng.choice((2, 3, 4, 5, 6)))
        told = None
        if rng.random() < 0.8:
            told = (
                at(day - timedelta(1), 15, 30)
                if category in ("court", "mandatory_training")
                else at(day, 7, 45)
            )
        body = {
            "shift_date": str(day),
            "hours": hours,
            "category": category,
            "authorised_by": f"sgt-{o.borough}",
            "exceptional": exceptional,
            "school_notified_at": told,
        }
        counts = self.by_borough[o.borough]
        for c in (self.expected, counts):
            c["abstractions"] += 1
            c["abstracted_hours"] += int(hours or SHIFT_HOURS)
            c["breaches"] += int(fenced and not exceptional)
        return _post(f"/officers/{o.officer_id}/abstractions", body, supervisor(o.borough))
