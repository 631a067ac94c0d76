"""Events of the staffing service (topics ssp.staffing.events and .abstractions)."""

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ssp_contracts.events.common import (
    AggregateId,
    Borough,
    LocalTime,
    OfficerId,
    SchoolId,
    documented,
    written_as,
)
from ssp_contracts.registry import EventPayload, register
from ssp_contracts.vocab import OfficerDefinedEthnicity

STAFFING = "ssp.staffing.events"
ABSTRACTIONS = "ssp.staffing.abstractions"

Phase = Literal["secondary", "primary", "special", "academy"]
Programme = Literal["safer_schools_partnership", "schools_involvement"]
Rank = Literal["constable", "pcso", "sergeant"]
PanelRole = Literal["police", "local_education_authority", "school"]
EndReason = Literal[
    "tenure_completed", "transfer", "promotion", "school_request", "welfare", "other"
]
LiftReason = Literal["operational_need", "role_change", "deployment_ended", "review", "other"]
AbstractionCategory = Literal[
    "aid_local", "aid_central", "control_room", "court", "mandatory_training", "other"
]
AbsenceKind = Literal["annual_leave", "sickness", "other"]
HolidayKind = Literal["half_term", "bank_holiday", "inset_day", "other"]
Term = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{4}-(autumn|spring|summer)$",
        max_length=11,
        description="Term, e.g. 2025-autumn",
    ),
]
SCHOOL_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 &'\u2019.,()/-]{0,199}$"
SchoolName = Annotated[
    str,
    documented(
        SCHOOL_NAME_PATTERN, 200, "Name of the school (a public register's name, never a person's)"
    ),
    written_as(SCHOOL_NAME_PATTERN),
]
Hours = Annotated[float, Field(gt=0, le=24, description="Hours lost")]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Shift(_Part):
    """One planned shift of an officer."""

    date: dt.date = Field(description="Day of the shift")
    start: LocalTime = Field(description="Local start time (flexible, 8 hours by default)")
    hours: float = Field(gt=0, le=24, description="Planned hours")


class Holiday(_Part):
    """A school holiday inside a term: no shifts are generated on these days."""

    starts_on: dt.date = Field(description="First day of the holiday")
    ends_on: dt.date = Field(description="Last day of the holiday (inclusive)")
    kind: HolidayKind = Field(description="Half term, bank holiday, INSET day or other")


@register
class SchoolRegistered(EventPayload):
    """A school joined the programme."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.school_registered.v1"
    topic: ClassVar[str] = STAFFING

    school_id: SchoolId
    name: SchoolName
    borough: Borough
    phase: Phase = Field(description="Secondary, primary, special or academy")
    pupil_count: int = Field(ge=0, description="Pupils on roll")
    programme: Programme = Field(description="Safer Schools Partnership or Schools Involvement")


@register
class SchoolCensusRecorded(EventPayload):
    """A school's pupils on roll by broad ethnic group, from its census (aggregate counts)."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.school_census_recorded.v1"
    topic: ClassVar[str] = STAFFING

    school_id: SchoolId
    borough: Borough
    census_date: dt.date = Field(description="Day of the school census the counts come from")
    pupils_by_ethnicity: dict[OfficerDefinedEthnicity, Annotated[int, Field(ge=0)]] = Field(
        description="Pupils on roll per broad ethnic group (the groups of search records)"
    )


@register
class ClusterFormed(EventPayload):
    """A secondary school and its primary schools now form one cluster."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.cluster_formed.v1"
    topic: ClassVar[str] = STAFFING

    school_id: SchoolId
    borough: Borough
    primary_school_ids: list[SchoolId] = Field(
        max_length=40, description="Primary schools of the cluster"
    )


@register
class ProtocolSigned(EventPayload):
    """The school and the borough signed the partnership protocol."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.protocol_signed.v1"
    topic: ClassVar[str] = STAFFING

    school_id: SchoolId
    borough: Borough
    signed_on: dt.date = Field(description="Date of signature")
    review_due: dt.date = Field(description="The annual review is due by this date")
    version: int | None = Field(
        default=None, ge=1, description="Version of the protocol signed (1 for the first)"
    )


@register
class PartnershipReviewed(EventPayload):
    """The annual review of the partnership was held."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.partnership_reviewed.v1"
    topic: ClassVar[str] = STAFFING

    school_id: SchoolId
    borough: Borough
    held_on: dt.date = Field(description="Date the review was held")
    next_review_due: dt.date = Field(description="The next review is due by this date")
    actions_agreed: int | None = Field(
        default=None, ge=0, description="Number of actions the review agreed (text stays inside)"
    )


@register
class OfficerRegistered(EventPayload):
    """An officer was appointed to the programme by a selection panel."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.officer_registered.v1"
    topic: ClassVar[str] = STAFFING

    officer_id: OfficerId
    rank: Rank = Field(description="Constable, PCSO or sergeant")
    borough: Borough
    selection_panel: list[PanelRole] = Field(
        max_length=10, description="Roles represented on the panel"
    )


@register
class TrainingModuleCompleted(EventPayload):
    """An officer completed a module of the training catalogue."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.training_module_completed.v1"
    topic: ClassVar[str] = STAFFING

    officer_id: OfficerId
    borough: Borough
    module: int = Field(ge=1, description="Module number in the catalogue")
    completed_on: dt.date = Field(description="Date of completion")
    modules_completed: int = Field(ge=1, description="Modules completed so far")
    catalogue_size: int = Field(ge=1, description="Modules in the catalogue")


@register
class OfficerDeployed(EventPayload):
    """An officer was deployed to a school or a cluster of schools."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.officer_deployed.v1"
    topic: ClassVar[str] = STAFFING

    deployment_id: AggregateId
    officer_id: OfficerId
    borough: Borough
    school_ids: list[SchoolId] = Field(
        min_length=1, max_length=50, description="The school, or the cluster"
    )
    share_percent: int = Field(gt=0, le=100, description="Share of the officer's time")
    start_date: dt.date = Field(description="First day of the deployment")
    tenure_end: dt.date = Field(description="End of tenure: 3 years, extendable to 5")
    rank: Rank | None = Field(default=None, description="Rank of the officer")
    to_cluster: bool = Field(default=False, description="Deployed to a whole cluster")


@register
class DeploymentExtended(EventPayload):
    """A deployment's tenure was extended (at most 5 years in all)."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.deployment_extended.v1"
    topic: ClassVar[str] = STAFFING

    deployment_id: AggregateId
    officer_id: OfficerId
    borough: Borough
    school_ids: list[SchoolId] = Field(max_length=50, description="Schools of the deployment")
    previous_tenure_end: dt.date = Field(description="Tenure end before the extension")
    tenure_end: dt.date = Field(description="New end of tenure")


@register
class DeploymentEnded(EventPayload):
    """A deployment ended, with its reason."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.deployment_ended.v1"
    topic: ClassVar[str] = STAFFING

    deployment_id: AggregateId
    officer_id: OfficerId
    school_ids: list[SchoolId] = Field(max_length=50, description="Schools of the deployment")
    ended_on: dt.date = Field(description="Last day of the deployment")
    reason: EndReason = Field(description="Why the deployment ended (a code, never free text)")
    borough: Borough | None = Field(default=None, description="Borough of the deployment")


@register
class OfficerRingFenced(EventPayload):
    """An officer was ring-fenced against abstractions."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.officer_ring_fenced.v1"
    topic: ClassVar[str] = STAFFING

    officer_id: OfficerId
    borough: Borough
    ring_fenced_from: dt.date = Field(description="First day of the ring-fence")
    authorised_by: OfficerId = Field(description="Officer on whose authority")


@register
class RingFenceLifted(EventPayload):
    """An officer's ring-fence was lifted."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.ring_fence_lifted.v1"
    topic: ClassVar[str] = STAFFING

    officer_id: OfficerId
    borough: Borough
    ring_fenced_from: dt.date = Field(description="First day of the ring-fence that ended")
    lifted_on: dt.date = Field(description="First day without the ring-fence")
    reason: LiftReason = Field(description="Why it was lifted")


@register
class TermCalendarSet(EventPayload):
    """A borough's term dates and school holidays, as published or revised."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.term_calendar_set.v1"
    topic: ClassVar[str] = STAFFING

    borough: Borough
    term: Term
    starts_on: dt.date = Field(description="First day of term")
    ends_on: dt.date = Field(description="Last day of term (inclusive)")
    holidays: list[Holiday] = Field(max_length=40, description="Holidays inside the term")


class _RosterEvent(EventPayload):
    roster_id: AggregateId
    officer_id: OfficerId
    borough: Borough
    term: Term
    school_ids: list[SchoolId] = Field(max_length=50, description="Schools the officer serves")


@register
class RosterGenerated(_RosterEvent):
    """An officer's shifts for a term were planned."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.roster_generated.v1"
    topic: ClassVar[str] = STAFFING

    shifts: list[Shift] = Field(max_length=200, description="Planned shifts, by date")
    imported: bool = Field(default=False, description="Came from a CSV import")


@register
class ShiftAmended(_RosterEvent):
    """One shift was planned or changed; the new values replace the old."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.shift_amended.v1"
    topic: ClassVar[str] = STAFFING

    shift: Shift = Field(description="The shift as it now stands")
    previous_hours: float = Field(ge=0, description="Hours planned before (0 for a new shift)")


@register
class ShiftCancelled(_RosterEvent):
    """One planned shift was removed."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.shift_cancelled.v1"
    topic: ClassVar[str] = STAFFING

    date: dt.date = Field(description="Day of the cancelled shift")
    hours: float = Field(gt=0, description="Hours no longer planned")


@register
class AbsenceNotified(EventPayload):
    """An officer's absence was notified to the school."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.absence_notified.v1"
    topic: ClassVar[str] = STAFFING

    absence_id: AggregateId
    officer_id: OfficerId
    borough: Borough
    school_ids: list[SchoolId] = Field(max_length=50, description="Schools told of the absence")
    kind: AbsenceKind = Field(description="Annual leave, sickness or other")
    starts_on: dt.date = Field(description="First day of absence")
    ends_on: dt.date = Field(description="Last day of absence (inclusive)")
    notified_at: dt.datetime = Field(description="When the school was told")
    notice_days: int = Field(description="Days between notice and absence")
    minimum_notice_days: int = Field(ge=0, description="Notice the borough asks for")
    late_notice: bool = Field(description="Told with less than the minimum notice")


class _AbstractionEvent(EventPayload):
    abstraction_id: AggregateId
    roster_id: AggregateId
    officer_id: OfficerId
    borough: Borough
    school_ids: list[SchoolId] = Field(
        max_length=50, description="Schools that lost the officer's time"
    )
    term: Term
    shift_date: dt.date = Field(description="Day of the shift abstracted from")
    hours: Hours
    category: AbstractionCategory = Field(description="Metropolitan Police category")
    authorised_by: OfficerId = Field(description="Officer who authorised it")


@register
class OfficerAbstracted(_AbstractionEvent):
    """An officer was taken off school duty for some or all of a shift."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.officer_abstracted.v1"
    topic: ClassVar[str] = ABSTRACTIONS

    rank: Rank = Field(description="Rank of the officer")
    shift_hours: float = Field(gt=0, description="Planned hours of the shift")
    exceptional: bool = Field(description="Exceptional circumstance or major emergency")
    ring_fenced: bool = Field(description="The officer was ring-fenced that day")
    school_notified_at: dt.datetime | None = Field(description="When the school was told")


@register
class RingFenceBreached(_AbstractionEvent):
    """A ring-fenced officer was abstracted without an exceptional circumstance."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.ring_fence_breached.v1"
    topic: ClassVar[str] = ABSTRACTIONS

    ring_fenced_from: dt.date = Field(description="Start of the ring-fence breached")
