"""Events of the incidents service (topics ssp.incidents.events, .searches and .school).

No free text travels here: descriptions, grounds, justifications and the name or
description of a person searched stay in the service's encrypted event store.
"""

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ssp_contracts.events.common import (
    TERM_PATTERN,
    AggregateId,
    LocalTime,
    OfficerId,
    OnTheHour,
    PupilRef,
    Reference,
    SchoolId,
)
from ssp_contracts.registry import EventPayload, register, upcaster
from ssp_contracts.vocab import (
    AgeRange,
    CrimeOutcome,
    EvidenceHolder,
    EvidenceTransfer,
    Gender,
    IncidentCategory,
    IncidentCategoryV1,
    Legislation,
    ObjectOfSearch,
    OfficerDefinedEthnicity,
    SearchOutcome,
    SelfDefinedEthnicity,
)

INCIDENTS = "ssp.incidents.events"
SEARCHES = "ssp.incidents.searches"
SCHOOL_ONLY = "ssp.incidents.school"

LocationKind = Literal["premises", "abutting_public_place"]
Place = Literal["building", "annexe", "playground", "sports_field", "street", "public_place"]
CameToNotice = Literal[
    "officer_patrol", "reported_by_staff", "reported_by_pupil", "reported_by_parent"
]
PoliceActionKind = Literal[
    "crime_report", "statement_taken", "suspect_interviewed", "evidence_gathered", "arrest"
]
ConferenceOutcome = Literal["agreement_reached", "no_agreement", "did_not_proceed"]
Holder = EvidenceHolder
EvidenceKind = Literal[
    "drugs", "weapon", "stolen_property", "electronic_device", "document", "clothing", "other"
]
Weekday = Literal[1, 2, 3, 4, 5, 6, 7]
Consulted = Literal["head_teacher", "deputy_head"]
SearchedBy = Literal["officer", "school_staff"]
# The officer's educational, preventive and partnership work (Report ¶11-12, Appendix 2).
ActivityKind = Literal[
    "lesson",
    "assembly",
    "patrol",
    "mentoring",
    "parents_evening",
    "multi_agency_meeting",
    "home_visit",
    "problem_solving_plan",
    "crime_prevention_advice",
    "diversionary_activity",
]
Partner = Literal[
    "youth_offending_team",
    "education_welfare_officer",
    "childrens_social_care",
    "school_nurse",
    "connexions",
    "drug_worker",
    "other_agency",
]
ActivityWithdrawal = Literal["recorded_in_error", "duplicate"]
# What made an incident serious after it was reported: an item seized, or a search's find.
SeriousCause = Literal["evidence_seized", "search_found"]
SeriousFind = Literal["drugs", "weapon"]
# Safeguarding referrals to children's social care (the multi-agency safeguarding hub).
SafeguardingSource = Literal["incident", "search"]
ConcernKind = Literal[
    "neglect", "physical_abuse", "emotional_abuse", "sexual_abuse", "exploitation",
    "domestic_abuse", "other",
]  # fmt: skip
SafeguardingOutcome = Literal[
    "no_further_action", "early_help", "child_in_need", "child_protection_enquiry",
    "police_investigation", "other",
]  # fmt: skip
# A supervisor's view of police action taken after the school elected to deal internally.
ReviewDecision = Literal["endorsed", "not_endorsed"]


class _IncidentEvent(EventPayload):
    topic: ClassVar[str] = INCIDENTS
    incident_id: AggregateId
    school_id: SchoolId


@register
class IncidentReported(_IncidentEvent):
    # Version 1; readers get version 2 through the upcaster below.
    """An incident on or around school premises was recorded."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_reported.v1"

    occurred_at: datetime = Field(description="When the incident happened")
    location_kind: LocationKind = Field(description="Inside the premises or abutting them")
    place: Place | None = Field(default=None, description="Kind of place, if recorded")
    category: IncidentCategoryV1 = Field(
        description="data.police.uk crime category, a serious refinement, or a non-crime kind"
    )
    came_to_notice: CameToNotice = Field(description="How the incident came to notice")
    pupil_refs: list[PupilRef] = Field(
        default_factory=list, max_length=50, description="Pupils involved"
    )
    serious: bool = Field(description="Serious category: the head teacher must be told")
    outside_protocol_hours: bool = Field(
        description="Outside the school's protocol hours: for response officers"
    )
    allegation_against_staff: bool = Field(
        default=False, description="An allegation of crime against a member of school staff"
    )


@register
class IncidentReportedV2(IncidentReported):
    """An incident on or around school premises was recorded; categories include arson."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_reported.v2"

    category: IncidentCategory = Field(  # type: ignore[assignment]
        description="data.police.uk crime category, a refinement (serious ones, arson),"
        " or a non-crime kind"
    )


@upcaster(IncidentReported)
def _reported_v2(old: IncidentReported) -> IncidentReportedV2:
    # Every version 1 category is a version 2 category with the same meaning.
    return IncidentReportedV2(**old.model_dump())


@register
class IncidentHeadTeacherNotified(_IncidentEvent):
    """The head teacher was told of an incident."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_head_teacher_notified.v1"

    notified_at: datetime = Field(description="When the head teacher was told")


@register
class IncidentBecameSerious(_IncidentEvent):
    """Drugs or a weapon were seized or found: the incident is serious whatever its category."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_became_serious.v1"

    cause: SeriousCause = Field(description="Evidence seized, or a search that found it")
    find: SeriousFind = Field(description="What was found")
    source_id: AggregateId = Field(description="The evidence item or search record")
    found_at: datetime = Field(description="When it was seized or found")


@register
class SchoolElectedToDealInternally(_IncidentEvent):
    """The school elected to deal with an incident internally; police action is limited."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_elected_internal.v1"

    elected_at: datetime = Field(description="When the school made the election")


@register
class StaffAllegationConsultationRecorded(_IncidentEvent):
    """The head teacher or deputy was consulted on an allegation against a staff member."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.staff_allegation_consulted.v1"

    consulted: Consulted = Field(description="Who was consulted")
    consulted_at: datetime = Field(description="When the consultation took place")


@register
class PoliceActionRecorded(_IncidentEvent):
    """An investigative step or positive police action was taken on an incident."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.police_action_recorded.v1"

    action: PoliceActionKind = Field(description="Kind of police action")
    taken_at: datetime = Field(description="When the action was taken")
    after_internal_election: bool = Field(
        description="Taken after the school elected to deal internally (written justification)"
    )
    supervisor_review: bool = Field(
        default=False,
        description="Beyond the internal election's limit (not a positive-action category):"
        " awaits a supervisor's review",
    )


@register
class PoliceActionsReviewed(_IncidentEvent):
    """A supervisor reviewed the police action taken after the school's internal election."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.police_actions_reviewed.v1"

    decision: ReviewDecision = Field(description="Whether the supervisor endorsed the action")
    reviewed_at: datetime = Field(description="When the review was made")


@register
class RestorativeConferenceHeld(_IncidentEvent):
    """A restorative justice conference was held on an incident."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.restorative_conference_held.v1"

    held_at: datetime = Field(description="When the conference was held")
    outcome: ConferenceOutcome = Field(description="Outcome of the conference")
    pupil_refs: list[PupilRef] = Field(
        default_factory=list, max_length=50, description="Pupils who took part"
    )


@register
class IncidentClosed(_IncidentEvent):
    """An incident was closed with its outcome."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_closed.v1"

    closed_at: datetime = Field(description="When the incident was closed")
    outcome: CrimeOutcome = Field(description="data.police.uk outcome category")


@register
class EvidenceSeized(_IncidentEvent):
    """Superseded by version 2 (read only, for history): an item of evidence was seized."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.evidence_seized.v1"

    item_id: AggregateId
    kind: EvidenceKind = Field(description="Kind of item")
    seized_at: datetime = Field(description="When the item was seized")
    holder: Holder = Field(description="Who holds the item now: school staff or the officer")
    holder_id: Reference = Field(description="Pseudonymous id of the person holding it")


@register
class EvidenceTransferred(_IncidentEvent):
    """Superseded by version 2 (read only, for history): an item of evidence changed hands."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.evidence_transferred.v1"

    item_id: AggregateId
    transfer: EvidenceTransfer = Field(description="What happened to the item")
    from_holder: Holder = Field(description="Who held the item before")
    from_id: Reference = Field(description="Pseudonymous id of the previous holder")
    to_holder: Holder = Field(description="Who holds the item after")
    to_id: Reference = Field(description="Pseudonymous id, property reference or 'owner'")
    transferred_at: datetime = Field(description="When the transfer took place")


@register
class EvidenceSeizedV2(_IncidentEvent):
    """An item of evidence was seized; its chain of custody starts here.

    Version 2: no holder id (it was the actor's own id; the ce_actorid header names the actor
    by pseudonym). Version 1 stays registered so that history replays.
    """

    event_type: ClassVar[str] = "uk.police.ssp.incidents.evidence_seized.v2"

    item_id: AggregateId
    kind: EvidenceKind = Field(description="Kind of item")
    seized_at: datetime = Field(description="When the item was seized")
    holder: Holder = Field(description="Who holds the item now: school staff or the officer")


@register
class EvidenceTransferredV2(_IncidentEvent):
    """An item of evidence changed hands (handover, booking in, return, destruction).

    Version 2: kinds and the time only. The property reference, or to whom an item went back,
    was free text in version 1's ``to_id``; it stays in the service's encrypted store.
    """

    event_type: ClassVar[str] = "uk.police.ssp.incidents.evidence_transferred.v2"

    item_id: AggregateId
    transfer: EvidenceTransfer = Field(description="What happened to the item")
    from_holder: Holder = Field(description="Who held the item before")
    to_holder: Holder = Field(description="Who holds the item after")
    transferred_at: datetime = Field(description="When the transfer took place")


@register
class ArrestMade(_IncidentEvent):
    """A pupil was arrested; on premises only with a recorded necessity justification."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.arrest_made.v1"

    arrest_id: AggregateId
    pupil_ref: PupilRef
    arrested_at: datetime = Field(description="When the arrest was made")
    on_premises: bool = Field(description="Made on school premises")


@register
class ArrestHeadTeacherInformed(_IncidentEvent):
    """The head teacher was informed of an arrest."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.arrest_head_teacher_informed.v1"

    arrest_id: AggregateId
    informed_at: datetime = Field(description="When the head teacher was informed")


class IndicatorCounts(BaseModel):
    """Counts of one term's non-crime indicators (part of an event, not one of its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bullying_incidents: int = Field(ge=0, description="Bullying incidents in the term")
    unauthorised_absence_sessions: int = Field(
        ge=0, description="Half-day sessions of unauthorised absence (truancy)"
    )
    fixed_term_exclusions: int = Field(ge=0, description="Fixed-term exclusions")
    permanent_exclusions: int = Field(ge=0, description="Permanent exclusions")
    # Added later, optional: returns recorded before carry neither, and still replay.
    possible_sessions: int | None = Field(
        default=None, ge=0, description="Half-day sessions pupils could attend (the rate's base)"
    )
    authorised_absence_sessions: int | None = Field(
        default=None, ge=0, description="Half-day sessions of authorised absence"
    )


@register
class SchoolIndicatorsSubmitted(EventPayload):
    """A school's termly non-crime indicators were submitted or corrected."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_indicators_submitted.v1"
    topic: ClassVar[str] = INCIDENTS

    school_id: SchoolId
    term: str = Field(pattern=TERM_PATTERN, max_length=11, description="e.g. 2026-autumn")
    revision: int = Field(ge=1, description="1 for the submission; each correction adds one")
    supersedes: int | None = Field(default=None, description="Revision this one supersedes")
    counts: IndicatorCounts = Field(description="The counts of this revision")
    submitted_at: datetime = Field(description="When this revision was submitted")


@register
class ProtocolHoursSet(EventPayload):
    """A school's protocol hours were set (default 08:00-16:00 Monday to Friday)."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.protocol_hours_set.v1"
    topic: ClassVar[str] = INCIDENTS

    school_id: SchoolId
    starts: LocalTime = Field(description="Start of protocol hours, London local time")
    ends: LocalTime = Field(description="End of protocol hours, London local time")
    school_days: list[Weekday] = Field(
        max_length=7, description="ISO weekdays (1 = Monday) of school days"
    )
    closed_dates: list[date] = Field(
        default_factory=list,
        max_length=400,
        description="Days with no school (holidays, training days)",
    )


@register
class SearchRecorded(EventPayload):
    """A search of a person was recorded (the search record of the police form)."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.search_recorded.v1"
    topic: ClassVar[str] = SEARCHES

    search_id: AggregateId
    school_id: SchoolId
    incident_id: AggregateId | None = Field(default=None, description="Incident, if any")
    searched_by: SearchedBy = Field(
        description="The officer (records before school searches were the school's own may"
        " say school staff, with the officer assisting)"
    )
    officer_id: OfficerId
    searched_at: OnTheHour = Field(
        description="The hour of the search (events recorded before this rule may carry minutes)"
    )
    location_kind: LocationKind = Field(description="Inside the premises or abutting them")
    latitude: float | None = Field(default=None, description="Latitude, coarsened to 0.01")
    longitude: float | None = Field(default=None, description="Longitude, coarsened to 0.01")
    pupil_ref: PupilRef | None = Field(default=None, description="Pupil searched, if a pupil")
    legislation: Legislation = Field(description="Power used")
    object_of_search: ObjectOfSearch = Field(description="Object of the search")
    gender: Gender = Field(description="Gender of the person searched")
    age_range: AgeRange = Field(description="Age range of the person searched")
    self_defined_ethnicity: SelfDefinedEthnicity = Field(description="As stated by the person")
    officer_defined_ethnicity: OfficerDefinedEthnicity = Field(description="As seen by officer")
    outcome: SearchOutcome = Field(description="Outcome of the search")
    outcome_linked_to_object_of_search: bool = Field(description="Outcome linked to the object")
    removal_of_more_than_outer_clothing: bool = Field(description="More than outer clothing off")
    items_found: bool = Field(description="Whether anything was found (details stay inside)")
    injury_or_damage: bool = Field(description="Whether injury or damage was caused")


@register
class SearchParentsInformed(EventPayload):
    """School staff informed the parents of a pupil searched."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.search_parents_informed.v1"
    topic: ClassVar[str] = SEARCHES

    search_id: AggregateId
    school_id: SchoolId
    informed_at: OnTheHour = Field(
        description="The hour the parents were informed (to the hour, as the search)"
    )


@register
class ActivityRecorded(EventPayload):
    """An officer recorded a piece of educational, preventive or partnership work."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.activity_recorded.v1"
    topic: ClassVar[str] = INCIDENTS

    activity_id: AggregateId
    school_id: SchoolId
    officer_id: OfficerId
    kind: ActivityKind = Field(description="What the work was")
    started_at: datetime = Field(description="When it started")
    minutes: int = Field(ge=5, le=720, description="How long it took")
    pupils_reached: int | None = Field(
        default=None, ge=0, le=5000, description="Pupils taking part, where counted"
    )
    partners: list[Partner] = Field(
        default_factory=list, max_length=7, description="Agencies taking part"
    )


@register
class ActivityWithdrawn(EventPayload):
    """A recorded activity was withdrawn (recorded in error, or a duplicate)."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.activity_withdrawn.v1"
    topic: ClassVar[str] = INCIDENTS

    activity_id: AggregateId
    school_id: SchoolId
    reason: ActivityWithdrawal = Field(description="Why it no longer counts")
    withdrawn_at: datetime = Field(description="When it was withdrawn")


# What a school recorded and has not referred goes on SCHOOL_ONLY, which only reporting reads:
# the same payloads under their own types, so reporting's handlers of the police versions
# count them too. A referral then puts the incident on the police topic (IncidentReferred).


@register
class SchoolIncidentRecorded(IncidentReportedV2):
    """A school recorded an incident it has not referred to the police."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_incident_recorded.v1"
    topic: ClassVar[str] = SCHOOL_ONLY


@register
class SchoolIncidentHeadTeacherNotified(IncidentHeadTeacherNotified):
    """The head teacher was told of an incident not referred to the police."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_head_teacher_notified.v1"
    topic: ClassVar[str] = SCHOOL_ONLY


@register
class SchoolIncidentElectedInternal(SchoolElectedToDealInternally):
    """The school elected to deal internally with an incident not referred to the police."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_elected_internal_unreferred.v1"
    topic: ClassVar[str] = SCHOOL_ONLY


@register
class SchoolRestorativeConferenceHeld(RestorativeConferenceHeld):
    """A restorative conference was held on an incident not referred to the police."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_restorative_conference_held.v1"
    topic: ClassVar[str] = SCHOOL_ONLY


@register
class SchoolSearchRecorded(EventPayload):
    """School staff searched a person: the school's record, not a police search.

    Never a police stop-and-search: no officer need be present (the one who assisted, if any,
    is named) and it is neither published as one nor exported in data.police.uk's layout.
    """

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_search_recorded.v1"
    topic: ClassVar[str] = SCHOOL_ONLY

    search_id: AggregateId
    school_id: SchoolId
    incident_id: AggregateId | None = Field(default=None, description="Incident, if any")
    assisting_officer_id: OfficerId | None = Field(
        default=None, description="The officer who assisted, if one did"
    )
    searched_at: OnTheHour = Field(description="The hour of the search")
    location_kind: LocationKind = Field(description="Inside the premises or abutting them")
    pupil_ref: PupilRef | None = Field(default=None, description="Pupil searched, if a pupil")
    object_of_search: ObjectOfSearch = Field(description="Object of the search")
    gender: Gender = Field(description="Gender of the person searched")
    age_range: AgeRange = Field(description="Age range of the person searched")
    self_defined_ethnicity: SelfDefinedEthnicity = Field(description="As stated by the person")
    outcome: SearchOutcome = Field(description="Outcome of the search")
    items_found: bool = Field(description="Whether anything was found (details stay inside)")
    injury_or_damage: bool = Field(description="Whether injury or damage was caused")


@register
class SchoolSearchParentsInformed(SearchParentsInformed):
    """School staff informed the parents of a pupil the school searched."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.school_search_parents_informed.v1"
    topic: ClassVar[str] = SCHOOL_ONLY


@register
class IncidentReferred(IncidentReportedV2):
    """An incident a school recorded was referred to the police: its facts, now theirs."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_referred.v1"

    referred_at: datetime = Field(description="When it was referred")
    by_rule: bool = Field(
        description="Referred by rule (weapons or drugs found), not by the head teacher"
    )


# Safeguarding referrals travel only on the school-only topic, and only as facts reporting
# counts: no pupil, no kind of concern, no details.


@register
class SafeguardingReferralMade(EventPayload):
    """A safeguarding concern was referred to children's social care."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.safeguarding_referral_made.v1"
    topic: ClassVar[str] = SCHOOL_ONLY

    referral_id: AggregateId
    school_id: SchoolId
    source: SafeguardingSource = Field(description="Raised from an incident or a search")
    referred_at: datetime = Field(description="When it was referred")
    follow_up_due: date = Field(description="When the school follows it up")


@register
class SafeguardingOutcomeRecorded(EventPayload):
    """Children's social care's outcome of a referral was recorded."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.safeguarding_outcome_recorded.v1"
    topic: ClassVar[str] = SCHOOL_ONLY

    referral_id: AggregateId
    school_id: SchoolId
    outcome: SafeguardingOutcome = Field(description="What social care decided")
    recorded_at: datetime = Field(description="When the outcome was recorded")
    follow_up_due: date | None = Field(default=None, description="Next follow-up, if any")


@register
class SafeguardingReferralClosed(EventPayload):
    """A safeguarding referral was closed."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.safeguarding_referral_closed.v1"
    topic: ClassVar[str] = SCHOOL_ONLY

    referral_id: AggregateId
    school_id: SchoolId
    closed_at: datetime = Field(description="When it was closed")


@register
class IncidentHandedToResponse(_IncidentEvent):
    """An incident outside protocol hours was handed to response officers."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.incident_handed_to_response.v1"

    handed_at: datetime = Field(description="When response officers took it over")
