"""Incidents: report, follow up under the protocol, close; read one or a school's list."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field
from ssp_contracts.events.common import PupilRef, SchoolId
from ssp_contracts.events.incidents import (
    CameToNotice,
    ConferenceOutcome,
    Consulted,
    LocationKind,
    Place,
    PoliceActionKind,
    ReviewDecision,
)
from ssp_contracts.vocab import CrimeOutcome, IncidentCategory

from services.incidents.api.context import Service, history_of
from services.incidents.domain.incident import Incident
from services.incidents.domain.incident_rules import POLICE_ROLES
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.consultations import Purpose
from services.runtime.endpoint import Recorded
from services.runtime.inputs import FreeText, Instant, KeyQuery
from services.runtime.paging import Paging
from services.runtime.routing import ServiceRouter
from services.runtime.views_pg import Where

router = ServiceRouter(tags=["incidents"])
StaffRef = Annotated[
    str, Field(pattern=r"^staff-[0-9a-f]{12,64}$", description="Pseudonymous staff reference")
]
Id = Annotated[UUID, "incident id"]


class ReportIncident(BaseModel):
    """An incident on or around school premises."""

    school_id: SchoolId
    occurred_at: Instant = Field(description="When it happened, with timezone")
    location_kind: LocationKind
    place: Place | None = Field(default=None, description="Kind of place, if known")
    category: IncidentCategory = Field(description="data.police.uk category or non-crime kind")
    came_to_notice: CameToNotice
    description: FreeText = Field(min_length=1, max_length=4000, description="Stays in the service")
    pupil_refs: list[PupilRef] = Field(default_factory=list, max_length=50)
    allegation_against_staff: bool = Field(
        default=False, description="An allegation of crime against a member of school staff"
    )
    accused_staff_ref: StaffRef | None = Field(
        default=None, description="The member of staff accused (required for an allegation)"
    )
    against_head_teacher: bool = Field(
        default=False, description="The accused is the head teacher: the chair of governors reads"
    )


class At(BaseModel):
    """When something happened."""

    at: Instant = Field(description="When, with timezone")


class Consultation(BaseModel):
    """Consultation with the head teacher or deputy on an allegation against staff."""

    consulted: Consulted
    consulted_at: Instant
    notes: FreeText = Field(default="", max_length=4000)


class PoliceAction(BaseModel):
    """An investigative step or positive police action."""

    action: PoliceActionKind
    taken_at: Instant
    justification: FreeText | None = Field(
        default=None, max_length=4000, description="Required after an internal election"
    )


class ActionReview(BaseModel):
    """A supervisor's review of police action taken after the school's internal election."""

    decision: ReviewDecision
    reviewed_at: Instant
    notes: FreeText = Field(default="", max_length=4000, description="Stays in the service")


class Conference(BaseModel):
    """A restorative justice conference and its outcome."""

    held_at: Instant
    outcome: ConferenceOutcome
    pupil_refs: list[PupilRef] = Field(default_factory=list, max_length=50)
    notes: FreeText = Field(default="", max_length=4000)


class Closure(BaseModel):
    """Closing an incident with its data.police.uk outcome."""

    outcome: CrimeOutcome
    closed_at: Instant


def incident_view(i: Incident) -> dict[str, Any]:
    """The incident as the API shows it to roles allowed to read records."""
    return {
        "id": str(i.id),
        "version": i.version,
        "school_id": i.school_id,
        "occurred_at": i.occurred_at,
        "location_kind": i.location_kind,
        "place": i.place,
        "category": i.category,
        "came_to_notice": i.came_to_notice,
        "description": i.description,
        "pupil_refs": i.pupil_refs,
        "serious": i.serious,
        "serious_find": i.serious_find,
        "outside_protocol_hours": i.outside_protocol_hours,
        "allegation_against_staff": i.allegation_against_staff,
        "accused_staff_ref": i.accused_staff_ref,
        "against_head_teacher": i.against_head_teacher,
        "head_teacher_notified_at": i.head_teacher_notified_at,
        "internal_election_at": i.internal_election_at,
        "staff_consulted_at": i.staff_consulted_at,
        "police_actions": i.police_actions,
        "positive_action_permitted": i.positive_action_permitted,
        "actions_awaiting_review": i.awaiting_review,
        "action_reviews": i.reviews,
        "restorative_conferences": i.conferences,
        "referred_at": i.referred_at,
        "closed_at": i.closed_at,
        "outcome": i.outcome,
    }


@router.post("/incidents", status_code=201, response_model=Recorded)
async def report_incident(
    body: ReportIncident, principal: Annotated[Principal, allow("report_incident")], s: Service
) -> Recorded:
    """Record an incident at a school in the caller's scope."""
    await s.check_school(principal, body.school_id)
    # Protocol hours are school hours: the borough's holidays and INSET days are not.
    day = london_day(body.occurred_at)
    closed = frozenset({day}) if await s.view.school_closed(body.school_id, day) else frozenset()
    incident_id = await s.run(
        s.app.report_incident,
        **body.model_dump(),
        actor=s.actor(principal),
        now=s.now(),
        closed_days=closed,
    )
    return Recorded(id=incident_id)


@router.get("/incidents")
async def list_incidents(
    principal: Annotated[Principal, allow("read_incident")],
    s: Service,
    paged: Paging,
    school_id: KeyQuery = None,
    open_only: bool = False,
    outside_protocol_hours: Annotated[
        bool | None, Query(description="Only those for (true) or not for response officers")
    ] = None,
) -> list[dict[str, Any]]:
    """Incidents in the caller's scope, oldest first."""
    scope = await s.scope(principal)
    equal: dict[str, Any] = {"kind": "incident"}
    if principal.role in POLICE_ROLES:  # only referred incidents reach the police
        equal["referred"] = True
    if school_id is not None:
        equal["school_id"] = school_id
    if outside_protocol_hours is not None:
        equal["outside_protocol_hours"] = outside_protocol_hours
    where = Where(
        equal=equal,
        within={"school_id": scope.schools},
        null=("closed_at",) if open_only else (),
    )
    rows = paged.announce(await s.cases.select(paged.where(where)))
    return await s.revealed_all(await s.readable(principal, rows))


async def _incident(s: Service, principal: Principal, incident_id: UUID) -> Incident:
    """The incident, if the caller may reach it: scope, and a restricted record's readers."""
    incident = await s.run(s.app.get_incident, incident_id)
    await s.check_incident(principal, incident)
    return incident


async def _follow_up(
    s: Service, principal: Principal, incident_id: UUID, command: Any, **fields: Any
) -> Recorded:
    """A follow-up on an incident: scope check, the command with its time and actor, the id."""
    await _incident(s, principal, incident_id)
    await s.run(command, incident_id, **fields, now=s.now(), actor=s.actor(principal))
    return Recorded(id=incident_id)


async def _consult(
    s: Service, principal: Principal, incident_id: UUID, purpose: Purpose
) -> Incident:
    """The incident read by id, its consultation logged first (DPA 2018 s62)."""
    incident = await _incident(s, principal, incident_id)
    what = {"record_id": incident.id, "school_id": incident.school_id}
    restricted = incident.allegation_against_staff
    await s.consulted(principal, purpose, "incident", restricted=restricted, **what)
    return incident


@router.get("/incidents/{incident_id}")
async def get_incident(
    incident_id: UUID,
    principal: Annotated[Principal, allow("read_incident")],
    s: Service,
    purpose: Purpose,
) -> dict[str, Any]:
    """An incident as it stands now; the read is logged with its purpose."""
    return await s.revealed(incident_view(await _consult(s, principal, incident_id, purpose)))


@router.get("/incidents/{incident_id}/history")
async def incident_history(
    incident_id: UUID,
    principal: Annotated[Principal, allow("read_incident")],
    s: Service,
    purpose: Purpose,
) -> list[dict[str, Any]]:
    """Every event of the incident, with its actor; the read is logged with its purpose."""
    await _consult(s, principal, incident_id, purpose)
    return await s.revealed_all(history_of(await s.run(s.app.history, Incident, incident_id)))


@router.post("/incidents/{incident_id}/head-teacher-notification", response_model=Recorded)
async def notify_head_teacher(
    incident_id: UUID,
    body: At,
    principal: Annotated[Principal, allow("notify_head_teacher")],
    s: Service,
) -> Recorded:
    """Record that the head teacher was told (serious incidents must be)."""
    return await _follow_up(
        s, principal, incident_id, s.app.notify_head_teacher, notified_at=body.at
    )


@router.post("/incidents/{incident_id}/referral", response_model=Recorded)
async def refer_incident(
    incident_id: UUID,
    body: At,
    principal: Annotated[Principal, allow("refer_incident")],
    s: Service,
) -> Recorded:
    """The head teacher refers an incident the school recorded to the police (their discretion)."""
    return await _follow_up(s, principal, incident_id, s.app.refer_incident, at=body.at)


@router.post("/incidents/{incident_id}/internal-election", response_model=Recorded)
async def elect_internal(
    incident_id: UUID,
    body: At,
    principal: Annotated[Principal, allow("elect_internal")],
    s: Service,
) -> Recorded:
    """The school elects to deal with the incident internally; police action is limited."""
    return await _follow_up(s, principal, incident_id, s.app.elect_internal, elected_at=body.at)


@router.post("/incidents/{incident_id}/staff-consultation", response_model=Recorded)
async def record_staff_consultation(
    incident_id: UUID,
    body: Consultation,
    principal: Annotated[Principal, allow("record_staff_consultation")],
    s: Service,
) -> Recorded:
    """Record the consultation an allegation against staff needs before any investigation."""
    return await _follow_up(
        s, principal, incident_id, s.app.record_staff_consultation, **body.model_dump()
    )


@router.post("/incidents/{incident_id}/police-actions", response_model=Recorded)
async def record_police_action(
    incident_id: UUID,
    body: PoliceAction,
    principal: Annotated[Principal, allow("record_police_action")],
    s: Service,
) -> Recorded:
    """Record an investigative step or positive police action."""
    return await _follow_up(
        s, principal, incident_id, s.app.record_police_action, **body.model_dump()
    )


@router.post("/incidents/{incident_id}/police-action-review", response_model=Recorded)
async def review_police_actions(
    incident_id: UUID,
    body: ActionReview,
    principal: Annotated[Principal, allow("review_police_action")],
    s: Service,
) -> Recorded:
    """A supervisor reviews police action taken after the school elected to deal internally."""
    return await _follow_up(
        s, principal, incident_id, s.app.review_police_actions, **body.model_dump()
    )


@router.get("/police-actions/awaiting-review")
async def actions_awaiting_review(
    principal: Annotated[Principal, allow("read_action_reviews")], s: Service, paged: Paging
) -> list[dict[str, Any]]:
    """Incidents in scope with police action beyond the internal election, not yet reviewed."""
    scope = await s.scope(principal)
    where = Where(
        equal={"kind": "incident"},
        within={"school_id": scope.schools},
        not_null=("actions_awaiting_review",),
    )
    return await s.readable(principal, paged.announce(await s.cases.select(paged.where(where))))


@router.post("/incidents/{incident_id}/restorative-conferences", response_model=Recorded)
async def hold_restorative_conference(
    incident_id: UUID,
    body: Conference,
    principal: Annotated[Principal, allow("record_restorative_conference")],
    s: Service,
) -> Recorded:
    """Record a restorative justice conference and its outcome."""
    return await _follow_up(
        s, principal, incident_id, s.app.hold_restorative_conference, **body.model_dump()
    )


@router.post("/incidents/{incident_id}/closure", response_model=Recorded)
async def close_incident(
    incident_id: UUID,
    body: Closure,
    principal: Annotated[Principal, allow("close_incident")],
    s: Service,
) -> Recorded:
    """Close the incident with its outcome."""
    return await _follow_up(s, principal, incident_id, s.app.close_incident, **body.model_dump())
