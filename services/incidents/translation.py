"""Domain events of the incidents service mapped to their contract events."""

from ssp_contracts.events.incidents import IncidentReported

from services.incidents.domain import SERIOUS_CATEGORIES, Incident, outside_protocol_hours
from services.runtime.translation import Translator

translator = Translator(source="/ssp/incidents")


@translator.maps(Incident.Reported)
def _reported(e: Incident.Reported) -> IncidentReported:
    # The description stays in the service: free text may name people.
    return IncidentReported(
        incident_id=str(e.originator_id),
        school_id=e.school_id,
        occurred_at=e.occurred_at,
        location_kind=e.location_kind,  # type: ignore[arg-type]
        category=e.category,
        came_to_notice=e.came_to_notice,  # type: ignore[arg-type]
        pupil_refs=e.pupil_refs,
        serious=e.category in SERIOUS_CATEGORIES,
        outside_protocol_hours=outside_protocol_hours(e.occurred_at),
    )
