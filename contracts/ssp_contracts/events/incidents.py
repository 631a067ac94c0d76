"""Events of the incidents service (topics ssp.incidents.events and .searches)."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from ssp_contracts.events.common import AggregateId, PupilRef, SchoolId
from ssp_contracts.registry import EventPayload, register

INCIDENTS = "ssp.incidents.events"
SEARCHES = "ssp.incidents.searches"

LocationKind = Literal["premises", "abutting_public_place"]
CameToNotice = Literal[
    "officer_patrol", "reported_by_staff", "reported_by_pupil", "reported_by_parent"
]


@register
class IncidentReported(EventPayload):
    """An incident on or around school premises was recorded."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_reported.v1"
    topic: ClassVar[str] = INCIDENTS

    incident_id: AggregateId
    school_id: SchoolId
    occurred_at: datetime = Field(description="When the incident happened")
    location_kind: LocationKind = Field(description="Inside the premises or abutting them")
    category: str = Field(description="data.police.uk crime category or a non-crime kind")
    came_to_notice: CameToNotice = Field(description="How the incident came to notice")
    pupil_refs: list[PupilRef] = Field(default_factory=list, description="Pupils involved")
    serious: bool = Field(description="Serious category: the head teacher must be told")
    outside_protocol_hours: bool = Field(
        description="Outside protocol hours: for response officers"
    )
