"""Incidents in and around schools, with the protocol's follow-ups, evidence and arrests."""

import hashlib
import math
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.cli.workload.plan_searches import search_steps
from services.cli.workload.plan_staffing import LONDON
from services.cli.workload.steps import Chain, Ref, Step, Who, head, officer, staff
from services.cli.workload.world import Borough, School, World

# Incidents a week per 1,000 pupils, before the borough's crime factor.
RATES = {"secondary": 1.5, "academy": 1.5, "special": 1.2, "primary": 0.35}
SECONDARY_MIX = {
    "anti-social-behaviour": 18, "bullying": 14, "other-theft": 12, "violent-crime": 10,
    "assault-with-injury": 7, "public-order": 6, "criminal-damage-arson": 6, "drugs": 6,
    "theft-from-the-person": 5, "possession-of-weapons": 4, "robbery": 4, "other-non-crime": 4,
    "bicycle-theft": 2, "sexual-assault": 1, "other-crime": 1,
}  # fmt: skip
PRIMARY_MIX = {
    "bullying": 30, "anti-social-behaviour": 25, "other-non-crime": 20, "criminal-damage-arson": 8,
    "other-theft": 8, "violent-crime": 6, "assault-with-injury": 3,
}  # fmt: skip
PREMISES = {"building": 45, "playground": 30, "sports_field": 15, "annexe": 10}
NON_CRIME = {"anti-social-behaviour", "bullying", "other-non-crime"}
RESTORATIVE = NON_CRIME | {"public-order", "criminal-damage-arson", "violent-crime"}
EVIDENCE = {"drugs": ("drugs", 0.8), "possession-of-weapons": ("weapon", 0.9)}
EVIDENCE |= {
    c: ("stolen_property", 0.3) for c in ("robbery", "theft-from-the-person", "other-theft")
}
ARREST = {"robbery": 0.35, "assault-with-injury": 0.25, "possession-of-weapons": 0.4}
ARREST |= {"drugs": 0.15, "sexual-assault": 0.4}
OUTCOMES = {
    "non-crime": {"local-resolution": 85, "action-taken-by-another-organisation": 15},
    "drugs": {"offender-given-drugs-possession-warning": 45, "offender-given-caution": 25,
              "local-resolution": 30},
    "theft": {"investigation-complete-no-suspect-identified": 45, "local-resolution": 35,
              "offender-given-caution": 20},
    "crime": {"local-resolution": 35, "offender-given-caution": 25, "unable-to-prosecute": 20,
              "awaiting-court-result": 10, "formal-action-not-in-public-interest": 10},
    "arrest": {"awaiting-court-result": 45, "offender-given-caution": 35,
               "suspect-charged-part-of-another-case": 20},
}  # fmt: skip
NECESSITY = "Pupil threatened others with the item and would not hand it over; could not wait."


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    """A key drawn by weight."""
    return rng.choices(list(weights), list(weights.values()))[0]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth), for counts of events in a week."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def pupil(rng: random.Random) -> str:
    """A pseudonymous pupil reference (the school's system alone resolves it)."""
    return f"pupil-{rng.getrandbits(64):016x}"


class Incidents:
    """Incident chains week by week, and the counts reporting should then show."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.expected: Counter[str] = Counter()
        # (school, pupil, day) of incidents the officer reported (on the police record, not
        # restricted), in the order planned: the demo reads a few pupils' chronologies.
        self.pupils_seen: list[tuple[str, str, date]] = []
        self.last_moment = datetime.combine(world.today - timedelta(1), time(20), LONDON)

    def later(self, start: datetime, **delta: float) -> datetime:
        """A follow-up ``delta`` after ``start``, never later than yesterday evening."""
        return min(start + timedelta(**delta), self.last_moment)

    def week(self, monday: date) -> list[Chain]:
        """This week's incidents at every school (each with its follow-ups)."""
        chains = []
        for b in self.world.boroughs:
            days = [d for d in b.calendar.school_days() if monday <= d < monday + timedelta(7)]
            for school in b.schools if days else []:
                mean = school.pupil_count / 1000 * RATES[school.phase] * b.crime_factor
                for _ in range(poisson(self.rng, mean * len(days) / 5)):
                    chains.append(self.incident(b, school, self.rng.choice(days)))
        return chains

    def moment(self, school: School, day: date, outside: bool) -> datetime:
        """A time inside the school's protocol hours, or just outside them."""
        start, end = school.hours
        if not outside:
            minute = self.rng.randint(start, end - 1)
        elif self.rng.random() < 0.3:
            minute = self.rng.randint(start - 60, start - 5)
        else:
            minute = self.rng.randint(end + 5, end + 150)  # the walk home
        return datetime.combine(day, time(minute // 60, minute % 60), LONDON)

    def incident(self, b: Borough, school: School, day: date) -> Chain:
        """One incident and what the protocol has people do about it."""
        rng, chain = self.rng, Chain("incident")
        mix = PRIMARY_MIX if school.phase == "primary" else SECONDARY_MIX
        category, outside = pick(rng, mix), rng.random() < 0.12
        t0 = self.moment(school, day, outside)
        kind = "abutting_public_place" if outside and rng.random() < 0.8 else "premises"
        places = PREMISES if kind == "premises" else {"street": 3, "public_place": 1}
        place = pick(rng, places)
        notice = pick(rng, {"officer_patrol": 30, "reported_by_staff": 40,
                            "reported_by_pupil": 20, "reported_by_parent": 10})  # fmt: skip
        pc = officer(rng.choice(school.officers), b.slug)
        sid = school.school_id
        reporter = staff(sid) if notice == "reported_by_staff" and rng.random() < 0.6 else pc
        pupils = [pupil(rng) for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))]
        against_staff = category not in NON_CRIME and rng.random() < 0.01
        body = {
            "school_id": sid, "occurred_at": t0.isoformat(), "location_kind": kind,
            "place": place, "category": category, "came_to_notice": notice,
            "description": f"{category.replace('-', ' ')} at the {place.replace('_', ' ')}",
            "pupil_refs": pupils, "allegation_against_staff": against_staff,
        }  # fmt: skip
        if against_staff:  # the member of staff accused, by reference (no draw: same stream)
            accused = hashlib.sha256(f"{sid}/{t0.isoformat()}".encode()).hexdigest()[:16]
            body["accused_staff_ref"] = f"staff-{accused}"
        chain.add(Step("incidents", "POST", "/incidents", reporter, body, save={"incident": "id"}))
        self.expected["incidents"] += 1
        self.expected["allegations"] += int(against_staff)  # a count: no draw, same stream
        if pupils and reporter.role == "school_officer" and not against_staff:
            self.pupils_seen.append((sid, pupils[0], day))
        self.expected["outside_protocol_hours"] += int(outside)
        serious = category in SERIOUS_CATEGORIES
        notified = serious and rng.random() < 0.97
        if notified:
            told = self.later(t0, minutes=rng.randint(10, 90))
            # School staff do not read an allegation against staff; its officer follows it up.
            who = pc if rng.random() < 0.5 or against_staff else staff(sid)
            chain.add(
                self._post(
                    "/incidents/{incident}/head-teacher-notification", who, {"at": told.isoformat()}
                )
            )
        internal = not serious and notice == "reported_by_staff" and rng.random() < 0.3
        internal = internal and not against_staff
        if reporter.role == "school_staff" and not serious:
            if internal:  # recorded, not referred: the police never see it (school-only topic)
                self.expected["unreferred"] += 1
                return chain.add(
                    self._post(
                        "/incidents/{incident}/internal-election",
                        staff(sid),
                        {"at": self.later(t0, hours=1).isoformat()},
                    )
                )
            # "at the discretion of the head teacher to report all other crimes to the SSPO"
            chain.add(
                self._post(
                    "/incidents/{incident}/referral",
                    head(sid),
                    {"at": self.later(t0, minutes=30).isoformat()},
                )
            )
        if internal:  # the school deals with it: police action stays limited
            chain.add(
                self._post(
                    "/incidents/{incident}/internal-election",
                    staff(sid),
                    {"at": self.later(t0, hours=1).isoformat()},
                )
            )
        if against_staff:  # investigated only in consultation with the head or deputy
            body = {
                "consulted": "head_teacher",
                "consulted_at": self.later(t0, hours=2).isoformat(),
            }
            chain.add(self._post("/incidents/{incident}/staff-consultation", pc, body))
        crime = category not in NON_CRIME
        if crime and not internal and rng.random() < 0.8:
            body = {"action": "crime_report", "taken_at": self.later(t0, hours=3).isoformat()}
            chain.add(self._post("/incidents/{incident}/police-actions", pc, body))
        if not internal and not outside:
            # Staff do not read an allegation against one of them: the head keeps the item.
            keeper = head(sid) if against_staff else staff(sid)
            self._evidence(chain, keeper, category, t0, pc)
            if pupils and category in ("drugs", "possession-of-weapons") and rng.random() < 0.5:
                steps, counts = search_steps(
                    rng,
                    school,
                    pc,
                    self.later(t0, minutes=15),
                    pupils[0],
                    category,
                    powers=bool(self.world.constables([pc.sub])),
                )
                chain.add(*steps)
                self.expected.update(counts)
        arrested = False
        if pupils and not internal and not against_staff and rng.random() < ARREST.get(category, 0):
            arrested = self._arrest(chain, school, pc, t0, pupils[0])
        if category in RESTORATIVE and rng.random() < 0.25:
            outcome = pick(
                rng, {"agreement_reached": 75, "no_agreement": 15, "did_not_proceed": 10}
            )
            body = {
                "held_at": self.later(t0, days=2).isoformat(),
                "outcome": outcome,
                "pupil_refs": pupils,
            }
            chain.add(
                self._post(
                    "/incidents/{incident}/restorative-conferences",
                    pc if rng.choice((pc, staff(sid))) == pc or against_staff else staff(sid),
                    body,
                )
            )
        if (notified or not serious) and rng.random() < 0.88:
            group = (
                "arrest"
                if arrested
                else "non-crime"
                if not crime
                else (
                    "drugs" if category == "drugs" else "theft" if "theft" in category else "crime"
                )
            )
            body = {
                "outcome": pick(rng, OUTCOMES[group]),
                "closed_at": self.later(t0, days=rng.randint(1, 10)).isoformat(),
            }
            chain.add(self._post("/incidents/{incident}/closure", pc, body))
            self.expected["closed"] += 1
            # Dealt with by the police: closed, inside protocol hours, not left to the school
            self.expected["dealt_with"] += int(not internal and not outside)
        return chain

    @staticmethod
    def _post(path: str, who: Who, body: dict[str, Any], **kw: Any) -> Step:
        return Step("incidents", "POST", path, who, body, **kw)

    def _evidence(self, chain: Chain, keeper: Who, category: str, t0: datetime, pc: Who) -> None:
        """The school (``keeper``) seizes the item and hands it to the officer, who books it in
        or returns it."""
        kind, chance = EVIDENCE.get(category, ("other", 0.0))
        if self.rng.random() >= chance:
            return
        if kind == "stolen_property" and self.rng.random() < 0.4:
            kind = "electronic_device"
        body = {
            "incident_id": Ref("incident"),
            "kind": kind,
            "description": f"{kind.replace('_', ' ')} seized",
            "seized_at": self.later(t0, minutes=10).isoformat(),
        }
        chain.add(self._post("/evidence", keeper, body, save={"item": "id"}))
        self.expected["evidence"] += 1
        if self.rng.random() < 0.05:
            return  # still in the school's initial care: awaiting handover
        handed = self.later(t0, hours=self.rng.uniform(1, 4))
        body = {"officer_id": pc.sub, "handed_at": handed.isoformat()}
        chain.add(self._post("/evidence/{item}/handover", keeper, body))
        returned = kind in ("stolen_property", "electronic_device") and self.rng.random() < 0.5
        body = {
            "transfer": "returned" if returned else "booked_in",
            "reference": "owner" if returned else f"PROP-{self.rng.randint(10000, 99999)}",
            "at": self.later(handed, days=1).isoformat(),
        }
        chain.add(self._post("/evidence/{item}/disposal", pc, body))

    def _arrest(self, chain: Chain, school: School, pc: Who, t0: datetime, ref: str) -> bool:
        """Arrested on the premises only when absolutely necessary; otherwise later; by a
        constable (a PCSO has no power of arrest), or not at all where the school has none."""
        constables = self.world.constables(school.officers)
        if not constables:
            return False
        if pc.sub not in constables:
            pc = officer(constables[0], pc.borough or "")
        on_premises = self.rng.random() < 0.3
        when = (
            self.later(t0, minutes=30)
            if on_premises
            else self.later(t0, days=self.rng.randint(1, 3))
        )
        body = {
            "incident_id": Ref("incident"),
            "pupil_ref": ref,
            "arrested_at": when.isoformat(),
            "on_premises": on_premises,
            "necessity": NECESSITY if on_premises else None,
        }
        chain.add(self._post("/arrests", pc, body, save={"arrest": "id"}))
        self.expected["arrests"] += 1
        if self.rng.random() < 0.96:  # "The head teacher will be informed"
            who = pc if self.rng.random() < 0.6 else head(school.school_id)
            body = {"informed_at": self.later(when, minutes=30).isoformat()}
            chain.add(self._post("/arrests/{arrest}/head-teacher-informed", who, body))
        return True
