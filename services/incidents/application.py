"""The incidents application: get, act, save, return ids."""

from datetime import datetime
from uuid import UUID

from services.incidents.domain import Incident
from services.runtime.domain import Actor, ServiceApplication


class IncidentsApplication(ServiceApplication):
    """Commands and queries over incident aggregates."""

    name = "incidents"

    def report_incident(
        self,
        *,
        school_id: str,
        occurred_at: datetime,
        location_kind: str,
        category: str,
        came_to_notice: str,
        description: str,
        pupil_refs: list[str],
        actor: Actor,
    ) -> UUID:
        """Record a new incident; return its id."""
        incident = Incident(
            school_id=school_id,
            occurred_at=occurred_at,
            location_kind=location_kind,
            category=category,
            came_to_notice=came_to_notice,
            description=description,
            pupil_refs=pupil_refs,
            actor=actor,
        )
        self.save(incident)
        return incident.id

    def get_incident(self, incident_id: UUID) -> Incident:
        """The incident as it stands now."""
        incident: Incident = self.repository.get(incident_id)
        return incident
