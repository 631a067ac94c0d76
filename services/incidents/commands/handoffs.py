"""Commands on hand-offs of incidents outside protocol hours to response officers."""

from datetime import datetime
from uuid import UUID

from services.incidents.domain.handoff import HandOff, handoff_id
from services.incidents.domain.incident import Incident
from services.runtime.domain import Actor, ServiceApplication, StateConflict


class HandOffCommands(ServiceApplication):
    """Hand an incident to response officers, once."""

    def hand_off(
        self, incident_id: UUID, *, handed_at: datetime, reference: str, now: datetime, actor: Actor
    ) -> UUID:
        """Record that response officers took the incident over."""
        incident = self.load(Incident, incident_id)
        if self.exists(handoff_id(incident_id)):
            raise StateConflict("handed-off", "the incident was already handed to response")
        handoff = HandOff.make(incident, handed_at, reference, now, actor)
        self.save(handoff)
        return handoff.id

    def get_hand_off(self, incident_id: UUID) -> HandOff:
        """The incident's hand-off record."""
        return self.load(HandOff, handoff_id(incident_id), "the incident was not handed off")
