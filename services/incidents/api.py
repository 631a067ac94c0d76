"""HTTP commands and queries of the incidents service."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from ssp_contracts.events.common import PupilRef

from services.incidents.application import IncidentsApplication
from services.runtime.auth import Principal, allow, forbid_outside_scope
from services.runtime.logs import correlation_id

router = APIRouter(tags=["incidents"])


def _app(request: Request) -> IncidentsApplication:
    app: IncidentsApplication = request.app.state.ssp.application
    return app


class ReportIncident(BaseModel):
    """An incident on or around school premises."""

    school_id: str = Field(min_length=1, max_length=64)
    occurred_at: datetime = Field(description="When it happened, with timezone")
    location_kind: Literal["premises", "abutting_public_place"]
    category: str = Field(min_length=1, max_length=64)
    came_to_notice: Literal[
        "officer_patrol", "reported_by_staff", "reported_by_pupil", "reported_by_parent"
    ]
    description: str = Field(min_length=1, max_length=4000)
    pupil_refs: list[PupilRef] = Field(default_factory=list)


class Recorded(BaseModel):
    """Id of the record a command created."""

    id: UUID


@router.post("/incidents", status_code=201, response_model=Recorded)
def report_incident(
    body: ReportIncident,
    principal: Annotated[Principal, allow("report_incident")],
    app: Annotated[IncidentsApplication, Depends(_app)],
) -> Recorded:
    """Record an incident at a school the officer serves."""
    forbid_outside_scope(principal, school=body.school_id)
    incident_id = app.report_incident(**body.model_dump(), actor=principal.actor(correlation_id()))
    return Recorded(id=incident_id)


@router.get("/incidents/{incident_id}")
def get_incident(
    incident_id: UUID,
    principal: Annotated[Principal, allow("read_incident")],
    app: Annotated[IncidentsApplication, Depends(_app)],
) -> dict[str, object]:
    """An incident as it stands now."""
    incident = app.get_incident(incident_id)
    forbid_outside_scope(principal, school=incident.school_id)
    return {
        "id": str(incident.id),
        "version": incident.version,
        "school_id": incident.school_id,
        "occurred_at": incident.occurred_at,
        "category": incident.category,
        "serious": incident.serious,
        "outside_protocol_hours": incident.outside_protocol_hours,
    }
