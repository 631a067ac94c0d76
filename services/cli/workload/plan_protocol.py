"""The protocol as written: referral, finds, internal elections, protocols, safeguarding.

One chain each, on the term's last day, through the HTTP APIs; the refusals they expect are
the protocol holding.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from services.cli.workload.plan_staffing import LONDON
from services.cli.workload.steps import (
    Chain,
    Phase,
    Ref,
    Refusal,
    Step,
    Who,
    head,
    officer,
    staff,
    supervisor,
)
from services.cli.workload.world import World

JUSTIFICATION = "Repeat offending reported by three pupils; a crime report protects them"
# What the chains add to the term's figures (each reports one incident).
INCIDENTS = 5


PUPIL = "pupil-00000000000000d5"


def _incident(sid: str, when: str, category: str, notice: str) -> dict[str, Any]:
    return {
        "school_id": sid, "occurred_at": when, "location_kind": "premises",
        "place": "building", "category": category, "came_to_notice": notice,
        "description": f"{category.replace('-', ' ')} in the main building",
        "pupil_refs": [PUPIL],
    }  # fmt: skip


def _safeguarding(sid: str, pc: Who, day: date) -> Chain:
    """A concern from an incident referred to the MASH, answered, still followed up."""
    dsl = Who("designated_safeguarding_lead", f"dsl-{sid}", school=sid)
    when = datetime.combine(day, time(9), LONDON).isoformat()
    later = datetime.combine(day, time(15), LONDON).isoformat()
    concern = {
        "source": "incident", "source_id": Ref("incident"), "pupil_ref": PUPIL,
        "concern": "neglect", "details": "Arrives hungry; says no one is home at night",
        "referred_at": later, "follow_up_due": str(day + timedelta(days=3)),
    }  # fmt: skip
    outcome = {"outcome": "early_help", "recorded_at": later,
               "follow_up_due": str(day + timedelta(days=28))}  # fmt: skip
    return Chain("protocol").add(
        Step("incidents", "POST", "/incidents", pc, _incident(sid, when, "other-non-crime",
             "reported_by_pupil"), save={"incident": "id"}),
        Step("incidents", "POST", "/safeguarding-referrals", dsl, concern,
             save={"referral": "id"}),
        Step("incidents", "POST", "/safeguarding-referrals/{referral}/outcome", dsl, outcome),
        Step("incidents", "GET", "/safeguarding-referrals/outstanding", dsl),
    )  # fmt: skip


def protocol_phase(world: World, day: date) -> Phase:
    """Items of the protocol the term exercises once each, with the refusals they expect."""
    borough = world.boroughs[0]
    school = next(s for s in borough.schools if s.officers and s.phase != "primary")
    sid, pc = school.school_id, officer(school.officers[0], borough.slug)
    sgt, teacher, headteacher = supervisor(borough.slug), staff(sid), head(sid)
    when = datetime.combine(day, time(10), LONDON).isoformat()
    later = datetime.combine(day, time(11), LONDON).isoformat()

    def post(path: str, who: Any, body: dict[str, Any], **kw: Any) -> Step:
        return Step("incidents", "POST", path, who, body, **kw)

    unseen = Refusal(404, "not-found")
    found = Chain("protocol").add(
        # The school records a minor incident: the police do not see it...
        post("/incidents", teacher, _incident(sid, when, "anti-social-behaviour",
             "reported_by_staff"), save={"incident": "id"}),
        Step("incidents", "GET", "/incidents/{incident}?purpose=investigation", pc, refusal=unseen,
             what="an officer reads an incident the school has not referred"),
        # ... until staff seize a weapon under it: serious, referred by rule, notice owed
        post("/evidence", teacher, {"incident_id": Ref("incident"), "kind": "weapon",
             "description": "Lock knife found in a locker", "seized_at": later}),
        Step("incidents", "GET", "/incidents/{incident}?purpose=investigation", pc),
        post("/incidents/{incident}/head-teacher-notification", headteacher, {"at": later}),
    )  # fmt: skip
    referred = Chain("protocol").add(
        post("/incidents", teacher, _incident(sid, when, "other-theft", "reported_by_staff"),
             save={"incident": "id"}),
        post("/incidents/{incident}/referral", teacher, {"at": later},
             refusal=Refusal(403, "role-not-permitted"),
             what="a member of staff refers an incident (the head teacher's discretion)"),
        post("/incidents/{incident}/referral", headteacher, {"at": later}),
        post("/incidents/{incident}/police-actions", pc,
             {"action": "crime_report", "taken_at": later}),
    )  # fmt: skip
    action = {"action": "crime_report", "taken_at": later}
    limited = Chain("protocol").add(
        post("/incidents", pc, _incident(sid, when, "public-order", "officer_patrol"),
             save={"incident": "id"}),
        post("/incidents/{incident}/internal-election", teacher, {"at": when}),
        post("/incidents/{incident}/police-actions", pc, action,
             refusal=Refusal(422, "internal-election"),
             what="police action after an internal election without a written justification"),
        post("/incidents/{incident}/police-actions", pc, {**action,
             "justification": JUSTIFICATION}),
        Step("incidents", "GET", "/police-actions/awaiting-review", sgt),
        post("/incidents/{incident}/police-action-review", sgt,
             {"decision": "endorsed", "reviewed_at": later}),
    )  # fmt: skip
    arson = Chain("protocol").add(
        post("/incidents", pc, _incident(sid, when, "arson", "officer_patrol"),
             save={"incident": "id"}),
        post("/incidents/{incident}/internal-election", teacher, {"at": when}),
        # Arson permits positive action whatever the school wishes: justified, not reviewed
        post("/incidents/{incident}/police-actions", pc, {**action,
             "justification": JUSTIFICATION}),
    )  # fmt: skip
    chains = [found, referred, limited, arson, _safeguarding(sid, pc, day)]
    unsigned = next((s for s in world.comparison if s.borough == borough.slug), None)
    if unsigned is not None:
        body = {"officer_id": school.officers[0], "school_id": unsigned.school_id,
                "share_percent": 5, "start_date": str(day)}  # fmt: skip
        chains.append(Chain("protocol").add(
            Step("staffing", "POST", "/deployments", sgt, body,
                 refusal=Refusal(422, "protocol-before-deployment"),
                 what="deploy an officer to a school without a signed protocol"),
        ))  # fmt: skip
    return Phase("the protocol as written", chains)
