"""Searches of pupils (MPS Form 5090 / data.police.uk stop and search) and parents told."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ssp_contracts.vocab import SELF_DEFINED_ETHNICITIES

from services.cli.workload.steps import Chain, Ref, Step, Who, officer, staff
from services.cli.workload.world import School, World

LONDON = ZoneInfo("Europe/London")
PER_WEEK = {"secondary": 0.12, "academy": 0.12, "special": 0.03, "primary": 0.0}
OBJECTS = {
    "Controlled drugs": ("Misuse of Drugs Act 1971 (section 23)", 45),
    "Offensive weapons": ("Criminal Justice Act 1988 (section 139B)", 30),
    "Stolen goods": ("Police and Criminal Evidence Act 1984 (section 1)", 20),
    "Article for use in theft": ("Police and Criminal Evidence Act 1984 (section 1)", 5),
}
OF_CATEGORY = {"drugs": "Controlled drugs", "possession-of-weapons": "Offensive weapons"}
OUTCOMES = {
    "A no further action disposal": 58, "Community resolution": 12,
    "Khat or Cannabis warning": 10, "Arrest": 9, "Caution (simple or conditional)": 5,
    "Penalty Notice for Disorder": 3, "Summons / charged by post": 3,
}  # fmt: skip
# London's mix, roughly (2021 census, under-18s), by self-defined group.
ETHNIC_WEIGHTS = {"White": 40, "Asian": 22, "Black": 18, "Mixed": 12, "Other": 8}


def _ethnicity(rng: random.Random) -> tuple[str, str]:
    group = rng.choices(list(ETHNIC_WEIGHTS), list(ETHNIC_WEIGHTS.values()))[0]
    prefix = {"Black": "Black/", "Asian": "Asian/", "Mixed": "Mixed/", "White": "White -"}
    options = [e for e in SELF_DEFINED_ETHNICITIES if e.startswith(prefix.get(group, "Other"))]
    officer_view = group if rng.random() < 0.9 else rng.choice(list(ETHNIC_WEIGHTS))
    return rng.choice(options), officer_view


def search_steps(
    rng: random.Random,
    school: School,
    pc: Who,
    when: datetime,
    pupil_ref: str | None,
    category: str | None = None,
    premises: bool = True,
    powers: bool = True,
) -> tuple[list[Step], Counter[str]]:
    """A search by the officer (the police record) or by school staff, and its follow-up."""
    target = (
        OF_CATEGORY.get(category or "")
        or rng.choices(list(OBJECTS), [w for _, w in OBJECTS.values()])[0]
    )
    outcome = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
    self_defined, officer_defined = _ethnicity(rng)
    year = rng.randint(7, 13) if school.phase != "primary" else 6
    body: dict[str, Any] = {
        "school_id": school.school_id,
        "incident_id": Ref("incident") if category else None,
        # A PCSO (no police powers) only assists staff with their search.
        "searched_by": "officer" if rng.random() < 0.6 and powers else "school_staff",
        "searched_at": when.isoformat(),
        "location_kind": "premises" if premises else "abutting_public_place",
        "place_description": "Pupil's locker" if premises else "Pavement outside the main gate",
        "latitude": round(school.lat, 5),
        "longitude": round(school.lon, 5),
        "pupil_ref": pupil_ref,
        "person": f"Year {year} pupil" if pupil_ref else "Young adult waiting at the gates",
        "legislation": OBJECTS[target][0],
        "object_of_search": target,
        "grounds": f"Information from staff that the person carried {target.lower()}",
        "gender": rng.choices(("Male", "Female", "Other"), (70, 28, 2))[0],
        "age_range": "10-17" if pupil_ref else "18-24",
        "self_defined_ethnicity": self_defined,
        "officer_defined_ethnicity": officer_defined,
        "outcome": outcome,
        # A no further action disposal cannot be linked to the object (outcome-link rule).
        "outcome_linked_to_object_of_search": outcome != OUTCOMES_NFA and rng.random() < 0.75,
        "removal_of_more_than_outer_clothing": rng.random() < 0.02,
        "found": None if outcome == OUTCOMES_NFA else target,
    }
    by = pc
    if body["searched_by"] == "officer":  # the police record: MPS Form 5090
        body |= police_form(rng, pc, school)
        counts = Counter({"searches": 1, f"search:{outcome}": 1})
    else:  # the school's record: reporting counts it apart from police searches
        counts = Counter({"school_searches": 1})
        if rng.random() < 0.5:  # staff record their own search, the officer assisting or not
            by = staff(school.school_id)
            body["assisting_officer_id"] = pc.sub if rng.random() < 0.5 else None
    steps = [Step("incidents", "POST", "/searches", by, body, save={"search": "id"})]
    # "It will be the responsibility of the school staff to inform the parents."
    if pupil_ref and rng.random() < 0.95:
        told = when + timedelta(hours=rng.uniform(1, 3))
        body = {"informed_at": told.isoformat()}
        steps.append(
            Step(
                "incidents",
                "POST",
                "/searches/{search}/parents-informed",
                staff(school.school_id),
                body,
            )
        )
    return steps, counts


OUTCOMES_NFA = "A no further action disposal"


def police_form(rng: random.Random, pc: Who, school: School) -> dict[str, Any]:
    """Form 5090's own fields: its reference, the officer's number and station, the receipt."""
    number = f"{int.from_bytes(pc.sub.encode()[-3:], 'big') % 900 + 100}{school.borough[:2]}"
    return {
        "form_reference": f"5090/{school.borough[:2].upper()}/{rng.getrandbits(20):06d}",
        "officer_number": number.upper(),
        "station": f"{school.borough.replace('-', ' ').title()} police station",
        "receipt_offered": rng.random() < 0.97,
    }


class Searches:
    """Searches not tied to a recorded incident (patrols, safer routes), week by week."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.expected: Counter[str] = Counter()

    def week(self, monday: date) -> list[Chain]:
        """This week's searches at each school, one chain per search."""
        chains = []
        for b in self.world.boroughs:
            days = [d for d in b.calendar.school_days() if monday <= d < monday + timedelta(7)]
            for school in b.schools if days else []:
                chance = PER_WEEK[school.phase] * b.crime_factor * len(days) / 5
                if self.rng.random() >= chance:
                    continue
                premises = self.rng.random() < 0.7
                end = school.hours[1]
                minute = self.rng.randint(600, end - 10) if premises else end + 20
                when = datetime.combine(
                    self.rng.choice(days), time(minute // 60, minute % 60), LONDON
                )
                officer_id = self.rng.choice(school.officers)
                pc = officer(officer_id, b.slug)
                powers = bool(self.world.constables([officer_id]))
                pupil = (
                    f"pupil-{self.rng.getrandbits(64):016x}" if self.rng.random() < 0.93 else None
                )
                steps, counts = search_steps(
                    self.rng, school, pc, when, pupil, premises=premises, powers=powers
                )
                self.expected.update(counts)
                chains.append(Chain("search", steps))
        return chains
