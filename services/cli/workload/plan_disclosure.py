"""Section 115 requests (routine and urgent) and the exchanges for planning, week by week."""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any, get_args

from ssp_contracts.events.disclosure import InformationCategory

from services.cli.workload.plan_staffing import LONDON
from services.cli.workload.steps import (
    Chain,
    Ref,
    Step,
    Who,
    disclosure_officer,
    head,
    local_authority,
    officer,
    staff,
)
from services.cli.workload.world import Borough, School, World
from services.disclosure.domain.controller import SCHOOL_HELD

# The demo's requests ask the police disclosure officer, so only what the police may hold.
CATEGORIES: tuple[str, ...] = tuple(
    c for c in get_args(InformationCategory) if c not in SCHOOL_HELD
)
PER_WEEK = {"secondary": 0.2, "academy": 0.2, "special": 0.1, "primary": 0.05}
BASES = {"cda_1998_s115": 70, "dpa_2018_sch2_para2": 15, "children_act_1989_s47": 10}
BASES["children_act_2004_s11"] = 5


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _step(method: str, path: str, who: Who, body: dict[str, Any] | None = None, **kw: Any) -> Step:
    return Step("disclosure", method, path, who, body, **kw)


class Disclosures:
    """Requests through countersignature, decision, release and closure, and their counts."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.expected: Counter[str] = Counter()
        # Every step carries when it happened in the simulated term, so turnaround is real.
        self.last_moment = datetime.combine(world.today - timedelta(1), time(20), LONDON)
        self.clock = world.side_rng("disclosure-times")  # leaves the requests' draws alone

    def _later(self, start: datetime, hours: float) -> datetime:
        """``hours`` after ``start``, never later than yesterday evening."""
        return min(start + timedelta(hours=hours), self.last_moment)

    def week(self, monday: date) -> list[Chain]:
        """This week's requests at each school, and a planning exchange per borough."""
        chains = []
        for b in self.world.boroughs:
            days = [d for d in b.calendar.school_days() if monday <= d < monday + timedelta(7)]
            if not days:
                continue
            for school in b.schools:
                if self.rng.random() < PER_WEEK[school.phase] * len(days) / 5:
                    chains.append(self.request(b, school, self.clock.choice(days)))
            if self.rng.random() < 0.6:
                chains.append(self.exchange(b, self.rng.choice(b.schools), self.rng.choice(days)))
        return chains

    def request(self, b: Borough, school: School, day: date) -> Chain:
        """One request, taken as far as the people involved took it."""
        rng, sid = self.rng, school.school_id
        clock = self.clock
        at = datetime.combine(day, time(9), LONDON) + timedelta(minutes=clock.randint(0, 360))
        asker = _pick(rng, {"police": 78, "local_authority": 14, "school": 8})
        who = {
            "police": officer(rng.choice(school.officers), b.slug),
            "local_authority": local_authority(b.slug),
            "school": staff(sid),
        }[asker]
        urgent = asker != "school" and rng.random() < 0.15
        about_pupil = urgent or rng.random() < 0.95
        subject = f"{'pupil' if about_pupil else 'person'}-{rng.getrandbits(64):016x}"
        categories = sorted(rng.sample(CATEGORIES, rng.choice((1, 2, 2, 3))))
        pro_forma = {
            "requesting_officer": f"{who.sub}, {b.facts.name} schools team",
            "necessity": "Needed to assess risk to the pupil and others",
            "lawful_basis": _pick(rng, BASES),
        }
        body: dict[str, Any] = {
            "requesting_body": asker,
            "subject_ref": subject,
            "school_id": sid,
            "borough": b.slug,
            "urgency": "urgent" if urgent else "routine",
            "categories": categories,
            "purpose": "Investigation of an incident near the school",
            "at": at.isoformat(),
        }
        if urgent:
            body["urgent_reason"] = _pick(
                rng, {"pupil_at_risk": 50, "pupil_missing": 30, "pupil_absent": 20}
            )
        else:
            body |= pro_forma
        chain = Chain("disclosure", [_step("POST", "/requests", who, body, save={"req": "id"})])
        self.expected[f"disclosures:{body['urgency']}"] += 1
        do = disclosure_officer(b.slug)
        if not urgent:  # the head teacher signs every routine request (Appendix 2)
            if rng.random() < 0.08:
                return chain  # waiting for the head teacher's countersignature
            at = self._later(at, clock.uniform(2, 48))  # the head reads it within two days
            self._countersign(chain, sid, at)
        if rng.random() < (0.02 if urgent else 0.05):
            return chain  # still in the disclosure officer's queue
        # Urgent: within the 4-hour window as a rule; routine: within three days
        at = self._later(at, clock.uniform(0.5, 4.5) if urgent else clock.uniform(1, 72))
        outcome = self._decide(chain, do, categories, urgent, at)
        if outcome != "refuse":
            withheld = set() if outcome == "disclose_full" else {categories[-1]}
            release = {
                "categories_shared": [c for c in categories if c not in withheld],
                "information_shared": "Records held by the police for the categories decided",
                "recipient_body": asker,
                "recipient": who.sub,
                "means": _pick(rng, {"telephone": 1, "in_person": 1})
                if urgent
                else _pick(rng, {"secure_email": 5, "secure_portal": 3, "recorded_post": 1}),
                "released_at": self._later(at, clock.uniform(0.2, 4)).isoformat(),
            }
            chain.add(_step("POST", "/requests/{req}/release", do, release))
        if urgent:
            if rng.random() < 0.12:
                return chain  # the written confirmation is still owed
            at = self._later(at, clock.uniform(2, 30))  # in writing within a day, mostly
            confirmation = {**pro_forma, "at": at.isoformat()}
            chain.add(_step("POST", "/requests/{req}/written-confirmation", who, confirmation))
            self._countersign(chain, sid, self._later(at, clock.uniform(1, 24)))
        if rng.random() < 0.92:
            closed = self._later(at, clock.uniform(24, 120)).isoformat()
            chain.add(_step("POST", "/requests/{req}/closure", do, {"at": closed}))
        return chain

    def _countersign(self, chain: Chain, sid: str, at: datetime) -> None:
        """The head teacher reads the request and signs what it says."""
        chain.add(
            _step(
                "GET",
                "/requests/{req}?purpose=disclosure_decision",
                head(sid),
                save={"hash": "content_hash"},
            )
        )
        body = {"content_hash": Ref("hash"), "at": at.isoformat()}
        chain.add(_step("POST", "/requests/{req}/countersignature", head(sid), body))

    def _decide(
        self, chain: Chain, do: Who, categories: list[str], urgent: bool, at: datetime
    ) -> str:
        weights = {"disclose_full": 85, "disclose_part": 5, "refuse": 10} if urgent else {
            "disclose_full": 70, "disclose_part": 18, "refuse": 12}  # fmt: skip
        outcome = _pick(self.rng, weights)
        if outcome == "disclose_part" and len(categories) < 2:
            outcome = "disclose_full"
        body: dict[str, Any] = {
            "outcome": outcome,
            "reasoning": "Necessary and proportionate",
            "at": at.isoformat(),
        }
        if outcome == "refuse":
            body["reasoning"] = "Not necessary for the purpose given; other sources suffice"
        if outcome == "disclose_part":
            body |= {"withheld_categories": [categories[-1]], "withheld_reason": "Not relevant"}
        chain.add(_step("POST", "/requests/{req}/decision", do, body))
        self.expected["decided"] += 1
        return outcome

    def exchange(self, b: Borough, school: School, day: date) -> Chain:
        """A planning meeting with a partner, logged without personal data."""
        body = {
            "school_id": school.school_id,
            "borough": b.slug,
            "partner_body": _pick(self.rng, {"local_authority": 3, "health": 1, "probation": 1}),
            "partner": "Youth Offending Team",
            "topic": "Safer routes to school at the end of the day",
            "exchanged_on": str(day),
            "personal_data": False,
        }
        return Chain("exchange", [_step("POST", "/exchanges", staff(school.school_id), body)])
