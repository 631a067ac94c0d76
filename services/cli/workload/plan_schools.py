"""Termly non-crime indicators (bullying, truancy, exclusions) and the protocol probes."""

import random
from datetime import date, datetime, time, timedelta

from services.cli.workload.plan_staffing import LONDON
from services.cli.workload.steps import (
    Chain,
    Phase,
    Ref,
    Refusal,
    Step,
    disclosure_officer,
    head,
    officer,
    staff,
)
from services.cli.workload.world import School, World

# Per pupil per 13-week term: bullying incidents, unauthorised absence (share of sessions),
# fixed-term exclusions.
RATES = {
    "secondary": (0.012, 0.016, 0.015),
    "academy": (0.012, 0.016, 0.015),
    "special": (0.02, 0.03, 0.03),
    "primary": (0.008, 0.008, 0.002),
}


def _counts(rng: random.Random, school: School, weeks: int, better: float) -> dict[str, int]:
    bullying, absence, exclusions = RATES[school.phase]
    scale, pupils = weeks / 13 * better, school.pupil_count
    sessions = pupils * weeks * 10  # two sessions a day
    return {
        "possible_sessions": sessions,
        "authorised_absence_sessions": round(sessions * 0.04),  # no draw: the others stay put
        "bullying_incidents": round(pupils * bullying * 13 * scale / 13 * rng.uniform(0.6, 1.4)),
        "unauthorised_absence_sessions": round(sessions * absence * better * rng.uniform(0.5, 1.6)),
        "fixed_term_exclusions": round(pupils * exclusions * scale * rng.uniform(0.5, 1.5)),
        "permanent_exclusions": rng.choice((0, 0, 0, 1)) if school.phase != "primary" else 0,
    }


def indicators_phase(world: World, rng: random.Random, weeks: int) -> Phase:
    """Each school returns last term's counts and this term's; a few correct a return."""
    phase, term = Phase("termly indicators"), world.term
    yesterday = world.today - timedelta(1)
    for school in world.schools:
        sid = school.school_id
        who = staff(sid) if rng.random() < 0.7 else head(sid)
        before = _counts(rng, school, weeks, 1.0)
        after = _counts(rng, school, weeks, rng.uniform(0.75, 1.1))  # SSP effect, on average
        earlier = datetime.combine(term.starts_on - timedelta(20), time(10), LONDON)
        due = min(term.ends_on + timedelta(rng.randint(3, 12)), yesterday)
        chain = Chain("indicators")
        for name, counts, when in (
            (term.previous(), before, earlier),
            (term.name, after, datetime.combine(due, time(11), LONDON)),
        ):
            body = {"counts": counts, "submitted_at": when.isoformat()}
            chain.add(Step("incidents", "POST", f"/schools/{sid}/indicators/{name}", who, body))
        if rng.random() < 0.05:
            fixed = {**after, "bullying_incidents": after["bullying_incidents"] + rng.randint(1, 3)}
            body = {
                "counts": fixed,
                "submitted_at": datetime.combine(due, time(15), LONDON).isoformat(),
                "reason": "Late returns from form tutors",
            }
            path = f"/schools/{sid}/indicators/{term.name}/corrections"
            chain.add(Step("incidents", "POST", path, who, body))
        phase.chains.append(chain)
    phase.chains += _comparison_returns(world, weeks)
    phase.chains += _baseline_returns(world, weeks)
    return phase


def baseline_term(first_deployed: date) -> tuple[str, date]:
    """The last term (by the convention's ends: 31 Mar, 31 Aug, 31 Dec) ended before a day."""
    year = first_deployed.year
    if first_deployed.month >= 9:
        return f"{year}-summer", date(year, 8, 31)
    if first_deployed.month >= 4:
        return f"{year}-spring", date(year, 3, 31)
    return f"{year - 1}-autumn", date(year - 1, 12, 31)


def _baseline_returns(world: World, weeks: int) -> list[Chain]:
    """Most served schools also return the term before their first officer came (the local
    authority holds those counts), so outcomes can be set against each school's own past."""
    rng, chains = world.side_rng("baseline-returns"), []
    first: dict[str, date] = {}
    clusters = {s.school_id: [s.school_id, *s.primaries] for s in world.schools}
    for o in world.officers:
        for d in o.deployments:
            for sid in clusters[d.school_id] if d.to_cluster else [d.school_id]:
                first[sid] = min(first.get(sid, d.start_date), d.start_date)
    for school in world.schools:
        if school.school_id not in first or rng.random() >= 0.8:
            continue
        term, ended = baseline_term(first[school.school_id])
        when = datetime.combine(
            min(ended + timedelta(14), world.today - timedelta(1)), time(10), LONDON
        )
        body = {"counts": _counts(rng, school, weeks, 1.0), "submitted_at": when.isoformat()}
        path = f"/schools/{school.school_id}/indicators/{term}"
        chains.append(
            Chain("indicators", [Step("incidents", "POST", path, head(school.school_id), body)])
        )
    return chains


def _comparison_returns(world: World, weeks: int) -> list[Chain]:
    """The schools without an officer return both terms too (no SSP effect on them)."""
    rng, term = world.side_rng("comparison-returns"), world.term
    chains = []
    for school in world.comparison:
        chain = Chain("indicators")
        for name, starts in (
            (term.previous(), term.starts_on - timedelta(20)),
            (term.name, term.ends_on),
        ):
            when = datetime.combine(min(starts, world.today - timedelta(1)), time(10), LONDON)
            body = {"counts": _counts(rng, school, weeks, 1.0), "submitted_at": when.isoformat()}
            path = f"/schools/{school.school_id}/indicators/{name}"
            chain.add(Step("incidents", "POST", path, head(school.school_id), body))
        chains.append(chain)
    return chains


def probes_phase(world: World, day: date) -> Phase:
    """Things the protocol forbids, tried once each: every one must be refused."""
    # The probes include an arrest: the officer must be a constable for its refusal to be
    # the protocol's (a PCSO's would be refused for rank first). The first borough's first
    # school with one; with none anywhere, its first school with any officer.
    served = [(b, s) for b in world.boroughs for s in b.schools if s.officers]
    borough, school = next(((b, s) for b, s in served if world.constables(s.officers)), served[0])
    first = (world.constables(school.officers) or school.officers)[0]
    sid, pc = school.school_id, officer(first, borough.slug)
    when = datetime.combine(day, time(11), LONDON).isoformat()
    serious = {
        "school_id": sid, "occurred_at": when, "location_kind": "premises", "place": "playground",
        "category": "robbery", "came_to_notice": "reported_by_pupil",
        "description": "Phone taken by force at break", "pupil_refs": ["pupil-00000000000000a1"],
    }  # fmt: skip
    closing = {"outcome": "local-resolution", "closed_at": when}
    incident = Chain("probe").add(
        Step("incidents", "POST", "/incidents", pc, serious, save={"incident": "id"}),
        Step("incidents", "POST", "/incidents/{incident}/closure", pc, closing,
             refusal=Refusal(422, "serious-head-teacher-notice"),
             what="close a serious incident before the head teacher is told"),
        Step("incidents", "POST", "/arrests", pc,
             {"incident_id": Ref("incident"), "pupil_ref": "pupil-00000000000000a1",
              "arrested_at": when, "on_premises": True},
             refusal=Refusal(422, "arrest-necessity"),
             what="arrest on the premises without the written necessity"),
        Step("incidents", "POST", "/incidents/{incident}/head-teacher-notification", pc,
             {"at": when}),
        Step("incidents", "POST", "/incidents/{incident}/closure", pc, closing),
    )  # fmt: skip
    # An officer no deployment names: tests share topics, so another world's deployments of
    # this world's officer ids may be known to the services too.
    stranger = officer(f"ofc-{borough.slug}-unposted", borough.slug)
    chains = [incident]
    body = {**serious, "category": "anti-social-behaviour", "pupil_refs": []}
    chains.append(Chain("probe").add(
        Step("incidents", "POST", "/incidents", stranger,
             body, refusal=Refusal(403, "officer-deployment"),
             what="an officer reports at a school they are not deployed to")
    ))  # fmt: skip
    request = {
        "requesting_body": "police", "subject_ref": "pupil-00000000000000a2", "school_id": sid,
        "borough": borough.slug, "urgency": "routine", "categories": ["attendance"],
        "data_controller": "school", "purpose": "Whereabouts at the time of the robbery",
        "requesting_officer": pc.sub,
        "necessity": "Establishes who was in school", "lawful_basis": "cda_1998_s115",
        "at": when,
    }  # fmt: skip
    decision = {"outcome": "disclose_full", "reasoning": "Necessary for the investigation"}
    chains.append(Chain("probe").add(
        Step("disclosure", "POST", "/requests", pc, request, save={"req": "id"}),
        Step("disclosure", "POST", "/requests/{req}/decision", disclosure_officer(borough.slug),
             decision, refusal=Refusal(403, "school-data-released-by-head-teacher"),
             what="the police disclosure officer decides on the school's attendance records"),
        Step("disclosure", "POST", "/requests/{req}/decision", head(sid),
             decision, refusal=Refusal(409, "countersignature-required"),
             what="decide a routine request the head teacher has not countersigned"),
    ))  # fmt: skip
    return Phase("protocol probes", chains)
