"""Commands on incidents."""

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

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

from services.incidents.commands.text import incident_text, police_action
from services.incidents.domain.hours import DEFAULT_HOURS, ProtocolHours, SchoolHours, hours_id
from services.incidents.domain.incident import RECTIFIABLE, Incident
from services.incidents.domain.rectification import check_rectification
from services.runtime.domain import Actor, NotFound, ServiceApplication, StateConflict
from services.runtime.retention import retain
from services.runtime.sealed import ERASED


class IncidentCommands(ServiceApplication):
    """Report, notify, elect, consult, act, confer and close."""

    def report_incident(
        self,
        *,
        school_id: str,
        occurred_at: datetime,
        location_kind: LocationKind,
        category: IncidentCategory,
        came_to_notice: CameToNotice,
        description: str,
        pupil_refs: list[str],
        actor: Actor,
        now: datetime,
        place: Place | None = None,
        allegation_against_staff: bool = False,
        accused_staff_ref: str | None = None,
        against_head_teacher: bool = False,
        closed_days: frozenset[date] = frozenset(),
    ) -> UUID:
        """Record a new incident, marked by the school's protocol hours (and ``closed_days``
        of its borough's calendar); return its id."""
        hours = self.protocol_hours(school_id)
        facts = dict(
            now=now,
            hours=replace(hours, closed_dates=hours.closed_dates | closed_days),
            school_id=school_id,
            occurred_at=occurred_at,
            location_kind=location_kind,
            place=place,
            category=category,
            came_to_notice=came_to_notice,
            description=description,
            pupil_refs=self.sealed_refs(pupil_refs, "pupil_refs"),
            allegation_against_staff=allegation_against_staff,
            accused_staff_ref=accused_staff_ref,
            against_head_teacher=against_head_teacher,
            actor=actor,
        )
        # The rules judge the clear text; the record keeps it under the incident's own key.
        draft = Incident.report(**facts)  # type: ignore[arg-type]
        # The member of staff accused is a subject here too: their erasure takes the allegation.
        accused = [] if accused_staff_ref is None else [self.subjects.pseudonym(accused_staff_ref)]
        values = {"description": description, "accused_staff_ref": accused_staff_ref}
        text = incident_text(self, draft, values, names=accused)
        incident = Incident.report(id=draft.id, **{**facts, **text})
        self.save(incident)
        kind = "serious_incident" if incident.serious else "incident"
        for ref in [*pupil_refs, *([accused_staff_ref] if accused_staff_ref else [])]:
            retain(self.subjects, ref, kind, occurred_at)
        return incident.id

    def protocol_hours(self, school_id: str) -> ProtocolHours:
        """The school's protocol hours, or the protocol's default."""
        try:
            record = self.load(SchoolHours, hours_id(school_id))
        except NotFound:
            return DEFAULT_HOURS
        return record.hours

    def get_incident(self, incident_id: UUID) -> Incident:
        """The incident as it stands now."""
        return self.load(Incident, incident_id)

    def notify_head_teacher(
        self, incident_id: UUID, *, notified_at: datetime, now: datetime, actor: Actor
    ) -> UUID:
        """Record that the head teacher was told of the incident."""
        incident = self.get_incident(incident_id)
        incident.notify_head_teacher(notified_at, now, actor)
        self.save(incident)
        return incident.id

    def refer_incident(
        self, incident_id: UUID, *, at: datetime, now: datetime, actor: Actor
    ) -> UUID:
        """The head teacher refers an incident the school recorded to the police."""
        incident = self.get_incident(incident_id)
        incident.refer(at, now, actor)
        self.save(incident)
        return incident.id

    def elect_internal(
        self, incident_id: UUID, *, elected_at: datetime, now: datetime, actor: Actor
    ) -> UUID:
        """Record the school's election to deal with the incident internally."""
        incident = self.get_incident(incident_id)
        incident.elect_internal(elected_at, now, actor)
        self.save(incident)
        return incident.id

    def record_staff_consultation(
        self,
        incident_id: UUID,
        *,
        consulted: Consulted,
        consulted_at: datetime,
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record the consultation on an allegation against a member of staff."""
        incident = self.get_incident(incident_id)
        incident.record_staff_consultation(consulted, consulted_at, notes, now, actor)
        # Judged above in clear (the rules raise before anything is kept), recorded sealed.
        incident = self.get_incident(incident_id)
        notes = incident_text(self, incident, {"notes": notes})["notes"]
        incident.record_staff_consultation(consulted, consulted_at, notes, now, actor)
        self.save(incident)
        return incident.id

    def record_police_action(
        self,
        incident_id: UUID,
        *,
        action: PoliceActionKind,
        taken_at: datetime,
        justification: str | None,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record an investigative step or positive police action."""
        incident = self.get_incident(incident_id)
        police_action(self, incident, action, taken_at, justification, now, actor)
        self.save(incident)
        return incident.id

    def review_police_actions(
        self,
        incident_id: UUID,
        *,
        decision: ReviewDecision,
        reviewed_at: datetime,
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """A supervisor reviews police action taken beyond the school's internal election."""
        incident = self.get_incident(incident_id)
        incident.review_police_actions(decision, reviewed_at, notes, now, actor)
        incident = self.get_incident(incident_id)
        notes = incident_text(self, incident, {"notes": notes.strip()})["notes"]
        incident.review_police_actions(decision, reviewed_at, notes, now, actor)
        self.save(incident)
        return incident.id

    def hold_restorative_conference(
        self,
        incident_id: UUID,
        *,
        held_at: datetime,
        outcome: ConferenceOutcome,
        pupil_refs: list[str],
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record a restorative justice conference and its outcome."""
        incident = self.get_incident(incident_id)
        sealed = self.sealed_refs(pupil_refs, "pupil_refs")
        incident.hold_restorative_conference(held_at, outcome, sealed, notes, now, actor)
        incident = self.get_incident(incident_id)
        notes = incident_text(self, incident, {"notes": notes}, names=sealed)["notes"]
        incident.hold_restorative_conference(held_at, outcome, sealed, notes, now, actor)
        self.save(incident)
        kind = "serious_incident" if incident.serious else "incident"
        for ref in pupil_refs:
            retain(self.subjects, ref, kind, held_at)
        return incident.id

    def close_incident(
        self,
        incident_id: UUID,
        *,
        outcome: CrimeOutcome,
        closed_at: datetime,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Close the incident with its outcome."""
        incident = self.get_incident(incident_id)
        incident.close(outcome, closed_at, now, actor)
        self.save(incident)
        return incident.id

    def rectify_incident(
        self, incident_id: UUID, *, field: str, value: str, reason: str, now: datetime, actor: Actor
    ) -> UUID:
        """Correct a personal detail of the incident; the original stays in its history."""
        incident = self.get_incident(incident_id)
        old = self.subjects.open(getattr(incident, field, None), field)
        if old == ERASED:
            raise StateConflict("text-erased", f"the incident's {field} has been erased", "field")
        check_rectification(field, RECTIFIABLE, old, value, reason)
        sealed = incident_text(self, incident, {field: value, "reason": reason.strip()})
        incident.rectify(field, sealed[field], sealed["reason"], now, actor)
        self.save(incident)
        return incident.id
