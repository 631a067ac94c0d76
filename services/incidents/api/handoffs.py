"""Incidents outside protocol hours handed to response officers."""

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field

from services.incidents.api.context import Service
from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Recorded
from services.runtime.inputs import Instant, Text
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["incidents"])


class HandOffBody(BaseModel):
    """When response officers took the incident over, and their log's reference."""

    handed_at: Instant
    reference: Text = Field(
        min_length=1, max_length=64, description="The response log (CAD) reference"
    )


@router.post("/incidents/{incident_id}/hand-off", status_code=201, response_model=Recorded)
async def hand_off(
    incident_id: UUID,
    body: HandOffBody,
    principal: Annotated[Principal, allow("hand_off_incident")],
    s: Service,
) -> Recorded:
    """Hand an incident outside protocol hours to response officers (once)."""
    incident = await s.run(s.app.get_incident, incident_id)
    await s.check_incident(principal, incident)
    handoff_id = await s.run(
        s.app.hand_off, incident_id, **body.model_dump(), now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=handoff_id)


@router.get("/incidents/{incident_id}/hand-off")
async def get_hand_off(
    incident_id: UUID, principal: Annotated[Principal, allow("read_incident")], s: Service
) -> dict[str, Any]:
    """The incident's hand-off to response officers."""
    incident = await s.run(s.app.get_incident, incident_id)
    await s.check_incident(principal, incident)
    h = await s.run(s.app.get_hand_off, incident_id)
    return {
        "id": str(h.id), "incident_id": h.incident_id, "school_id": h.school_id,
        "handed_at": h.handed_at, "reference": h.reference, "handed_by": h.handed_by,
    }  # fmt: skip
