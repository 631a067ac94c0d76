"""Incidents: report, follow up under the protocol, close; read one or a school's list."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from ssp_contracts.events.common import PupilRef, SchoolId
from ssp_contracts.events.incidents import (
    CameToNotice,
    ConferenceOutcome,
    Consulted,
    LocationKind,
    Place,
    PoliceActionKind,
)
from ssp_contracts.vocab import CrimeOutcome, IncidentCategory

from services.incidents.api.context import Service, history_of
from services.incidents.domain.incident import Incident
from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Recorded
from services.runtime.inputs import FreeText, Instant, KeyQuery

router = APIRouter(tags=["incidents"])
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
        "outside_protocol_hours": i.outside_protocol_hours,
        "allegation_against_staff": i.allegation_against_staff,
        "head_teacher_notified_at": i.head_teacher_notified_at,
        "internal_election_at": i.internal_election_at,
        "staff_consulted_at": i.staff_consulted_at,
        "police_actions": i.police_actions,
        "restorative_conferences": i.conferences,
        "closed_at": i.closed_at,
        "outcome": i.outcome,
    }


@router.post("/incidents", status_code=201, response_model=Recorded)
async def report_incident(
    body: ReportIncident, principal: Annotated[Principal, allow("report_incident")], s: Service
) -> Recorded:
    """Record an incident at a school in the caller's scope."""
    await s.check_school(principal, body.school_id)
    incident_id = await s.run(
        s.app.report_incident, **body.model_dump(), actor=s.actor(principal), now=s.now()
    )
    return Recorded(id=incident_id)


@router.get("/incidents")
async def list_incidents(
    principal: Annotated[Principal, allow("read_incident")],
    s: Service,
    school_id: KeyQuery = None,
    open_only: bool = False,
    outside_protocol_hours: Annotated[
        bool | None, Query(description="Only those for (true) or not for response officers")
    ] = None,
) -> list[dict[str, Any]]:
    """Incidents in the caller's scope, oldest first."""
    scope = await s.scope(principal)

    def wanted(r: dict[str, Any]) -> bool:
        return (
            scope.allows(r["school_id"])
            and school_id in (None, r["school_id"])
            and not (open_only and r["closed_at"])
            and outside_protocol_hours in (None, r["outside_protocol_hours"])
        )

    return await s.revealed_all(await s.run(s.app.index.select, "incident", wanted))


async def _incident(s: Service, principal: Principal, incident_id: UUID) -> Incident:
    incident = await s.run(s.app.get_incident, incident_id)
    await s.check_school(principal, incident.school_id, hide=True)
    return incident


async def _follow_up(
    s: Service, principal: Principal, incident_id: UUID, command: Any, **fields: Any
) -> Recorded:
    """A follow-up on an incident: scope check, the command with its time and actor, the id."""
    await _incident(s, principal, incident_id)
    await s.run(command, incident_id, **fields, now=s.now(), actor=s.actor(principal))
    return Recorded(id=incident_id)


@router.get("/incidents/{incident_id}")
async def get_incident(
    incident_id: UUID, principal: Annotated[Principal, allow("read_incident")], s: Service
) -> dict[str, Any]:
    """An incident as it stands now."""
    return await s.revealed(incident_view(await _incident(s, principal, incident_id)))


@router.get("/incidents/{incident_id}/history")
async def incident_history(
    incident_id: UUID, principal: Annotated[Principal, allow("read_incident")], s: Service
) -> list[dict[str, Any]]:
    """Every event of the incident, with its actor."""
    await _incident(s, principal, incident_id)
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
