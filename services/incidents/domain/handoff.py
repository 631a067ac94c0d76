"""Incidents outside protocol hours handed to response officers: one hand-off per incident."""

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

from services.incidents.domain.incident import Incident
from services.incidents.domain.rules import check_not_before, check_not_future
from services.runtime.domain import Actor, RuleViolation, StateConflict

NAMESPACE = uuid.UUID("5d7c2a10-3f7e-4b8e-9a51-6b0d2f1e9c44")


def handoff_id(incident_id: uuid.UUID) -> uuid.UUID:
    """One hand-off record per incident: a second is a conflict, not a duplicate."""
    return uuid.uuid5(NAMESPACE, str(incident_id))


class HandOff(Aggregate):
    """The incident passed to response officers (outside protocol hours), when and how."""

    class Made(Aggregate.Created):
        incident_id: str
        school_id: str
        handed_at: datetime
        reference: str  # the response log's reference (CAD); stays in the service
        actor: Actor

    @classmethod
    def create_id(cls, incident_id: str) -> uuid.UUID:
        return handoff_id(uuid.UUID(incident_id))

    @classmethod
    def make(
        cls, incident: Incident, handed_at: datetime, reference: str, now: datetime, actor: Actor
    ) -> "HandOff":
        """Hand an incident outside protocol hours to response officers."""
        if not incident.outside_protocol_hours:
            raise RuleViolation(
                "hand-off-in-hours",
                "the incident was inside protocol hours: the school officer deals with it",
                "incident_id",
            )
        if not incident.referred:
            raise StateConflict(
                "incident-not-referred",
                "the school has not referred the incident to the police",
                "incident_id",
            )
        check_not_future(handed_at, now, "handed_at")
        check_not_before(handed_at, incident.occurred_at, "handed_at", "the incident")
        return cls(str(incident.id), incident.school_id, handed_at, reference, actor)

    @event(Made)
    def __init__(
        self, incident_id: str, school_id: str, handed_at: datetime, reference: str, actor: Actor
    ) -> None:
        self.incident_id = incident_id
        self.school_id = school_id
        self.handed_at = handed_at
        self.reference = reference
        self.handed_by = actor.id
