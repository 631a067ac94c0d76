"""The incident aggregate and the protocol rules it keeps (Appendix 2, Working Practises)."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.incidents import (
    CameToNotice,
    ConferenceOutcome,
    Consulted,
    LocationKind,
    Place,
    PoliceActionKind,
    ReviewDecision,
    SeriousCause,
    SeriousFind,
)
from ssp_contracts.vocab import (
    POSITIVE_ACTION_CATEGORIES,
    SERIOUS_CATEGORIES,
    CrimeOutcome,
    IncidentCategory,
)

from services.incidents.domain.hours import ProtocolHours
from services.incidents.domain.incident_rules import (
    check_closing,
    check_place,
    police_action_justification,
    referred_on_report,
)
from services.incidents.domain.rectification import check_rectification
from services.incidents.domain.restricted import check_allegation
from services.incidents.domain.rules import (
    check_not_before,
    check_not_future,
)
from services.runtime.domain import Actor, RuleViolation, StateConflict

# The incident's personal details a rectification may correct (free text naming people).
RECTIFIABLE = frozenset({"description"})


class SchoolRecordEvent(Aggregate.Event):
    """An event of an incident the school may not have referred yet: it says whether it had."""

    referred: bool

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Before the head teacher's referral existed, every record went to the police."""
        state["referred"] = True


class Incident(Aggregate):
    """An incident on or around school premises."""

    class Reported(Aggregate.Created):
        school_id: str
        occurred_at: datetime
        location_kind: LocationKind
        place: Place | None
        category: IncidentCategory
        came_to_notice: CameToNotice
        description: str
        pupil_refs: list[str]
        allegation_against_staff: bool
        outside_protocol_hours: bool
        actor: Actor
        # Restricted records (domain/restricted.py); absent from incidents recorded before.
        accused_staff_ref: str | None
        against_head_teacher: bool

    class HeadTeacherNotified(SchoolRecordEvent):
        school_id: str
        notified_at: datetime
        actor: Actor

    class Referred(Aggregate.Event):
        """The incident's facts as the police receive them, with who referred it and when."""

        school_id: str
        referred_at: datetime
        by_rule: bool
        facts: dict[str, Any]
        actor: Actor

    class BecameSerious(Aggregate.Event):
        school_id: str
        cause: SeriousCause
        find: SeriousFind
        source_id: str
        found_at: datetime
        actor: Actor

    class ElectedInternal(SchoolRecordEvent):
        school_id: str
        elected_at: datetime
        actor: Actor

    class StaffConsultationRecorded(Aggregate.Event):
        school_id: str
        consulted: Consulted
        consulted_at: datetime
        notes: str
        actor: Actor

    class PoliceActionRecorded(Aggregate.Event):
        school_id: str
        action: PoliceActionKind
        taken_at: datetime
        justification: str | None
        actor: Actor
        supervisor_review: bool

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Actions recorded before the review existed were never beyond the limit."""
            state["supervisor_review"] = False

    class PoliceActionsReviewed(Aggregate.Event):
        school_id: str
        decision: ReviewDecision
        reviewed_at: datetime
        notes: str
        actor: Actor

    class RestorativeConferenceHeld(SchoolRecordEvent):
        school_id: str
        held_at: datetime
        outcome: ConferenceOutcome
        pupil_refs: list[str]
        notes: str
        actor: Actor

    class Closed(Aggregate.Event):
        school_id: str
        closed_at: datetime
        outcome: CrimeOutcome
        actor: Actor

    class Rectified(Aggregate.Event):
        school_id: str
        field: str
        value: str
        reason: str
        rectified_at: datetime
        actor: Actor

    @event(Reported)
    def __init__(
        self,
        school_id: str,
        occurred_at: datetime,
        location_kind: LocationKind,
        place: Place | None,
        category: IncidentCategory,
        came_to_notice: CameToNotice,
        description: str,
        pupil_refs: list[str],
        allegation_against_staff: bool,
        outside_protocol_hours: bool,
        actor: Actor,
        accused_staff_ref: str | None = None,
        against_head_teacher: bool = False,
    ) -> None:
        self.school_id = school_id
        self.occurred_at = occurred_at
        self.location_kind = location_kind
        self.place = place
        self.category = category
        self.came_to_notice = came_to_notice
        self.description = description
        self.pupil_refs = list(pupil_refs)
        self.allegation_against_staff = allegation_against_staff
        self.accused_staff_ref = accused_staff_ref
        self.against_head_teacher = against_head_teacher
        # Officers who reported or acted on it, and who was consulted: who reads a restriction.
        self.officers: list[str] = []
        self.consulted: list[str] = []
        self._note_officer(actor)
        self.outside_protocol_hours = outside_protocol_hours
        self.reported_by = actor.id
        self.referred_at: datetime | None = (
            occurred_at if referred_on_report(category, actor.role) else None
        )
        self.head_teacher_notified_at: datetime | None = None
        self.serious_find: dict[str, object] | None = None
        self.internal_election_at: datetime | None = None
        self.staff_consulted_at: datetime | None = None
        self.police_actions: list[dict[str, object]] = []
        self.awaiting_review = 0
        self.reviews: list[dict[str, object]] = []
        self.conferences: list[dict[str, object]] = []
        self.closed_at: datetime | None = None
        self.outcome: CrimeOutcome | None = None

    @classmethod
    def report(
        cls, *, now: datetime, hours: ProtocolHours, id: UUID | None = None, **facts: Any
    ) -> "Incident":
        """A new incident, marked for response officers when outside protocol hours. ``id``:
        the id its free text was sealed for (record_keys), else a new one."""
        check_not_future(facts["occurred_at"], now, "occurred_at")
        check_place(facts["location_kind"], facts.get("place"))
        check_allegation(
            facts["allegation_against_staff"],
            facts.get("accused_staff_ref"),
            facts.get("against_head_teacher", False),
        )
        outside = not hours.covers(facts["occurred_at"])
        facts = {"accused_staff_ref": None, "against_head_teacher": False, **facts}
        return cls._create(cls.Reported, id=id or uuid4(), **facts, outside_protocol_hours=outside)

    @property
    def serious(self) -> bool:
        """Serious incidents must be reported to the head teacher: by category or by a find."""
        return self.category in SERIOUS_CATEGORIES or self.serious_find is not None

    # --- commands -------------------------------------------------------------------

    def notify_head_teacher(self, notified_at: datetime, now: datetime, actor: Actor) -> None:
        """Record that the head teacher was told of this incident."""
        self.check_follow_up_time(notified_at, now, "notified_at")
        if self.head_teacher_notified_at is not None:
            raise StateConflict(
                "head-teacher-notice", "the head teacher's notification is already recorded"
            )
        self._head_teacher_notified(self.school_id, notified_at, actor, self.referred)

    def record_find(
        self,
        cause: SeriousCause,
        find: SeriousFind,
        source_id: str,
        found_at: datetime,
        actor: Actor,
    ) -> None:
        """Drugs or a weapon seized or found make the incident serious (once; no-op if it is)."""
        if self.serious:
            return
        if self.referred_at is None:  # weapons and drugs found are referred by rule
            self._referred(self.school_id, found_at, True, self.facts(serious=True), actor)
        self._became_serious(self.school_id, cause, find, source_id, found_at, actor)

    @property
    def referred(self) -> bool:
        """Whether the police may see the incident (only referred ones reach them)."""
        return self.referred_at is not None

    def facts(self, serious: bool) -> dict[str, Any]:
        """The reported facts, as a referral hands them to the police."""
        return {
            "occurred_at": self.occurred_at, "location_kind": self.location_kind,
            "place": self.place, "category": self.category, "came_to_notice": self.came_to_notice,
            "pupil_refs": list(self.pupil_refs), "serious": serious,
            "outside_protocol_hours": self.outside_protocol_hours,
            "allegation_against_staff": self.allegation_against_staff,
        }  # fmt: skip

    def refer(self, referred_at: datetime, now: datetime, actor: Actor) -> None:
        """The head teacher refers an incident to the SSPO (their discretion, once)."""
        if self.referred_at is not None:
            raise StateConflict(
                "already-referred", "the incident is already referred to the police", "at"
            )
        self.check_follow_up_time(referred_at, now, "at")
        self._referred(self.school_id, referred_at, False, self.facts(self.serious), actor)

    def elect_internal(self, elected_at: datetime, now: datetime, actor: Actor) -> None:
        """Record the school's election to deal with the incident internally."""
        self.check_open()
        self.check_follow_up_time(elected_at, now, "elected_at")
        if self.internal_election_at is not None:
            raise StateConflict("internal-election", "the school's election is already recorded")
        self._elected_internal(self.school_id, elected_at, actor, self.referred)

    def record_staff_consultation(
        self, consulted: Consulted, consulted_at: datetime, notes: str, now: datetime, actor: Actor
    ) -> None:
        """Record the consultation with the head teacher or deputy on a staff allegation."""
        self.check_open()
        if not self.allegation_against_staff:
            raise RuleViolation(
                "staff-allegation",
                "this incident is not an allegation against a member of staff",
                "consulted",
            )
        self.check_follow_up_time(consulted_at, now, "consulted_at")
        self._staff_consulted(self.school_id, consulted, consulted_at, notes, actor)

    def record_police_action(
        self,
        action: PoliceActionKind,
        taken_at: datetime,
        justification: str | None,
        now: datetime,
        actor: Actor,
    ) -> None:
        """Record an investigative step or positive police action."""
        self.check_open()
        self.check_follow_up_time(taken_at, now, "taken_at")
        justification = self.check_police_action_allowed(justification)
        review = self.internal_election_at is not None and not self.positive_action_permitted
        self._police_action(self.school_id, action, taken_at, justification, actor, review)

    @property
    def positive_action_permitted(self) -> bool:
        """Whether its category lets the officer act whatever the school wishes."""
        return self.category in POSITIVE_ACTION_CATEGORIES

    def review_police_actions(
        self,
        decision: ReviewDecision,
        reviewed_at: datetime,
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> None:
        """A supervisor reviews the actions taken beyond the school's internal election."""
        if self.awaiting_review == 0:
            raise StateConflict(
                "no-action-to-review", "no police action on this incident awaits review", "decision"
            )
        self.check_follow_up_time(reviewed_at, now, "reviewed_at")
        self._reviewed(self.school_id, decision, reviewed_at, notes.strip(), actor)

    def hold_restorative_conference(
        self,
        held_at: datetime,
        outcome: ConferenceOutcome,
        pupil_refs: list[str],
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> None:
        """Record a restorative justice conference and its outcome."""
        self.check_open()
        self.check_follow_up_time(held_at, now, "held_at")
        self._conference_held(
            self.school_id, held_at, outcome, pupil_refs, notes, actor, self.referred
        )

    def close(
        self, outcome: CrimeOutcome, closed_at: datetime, now: datetime, actor: Actor
    ) -> None:
        """Close the incident with its data.police.uk outcome."""
        self.check_open()
        self.check_follow_up_time(closed_at, now, "closed_at")
        check_closing(outcome, self.serious, self.head_teacher_notified_at)
        self._closed(self.school_id, closed_at, outcome, actor)

    def rectify(self, field: str, value: str, reason: str, now: datetime, actor: Actor) -> None:
        """Correct a personal detail (closed or not); the original stays in the history."""
        check_rectification(field, RECTIFIABLE, getattr(self, field, None), value, reason)
        self._rectified(self.school_id, field, value, reason.strip(), now, actor)

    # --- guards ---------------------------------------------------------------------

    def check_open(self) -> None:
        """Nothing is added to a closed incident."""
        if self.closed_at is not None:
            raise StateConflict("incident-closed", f"the incident is closed ({self.outcome})")

    def check_follow_up_time(self, moment: datetime, now: datetime, field: str) -> None:
        """A follow-up happens after the incident and not in the future."""
        check_not_future(moment, now, field)
        check_not_before(moment, self.occurred_at, field, "the incident")

    def check_police_action_allowed(self, justification: str | None) -> str | None:
        """The justification a police action on this incident records, or a refusal."""
        return police_action_justification(
            category=self.category,
            allegation_against_staff=self.allegation_against_staff,
            staff_consulted=self.staff_consulted_at is not None,
            internal_election=self.internal_election_at is not None,
            justification=justification,
        )

    # --- events ---------------------------------------------------------------------

    @event(HeadTeacherNotified)
    def _head_teacher_notified(
        self, school_id: str, notified_at: datetime, actor: Actor, referred: bool
    ) -> None:
        self.head_teacher_notified_at = notified_at
        self._note_officer(actor)

    @event(Referred)
    def _referred(
        self,
        school_id: str,
        referred_at: datetime,
        by_rule: bool,
        facts: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.referred_at = referred_at

    @event(BecameSerious)
    def _became_serious(
        self,
        school_id: str,
        cause: SeriousCause,
        find: SeriousFind,
        source_id: str,
        found_at: datetime,
        actor: Actor,
    ) -> None:
        self.serious_find = {
            "cause": cause,
            "find": find,
            "source_id": source_id,
            "found_at": found_at,
        }

    @event(ElectedInternal)
    def _elected_internal(
        self, school_id: str, elected_at: datetime, actor: Actor, referred: bool
    ) -> None:
        self.internal_election_at = elected_at
        self._note_officer(actor)

    @event(StaffConsultationRecorded)
    def _staff_consulted(
        self, school_id: str, consulted: Consulted, consulted_at: datetime, notes: str, actor: Actor
    ) -> None:
        self.staff_consulted_at = consulted_at
        self.consulted.append(consulted)
        self._note_officer(actor)

    @event(PoliceActionRecorded)
    def _police_action(
        self,
        school_id: str,
        action: PoliceActionKind,
        taken_at: datetime,
        justification: str | None,
        actor: Actor,
        supervisor_review: bool,
    ) -> None:
        self.police_actions.append(
            {
                "action": action,
                "taken_at": taken_at,
                "justification": justification,
                "supervisor_review": supervisor_review,
            }
        )
        self._note_officer(actor)
        self.awaiting_review += int(supervisor_review)

    @event(PoliceActionsReviewed)
    def _reviewed(
        self,
        school_id: str,
        decision: ReviewDecision,
        reviewed_at: datetime,
        notes: str,
        actor: Actor,
    ) -> None:
        self.awaiting_review = 0
        self.reviews.append({"decision": decision, "reviewed_at": reviewed_at, "by": actor.id})

    @event(RestorativeConferenceHeld)
    def _conference_held(
        self,
        school_id: str,
        held_at: datetime,
        outcome: ConferenceOutcome,
        pupil_refs: list[str],
        notes: str,
        actor: Actor,
        referred: bool,
    ) -> None:
        self.conferences.append({"held_at": held_at, "outcome": outcome, "notes": notes})
        self._note_officer(actor)

    @event(Closed)
    def _closed(
        self, school_id: str, closed_at: datetime, outcome: CrimeOutcome, actor: Actor
    ) -> None:
        self.closed_at = closed_at
        self.outcome = outcome
        self._note_officer(actor)

    @event(Rectified)
    def _rectified(
        self,
        school_id: str,
        field: str,
        value: str,
        reason: str,
        rectified_at: datetime,
        actor: Actor,
    ) -> None:
        setattr(self, field, value)

    def _note_officer(self, actor: Actor) -> None:
        """Remember an officer who acted on the incident (the investigating officer)."""
        if actor.role == "school_officer" and actor.id not in self.officers:
            self.officers.append(actor.id)
